print(int("42"), int(" 7 "), int(3.9), int(-3.9), int(true), int("ff", 16), int("1_000"))  # expect: 42 7 3 -3 1 255 1000
print(float("2.5"), float(3), float(1500ms))  # expect: 2.5 3.0 1.5
print(bool(""), bool("x"), bool(0), bool([0]))  # expect: false true false true
print(str(2.0), str(90s))  # expect: 2.0 1m30s
