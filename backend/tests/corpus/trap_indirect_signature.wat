;; call_indirect with the wrong signature traps.
;; expect-trap: indirect call type mismatch
(module
  (type $t (func (result i32)))
  (type $u (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $f $g)
  (func $f (type $t) (i32.const 1))
  (func $g (type $u) (local.get 0))
  (func $call (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
  (func (export "_start") (drop (call $call (i32.const 0))) (drop (call $call (i32.const 1)))))
