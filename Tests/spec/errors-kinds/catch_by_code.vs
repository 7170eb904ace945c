# A catch names the codes it takes; the first clause that matches handles the error.
fn lookup(name) {
    if name == "missing" { throw error("NOT_FOUND", "no org named ${name}") }
    if name == "taken" { throw error("CONFLICT", "org ${name} already exists") }
    return name
}
for n in ["missing", "taken", "ok"] {
    try {
        print(lookup(n))
    } catch NOT_FOUND as err {
        print("not found:", err.message)
    } catch CONFLICT, BUSY as err {
        print("conflict:", err.code)
    }
}
# expect: not found: no org named missing
# expect: conflict: CONFLICT
# expect: ok
