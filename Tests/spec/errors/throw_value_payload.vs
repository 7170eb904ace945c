try {
    throw {code: 7, what: "x"}
} catch e {
    print(e.value.code, e.kind)  # expect: 7 thrown
}
try { throw 42 } catch e { print(e.message, e.value + 1) }  # expect: 42 43
