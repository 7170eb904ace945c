fail("stopped", code: 0)
# expect error: fail(): code must be an exit code from 1 to 255, not 0
