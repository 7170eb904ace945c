# teardown.vs — the CAPVCD lab of lab-setup.vs undone in reverse, idempotent and tolerant of
# partial state (peers.md #15-#19): run it after a failed or half-done lab-setup, run it twice.
#
#   vcdscript teardown.vs                     # LoadBalancer services, the workload cluster, the kind cluster
#   vcdscript teardown.vs network=true        # … and the tenant layer: SNAT, network, SEG assignment, LB, gateway
#   vcdscript teardown.vs all=true            # … and what else lab-setup made: node template, catalog, SEGs
#
# Order: (1) the LoadBalancer services of the workload cluster are deleted first, so that the cloud
# provider (CPI) removes their virtual services, pools and VIPs (#17: CPI never does it on cluster
# deletion); (2) the Cluster API cluster is deleted by its management cluster: after a pivot (the
# kubeconfig file lab-setup wrote reaches a cluster that manages itself) it is moved back to a kind
# cluster first (clusterctl move, the reverse of the pivot), else through the kind cluster directly;
# (3) the kind cluster is deleted; (4) with network=true or all=true, the tenant layer: NAT rule,
# network, SEG assignment, load balancing, gateway; with all=true also the template, the catalog if
# empty, and the SEG imported into VCD (the ALB controller's SEG is the provider's and stays; so is
# the catalog of catalogOrg=, with its template and its sharing). Every delete of something missing
# is quiet.
# (5) A leak report (#15, #16, #19): virtual services, pools, NAT rules, vApps and allocated IPs
# left on the gateway/VDC that belong to the lab (the lab's gateway, names with the cluster's
# prefix), as a table; exit code 1 when something the lab created is still there.
#
# Parameters: those of lab-setup.vs (same defaults; unknown ones are refused), plus network= and all=.
import "preflight" as preflight

var p = {}
var extra = {network: "false", all: "false"}
var rest = []
for a in args {
    let kv = a.split("=")
    if len(kv) >= 2 and kv[0] in extra { extra[kv[0]] = "=".join(kv[1..<len(kv)]) } else { rest.append(a) }
}
p = preflight.params(rest)
let all = extra.all == "true"
let network = all or extra.network == "true"

print("teardown of the CAPVCD lab for ${p.org}/${p.vdc} on ${cloud.site}")
let org = cloud.org(p.org)
let vdc = org.vdc(p.vdc)
let gw0 = vdc.gateways.find(p.gateway)
let net0 = vdc.networks.find(p.network)

# 1-2. The workload cluster: its LoadBalancer services, then the cluster itself.
var w = nil
var unreachable = false
try { w = kind.selfManaged(p.cluster, kubeconfig: p.kubeconfig) } catch err {
    # A cluster whose vApp is gone is deleted: its kubeconfig is stale and goes below.
    unreachable = vdc.vapps.find(p.cluster) != nil
    if unreachable { print("  (${p.kubeconfig} does not reach cluster ${p.cluster}: ${err.message}; the file is kept)") }
}
var mgmt = kind.clusters.find(p.kind)
if w == nil and mgmt != nil and mgmt.capvcd.installed { w = mgmt.clusters.find(p.cluster) }
if w != nil {
    try {
        let k = w.kube
        for s in k.services.where(fn(s) { s.type == "LoadBalancer" }) {
            k.services.delete(s.name)
        }
    } catch err {
        print("  (the LoadBalancer services of ${p.cluster} could not be listed: ${err.message}; their virtual services are reported below)")
    }
    if w.management.name == w.name {
        # Self-managed after the pivot: back to a kind cluster, which deletes it.
        mgmt = kind.clusters.ensure(name: p.kind)
        mgmt.clusterctl.init(core: p.core, bootstrap: p.bootstrap, controlPlane: p.controlPlane)
        var vipSubnet = nil
        if gw0 != nil { vipSubnet = gw0.vipSubnet }
        mgmt.capvcd.install(version: p.capvcd, site: cloud.site, org: org, vdc: vdc, network: net0,
                            vipSubnet: vipSubnet, credentials: cloud.credentials)
        w.unpivot(to: mgmt)
    }
    mgmt.clusters.delete(p.cluster, timeout: int(p.timeout) * 60)
}
if exists(p.kubeconfig) and not unreachable {
    file.remove(p.kubeconfig)   # --plan: "- remove FILE", nothing removed
    if not cloud.plan { print("- deleted file ${p.kubeconfig}") }
}

# 3. The kind cluster.
kind.clusters.delete(p.kind)

# 4. The tenant layer (network=true / all=true), in the reverse order of lab-setup. A step that
#    fails (something still uses the object) is reported and the others go on: the leak report says
#    what is left.
var problems = []
fn step(what, work) {
    try { work() } catch err {
        problems.append(what)
        print("  (${what}: ${err.message})")
    }
}
if network {
    let gw = vdc.gateways.find(p.gateway)
    if gw != nil { step("NAT rule ${p.snat}", fn() { gw.nat.delete(p.snat) }) }
    step("network ${p.network}", fn() { vdc.networks.delete(p.network) })
    if gw != nil {
        step("SEG assignment ${p.seg}", fn() { gw.serviceEngineGroups.delete(p.seg) })
        step("load balancing of ${p.gateway}", fn() { if gw.loadBalancer.enabled { gw.loadBalancer.disable() } })
        step("gateway ${p.gateway}", fn() { vdc.gateways.delete(p.gateway) })
    }
}
if all and (p.catalogOrg == "" or p.catalogOrg == p.org) {
    let cat = org.catalogs.find(p.catalog)
    if cat != nil {
        step("template ${p.template}", fn() { cat.templates.delete(p.template) })
        step("catalog ${p.catalog}", fn() { if cat.templates.count == 0 { org.catalogs.delete(p.catalog) } })
    }
}
if all {
    step("SEG ${p.seg} in VCD", fn() { cloud.serviceEngineGroups.delete(p.seg) })
}

# 5. The leak report: what the lab made that is still there.
var leaks = []
fn leak(what, name, where, detail) { leaks.append({kind: what, name: name, where: where, detail: detail}) }
let gw = vdc.gateways.find(p.gateway)
if gw != nil {
    for vs in gw.virtualServices { leak("virtual service", vs.name, gw.name, "VIP ${vs.vip}:${vs.port}") }
    for pl in gw.pools { leak("pool", pl.name, gw.name, "${pl.memberCount} members") }
    for r in gw.nat {
        if network or r.name != p.snat { leak("NAT rule", r.name, gw.name, "${r.type} ${r.external} → ${r.internal}") }
    }
    for u in gw.usedIPs {
        let c = str(u.category).upper()
        if not (c.contains("SNAT") or c.contains("PRIMARY") or u.ip == gw.primaryIP) { leak("allocated IP", u.ip, gw.name, u.category) }
    }
    if network { leak("gateway", gw.name, vdc.name, "${gw.status}") }
}
if network and vdc.networks.find(p.network) != nil { leak("network", p.network, vdc.name, "") }
if network and gw == nil and cloud.nsx.available {
    var t1 = nil
    try { t1 = cloud.nsx.tier1s.find(p.gateway) } catch err { }
    if t1 != nil { leak("NSX Tier-1", t1.name, "NSX", "left by the gateway ${p.gateway}") }
}
for v in vdc.vapps {
    if v.name.startsWith(p.cluster) { leak("vApp", v.name, vdc.name, "${v.vmCount} VMs, ${v.status}") }
}
if kind.clusters.find(p.kind) != nil { leak("kind cluster", p.kind, "this machine", "") }
if len(leaks) > 0 and not cloud.plan {   # under --plan nothing was deleted: no leak to report
    print("leak report: ${len(leaks)} object(s) of the lab are still there:")
    print(leaks)
    exit(1)
}
var kept = ""
if not network { kept = " (tenant network kept: network=true removes it)" }
if cloud.plan { print("teardown planned: the lines above (--plan: nothing was deleted)") } else { print("teardown done: nothing of the lab is left${kept}") }
