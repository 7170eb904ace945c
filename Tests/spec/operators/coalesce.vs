let m = {a: 1}
print(m.get("b") ?? 42)  # expect: 42
print(m.get("a") ?? 42)  # expect: 1
print(false ?? 1)  # expect: false
print(nil ?? nil ?? 3)  # expect: 3
var hits = 0
fn side() { hits += 1; return 9 }
let x = 5 ?? side()
print(hits)  # expect: 0
