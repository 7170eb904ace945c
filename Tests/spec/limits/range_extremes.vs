# Ranges near the ends of the integers are errors where their size cannot be counted, never a crash.
let lo = -9223372036854775807 - 1
let hi = 9223372036854775807
for f in [fn() { len(lo..<hi) }, fn() { (lo..<hi).count }, fn() { (lo..<hi)[5] }, fn() { list(lo..<hi) },
          fn() { sum(lo..<hi) }, fn() { range(lo, hi, 2) }, fn() { enumerate([1], hi) }, fn() { int(-9.25e18) }] {
    try { print(f()) } catch e { print(e.kind) }
}
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
# expect: arithmetic
# expect: value
print(int(-9223372036854775808.0) == lo)  # expect: true
print((hi - 2..<hi).count, (hi - 2..<hi)[-1], len(lo..<lo + 3))  # expect: 2 9223372036854775806 3
print(range(0, 10, lo), range(10, 0, lo), range(hi - 1, hi, hi))  # expect: [] [10] [9223372036854775806]
print("a,b,c".split(",", limit: hi))  # expect: ["a", "b", "c"]
print(enumerate(["a"], hi))
# expect error: enumerate(): start 9223372036854775807 is too large
