;; call_indirect through an empty table slot traps.
;; expect-trap: uninitialized element
(module
  (type $t (func (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $f)
  (func $f (type $t) (i32.const 1))
  (func $call (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
  (func (export "_start") (drop (call $call (i32.const 0))) (drop (call $call (i32.const 2)))))
