fn ensure(name, type = "SNAT", enabled = true) { "${name}:${type}:${enabled}" }
print(ensure(name: "snat"))  # expect: snat:SNAT:true
print(ensure("dnat", type: "DNAT"))  # expect: dnat:DNAT:true
print(ensure(enabled: false, name: "x"))  # expect: x:SNAT:false
print(sorted([2, 3, 1], reverse: true))  # expect: [3, 2, 1]
