let cfg = freeze({name: "lab", nets: ["a"]})
print(cfg.name)  # expect: lab
try { cfg.name = "x" } catch e { print(e.message) }  # expect: cannot change a frozen value
try { cfg.nets.append("b") } catch e { print(e.kind) }  # expect: value
try { cfg["new"] = 1 } catch e { print("frozen map") }  # expect: frozen map
let thawed = map(cfg)
thawed.name = "copy"
print(thawed.name, cfg.name)  # expect: copy lab
let xs = freeze([3, 1, 2])
print(xs.sorted())  # expect: [1, 2, 3]
xs.sort()
# expect error: cannot change a frozen value
# expect error: freeze() made it read-only
