assert(false)
# expect error: assertion failed
