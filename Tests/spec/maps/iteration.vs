let m = {a: 1, b: 2}
for k in m { print(k) }
# expect: a
# expect: b
for k, v in m { print("${k}=${v}") }
# expect: a=1
# expect: b=2
for k, v in m { m[k] = v * 10 }
print(m)  # expect: {a: 10, b: 20}
