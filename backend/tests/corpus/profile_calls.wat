;; Direct, indirect and mutually recursive calls (static and dynamic frames) under one hot
;; function, so a profiling build's call stack can be followed through every kind of call and
;; return. (ziskemu's tracker cannot tell a self-recursive return from a jump, so `$fib`
;; recurses through `$fib_step`.)
;; expect-output: 24010000 37000000
(module
  (import "zisk" "commit_i32" (func $commit (param i32)))
  (type $unary (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $square $double)
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  (func $double (type $unary) (i32.add (local.get 0) (local.get 0)))
  ;; sum over i < n of table[i % 2](i)
  (func $hot_loop (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc)
          (call_indirect (type $unary) (local.get $i) (i32.rem_u (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib_step (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib_step (i32.sub (local.get $n) (i32.const 2)))))))
  (func $fib_step (param $n i32) (result i32) (call $fib (local.get $n)))
  (func (export "_start")
    (call $commit (call $hot_loop (i32.const 12)))
    (call $commit (call $fib (i32.const 10)))))
