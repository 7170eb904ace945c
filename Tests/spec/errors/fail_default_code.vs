fail("stopped")
# expect error: stopped
# expect exit: 1
