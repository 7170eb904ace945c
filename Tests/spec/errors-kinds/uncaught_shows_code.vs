# An uncaught error shows its code, the name a catch would take it by.
wait(until: fn() { false }, timeout: 10ms, every: 5ms)
# expect error: error[timeout]: timed out after 10ms waiting for the condition (TIMEOUT)
# expect exit: 1
