;; A store at a huge address (beyond any memory) traps and writes nothing.
;; expect-trap: out of bounds memory access
(module
  (memory 1 1)
  (func $store (param i32) (i32.store8 (local.get 0) (i32.const 1)))
  (func (export "_start") (call $store (i32.const 65535)) (call $store (i32.const -1))))
