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
#   vcdscript lab-setup.vs --help                            # its parameters
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
# Parameters: those of preflight.vs and tenant-network.vs (`vcdscript lab-setup.vs --help` lists
# them all, with their defaults from the blog's lab). The tenant layer is tenant-network.vs's build().
import "tenant-network" as tenant
import "preflight" as checks
param org
param vdc
param cluster
param kind as kindCluster
param core
param bootstrap
param controlPlane
param capvcd
param catalog
param catalogOrg
param template
param ova
param kubernetes
param controlPlaneCount
param workers
param sshKey
param timeout
param addressTimeout
param kubeconfig
param keepKind
param preflight as runPreflight
param podCIDR
param serviceCIDR

print("CAPVCD lab for ${org}/${vdc} on ${cloud.site}")

# 0. Preflight: the prerequisites lab-setup cannot fix by itself, checked before any change.
if runPreflight {
    print("preflight:")
    let failed = checks.report(checks.run())
    if len(failed) > 0 {
        print("preflight: ${len(failed)} check(s) FAIL, nothing was changed:")
        for f in failed { print("  - ${f.check}: ${f.detail} (fix: ${f.fix})") }
        exit(1)
    }
}
let tenantOrg = cloud.org(org)
let tenantVdc = tenantOrg.vdc(vdc)

# 1. Tenant network (tenant-network.vs's steps): SEG, T1 gateway with an IP block, load
#    balancing, the nodes' routed network, SNAT, route advertisement.
let built = tenant.build()
let gw = built.gateway
let net = built.network

# 2. The Kubernetes node image: uploaded from ova=, else already in the catalog, else (on the
#    embedded simulator only) the simulator's own node image. With catalogOrg=, the catalog of
#    that org as the lab org sees it (shared or published).
var tpl = nil
if catalogOrg == "" or catalogOrg == org {
    let cat = tenantOrg.catalogs.ensure(name: catalog, description: "Kubernetes node images")
    tpl = cat.templates.find(template)
    if ova != "" {
        tpl = cat.upload(path: ova, name: template)
    } else if tpl == nil and cloud.simulator != nil {
        let image = cloud.simulator.nodeImage(name: template, kubernetes: kubernetes)
        print("  (no template ${template} in catalog ${catalog}: the simulator provides its node image ${image})")
        tpl = cat.upload(path: image, name: template)
    } else if tpl == nil {
        throw error("USAGE", "no template ${template} in catalog ${catalog}: pass ova=FILE.ova to upload it, or template=NAME of one there (the embedded simulator provides its node image)")
    }
} else {
    var shared = nil
    try { shared = tenantOrg.catalog(catalog, org: catalogOrg) } catch err { shared = nil }
    if shared != nil { tpl = shared.templates.find(template) }
    if tpl == nil and (ova != "" or cloud.simulator != nil) {
        # Into the owner org's catalog (the provider session), then shared with the lab org.
        var image = ova
        if image == "" {
            image = cloud.simulator.nodeImage(name: template, kubernetes: kubernetes)
            print("  (no template ${template} in catalog ${catalog} of ${catalogOrg}: the simulator provides its node image ${image})")
        }
        let owned = cloud.org(catalogOrg).catalogs.ensure(name: catalog, description: "Kubernetes node images")
        tpl = owned.upload(path: image, name: template)
        owned.share(org: org, access: "ReadOnly")
    } else if tpl == nil {
        throw error("USAGE", "${org} sees no template ${template} in catalog ${catalog} of ${catalogOrg}: the provider shares the catalog with ${org} (cloud.org(\"${catalogOrg}\").catalog(\"${catalog}\").share(org: \"${org}\")) or publishes it (.publish()), or pass ova=FILE.ova to upload it there with a provider session")
    }
}

# 3. The kind bootstrap cluster, Cluster API and CAPVCD on it. After a pivot the workload cluster
#    manages itself: the kind cluster is not needed again.
var sshKeyText = nil
try { sshKeyText = read(sshKey) } catch err { print("  (no ${sshKey}: the nodes get no SSH key)") }
var mgmt = nil
var wc = nil
var k = nil
var kubeconfigText = nil
try { kubeconfigText = read(kubeconfig) } catch err { kubeconfigText = nil }
if kind.clusters.find(kindCluster) == nil and kubeconfigText != nil {
    # A previous run pivoted and deleted the kind cluster: the workload cluster manages itself.
    print("  (kind cluster ${kindCluster} is gone and ${kubeconfig} is there: the pivot was done)")
    k = kube.connect(kubeconfig: kubeconfig)
    var own = nil
    try { own = k.get("Cluster", cluster, apiVersion: "cluster.x-k8s.io/v1beta1") } catch err {
        throw error("STATE", "${kubeconfig} (from an earlier run?) does not reach cluster ${cluster}: ${err.message}. Delete ${kubeconfig} (or give kubeconfig=FILE) to start again with a kind cluster")
    }
    if own == nil { throw error("STATE", "${kubeconfig} reaches a cluster without its Cluster object ${cluster}: was the pivot interrupted? Delete ${kubeconfig} to start again with a kind cluster") }
    print("cluster ${cluster}: ${own.status.phase}, managed by itself")
} else {
    mgmt = kind.clusters.ensure(name: kindCluster)
    mgmt.clusterctl.init(core: core, bootstrap: bootstrap, controlPlane: controlPlane)
    mgmt.capvcd.install(version: capvcd, site: cloud.site, org: tenantOrg, vdc: tenantVdc, network: net,
                        vipSubnet: gw.vipSubnet, credentials: cloud.credentials)

    # 4. The workload cluster, from CAPVCD's cluster template; its kubeconfig written out.
    wc = mgmt.clusters.ensure(name: cluster, template: tpl, catalog: catalog, controlPlane: controlPlaneCount,
                              workers: workers, kubernetes: kubernetes, sshKey: sshKeyText,
                              podCIDR: podCIDR, serviceCIDR: serviceCIDR)
    wc.waitFor("Provisioned", timeout: timeout * 60)
    print(wc.describe())
    write(kubeconfig, wc.kubeconfig, mode: 0o600)   # it holds the cluster's credentials (--plan: "+ write FILE", nothing written)
    if not cloud.plan { print("kubeconfig of ${wc.name} written to ${kubeconfig}") }
    k = wc.kube
}

# 5. A LoadBalancer service in the workload cluster (CPI: a VIP of the gateway through ALB).
let d = k.deployments.ensure(name: "test-lb", image: "containous/whoami", replicas: 3)
let svc = k.expose(deployment: d, port: 8080, targetPort: 80, type: "LoadBalancer")
if addressTimeout > 0 {
    # The cloud provider (CPI) gives the service a VIP of the gateway on its next pass.
    try { svc.waitForAddress(timeout: addressTimeout) } catch err { print("  (${err.message})") }
}
print("service ${svc.name}: ${svc.externalIP}")

# 6. The pivot: the workload cluster gets Cluster API and CAPVCD and its own objects; then the
#    kind cluster goes.
if mgmt != nil {
    wc.pivot(from: mgmt)
    print("cluster ${wc.name}: ${wc.phase}, endpoint ${wc.controlPlaneEndpoint}, managed by ${wc.management.name}")
    if not keepKind { kind.clusters.delete(kindCluster) }
}

print("lab ready: gateway ${gw.name} (vipSubnet ${gw.vipSubnet}), network ${net.name}, template ${template}, cluster ${cluster} (kubeconfig ${kubeconfig})")
