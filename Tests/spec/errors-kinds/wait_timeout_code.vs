# wait() that runs out of time raises TIMEOUT, as a cloud wait does.
try {
    wait(until: fn() { false }, timeout: 10ms, every: 5ms)
} catch TIMEOUT as e {
    print(e.code, e.kind)
}
# expect: TIMEOUT timeout
