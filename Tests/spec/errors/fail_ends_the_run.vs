# fail() ends the run: its message on standard error, no traceback, the exit code given.
print("before")  # expect: before
fail("no cluster capi-cluster: run lab-setup.vs first", code: 3)
print("never")
# expect error: no cluster capi-cluster: run lab-setup.vs first
# expect exit: 3
