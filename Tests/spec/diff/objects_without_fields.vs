# Objects without data fields (a cidr) are compared as values, by their text.
let a = {net: cidr("10.0.0.0/8"), other: cidr("10.0.0.1/8")}
print(diff(a, {net: cidr("10.0.0.0/8"), other: cidr("10.0.0.1/8")}), diff(a, {net: cidr("10.0.0.0/9"), other: "10.0.0.0/8"}).map(fn(d) { d.field }))
# expect: [] ["net", "other"]
print(diff(cidr("10.0.0.0/8"), {}))
# expect error: its left side is cidr
