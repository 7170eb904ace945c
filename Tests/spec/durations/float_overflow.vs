# Scaling a duration by a float past the largest duration is an error, not a crash.
for f in [fn() { 1e18 * 30s }, fn() { 30s / 1e-300 }, fn() { 1s * float("nan") }, fn() { duration(1e300) }, fn() { duration(9223372036854775807) }, fn() { sleep(9223372036854775807) }] {
    try { print(f()) } catch e { print(e.kind) }
}
# expect: arithmetic
# expect: arithmetic
# expect: arithmetic
# expect: value
# expect: value
# expect: value
let smallest = -4611686018427387904ns * 2
print(smallest < 0s)  # expect: true
try { print(-smallest) } catch e { print(e.message) }  # expect: integer overflow in -
try { print(smallest / -1) } catch e { print(e.message) }  # expect: integer overflow in /
