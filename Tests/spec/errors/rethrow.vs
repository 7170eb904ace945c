fn risky() { throw error("E1", "first") }
try {
    try { risky() } catch e {
        print("inner", e.code)  # expect: inner E1
        throw e
    }
} catch outer {
    print("outer", outer.code, outer.message)  # expect: outer E1 first
}
