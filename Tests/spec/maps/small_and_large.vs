# Small maps are searched slot by slot, larger ones through an index: the same map either way.
let m = {}
for i in 0..<8 { m["k${i}"] = i }
print(len(m), m.k0, m.k7, m.has("k8"))  # expect: 8 0 7 false
m.remove("k3")
m["k8"] = 8  # the ninth slot: the hole is filled first, no index yet
print(len(m), m.keys())  # expect: 8 ["k0", "k1", "k2", "k4", "k5", "k6", "k7", "k8"]
m["k9"] = 9  # past eight: indexed
m["k0"] = 100
print(len(m), m.k0, m.k9, m.get("k3", "gone"))  # expect: 9 100 9 gone
for i in 0..<9 { m.remove("k${i}") }
print(len(m), m)  # expect: 1 {k9: 9}
m[1] = "one"
m[true] = "yes"
m["1"] = "text"
print(m[1], m[true], m["1"], len(m))  # expect: one yes text 4
m.remove("k9")
m.remove(true)
print(m, m.remove("absent"))  # expect: {1: "one", "1": "text"} nil
let big = {}
for i in 0..<100 { big["n${i}"] = i }
for i in 0..<95 { big.remove("n${i}") }
print(len(big), big.keys(), big.n99)  # expect: 5 ["n95", "n96", "n97", "n98", "n99"] 99
for i in 0..<3 { big["n${i}"] = i }
print(big.keys())  # expect: ["n95", "n96", "n97", "n98", "n99", "n0", "n1", "n2"]
let last = {a: 1, b: 2, c: 3}
last.remove("c")
last["d"] = 4
print(last, len(last))  # expect: {a: 1, b: 2, d: 4} 3
# Keys are equal as strings are (canonical equivalence): the Kelvin sign is a K.
let kelvin = {K: 1, "é": 2}
kelvin["\u{212A}"] = 3
kelvin["e\u{301}"] = 4
print(len(kelvin), kelvin.K, kelvin["é"], kelvin.has("\u{212A}"), kelvin.has("k"))  # expect: 2 3 4 true false
let longKeys = {abcdefgh1: 1, abcdefgh2: 2}
print(longKeys.abcdefgh2, longKeys.has("abcdefgh3"), longKeys.get("abcdefgh1"))  # expect: 2 false 1
