let t = 1000000000d
# expect error: duration 1000000000d is too large
