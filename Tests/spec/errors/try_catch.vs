try {
    throw error("BUSY_ENTITY", "the gateway is busy")
} catch err {
    print(err.kind, err.code, err.message)  # expect: thrown BUSY_ENTITY the gateway is busy
    print(type(err))  # expect: error
}
try { print("no error") } catch e { print("not here") }  # expect: no error
try { 1 / 0 } catch { print("caught without a name") }  # expect: caught without a name
