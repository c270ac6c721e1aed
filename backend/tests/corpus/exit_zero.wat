;; zisk.exit(0) ends the run successfully with what was committed, nothing after it runs. The
;; code reaches the shim as a value (not a constant), the path that used to halt with code 1
;; (its branch around the halt landed on it).
;; expect-output: 2a000000
(module
  (import "zisk" "exit" (func $exit (param i32)))
  (import "zisk" "commit_i32" (func $commit (param i32)))
  (func (export "_start") (call $commit (i32.const 42)) (call $exit (i32.const 0)) (call $commit (i32.const 7))))
