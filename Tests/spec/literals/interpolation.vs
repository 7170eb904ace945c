let name = "gw"
let n = 3
print("edge ${name} has ${n * 2} rules")  # expect: edge gw has 6 rules
print("nested ${"inner ${n}"} done")  # expect: nested inner 3 done
print("map ${ {a: 1}["a"] }")  # expect: map 1
print("list ${[1, 2]}")  # expect: list [1, 2]
print("nil ${nil} bool ${true} float ${1.5}")  # expect: nil nil bool true float 1.5
print("a string inside ${"q"}")  # expect: a string inside q
print("${n}${n}")  # expect: 33
