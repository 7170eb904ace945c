var n = 0
let v = wait(until: fn() { n += 1; if n >= 3 { "ready" } else { nil } }, every: 1ms)
print(v, n)  # expect: ready 3
wait(until: fn() { false }, timeout: 20ms, every: 5ms)
# expect error: error[timeout]: timed out after 20ms waiting for the condition
# expect error: raise timeout: if it is just slow
# expect exit: 1
