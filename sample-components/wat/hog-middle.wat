;; hog-middle.wat -- memory hog, middle node of the leaf -> middle -> app chain.
;;
;; Imports AND exports `example:hog/grab@0.1.0` (`grab: func(mib: u32) -> u32`).
;; Its `grab(mib)` grows its own linear memory by `mib` MiB (16 pages per MiB),
;; fills the new region with byte 1, traps if growth is refused, then calls the
;; imported `grab(mib)` and returns `mib` + that result.
;;
;; Plug hog-leaf into its import and plug it into hog-app: together 300 MiB,
;; each node at most 100 MiB. A host must sum memory across all linked nodes.
(component
  (import "example:hog/grab@0.1.0" (instance $next
    (export "grab" (func (param "mib" u32) (result u32)))))
  ;; lower the imported grab to a core (i32) -> i32 function
  (core func $next-grab (canon lower (func $next "grab")))
  (core instance $imports (export "grab" (func $next-grab)))
  (core module $m
    (import "next" "grab" (func $next-grab (param i32) (result i32)))
    (memory 0)
    (func (export "grab") (param $mib i32) (result i32)
      (local $old i32)
      (if (i32.ge_u (local.get $mib) (i32.const 4096)) (then unreachable))
      ;; grow by mib * 16 pages; old size in pages, or -1 if refused
      (local.set $old (memory.grow (i32.mul (local.get $mib) (i32.const 16))))
      (if (i32.eq (local.get $old) (i32.const -1)) (then unreachable))
      ;; fill [old * 64 KiB, + mib * 1 MiB) with 1
      (memory.fill
        (i32.mul (local.get $old) (i32.const 65536))
        (i32.const 1)
        (i32.mul (local.get $mib) (i32.const 1048576)))
      ;; mib + next.grab(mib)
      (i32.add (local.get $mib) (call $next-grab (local.get $mib)))))
  (core instance $i (instantiate $m (with "next" (instance $imports))))
  (func $grab (param "mib" u32) (result u32) (canon lift (core func $i "grab")))
  (instance $hog (export "grab" (func $grab)))
  (export "example:hog/grab@0.1.0" (instance $hog)))
