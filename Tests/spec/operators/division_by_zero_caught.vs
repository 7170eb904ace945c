try {
    print(1 / 0)
} catch e {
    print(e.kind, e.message)
}
# expect: arithmetic division by zero
