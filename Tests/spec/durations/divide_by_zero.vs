print(1m / 0s)
# expect error: division by a zero duration
