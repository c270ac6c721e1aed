;; An accelerator's range outside linear memory traps as an out-of-bounds access would.
;; expect-trap: out of bounds memory access
(module
  (import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))
  (memory 1)
  (func (export "_start")
    (call $keccak (i32.const 0xfff0) (i32.const 32) (i32.const 0))))
