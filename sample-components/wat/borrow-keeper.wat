;; borrow-keeper.wat -- exports `example:leak/keeper@0.1.0`, whose `keep` takes a borrowed
;; `wasi:io/streams` output-stream and returns without dropping it. The component model allows
;; a borrow only for the call that lends it, so every call of `keep` must trap ("borrow handles
;; still remain at the end of the call"), linked or fused.
(component
  (import "wasi:io/streams@0.2.12" (instance $streams
    (export "output-stream" (type (sub resource)))
  ))
  (alias export $streams "output-stream" (type $output-stream))
  (core module $keeper
    ;; Receives a borrowed stream handle and returns without dropping it.
    (func (export "keep") (param i32))
  )
  (core instance $i (instantiate $keeper))
  (func $keep (param "stream" (borrow $output-stream)) (canon lift (core func $i "keep")))
  (component $api
    (import "output-stream" (type $s (sub resource)))
    (import "keep-impl" (func $k (param "stream" (borrow $s))))
    (export $s2 "output-stream" (type $s))
    (export "keep" (func $k) (func (param "stream" (borrow $s2))))
  )
  (instance $keeper (instantiate $api
    (with "output-stream" (type $output-stream))
    (with "keep-impl" (func $keep))
  ))
  (export "example:leak/keeper@0.1.0" (instance $keeper))
)
