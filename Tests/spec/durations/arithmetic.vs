print(1m + 30s, 1h - 1m, 30s * 2, 2 * 30s, 1m / 4)  # expect: 1m30s 59m 1m 1m 15s
print(1m / 30s, 1m * 1.5)  # expect: 2.0 1m30s
print(5s > 4999ms, 1h == 60m, -(5s))  # expect: true true -5s
print((90s).seconds, (1500ms).milliseconds, (90s).minutes)  # expect: 90.0 1500 1.5
