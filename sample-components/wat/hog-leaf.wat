;; hog-leaf.wat -- memory hog, last node of the leaf -> middle -> app chain.
;;
;; Exports `example:hog/grab@0.1.0` with `grab: func(mib: u32) -> u32` and
;; imports nothing. `grab(mib)` grows its own linear memory by `mib` MiB
;; (16 pages of 64 KiB per MiB), fills the new region with byte 1 so it is
;; resident, and returns `mib`. A refused growth traps (`unreachable`).
;;
;; Alone it is harmless; wired under hog-middle and hog-app (100 MiB each) the
;; linked run holds 300 MiB while no single node exceeds 100 MiB. To survive the
;; chain a host must sum memory across all nodes of a linked run.
(component
  (core module $m
    (memory 0)
    (func (export "grab") (param $mib i32) (result i32)
      (local $old i32)
      ;; 4096 MiB would be the whole 32-bit space and overflow the byte count
      (if (i32.ge_u (local.get $mib) (i32.const 4096)) (then unreachable))
      ;; grow by mib * 16 pages; old size in pages, or -1 if refused
      (local.set $old (memory.grow (i32.mul (local.get $mib) (i32.const 16))))
      (if (i32.eq (local.get $old) (i32.const -1)) (then unreachable))
      ;; fill [old * 64 KiB, + mib * 1 MiB) with 1
      (memory.fill
        (i32.mul (local.get $old) (i32.const 65536))
        (i32.const 1)
        (i32.mul (local.get $mib) (i32.const 1048576)))
      (local.get $mib)))
  (core instance $i (instantiate $m))
  ;; u32 param and result are plain i32 in core: no memory/realloc options needed
  (func $grab (param "mib" u32) (result u32) (canon lift (core func $i "grab")))
  (instance $hog (export "grab" (func $grab)))
  (export "example:hog/grab@0.1.0" (instance $hog)))
