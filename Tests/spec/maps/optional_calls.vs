let cfg = nil
print(cfg?.keys())  # expect: nil
let m = {a: 1}
print(m?.keys())  # expect: ["a"]
print(m.get("missing")?.upper())  # expect: nil
