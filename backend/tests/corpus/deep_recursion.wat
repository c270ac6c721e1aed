;; Recursion 20,000 calls deep fits the stack and returns the right sum.
;; expect-output: 10e9eb0b
(module
  (import "zisk" "commit_i32" (func $commit (param i32)))
  (func $sum (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (local.get 0) (call $sum (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "_start") (call $commit (call $sum (i32.const 20000)))))
