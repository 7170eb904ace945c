print(500ms, 30s, 5m, 2h, 1d)  # expect: 500ms 30s 5m 2h 1d
print(90s, 3600s, 1.5h, 0s)  # expect: 1m30s 1h 1h30m 0s
print(250us, 10ns, 1500ms)  # expect: 250us 10ns 1.5s
print(-5s, type(1s))  # expect: -5s duration
