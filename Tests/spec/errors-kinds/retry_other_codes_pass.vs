# An error not named in on: is not retried: it goes on at once.
var calls = 0
try {
    retry(fn() { calls += 1; throw error("NOT_FOUND", "no org") }, on: ["BUSY", "CONFLICT"], backoff: 1ms)
} catch err {
    print(calls, err.code)  # expect: 1 NOT_FOUND
}
var n = 0
print(retry(fn() { n += 1; if n == 1 { throw error("CONFLICT", "dup") }; n }, on: "CONFLICT", backoff: 0s))  # expect: 2
try { retry(fn() { [1][2] }, backoff: 0s) } catch e { print(e.kind) }  # expect: index
