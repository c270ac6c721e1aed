;; A guest linked with `--import-memory` imports its linear memory as env.memory; the runtime
;; shim provides it with the import's own limits (1 page, max 2). Data segments land in it,
;; it grows to its declared maximum and no further, and the grown page is usable.
;; expect-output: 2a000000 01000000 ffffffff 02000000 07000000
(module
  (import "zisk" "commit_i32" (func $commit (param i32)))
  (import "env" "memory" (memory 1 2))
  (data (i32.const 100) "\2a")
  (func (export "_start")
    (call $commit (i32.load8_u (i32.const 100)))
    (call $commit (memory.grow (i32.const 1)))
    (call $commit (memory.grow (i32.const 1)))
    (call $commit (memory.size))
    (i32.store (i32.const 0x1fffc) (i32.const 7))
    (call $commit (i32.load (i32.const 0x1fffc)))))
