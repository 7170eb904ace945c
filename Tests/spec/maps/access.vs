let m = {name: "gw", "k-2": 2, 3: "three"}
print(m.name, m["name"], m["k-2"], m[3])  # expect: gw gw 2 three
m.size = 10
m["other key"] = true
print(m)  # expect: {name: "gw", "k-2": 2, 3: "three", size: 10, "other key": true}
print(len(m))  # expect: 5
