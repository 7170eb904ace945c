# The compiler computes small shapes in place: a call's argument `local ± literal`, a guard
# `if local < literal { return local }` at the top of a body. Values that are not integers, and
# integers that overflow, take the general operators: same results, same errors.
fn fib(n) {
    if n < 2 { return n }
    return fib(n - 1) + fib(n - 2)
}
print(fib(20))  # expect: 6765
# Floats go through the general comparison and arithmetic.
print(fib(6.0))  # expect: 8.0
# The guard may return another local, and both arguments of a two-argument call are fused.
fn sum(a, acc) {
    if a == 0 { return acc }
    return sum(a - 1, acc + a)
}
print(sum(100, 0))  # expect: 5050
# An argument that overflows is the general path's error, at the argument.
fn id(x) { x }
fn next(n) { id(n + 1) }
var kind = ""
try { next(9223372036854775807) } catch e { kind = "${e.kind}: ${e.message}" }
print(kind)  # expect: arithmetic: integer overflow in +
# A guard comparing a string with an integer is a type error, as anywhere else.
try { fib("x") } catch e { kind = "${e.kind}: ${e.message}" }
print(kind)  # expect: type: cannot compare string and int (operator <)
# `f(a) + g(b)` and `f(a) - g(b)` enter both calls directly; other values take the general operator.
fn sq(x) { x * x }
fn same(x) { x }
print(sq(5) - sq(3), same("a") + same("b"), same(1.5) + same(1))  # expect: 16 ab 2.5
try { same(9223372036854775807) + same(1) } catch e { kind = "${e.kind}: ${e.message}" }
print(kind)  # expect: arithmetic: integer overflow in +
# A global variable holding a function is no top-level `fn`: the general call takes it.
var twice = fn(x) { x * 2 }
print(twice(1) + twice(2), twice(5) - same(3))  # expect: 6 7
# An error in the second call comes out of it with its traceback, the stack as it was.
fn fails(x) { x / 0 }
try { same(1) + fails(2) } catch e { kind = e.kind }
print(kind, same(7) - same(2))  # expect: arithmetic 5
# A local that is nil in the argument: the general subtraction reports it.
fn back(n) { id(n - 1) }
back(nil)
# expect error: error[type]: cannot subtract nil and int (operator -)
# expect error: fused_shapes.vs:40:19 in back
# expect exit: 1
