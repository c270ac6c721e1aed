;; An active data segment past the end of memory makes instantiation trap before `_start`
;; runs (else `unreachable`). The segment after it would lie outside ZisK's RAM if it were
;; laid out (ziskemu's loader would refuse the ELF): it must not be.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (data (i32.const 0) "ok")
  (data (i32.const 0xffff) "ab")
  (data (i32.const -32) "never written")
  (func (export "_start") unreachable))
