;; Dispatch through a table: structurally equal types from different type indices match,
;; start functions run before _start, globals keep their values.
;; expect-output: 0b000000 1e000000 0c000000 63000000
(module
  (import "zisk" "commit_i32" (func $commit (param i32)))
  (type $t1 (func (param i32) (result i32)))
  (type $t2 (func (param i32) (result i32)))
  (global $g (mut i32) (i32.const 90))
  (global $k i32 (i32.const 9))
  (table 3 funcref)
  (elem (i32.const 0) $inc $triple $dec)
  (func $inc (type $t1) (i32.add (local.get 0) (i32.const 1)))
  (func $triple (type $t2) (i32.mul (local.get 0) (i32.const 3)))
  (func $dec (type $t1) (i32.sub (local.get 0) (i32.const 1)))
  (func $apply (param i32 i32) (result i32) (call_indirect (type $t2) (local.get 1) (local.get 0)))
  (func $init (global.set $g (i32.add (global.get $g) (global.get $k))))
  (start $init)
  (func (export "_start")
    (call $commit (call $apply (i32.const 0) (i32.const 10)))
    (call $commit (call $apply (i32.const 1) (i32.const 10)))
    (call $commit (call $apply (i32.const 0) (call $apply (i32.const 2) (i32.const 12))))
    (call $commit (global.get $g))))
