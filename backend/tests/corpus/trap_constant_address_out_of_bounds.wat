;; Accesses at constant addresses (index 0, the address in the offset): those inside the
;; minimum memory need no check at all (local_cse deletes it), one past the grown memory still
;; traps.
;; expect-trap: out of bounds memory access
(module
  (import "zisk" "exit" (func $exit (param i32)))
  (memory 2 4)
  (func (export "_start")
    (i64.store offset=131064 (i32.const 0) (i64.const 7))
    (drop (i64.load offset=131064 (i32.const 0)))
    (drop (memory.grow (i32.const 1)))
    (drop (i64.load offset=196600 (i32.const 0)))
    (drop (i64.load offset=196601 (i32.const 0)))
    (call $exit (i32.const 1))))
