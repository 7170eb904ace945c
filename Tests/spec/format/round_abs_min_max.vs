print(round(2.5), round(-2.5), round(3.14159, 2), round(1234, -2), round(7))  # expect: 3 -3 3.14 1200.0 7
print(abs(-3), abs(2.5), abs(-90s), min(3, 1, 2), max([1.5, 4, 2]))  # expect: 3 2.5 1m30s 1 4
try { round("x") } catch e { print(e.message) }  # expect: round() takes a number, not string
try { abs([1]) } catch e { print(e.message) }  # expect: abs() takes a number or a duration, not list
try { round(1.0, 20) } catch e { print(e.message) }  # expect: round(): digits must be from -15 to 15, not 20
try { round(1e300) } catch e { print(e.message) }  # expect: round(): 1e+300 is too large for an int
try { abs(-9223372036854775807 - 1) } catch e { print(e.message) }  # expect: abs(): -9223372036854775808 has no positive int
try { round(float("nan")) } catch e { print(e.message) }  # expect: round(): nan cannot be rounded
