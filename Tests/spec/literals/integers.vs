print(42)  # expect: 42
print(0x2A)  # expect: 42
print(0xff_ff)  # expect: 65535
print(1_000_000)  # expect: 1000000
print(-17)  # expect: -17
print(9223372036854775807)  # expect: 9223372036854775807
print(-9223372036854775807 - 1)  # expect: -9223372036854775808
print(type(1))  # expect: int
print(0o600)  # expect: 384
print(0o7_55)  # expect: 493
print(0b1010)  # expect: 10
