# lab-setup.vs — the whole CAPVCD lab of the blog ("capvcd with nsx-t cloud director, alb and
# vsphere") as one idempotent runbook: the tenant network (as tenant-network.vs does it), the
# Kubernetes node template, a kind bootstrap cluster with Cluster API and CAPVCD, the workload
# cluster capi-cluster, a LoadBalancer service in it, the pivot (the cluster manages itself), and
# the kind cluster deleted. Run it again: every step prints "= unchanged" (the kind cluster is
# made again only if it was deleted and the pivot is not done yet). `--plan` shows what would change.
#
#   vcdscript lab-setup.vs                                   # the blog's defaults, template already in the catalog
#   vcdscript lab-setup.vs ova=ubuntu-2004-kube-v1.22.5.ova  # upload the node OVA first
#   vcdscript lab-setup.vs catalogOrg=System                 # the template of the provider's catalog shared with the org
#   vcdscript lab-setup.vs sshKey=~/.ssh/lab.pub workers=2 keepKind=true
#   vcdscript --plan lab-setup.vs
#   vcdscript lab-setup.vs preflight=false                   # skip the preflight checks
#
# Before any change it runs the checks of preflight.vs (reads only): a FAIL stops it with the list
# of failures (exit code 1). teardown.vs undoes the lab.
#
# On the embedded simulator it runs with no setup: the simulator provides its node image
# (cloud.simulator.nodeImage) when the template is missing, and kind and clusterctl are the
# simulator's; on a real site, the template (or ova=) and the kind and clusterctl binaries.
#
# catalogOrg=NAME takes the template from catalog `catalog` of org NAME (the provider's catalog
# org), shared with or published to the lab org: nothing is uploaded into the lab org's catalogs
# and CAPVCD's machines name that catalog. If the lab org does not see the template there, ova=
# (or, on the embedded simulator, its node image) is uploaded into that org's catalog through the
# provider session, and the catalog is shared with the lab org read-only; without either it is an
# error that says what the provider has to do. CAPVCD finds the template through VCD's query
# service as the cluster's user, so it sees exactly what the share or publication allows.
#
# Parameters (key=value on the command line; defaults from the blog's lab):
import "preflight" as preflight

let defaults = {
    org: "xav_lab",                       # tenant org
    vdc: "t-tenant",                      # org VDC
    seg: "seg-tenant",                    # dedicated SEG (max 2 SEs, configured on the ALB controller)
    gateway: "gw-capvcd",                 # the T1 edge gateway fronting the clusters
    ipCount: "8",                         # IP block on the gateway: SNAT + LoadBalancer services
    serviceNetwork: "192.168.255.1/25",   # ALB service network
    network: "capvcd-192.168.10.0",       # routed network of the cluster nodes
    cidr: "192.168.10.1/24",
    pool: "192.168.10.10-192.168.10.100",
    dns: "198.51.100.53",
    dnsSuffix: "lab.example",
    snat: "snat-capvcd-nodes",
    catalog: "home",                      # the catalog of the node image
    catalogOrg: "",                       # the org that owns that catalog and shares it with org (empty: org itself)
    template: "ubuntu-20.04-kube-v1.22.5+vmware.1",
    ova: "",                              # an OVA to upload as the template (empty: it must be in the catalog; the embedded simulator provides one)
    kind: "capvcd",                       # the kind bootstrap cluster
    core: "cluster-api:v1.4.0",           # the blog used cluster-api:v0.4.2 with CAPVCD 0.5.x
    bootstrap: "kubeadm:v1.4.0",
    controlPlane: "kubeadm:v1.4.0",
    capvcd: "v1.3.2",
    cluster: "capi-cluster",              # the workload cluster
    kubernetes: "v1.22.5+vmware.1",
    controlPlaneCount: "1",
    workers: "1",
    sshKey: "~/.ssh/id_rsa.pub",          # public key for root on the nodes (skipped if the file is missing)
    timeout: "30",                        # minutes to wait for the cluster
    addressTimeout: "120",                # seconds to wait for the LoadBalancer service's address (0: do not wait)
    kubeconfig: "capi-cluster.kubeconfig",# where the workload cluster's kubeconfig is written
    keepKind: "false",                    # true: keep the kind cluster after the pivot
    preflight: "true",                    # false: skip the preflight checks (preflight.vs)
    podCIDR: "100.96.0.0/11",             # the workload cluster's pod and service CIDRs
    serviceCIDR: "100.64.0.0/13",
}

var p = {}
for k in defaults.keys() { p[k] = defaults[k] }
for a in args {
    let kv = a.split("=")
    if len(kv) < 2 or not (kv[0] in defaults) {
        throw error("USAGE", "unknown parameter '${a}': give key=value with key one of ${defaults.keys()}")
    }
    p[kv[0]] = "=".join(kv[1..<len(kv)])
}

print("CAPVCD lab for ${p.org}/${p.vdc} on ${cloud.site}")

# 0. Preflight: the prerequisites lab-setup cannot fix by itself, checked before any change.
if p.preflight != "false" {
    print("preflight:")
    let failed = preflight.report(preflight.run(p.copy()))
    if len(failed) > 0 {
        print("preflight: ${len(failed)} check(s) FAIL, nothing was changed:")
        for f in failed { print("  - ${f.check}: ${f.detail} (fix: ${f.fix})") }
        exit(1)
    }
}
let org = cloud.org(p.org)
let vdc = org.vdc(p.vdc)

# 1. Tenant network (the steps of tenant-network.vs): SEG, T1 gateway with an IP block, load
#    balancing, the nodes' routed network, SNAT, route advertisement.
if cloud.alb.available {
    cloud.alb.serviceEngineGroups.ensure(name: p.seg, maxServiceEngines: 2)
}
cloud.serviceEngineGroups.ensure(name: p.seg, reservationType: "DEDICATED")
let gw = vdc.gateways.ensure(name: p.gateway, ipCount: int(p.ipCount), description: "T1 for CAPVCD clusters")
gw.loadBalancer.enable(serviceNetwork: p.serviceNetwork)
gw.serviceEngineGroups.ensure(name: p.seg)
let net = vdc.networks.ensure(name: p.network, gateway: gw, cidr: p.cidr, pool: [p.pool], dns: [p.dns], dnsSuffix: p.dnsSuffix)
gw.nat.ensure(name: p.snat, type: "SNAT", external: gw.primaryIP, internal: net.subnet)
gw.routeAdvertisement.ensure(enable: true, subnets: [net.subnet])
if cloud.nsx.available {
    cloud.nsx.tier1s.ensureRouteAdvertisement(p.gateway, types: ["TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP"])
}

# 2. The Kubernetes node image: uploaded from ova=, else already in the catalog, else (on the
#    embedded simulator only) the simulator's own node image. With catalogOrg=, the catalog of
#    that org as the lab org sees it (shared or published).
var tpl = nil
if p.catalogOrg == "" or p.catalogOrg == p.org {
    let cat = org.catalogs.ensure(name: p.catalog, description: "Kubernetes node images")
    tpl = cat.templates.find(p.template)
    if p.ova != "" {
        tpl = cat.upload(path: p.ova, name: p.template)
    } else if tpl == nil and cloud.simulator != nil {
        let image = cloud.simulator.nodeImage(name: p.template, kubernetes: p.kubernetes)
        print("  (no template ${p.template} in catalog ${p.catalog}: the simulator provides its node image ${image})")
        tpl = cat.upload(path: image, name: p.template)
    } else if tpl == nil {
        throw error("USAGE", "no template ${p.template} in catalog ${p.catalog}: pass ova=FILE.ova to upload it, or template=NAME of one there (the embedded simulator provides its node image)")
    }
} else {
    var shared = nil
    try { shared = org.catalog(p.catalog, org: p.catalogOrg) } catch err { shared = nil }
    if shared != nil { tpl = shared.templates.find(p.template) }
    if tpl == nil and (p.ova != "" or cloud.simulator != nil) {
        # Into the owner org's catalog (the provider session), then shared with the lab org.
        var image = p.ova
        if image == "" {
            image = cloud.simulator.nodeImage(name: p.template, kubernetes: p.kubernetes)
            print("  (no template ${p.template} in catalog ${p.catalog} of ${p.catalogOrg}: the simulator provides its node image ${image})")
        }
        let owned = cloud.org(p.catalogOrg).catalogs.ensure(name: p.catalog, description: "Kubernetes node images")
        tpl = owned.upload(path: image, name: p.template)
        owned.share(org: p.org, access: "ReadOnly")
    } else if tpl == nil {
        throw error("USAGE", "${p.org} sees no template ${p.template} in catalog ${p.catalog} of ${p.catalogOrg}: the provider shares the catalog with ${p.org} (cloud.org(\"${p.catalogOrg}\").catalog(\"${p.catalog}\").share(org: \"${p.org}\")) or publishes it (.publish()), or pass ova=FILE.ova to upload it there with a provider session")
    }
}

# 3. The kind bootstrap cluster, Cluster API and CAPVCD on it. After a pivot the workload cluster
#    manages itself: the kind cluster is not needed again.
var sshKey = nil
try { sshKey = read(p.sshKey) } catch err { print("  (no ${p.sshKey}: the nodes get no SSH key)") }
var mgmt = nil
var wc = nil
var k = nil
var kubeconfigText = nil
try { kubeconfigText = read(p.kubeconfig) } catch err { kubeconfigText = nil }
if kind.clusters.find(p.kind) == nil and kubeconfigText != nil {
    # A previous run pivoted and deleted the kind cluster: the workload cluster manages itself.
    print("  (kind cluster ${p.kind} is gone and ${p.kubeconfig} is there: the pivot was done)")
    k = kube.connect(kubeconfig: p.kubeconfig)
    var own = nil
    try { own = k.get("Cluster", p.cluster, apiVersion: "cluster.x-k8s.io/v1beta1") } catch err {
        throw error("STATE", "${p.kubeconfig} (from an earlier run?) does not reach cluster ${p.cluster}: ${err.message}. Delete ${p.kubeconfig} (or give kubeconfig=FILE) to start again with a kind cluster")
    }
    if own == nil { throw error("STATE", "${p.kubeconfig} reaches a cluster without its Cluster object ${p.cluster}: was the pivot interrupted? Delete ${p.kubeconfig} to start again with a kind cluster") }
    print("cluster ${p.cluster}: ${own.status.phase}, managed by itself")
} else {
    mgmt = kind.clusters.ensure(name: p.kind)
    mgmt.clusterctl.init(core: p.core, bootstrap: p.bootstrap, controlPlane: p.controlPlane)
    mgmt.capvcd.install(version: p.capvcd, site: cloud.site, org: org, vdc: vdc, network: net,
                        vipSubnet: gw.vipSubnet, credentials: cloud.credentials)

    # 4. The workload cluster, from CAPVCD's cluster template; its kubeconfig written out.
    wc = mgmt.clusters.ensure(name: p.cluster, template: tpl, catalog: p.catalog, controlPlane: int(p.controlPlaneCount),
                              workers: int(p.workers), kubernetes: p.kubernetes, sshKey: sshKey,
                              podCIDR: p.podCIDR, serviceCIDR: p.serviceCIDR)
    wc.waitFor("Provisioned", timeout: int(p.timeout) * 60)
    print(wc.describe())
    write(p.kubeconfig, wc.kubeconfig, mode: 0o600)   # it holds the cluster's credentials (--plan: "+ write FILE", nothing written)
    if not cloud.plan { print("kubeconfig of ${wc.name} written to ${p.kubeconfig}") }
    k = wc.kube
}

# 5. A LoadBalancer service in the workload cluster (CPI: a VIP of the gateway through ALB).
let d = k.deployments.ensure(name: "test-lb", image: "containous/whoami", replicas: 3)
let svc = k.expose(deployment: d, port: 8080, targetPort: 80, type: "LoadBalancer")
if int(p.addressTimeout) > 0 {
    # The cloud provider (CPI) gives the service a VIP of the gateway on its next pass.
    try { svc.waitForAddress(timeout: int(p.addressTimeout)) } catch err { print("  (${err.message})") }
}
print("service ${svc.name}: ${svc.externalIP}")

# 6. The pivot: the workload cluster gets Cluster API and CAPVCD and its own objects; then the
#    kind cluster goes.
if mgmt != nil {
    wc.pivot(from: mgmt)
    print("cluster ${wc.name}: ${wc.phase}, endpoint ${wc.controlPlaneEndpoint}, managed by ${wc.management.name}")
    if p.keepKind != "true" { kind.clusters.delete(p.kind) }
}

print("lab ready: gateway ${gw.name} (vipSubnet ${gw.vipSubnet}), network ${net.name}, template ${p.template}, cluster ${p.cluster} (kubeconfig ${p.kubeconfig})")
