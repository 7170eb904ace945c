# Colons inside brackets, maps, calls and strings are not format specs.
fn pick(m, key = "a") { m[key] }
let m = {a: 1, b: 2}
print("${ {a: 5}.a } ${pick(m, key: "b")} ${"x:y"} ${m["a"]:>3} ${[1, 2][0]:03}")  # expect: 5 2 x:y   1 001
print("${"in ${"nested:${1}"}":>12}")  # expect:  in nested:1
