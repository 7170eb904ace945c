try {
    let m = {memory: 1}
    m.memroy
} catch e {
    print(e.kind)  # expect: key
    print(e.hint)  # expect: use .get("memroy") or ?? for keys that may be missing
    print(e.location)  # expect: Tests/spec/errors/error_members.vs:3:7
}
