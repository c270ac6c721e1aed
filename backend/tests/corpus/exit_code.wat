;; zisk.exit with a nonzero code fails the run with that code; what was committed before
;; does not matter.
;; expect-exit: 7
(module
  (import "zisk" "exit" (func $exit (param i32)))
  (import "zisk" "commit_i32" (func $commit (param i32)))
  (func $code (param i32) (result i32) (i32.add (local.get 0) (i32.const 4)))
  (func (export "_start") (call $commit (i32.const 1)) (call $exit (call $code (i32.const 3))) (call $commit (i32.const 2))))
