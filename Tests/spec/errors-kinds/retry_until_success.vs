# retry() calls again after an error of a retried code, and returns the result of the success.
var calls = 0
let v = retry(fn() {
    calls += 1
    if calls < 3 { throw error("BUSY", "the gateway is busy (attempt ${calls})") }
    return "done after ${calls}"
}, times: 5, backoff: 1ms)
print(v, calls)  # expect: done after 3 3
