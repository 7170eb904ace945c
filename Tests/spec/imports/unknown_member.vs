import "./_lib/mathlib.vs" as m
print(m.ad(1, 2))
# expect: mathlib loaded
# expect error: module has no member ad
# expect error: did you mean "add"?
