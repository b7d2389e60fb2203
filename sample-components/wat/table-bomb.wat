;; table-bomb.wat -- hostile command component: unbounded funcref table growth.
;;
;; Exports `wasi:cli/run@0.2.0` (`run: func() -> result`) and imports nothing.
;; `run` loops forever, each iteration asking `table.grow` for 16,777,216 more
;; funcref elements (2^24; ~128 MiB of host memory per step at 8 bytes/element).
;; When the host refuses, `table.grow` returns -1; the result is ignored and the
;; loop simply tries again, so the call never returns on its own.
;;
;; To survive it a host must cap table elements per store (e.g. wasmtime
;; `StoreLimits::table_elements`) AND make a refused growth trap
;; (`trap_on_grow_failure`) or interrupt the guest (fuel / epoch deadline /
;; timeout). A cap alone turns it into a busy loop; no cap exhausts the host.
(component
  (core module $m
    (table $t 0 funcref)
    (func (export "run") (result i32)
      (loop $again (result i32)
        ;; grow by 2^24 null refs; -1 (refused) or the old size -- either way drop it
        (drop (table.grow $t (ref.null func) (i32.const 16777216)))
        (br $again))))
  (core instance $i (instantiate $m))
  ;; `result` with no payloads lifts from a single i32 (0 = ok, 1 = err)
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $cli-run (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $cli-run)))
