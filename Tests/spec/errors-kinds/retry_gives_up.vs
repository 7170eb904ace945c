# After the last attempt the error goes on, saying how many attempts were made.
var calls = 0
try {
    retry(fn() { calls += 1; throw error("UNAVAILABLE", "site away") }, times: 3, backoff: 1ms, factor: 1)
} catch UNAVAILABLE as e {
    print(calls, e.message, e.hint)  # expect: 3 site away retry() made 3 attempts
}
