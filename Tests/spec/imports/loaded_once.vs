import "./_lib/mathlib.vs" as first
import "./_lib/uses_sibling.vs" as sib
print(sib.twice(4))
# expect: mathlib loaded
# expect: 8
