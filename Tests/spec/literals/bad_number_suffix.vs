let t = 5x
# expect error: unknown number suffix "x"
# expect error: durations take one of the units
