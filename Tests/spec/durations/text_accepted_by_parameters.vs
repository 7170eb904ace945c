# A duration parameter (timeout:, every:, sleep, retry's backoff) takes a duration, seconds, or
# text such as "30m" (what a parameter or a config file gives); anything else is a clear error.
sleep("1ms")
print(wait(until: fn() { 1 }, timeout: "2m", every: "1s"))  # expect: 1
try { sleep("soon") } catch e { print(e.message) }  # expect: sleep(): argument duration must be a duration such as 30s, 5m or "1h30m", not "soon"
try { wait(until: fn() { 1 }, timeout: "10 minutes") } catch e { print(e.message) }  # expect: wait(): argument timeout must be a duration such as 30s, 5m or "1h30m", not "10 minutes"
try { sleep([1]) } catch e { print(e.message) }  # expect: sleep(): argument duration must be a duration such as 30s, not list
