# teardown.vs — the CAPVCD lab of lab-setup.vs undone in reverse, idempotent and tolerant of
# partial state (peers.md #15-#19): run it after a failed or half-done lab-setup, run it twice.
#
#   vcdscript teardown.vs                     # LoadBalancer services, the workload cluster, the kind cluster
#   vcdscript teardown.vs tenantLayer=true    # … and the tenant layer: SNAT, network, SEG assignment, LB, gateway
#   vcdscript teardown.vs all=true            # … and what else lab-setup made: node template, catalog, SEGs
#
# Order: (1) the LoadBalancer services of the workload cluster are deleted first, so that the cloud
# provider (CPI) removes their virtual services, pools and VIPs (#17: CPI never does it on cluster
# deletion); (2) the Cluster API cluster is deleted by its management cluster: after a pivot (the
# kubeconfig file lab-setup wrote reaches a cluster that manages itself) it is moved back to a kind
# cluster first (clusterctl move, the reverse of the pivot), else through the kind cluster directly;
# (3) the kind cluster is deleted; (4) with tenantLayer=true or all=true, the tenant layer: NAT rule,
# network, SEG assignment, load balancing, gateway; with all=true also the template, the catalog if
# empty, and the SEG imported into VCD (the ALB controller's SEG is the provider's and stays; so is
# the catalog of catalogOrg=, with its template and its sharing). Every delete of something missing
# is quiet.
# (5) A leak report (#15, #16, #19): virtual services, pools, NAT rules, vApps and allocated IPs
# left on the gateway/VDC that belong to the lab (the lab's gateway, names with the cluster's
# prefix), as a table; exit code 1 when something the lab created is still there.
#
# Parameters: those of lab-setup.vs (preflight.vs declares them, with the same defaults), plus
# tenantLayer= and all= (`vcdscript teardown.vs --help` lists them).
import "preflight" as lab
param tenantLayer = false, doc: "also remove the tenant layer: SNAT, network, SEG assignment, load balancing, gateway"
param all = false, doc: "also what else lab-setup made: node template, catalog if empty, SEG imported into VCD (implies tenantLayer)"
param org
param vdc
param gateway
param network
param seg
param snat
param catalog
param catalogOrg
param template
param cluster
param kind as kindCluster
param core
param bootstrap
param controlPlane
param capvcd
param kubeconfig
param timeout
let removeTenant = all or tenantLayer

print("teardown of the CAPVCD lab for ${org}/${vdc} on ${cloud.site}")
let tenantOrg = cloud.org(org)
let tenantVdc = tenantOrg.vdc(vdc)
let gw0 = tenantVdc.gateways.find(gateway)
let net0 = tenantVdc.networks.find(network)

# 1-2. The workload cluster: its LoadBalancer services, then the cluster itself.
var w = nil
var unreachable = false
try { w = kind.selfManaged(cluster, kubeconfig: kubeconfig) } catch err {
    # A cluster whose vApp is gone is deleted: its kubeconfig is stale and goes below.
    unreachable = tenantVdc.vapps.find(cluster) != nil
    if unreachable { print("  (${kubeconfig} does not reach cluster ${cluster}: ${err.message}; the file is kept)") }
}
var mgmt = kind.clusters.find(kindCluster)
if w == nil and mgmt != nil and mgmt.capvcd.installed { w = mgmt.clusters.find(cluster) }
if w != nil {
    try {
        let k = w.kube
        for s in k.services.where(fn(s) { s.type == "LoadBalancer" }) {
            k.services.delete(s.name)
        }
    } catch err {
        print("  (the LoadBalancer services of ${cluster} could not be listed: ${err.message}; their virtual services are reported below)")
    }
    if w.management.name == w.name {
        # Self-managed after the pivot: back to a kind cluster, which deletes it.
        mgmt = kind.clusters.ensure(name: kindCluster)
        mgmt.clusterctl.init(core: core, bootstrap: bootstrap, controlPlane: controlPlane)
        var vipSubnet = nil
        if gw0 != nil { vipSubnet = gw0.vipSubnet }
        mgmt.capvcd.install(version: capvcd, site: cloud.site, org: tenantOrg, vdc: tenantVdc, network: net0,
                            vipSubnet: vipSubnet, credentials: cloud.credentials)
        w.unpivot(to: mgmt)
    }
    mgmt.clusters.delete(cluster, timeout: timeout * 60)
}
if exists(kubeconfig) and not unreachable {
    file.remove(kubeconfig)   # --plan: "- remove FILE", nothing removed
    if not cloud.plan { print("- deleted file ${kubeconfig}") }
}

# 3. The kind cluster.
kind.clusters.delete(kindCluster)

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
if removeTenant {
    let gw = tenantVdc.gateways.find(gateway)
    if gw != nil { step("NAT rule ${snat}", fn() { gw.nat.delete(snat) }) }
    step("network ${network}", fn() { tenantVdc.networks.delete(network) })
    if gw != nil {
        step("SEG assignment ${seg}", fn() { gw.serviceEngineGroups.delete(seg) })
        step("load balancing of ${gateway}", fn() { if gw.loadBalancer.enabled { gw.loadBalancer.disable() } })
        step("gateway ${gateway}", fn() { tenantVdc.gateways.delete(gateway) })
    }
}
if all and (catalogOrg == "" or catalogOrg == org) {
    let cat = tenantOrg.catalogs.find(catalog)
    if cat != nil {
        step("template ${template}", fn() { cat.templates.delete(template) })
        step("catalog ${catalog}", fn() { if cat.templates.count == 0 { tenantOrg.catalogs.delete(catalog) } })
    }
}
if all {
    step("SEG ${seg} in VCD", fn() { cloud.serviceEngineGroups.delete(seg) })
}

# 5. The leak report: what the lab made that is still there.
var leaks = []
fn leak(what, name, where, detail) { leaks.append({kind: what, name: name, where: where, detail: detail}) }
let gw = tenantVdc.gateways.find(gateway)
if gw != nil {
    for vs in gw.virtualServices { leak("virtual service", vs.name, gw.name, "VIP ${vs.vip}:${vs.port}") }
    for pl in gw.pools { leak("pool", pl.name, gw.name, "${pl.memberCount} members") }
    for r in gw.nat {
        if removeTenant or r.name != snat { leak("NAT rule", r.name, gw.name, "${r.type} ${r.external} → ${r.internal}") }
    }
    for u in gw.usedIPs {
        let c = str(u.category).upper()
        if not (c.contains("SNAT") or c.contains("PRIMARY") or u.ip == gw.primaryIP) { leak("allocated IP", u.ip, gw.name, u.category) }
    }
    if removeTenant { leak("gateway", gw.name, tenantVdc.name, "${gw.status}") }
}
if removeTenant and tenantVdc.networks.find(network) != nil { leak("network", network, tenantVdc.name, "") }
if removeTenant and gw == nil and cloud.nsx.available {
    var t1 = nil
    try { t1 = cloud.nsx.tier1s.find(gateway) } catch err { }
    if t1 != nil { leak("NSX Tier-1", t1.name, "NSX", "left by the gateway ${gateway}") }
}
for v in tenantVdc.vapps {
    if v.name.startsWith(cluster) { leak("vApp", v.name, tenantVdc.name, "${v.vmCount} VMs, ${v.status}") }
}
if kind.clusters.find(kindCluster) != nil { leak("kind cluster", kindCluster, "this machine", "") }
if len(leaks) > 0 and not cloud.plan {   # under --plan nothing was deleted: no leak to report
    print("leak report: ${len(leaks)} object(s) of the lab are still there:")
    print(leaks)
    exit(1)
}
var kept = ""
if not removeTenant { kept = " (tenant network kept: tenantLayer=true removes it)" }
if cloud.plan { print("teardown planned: the lines above (--plan: nothing was deleted)") } else { print("teardown done: nothing of the lab is left${kept}") }
