print(duration("1h30m"), duration("90s"), duration("250ms"), duration(45), duration(1.5))  # expect: 1h30m 1m30s 250ms 45s 1.5s
print(int(90s), float(90s))  # expect: 90 90.0
