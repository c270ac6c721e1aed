;; Element segments are applied before data segments: an element segment past the end of
;; the table traps with the table's message even though a data segment is out of bounds too.
;; expect-trap: out of bounds table access
(module
  (memory 1)
  (table 2 funcref)
  (func $f)
  (elem (i32.const 0) $f $f)
  (elem (i32.const 1) $f $f)
  (data (i32.const -32) "never written")
  (func (export "_start") unreachable))
