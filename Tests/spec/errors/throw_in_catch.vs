try {
    try { throw "a" } catch e { throw "b from catch" }
} catch e2 {
    print(e2.message)  # expect: b from catch
}
