;; borrow-leaker.wat -- a command (`wasi:cli/run@0.2.12`) that lends its stdout stream to
;; `example:leak/keeper@0.1.0`'s `keep` (borrow-keeper.wat keeps the borrow past the call).
(component
  (import "wasi:io/streams@0.2.12" (instance $streams
    (export "output-stream" (type (sub resource)))
  ))
  (alias export $streams "output-stream" (type $output-stream))
  (import "wasi:cli/stdout@0.2.12" (instance $stdout
    (alias outer 1 $output-stream (type $os))
    (export "output-stream" (type $stream (eq $os)))
    (export "get-stdout" (func (result (own $stream))))
  ))
  (import "example:leak/keeper@0.1.0" (instance $keeper
    (alias outer 1 $output-stream (type $os))
    (export "output-stream" (type $stream (eq $os)))
    (export "keep" (func (param "stream" (borrow $stream))))
  ))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $keep (canon lower (func $keeper "keep")))
  (core module $leaker
    (import "host" "get-stdout" (func $get (result i32)))
    (import "host" "keep" (func $keep (param i32)))
    ;; Lends stdout to the keeper, which returns without giving the borrow back.
    (func (export "run") (result i32)
      (call $keep (call $get))
      (i32.const 0))
  )
  (core instance $host
    (export "get-stdout" (func $get-stdout))
    (export "keep" (func $keep)))
  (core instance $i (instantiate $leaker (with "host" (instance $host))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $cli-run (export "run" (func $run)))
  (export "wasi:cli/run@0.2.12" (instance $cli-run))
)
