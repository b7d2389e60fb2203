;; many-memories.wat -- hostile command component: 8 linear memories, 1.5 GiB total.
;;
;; Exports `wasi:cli/run@0.2.0` (`run: func() -> result`) and imports nothing.
;; One core module declares eight memories (multi-memory). `run` grows each by
;; 3,072 pages (3,072 * 64 KiB = 192 MiB) and fills the grown region with byte 1
;; (`memory.fill`) so every page is really resident, then returns ok. A refused
;; growth (`memory.grow` = -1) traps via `unreachable`.
;;
;; Each memory stays under a 256 MiB per-memory limit, but the eight together
;; hold 8 * 192 MiB = 1,536 MiB. A host that only limits each memory separately
;; lets it through; to survive it a host must sum linear-memory size across all
;; memories of the instance/store (e.g. a `ResourceLimiter` tracking a total).
(component
  (core module $m
    (memory $m0 0) (memory $m1 0) (memory $m2 0) (memory $m3 0)
    (memory $m4 0) (memory $m5 0) (memory $m6 0) (memory $m7 0)
    (func (export "run") (result i32)
      ;; every memory starts empty, so the grown region is [0, 192 MiB)
      ;; grow by 3072 pages; trap if refused; fill 201,326,592 bytes (192 MiB) with 1
      (if (i32.eq (memory.grow $m0 (i32.const 3072)) (i32.const -1)) (then unreachable))
      (memory.fill $m0 (i32.const 0) (i32.const 1) (i32.const 201326592))
      (if (i32.eq (memory.grow $m1 (i32.const 3072)) (i32.const -1)) (then unreachable))
      (memory.fill $m1 (i32.const 0) (i32.const 1) (i32.const 201326592))
      (if (i32.eq (memory.grow $m2 (i32.const 3072)) (i32.const -1)) (then unreachable))
      (memory.fill $m2 (i32.const 0) (i32.const 1) (i32.const 201326592))
      (if (i32.eq (memory.grow $m3 (i32.const 3072)) (i32.const -1)) (then unreachable))
      (memory.fill $m3 (i32.const 0) (i32.const 1) (i32.const 201326592))
      (if (i32.eq (memory.grow $m4 (i32.const 3072)) (i32.const -1)) (then unreachable))
      (memory.fill $m4 (i32.const 0) (i32.const 1) (i32.const 201326592))
      (if (i32.eq (memory.grow $m5 (i32.const 3072)) (i32.const -1)) (then unreachable))
      (memory.fill $m5 (i32.const 0) (i32.const 1) (i32.const 201326592))
      (if (i32.eq (memory.grow $m6 (i32.const 3072)) (i32.const -1)) (then unreachable))
      (memory.fill $m6 (i32.const 0) (i32.const 1) (i32.const 201326592))
      (if (i32.eq (memory.grow $m7 (i32.const 3072)) (i32.const -1)) (then unreachable))
      (memory.fill $m7 (i32.const 0) (i32.const 1) (i32.const 201326592))
      (i32.const 0)))  ;; result::ok
  (core instance $i (instantiate $m))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $cli-run (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $cli-run)))
