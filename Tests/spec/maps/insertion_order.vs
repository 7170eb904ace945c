let m = {}
for k in ["zeta", "alpha", "mid"] { m[k] = len(k) }
print(m.keys())  # expect: ["zeta", "alpha", "mid"]
m.zeta = 0
print(m.keys())  # expect: ["zeta", "alpha", "mid"]
m.remove("zeta")
m.zeta = 1
print(m.keys())  # expect: ["alpha", "mid", "zeta"]
