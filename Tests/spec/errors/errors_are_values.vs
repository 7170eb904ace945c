let e = error("CODE", "message")
print(type(e), e.code)  # expect: error CODE
let errs = []
for i in 0..<2 {
    try { throw error("E${i}", "n") } catch x { errs.append(x) }
}
print(errs.map(fn(x) { x.code }))  # expect: ["E0", "E1"]
