import "./_lib/mathlib.vs" as m
print(m.add(2, 3), m.pi, m.area(2))
# expect: mathlib loaded
# expect: 5 3 12
print(type(m))  # expect: module
