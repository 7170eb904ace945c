for f in [fn() { keys([1]) }, fn() { values("s") }, fn() { range("a") }, fn() { env(1) }, fn() { cidr(5) }, fn() { json.decode(1) }, fn() { "a".padLeft("x") }] {
    try { f() } catch e { print(e.kind, e.message) }
}
# expect: type keys(): argument map must be a map, not list
# expect: type values(): argument map must be a map, not string
# expect: type range(): argument start must be an int, not string
# expect: type env(): argument name must be a string, not int
# expect: type cidr(): argument text must be a string, not int
# expect: type json.decode(): argument text must be a string, not int
# expect: type string.padLeft(): argument width must be an int, not string
