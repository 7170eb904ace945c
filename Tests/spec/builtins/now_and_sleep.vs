let t0 = now()
sleep(10ms)
print(type(t0), now() >= t0)  # expect: float true
