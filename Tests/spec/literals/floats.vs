print(3.5)  # expect: 3.5
print(1.0)  # expect: 1.0
print(2.5e2)  # expect: 250.0
print(1e3)  # expect: 1000.0
print(1.5e-3)  # expect: 0.0015
print(-0.25)  # expect: -0.25
print(type(1.0))  # expect: float
print(0.1 + 0.2 == 0.3)  # expect: false
