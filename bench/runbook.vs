# Shaped like a runbook: many small maps and strings, method calls on a host object (cidr, a native
# type of the host), string interpolation and padding, filtering and grouping loops.
let net = cidr("10.20.0.0/16")
var vms = []
for i in 0..<20000 {
    vms.append({name: "vm-${i}", ip: net.host(i + 10), cpus: 1 + i % 4, memoryMB: 1024 * (1 + i % 8),
                powered: i % 3 != 0, tags: ["env-${i % 5}", "tier-${i % 3}"]})
}
var lines = []
var total = 0
for vm in vms {
    if vm.powered and net.contains(vm.ip) {
        lines.append("${vm.name.padRight(10)} ${vm.ip} ${vm.cpus}x${vm.memoryMB}MB ${",".join(vm.tags)}")
        total += vm.cpus
    }
}
let byEnv = {}
for vm in vms {
    let env = vm.tags[0]
    byEnv[env] = byEnv.get(env, 0) + 1
}
print(len(lines), total, byEnv["env-0"], byEnv["env-4"])
print(lines[0])
print(lines[len(lines) - 1])
