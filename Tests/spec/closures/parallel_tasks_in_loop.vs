# The natural way to build parallel work: one closure per item.
let vms = ["web", "db", "cache"]
let tasks = []
for vm in vms { tasks.append(fn() { "powered on ${vm}" }) }
print(parallel(tasks))  # expect: ["powered on web", "powered on db", "powered on cache"]
fn inFunction(items) {
    let out = []
    for i, item in items {
        try { throw item } catch e { out.append(fn() { "${i}:${e.message}" }) }
    }
    return out.map(fn(f) { f() })
}
print(inFunction(["x", "y"]))  # expect: ["0:x", "1:y"]
