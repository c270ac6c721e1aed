;; i64.rem_s by zero traps (MIN rem -1 does not: it is 0).
;; expect-trap: integer divide by zero
(module
  (import "zisk" "exit" (func $exit (param i32)))
  (func $rem (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "_start")
    (if (i64.ne (call $rem (i64.const 0x8000000000000000) (i64.const -1)) (i64.const 0)) (then (call $exit (i32.const 1))))
    (drop (call $rem (i64.const 5) (i64.const 0)))))
