;; `unreachable` traps.
;; expect-trap: unreachable
(module (func (export "_start") unreachable))
