# only: names the fields to compare (dotted for nested ones); the rest are not looked at.
let live = {name: "r", type: "SNAT", ports: {from: 22, to: 22}, id: "urn:1"}
let want = {name: "r", type: "DNAT", ports: {from: 22, to: 2222}}
print(len(diff(live, want)), diff(live, want, only: keys(want)).map(fn(d) { d.field }))
# expect: 3 ["type", "ports.to"]
print(diff(live, want, only: ["ports.from", "name"]), diff(live, want, only: ["ports"]).map(fn(d) { d.field }))
# expect: [] ["ports.to"]
print(diff(live, want, only: []))
# expect: []
