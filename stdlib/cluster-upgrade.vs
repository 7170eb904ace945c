# cluster-upgrade.vs — change a workload cluster of the lab after lab-setup.vs: its Kubernetes
# version and node template (a rolling replacement of its machines, one at a time), and/or the
# number of its machines. Idempotent: a second run with the same parameters changes nothing.
#
#   vcdscript cluster-upgrade.vs kubernetes=v1.22.9+vmware.1 template=ubuntu-20.04-kube-v1.22.9+vmware.1
#   vcdscript cluster-upgrade.vs workers=3                      # scale the workers only
#   vcdscript --plan cluster-upgrade.vs workers=1                # what would change, nothing sent
#
# The version may rise by one minor version at a time (kubeadm's rule; a downgrade is refused).
# The template must already be in the catalog, RESOLVED (catalog.upload(path:, name:)); on the
# embedded simulator a missing one is its node image of that version, as in lab-setup.vs. The cluster is reached as lab-setup
# leaves it: through its kubeconfig file after the pivot (it manages itself), else through the kind
# cluster that manages it.
#
# Parameters (`vcdscript cluster-upgrade.vs --help`): what to change, and where the lab's cluster
# is (the same names and defaults as lab-setup.vs's). It does not import preflight.vs: there
# kubernetes, template, workers and controlPlane are the lab's values, here the changes asked for.

param kubernetes: string = nil, doc: "the Kubernetes version to upgrade to (one minor version at a time)"
param template: string = nil, doc: "the node template of that version, in the catalog"
param workers: int = nil, doc: "the number of worker machines", check: fn(n) { n >= 0 }
param controlPlane: int = nil, doc: "the number of control plane machines", check: fn(n) { n >= 1 }
param cluster = "capi-cluster", doc: "the workload cluster"
param kubeconfig = "capi-cluster.kubeconfig", doc: "its kubeconfig file (written by lab-setup.vs)"
param kind as kindCluster: string = "capvcd", doc: "the kind cluster that manages it before the pivot"
param org = "xav_lab", doc: "tenant org"
param catalog = "home", doc: "the catalog of the node image"
param catalogOrg = "", doc: "the org that owns that catalog (empty: org itself)"
param timeout = 30, doc: "minutes to wait for the cluster"
param vdc = "t-tenant", doc: "org VDC of the nodes' network"
param network = "capvcd-192.168.10.0", doc: "the nodes' network, whose static pool gives the new machines their addresses"

if kubernetes == nil and template == nil and workers == nil and controlPlane == nil {
    fail("nothing to do: give kubernetes= and template=, and/or workers= or controlPlane=", code: 2)
}

# The cluster: self-managed after the pivot, else through its kind management cluster.
var wc = nil
try { wc = kind.selfManaged(cluster, kubeconfig: kubeconfig) } catch err { wc = nil }
if wc == nil {
    let mgmt = kind.clusters.find(kindCluster)
    if mgmt != nil { wc = mgmt.clusters.find(cluster) }
}
if wc == nil { throw error("STATE", "no cluster ${cluster}: neither ${kubeconfig} nor kind cluster ${kindCluster} reaches it; run lab-setup.vs first") }
print("cluster ${wc.name}: ${wc.phase}, ${len(wc.machines)} machines")

# Kubernetes (kubeadm) upgrades one minor version at a time and never downgrades: v1.22 → v1.23 → v1.24.
fn minor(v) {
    let parts = str(v).replace("v", "").split(".")
    if len(parts) < 2 { nil } else { int(parts[1]) }
}
if kubernetes != nil {
    let want = minor(kubernetes)
    for m in wc.machines {
        let have = minor(m.version)
        if want != nil and have != nil and want < have {
            throw error("SKEW", "${m.name} runs ${m.version}: Kubernetes ${kubernetes} would be a downgrade, which kubeadm does not do")
        }
        if want != nil and have != nil and want > have + 1 {
            throw error("SKEW", "${m.name} runs ${m.version}: kubeadm upgrades one minor version at a time; go to v1.${have + 1} first, then to ${kubernetes}")
        }
    }
}

# The address budget. Cluster API makes a machine's replacement before it deletes the machine
# (maxSurge 1 for the control plane and for the machine deployment, which may roll at once), and a
# scale-up needs one address per new machine: the nodes' static pool must have them free now,
# or the rollout stops halfway with machines waiting for an address.
fn isControlPlane(m) { "cluster.x-k8s.io/control-plane" in m.labels }
let cpNow = len(wc.machines.filter(isControlPlane))
let workersNow = len(wc.machines) - cpNow
var need = 0
var why = []
if kubernetes != nil or template != nil {
    need += 2
    why.append("2 for the rolling replacement (one control plane and one worker machine made before the old ones go)")
}
if workers != nil and workers > workersNow {
    need += workers - workersNow
    why.append("${workers - workersNow} for the new workers")
}
if controlPlane != nil and controlPlane > cpNow {
    need += controlPlane - cpNow
    why.append("${controlPlane - cpNow} for the new control plane machines")
}
let nodes = cloud.org(org).vdc(vdc).networks.find(network)
if need > 0 and nodes != nil {
    let space = cidr(nodes.cidr)
    var size = 0
    var ranges = []
    for r in nodes.pool {
        let ends = str(r).split("-")
        let first = space.index(ends[0].trim())
        let last = space.index(ends[len(ends) - 1].trim())
        size += last - first + 1
        ranges.append([first, last])
    }
    fn inPool(ip) {
        if ip == nil or ip == "" or not space.contains(ip) { return false }
        let i = space.index(ip)
        return ranges.any(fn(r) { i >= r[0] and i <= r[1] })
    }
    var used = 0
    for vm in cloud.org(org).vms { if inPool(vm.ip) { used += 1 } }
    let free = size - used
    if free < need {
        throw error("BUDGET", "the static pool of ${network} (${nodes.pool}) has ${free} free addresses of ${size}; this change needs ${need}: ${", ".join(why)}. Give the network a larger pool (vdc.networks.ensure(name: \"${network}\", pool: [...])) or change less at once")
    }
    print("address budget: ${free} free in the static pool of ${network}, ${need} needed")
}

if kubernetes != nil or template != nil {
    if template != nil and not cloud.plan {
        # The template must be there before any machine is replaced with it.
        let tenantOrg = cloud.org(org)
        var cat = tenantOrg.catalogs.find(catalog)
        if cat == nil and catalogOrg != "" { try { cat = tenantOrg.catalog(catalog, org: catalogOrg) } catch err { cat = nil } }
        if cat != nil and cat.templates.find(template) == nil and cloud.simulator != nil and catalogOrg == "" {
            # On the embedded simulator, its node image of that version (as lab-setup does).
            let image = cloud.simulator.nodeImage(name: template, kubernetes: kubernetes ?? wc.machines[0].version)
            print("  (no template ${template} in catalog ${catalog}: the simulator provides its node image ${image})")
            cat.upload(path: image, name: template)
        } else if cat == nil or cat.templates.find(template) == nil {
            throw error("STATE", "no template ${template} in catalog ${catalog}: upload it first (catalog.upload(path:, name:)), then run again")
        }
    }
    wc.upgrade(kubernetes: kubernetes, template: template, catalog: catalog)
}
if workers != nil or controlPlane != nil {
    wc.scale(workers: workers, controlPlane: controlPlane)
}
if cloud.plan {
    print("(plan) cluster ${wc.name}: the changes above, then a wait until every machine is what they ask for")
} else {
    wc.waitFor("Provisioned", timeout: timeout * 60)
    for m in wc.machines { print("  ${m.name}: ${m.phase} ${m.version}") }
    print("cluster ${wc.name} is what was asked")
}
