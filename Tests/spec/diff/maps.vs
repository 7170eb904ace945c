# diff(a, b) lists the fields in which two maps differ: {field, left, right}, nested ones dotted,
# a field missing on one side nil there; empty when they are equal.
let live = {name: "net-a", dns: ["198.51.100.53"], pool: {start: "10.0.0.10", end: "10.0.0.99"}, mtu: 1500}
let want = {name: "net-a", dns: ["198.51.100.53", "198.51.100.54"], pool: {start: "10.0.0.10", end: "10.0.0.50"}, dhcp: false}
for d in diff(live, want) { print(d.field, repr(d.left), repr(d.right)) }
# expect: dns ["198.51.100.53"] ["198.51.100.53", "198.51.100.54"]
# expect: pool.end "10.0.0.99" "10.0.0.50"
# expect: mtu 1500 nil
# expect: dhcp nil false
print(diff(live, live), diff({}, {}), diff({a: 1}, {a: 1.0}), diff({a: [1, {b: 2}]}, {a: [1, {b: 2}]}))
# expect: [] [] [] []
print(repr(diff({a: 1}, {a: "1"})), diff({a: nil}, {}))
# expect: [{field: "a", left: 1, right: "1"}] []
print(diff({a: {b: {c: 1}}}, {a: {b: {c: 2}}})[0].field, diff({a: {b: 1}}, {a: 5})[0])
# expect: a.b.c {field: "a", left: {b: 1}, right: 5}
print(diff({a: [1, 2]}, {a: [2, 1]})[0].field, diff({1: "x"}, {1: "y"})[0].field)
# expect: a 1
