;; Store-to-load forwarding (`forward_memory.rs`): a load right after a store of the same
;; location takes the stored value, and everything that may write the location in between
;; stops that: a store through another pointer to the same bytes, a narrower store into the
;; middle, a store at `p + k` computed in i32, a call. A global store does not.
;; expect-output: 0d000000
(module
  (import "zisk" "exit" (func $exit (param i32)))
  (import "zisk" "commit_i32" (func $commit (param i32)))
  (memory 1)
  (global $n (mut i32) (i32.const 0))
  (global $g (mut i64) (i64.const 0))
  (func $ck (param i64 i64)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i64.ne (local.get 0) (local.get 1)) (then (call $exit (global.get $n)))))
  (func $clobber (param $p i32) (i64.store (local.get $p) (i64.const 77)))
  ;; The same location under two pointers.
  (func $aliased (param $p i32) (param $q i32) (result i64)
    (i64.store (local.get $p) (i64.const 1))
    (i64.store (local.get $q) (i64.const 2))
    (i64.load (local.get $p)))
  ;; A byte stored into the middle of a remembered word.
  (func $narrow (param $p i32) (result i64)
    (i64.store offset=8 (local.get $p) (i64.const 0))
    (i64.store8 offset=11 (local.get $p) (i64.const 0xab))
    (i64.load offset=8 (local.get $p)))
  ;; `p + 16` in i32 arithmetic is the location at offset 16 of `p`.
  (func $added (param $p i32) (result i64)
    (i64.store offset=16 (local.get $p) (i64.const 5))
    (i64.store (i32.add (local.get $p) (i32.const 16)) (i64.const 6))
    (i64.load offset=16 (local.get $p)))
  ;; Neighbouring words stay; the global store cannot touch linear memory.
  (func $neighbours (param $p i32) (result i64)
    (i64.store (local.get $p) (i64.const 10))
    (i64.store offset=8 (local.get $p) (i64.const 20))
    (global.set $g (i64.const 99))
    (i64.add (i64.load (local.get $p)) (i64.load offset=8 (local.get $p))))
  ;; A call may write anything.
  (func $called (param $p i32) (result i64)
    (i64.store (local.get $p) (i64.const 3))
    (call $clobber (local.get $p))
    (i64.load (local.get $p)))
  ;; An i32 store, then an i64 load over it and its neighbour (different types: read).
  (func $mixed (param $p i32) (result i64)
    (i64.store (local.get $p) (i64.const -1))
    (i32.store offset=4 (local.get $p) (i32.const 0))
    (i64.load (local.get $p)))
  ;; An i32 value stored and reloaded keeps its 32 bits.
  (func $word (param $p i32) (param $x i32) (result i64)
    (i32.store (local.get $p) (i32.add (local.get $x) (i32.const 1)))
    (i64.extend_i32_u (i32.load (local.get $p))))
  ;; Forwarded through a block boundary with one predecessor, not across a join.
  (func $blocks (param $p i32) (param $c i32) (result i64)
    (i64.store (local.get $p) (i64.const 4))
    (if (local.get $c) (then (i64.store (local.get $p) (i64.const 8))))
    (i64.load (local.get $p)))
  (func (export "_start")
    (call $ck (call $aliased (i32.const 64) (i32.const 64)) (i64.const 2))
    (call $ck (call $narrow (i32.const 64)) (i64.const 0xab000000))
    (call $ck (call $added (i32.const 64)) (i64.const 6))
    (call $ck (call $neighbours (i32.const 64)) (i64.const 30))
    (call $ck (global.get $g) (i64.const 99))
    (call $ck (call $called (i32.const 64)) (i64.const 77))
    (call $ck (call $mixed (i32.const 64)) (i64.const 0xffffffff))
    (call $ck (call $word (i32.const 64) (i32.const -1)) (i64.const 0))
    (call $ck (call $word (i32.const 64) (i32.const 41)) (i64.const 42))
    (call $ck (call $blocks (i32.const 64) (i32.const 0)) (i64.const 4))
    (call $ck (call $blocks (i32.const 64) (i32.const 1)) (i64.const 8))
    (call $ck (call $aliased (i32.const 64) (i32.const 72)) (i64.const 1))
    (call $ck (call $added (i32.const 128)) (i64.const 6))
    (call $commit (global.get $n))))
