let m = {a: 1, b: 2}
print(m.keys(), m.values())  # expect: ["a", "b"] [1, 2]
print(m.items())  # expect: [["a", 1], ["b", 2]]
print(m.get("a"), m.get("z"), m.get("z", 0))  # expect: 1 nil 0
print(m.has("a"), m.has("z"))  # expect: true false
print(m.remove("a"), m.remove("z"))  # expect: 1 nil
print(m)  # expect: {b: 2}
let merged = m.merge({c: 3})
print(merged, m)  # expect: {b: 2, c: 3} {b: 2}
let c = m.copy()
c.d = 4
print(len(m), len(c))  # expect: 1 2
m.clear()
print(m)  # expect: {}
print(keys({x: 1}), values({x: 1}))  # expect: ["x"] [1]
