# Map insert / lookup / delete churn.
let m = {}
var hits = 0
for i in 0..<300000 {
    m["k${i % 5000}"] = i
    if m.has("k${(i * 7) % 5000}") { hits += 1 }
    if i % 3 == 0 { m.remove("k${(i * 11) % 5000}") }
}
print(hits, len(m))
