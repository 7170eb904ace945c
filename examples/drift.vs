# drift.vs — a drift report: the live network and NAT rules of the tenant layer against the
# desired state in a YAML file, one line per field that differs (a missing object shows each of
# its fields as nil). Only the fields the document names are compared. Read-only.
#
#   vcdscript drift.vs drift.yaml
#
# ci-args: examples/drift.yaml
# ci-needs: tenant-network.vs
# ci-expect: network capvcd-192.168.10.0: dns is ["198.51.100.53"], want ["198.51.100.53", "198.51.100.54"]
# ci-expect: NAT rule dnat-ssh: type is nil, want "DNAT"
# ci-expect: 5 fields drifted
param desired as desiredFile: string, required, doc: "the YAML file of the desired state (org, vdc, gateway, network, nat)"
let desired = yaml.decode(read(desiredFile))
let vdc = cloud.org(desired.org).vdc(desired.vdc)
var drift = []
fn compare(what, live, want) {
    for d in diff(live, want, only: keys(want)) { drift.append({what: what} + d) }
}
compare("network ${desired.network.name}", vdc.networks.find(desired.network.name), desired.network)
for want in desired.nat { compare("NAT rule ${want.name}", vdc.gateway(desired.gateway).nat.find(want.name), want) }
for d in drift { print("${d.what}: ${d.field} is ${repr(d.left)}, want ${repr(d.right)}") }
print(if len(drift) == 0 { "no drift" } else { "${len(drift)} fields drifted" })
