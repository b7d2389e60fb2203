;; hog-app.wat -- memory hog, root (command) of the leaf -> middle -> app chain.
;;
;; Imports `example:hog/grab@0.1.0` (`grab: func(mib: u32) -> u32`) and exports
;; `wasi:cli/run@0.2.0` (`run: func() -> result`). `run` grows its own linear
;; memory by 100 MiB (1,600 pages), fills it with byte 1, traps if growth is
;; refused, calls the imported `grab(100)` and returns ok.
;;
;; Composed with hog-middle and hog-leaf the run holds 300 MiB with no node over
;; 100 MiB: a host must sum memory across all nodes of a linked run. Run alone,
;; the `example:hog/grab` import is unsatisfied and must be refused.
(component
  (import "example:hog/grab@0.1.0" (instance $hog
    (export "grab" (func (param "mib" u32) (result u32)))))
  (core func $grab (canon lower (func $hog "grab")))
  (core instance $imports (export "grab" (func $grab)))
  (core module $m
    (import "hog" "grab" (func $grab (param i32) (result i32)))
    (memory 0)
    (func (export "run") (result i32)
      ;; memory starts empty: grow by 100 MiB = 1600 pages, region is [0, 100 MiB)
      (if (i32.eq (memory.grow (i32.const 1600)) (i32.const -1)) (then unreachable))
      (memory.fill (i32.const 0) (i32.const 1) (i32.const 104857600))
      (drop (call $grab (i32.const 100)))
      (i32.const 0)))  ;; result::ok
  (core instance $i (instantiate $m (with "hog" (instance $imports))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $cli-run (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $cli-run)))
