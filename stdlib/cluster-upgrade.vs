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
# Parameters (key=value): kubernetes, template, workers, controlPlane, and lab-setup.vs's (cluster,
# kubeconfig, kind, catalog, catalogOrg, org, timeout in minutes …, with the same defaults).

import "preflight" as preflight

# Parameters of this runbook; the rest are lab-setup.vs's (same defaults, unknown ones refused).
var change = {kubernetes: "", template: "", workers: "", controlPlane: ""}
var rest = []
for a in args {
    let kv = a.split("=")
    if len(kv) >= 2 and kv[0] in change { change[kv[0]] = "=".join(kv[1..<len(kv)]) } else { rest.append(a) }
}
let p = preflight.params(rest)
if change.kubernetes == "" and change.template == "" and change.workers == "" and change.controlPlane == "" {
    throw error("USAGE", "nothing to do: give kubernetes= and template=, and/or workers= or controlPlane=")
}
fn given(v) { if v == "" { nil } else { v } }
fn count(v) { if v == "" { nil } else { int(v) } }

# The cluster: self-managed after the pivot, else through its kind management cluster.
var wc = nil
try { wc = kind.selfManaged(p.cluster, kubeconfig: p.kubeconfig) } catch err { wc = nil }
if wc == nil {
    let mgmt = kind.clusters.find(p.kind)
    if mgmt != nil { wc = mgmt.clusters.find(p.cluster) }
}
if wc == nil { throw error("STATE", "no cluster ${p.cluster}: neither ${p.kubeconfig} nor kind cluster ${p.kind} reaches it; run lab-setup.vs first") }
print("cluster ${wc.name}: ${wc.phase}, ${len(wc.machines)} machines")

# Kubernetes (kubeadm) upgrades one minor version at a time and never downgrades: v1.22 → v1.23 → v1.24.
fn minor(v) {
    let parts = str(v).replace("v", "").split(".")
    if len(parts) < 2 { nil } else { int(parts[1]) }
}
if change.kubernetes != "" {
    let want = minor(change.kubernetes)
    for m in wc.machines {
        let have = minor(m.version)
        if want != nil and have != nil and want < have {
            throw error("SKEW", "${m.name} runs ${m.version}: Kubernetes ${change.kubernetes} would be a downgrade, which kubeadm does not do")
        }
        if want != nil and have != nil and want > have + 1 {
            throw error("SKEW", "${m.name} runs ${m.version}: kubeadm upgrades one minor version at a time; go to v1.${have + 1} first, then to ${change.kubernetes}")
        }
    }
}

if change.kubernetes != "" or change.template != "" {
    if change.template != "" and not cloud.plan {
        # The template must be there before any machine is replaced with it.
        let org = cloud.org(p.org)
        var cat = org.catalogs.find(p.catalog)
        if cat == nil and p.catalogOrg != "" { try { cat = org.catalog(p.catalog, org: p.catalogOrg) } catch err { cat = nil } }
        if cat != nil and cat.templates.find(change.template) == nil and cloud.simulator != nil and p.catalogOrg == "" {
            # On the embedded simulator, its node image of that version (as lab-setup does).
            let image = cloud.simulator.nodeImage(name: change.template, kubernetes: given(change.kubernetes) ?? p.kubernetes)
            print("  (no template ${change.template} in catalog ${p.catalog}: the simulator provides its node image ${image})")
            cat.upload(path: image, name: change.template)
        } else if cat == nil or cat.templates.find(change.template) == nil {
            throw error("STATE", "no template ${change.template} in catalog ${p.catalog}: upload it first (catalog.upload(path:, name:)), then run again")
        }
    }
    wc.upgrade(kubernetes: given(change.kubernetes), template: given(change.template), catalog: p.catalog)
}
if change.workers != "" or change.controlPlane != "" {
    wc.scale(workers: count(change.workers), controlPlane: count(change.controlPlane))
}
if cloud.plan {
    print("(plan) cluster ${wc.name}: the changes above, then a wait until every machine is what they ask for")
} else {
    wc.waitFor("Provisioned", timeout: int(p.timeout) * 60)
    for m in wc.machines { print("  ${m.name}: ${m.phase} ${m.version}") }
    print("cluster ${wc.name} is what was asked")
}
