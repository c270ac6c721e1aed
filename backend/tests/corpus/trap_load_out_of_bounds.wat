;; A load that ends one byte past the memory traps, also after memory.grow moved the bound.
;; expect-trap: out of bounds memory access
(module
  (import "zisk" "exit" (func $exit (param i32)))
  (memory 1)
  (func $load (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "_start")
    (drop (call $load (i32.const 65528)))
    (drop (memory.grow (i32.const 1)))
    (drop (call $load (i32.const 131064)))
    (drop (call $load (i32.const 131065)))
    (call $exit (i32.const 1))))
