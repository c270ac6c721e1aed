;; A store at `p + 16` computed in i32 wraps to address 8; the load at offset 16 of the same
;; `p` lies past 4 GiB. Forwarding (`forward_memory.rs`) must not hand the load the stored
;; value: its own bounds check traps.
;; expect-trap: out of bounds memory access
(module
  (import "zisk" "commit_i32" (func $commit (param i32)))
  (memory 1)
  (func $wrapped (param $p i32) (result i64)
    (i64.store (i32.add (local.get $p) (i32.const 16)) (i64.const 6))
    (i64.load offset=16 (local.get $p)))
  (func (export "_start")
    (call $commit (i32.wrap_i64 (call $wrapped (i32.const -8))))))
