;; An active data segment that does not fit makes instantiation trap.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (data (i32.const 65535) "ab")
  (func (export "_start")))
