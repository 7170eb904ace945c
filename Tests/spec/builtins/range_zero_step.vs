range(0, 10, 0)
# expect error: range(): step must not be zero
