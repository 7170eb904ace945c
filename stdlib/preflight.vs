# preflight.vs — checks the prerequisites of the CAPVCD lab (lab-setup.vs) BEFORE anything is
# created, with reads only (no write reaches the site). Each check prints ok, warn or FAIL with
# what was found and the fix. Numbers (#n) are the pain points of /work/shared/reference/peers.md.
#
#   vcdscript preflight.vs [key=value…]      # same parameters and defaults as lab-setup.vs
#   import "preflight" as preflight; let findings = preflight.run(params)   # from a runbook
#
# run(params) returns a list of maps {check, status, detail, fix}; status is "ok", "warn" or
# "FAIL". What lab-setup.vs creates itself (SEG, gateway, LB enablement, network, SNAT, route
# advertisement, template on the simulator) is "ok … to be created by lab-setup": preflight judges
# only what lab-setup cannot fix by itself. Run as a script, it exits 1 when a check FAILs.
#
# Checks: sessions tenant + provider (#4); ALB controller reachable and the SEG's max SEs (#8, #9);
# SEG capacity vs planned virtual services, control plane + LoadBalancer services (#10); ALB
# enabled and SEG assigned on an existing gateway (#8); IP budget of the gateway, SNAT-only IPs
# counted as used (#12); static pool ≥ control plane + workers + surge (#14); DNS and SNAT of the
# nodes (#26); route advertisement, VCD and NSX T1 types (#29); template present, RESOLVED, with
# the Kubernetes version of kubernetes= (#25, #20 partly); CIDR overlaps of the node network, VIP
# subnet, ALB service network, pod/service CIDRs, DNS server and Docker/kind 172.17/16, 172.18/16
# (#27); kind and clusterctl on PATH on a real site; pivot needs workers ≥ 1 (#33); orphaned DNAT
# rules on the gateway (#16);
# capvcdCluster RDE type registered and its versions (#3, #36; cloud.entityTypes); the rights of
# the session's role that CAPVCD uses with its credentials (#1, #2; cloud.rights).
#
# Not observable with the current types (so not checked; do them by hand on a real site):
#   - the RDE type's rights bundle published to the org, and a compatibility matrix of RDE versions
#     vs CAPVCD release vs VCD API version (#3, #36): versions are listed, not judged;
#   - the "Preserve ExtraConfig Elements during OVA Import and Export" right (#21) of whoever
#     uploads the template;
#   - the OVA's cloud-init datasource (guestinfo vs OVF) and tools timeout (#20, #24): only
#     observable after a VM boots from the template;
#   - egress/DNS/NTP/MTU probes from inside the segment (#26, #28), CSE server health (#37).

# What creating a cluster needs of the credentials CAPVCD gets, and deleting it (vApp: Delete).
let capvcdRights = ["Organization vDC Gateway: View", "Organization vDC Gateway: View Load Balancer",
                    "Organization vDC Gateway: Configure Load Balancer", "Organization vDC Network: View Properties",
                    "Organization vDC Compute Policy: View", "vApp: Allow All Extra Config", "vApp: Create / Reconfigure",
                    "vApp: Power Operations", "vApp: Edit VM Properties", "vApp: Edit VM Hard Disk", "vApp: Delete",
                    "vmware:capvcdCluster: Full Access"]

let planned = {
    services: 1,        # LoadBalancer services lab-setup creates in the workload cluster (test-lb)
    surge: 1,           # one more node during a rolling upgrade
}

let defaults = {
    org: "xav_lab", vdc: "t-tenant", seg: "seg-tenant", gateway: "gw-capvcd", ipCount: "8",
    serviceNetwork: "192.168.255.1/25", network: "capvcd-192.168.10.0", cidr: "192.168.10.1/24",
    pool: "192.168.10.10-192.168.10.100", dns: "198.51.100.53", dnsSuffix: "lab.example",
    snat: "snat-capvcd-nodes", catalog: "home", catalogOrg: "", template: "ubuntu-20.04-kube-v1.22.5+vmware.1",
    ova: "", kind: "capvcd", core: "cluster-api:v1.4.0", bootstrap: "kubeadm:v1.4.0",
    controlPlane: "kubeadm:v1.4.0", capvcd: "v1.3.2", cluster: "capi-cluster",
    kubernetes: "v1.22.5+vmware.1", controlPlaneCount: "1", workers: "1", sshKey: "~/.ssh/id_rsa.pub",
    timeout: "30", addressTimeout: "120", kubeconfig: "capi-cluster.kubeconfig", keepKind: "false",
    preflight: "true", podCIDR: "100.96.0.0/11", serviceCIDR: "100.64.0.0/13",
}

# The parameters of key=value arguments over the defaults (an unknown key is an error).
fn params(arguments) {
    var p = {}
    for k in defaults.keys() { p[k] = defaults[k] }
    for a in arguments {
        let kv = a.split("=")
        if len(kv) < 2 or not (kv[0] in defaults) {
            throw error("USAGE", "unknown parameter '${a}': give key=value with key one of ${defaults.keys()}")
        }
        p[kv[0]] = "=".join(kv[1..<len(kv)])
    }
    return p
}

# How many addresses the ranges "a-b" (or single addresses) of the network net hold.
fn rangeSize(net, ranges) {
    var n = 0
    for r in ranges {
        let ab = str(r).split("-")
        if len(ab) == 2 { n = n + net.index(ab[1].trim()) - net.index(ab[0].trim()) + 1 } else { n = n + 1 }
    }
    return n
}

fn onPath(program) {
    try {
        let r = sh("sh", "-c", "command -v ${program}", check: false, readOnly: true)
        if r.code == 0 { return r.stdout.trim() }
    } catch err { }
    return nil
}

fn run(p) {
    for k in defaults.keys() { if not (k in p) { p[k] = defaults[k] } }
    var findings = []
    fn add(check, status, detail, fix) {
        findings.append({check: check, status: status, detail: detail, fix: fix})
    }
    let sim = cloud.simulator != nil
    let cp = int(p.controlPlaneCount)
    let workers = int(p.workers)
    let plannedVS = 1 + planned.services       # the control-plane VIP + the LoadBalancer services

    # Sessions (#4): SEG import, gateway creation and ALB enablement are provider operations.
    var persona = ""
    try {
        persona = cloud.persona
        if persona.contains("provider") or persona.contains("System") {
            add("sessions", "ok", "${cloud.user}: ${persona}", "")
        } else {
            add("sessions", "FAIL", "${cloud.user}: ${persona}, no provider session",
                "the gateway, the SEG import and its assignment need a provider (System) session: add one to the profile")
        }
    } catch err {
        add("sessions", "FAIL", "cannot log in: ${err.message}", "check the profile's site, user and password or token")
        return findings
    }

    # The tenant's org and VDC: lab-setup cannot create them.
    var org = nil
    var vdc = nil
    try { org = cloud.org(p.org) } catch err { }
    if org == nil {
        add("org", "FAIL", "no org ${p.org}", "give org=NAME of an existing org")
        return findings
    }
    try { vdc = org.vdc(p.vdc) } catch err { }
    if vdc == nil {
        add("vdc", "FAIL", "no VDC ${p.vdc} in ${p.org}", "give vdc=NAME of an existing VDC of ${p.org}")
        return findings
    }
    add("org/vdc", "ok", "${p.org}/${p.vdc} (${vdc.allocationType})", "")

    # CAPVCD's RDE type (#3, #36): vmware:capvcdCluster registered and visible to the session.
    try {
        let rde = cloud.entityTypes.where(fn(t) { t.nss == "capvcdCluster" })
        if len(rde) > 0 {
            add("capvcdCluster RDE type", "ok", "registered: ${rde.map(fn(t) { t.id })}", "")
        } else if sim {
            add("capvcdCluster RDE type", "ok", "not registered yet: the simulator registers vmware:capvcdCluster when CAPVCD ${p.capvcd} is installed, as a provider would before", "")
        } else {
            add("capvcdCluster RDE type", "warn", "vmware:capvcdCluster is not registered or not visible to ${cloud.user}",
                "register it as provider (CSE's installation does) and publish its rights bundle to ${p.org} with Full Access for the cluster author's role")
        }
    } catch err {
        add("capvcdCluster RDE type", "warn", "entity types not readable: ${err.message}", "grant the role the right to view defined entity types")
    }

    # The rights CAPVCD needs (#1, #2): lab-setup hands the session's own credentials to CAPVCD and
    # the cloud provider, so the session's role must hold what creating a cluster uses (the set
    # the simulator's controllers pin, docs/simulator.md) and vApp: Delete for its teardown.
    try {
        let have = cloud.rights
        let missing = capvcdRights.filter(fn(r) { not (r in have) })
        if len(missing) == 0 {
            add("rights", "ok", "${cloud.user} holds the ${len(capvcdRights)} rights CAPVCD uses", "")
        } else {
            add("rights", "FAIL", "${cloud.user} lacks ${missing}: CAPVCD would stop with 403 on them",
                "add them to the role ${cloud.persona} in ${p.org} (Administration > Roles), or run lab-setup with a user whose role holds them")
        }
    } catch err {
        add("rights", "warn", "the session's rights are not readable: ${err.message}", "grant the role Roles: View, or check the rights by hand")
    }

    # ALB controller and its SEG (#8, #9).
    if cloud.alb.available {
        try {
            let aseg = cloud.alb.serviceEngineGroups.find(p.seg)
            if aseg == nil {
                add("ALB SEG", "ok", "controller reachable (${cloud.alb.serviceEngineGroups.count} SEGs); ${p.seg} to be created by lab-setup (max 2 SEs)", "")
            } else {
                add("ALB SEG", "ok", "controller reachable; ${p.seg} has max ${aseg.maxServiceEngines} SEs (${aseg.haMode})", "")
            }
        } catch err {
            add("ALB controller", "FAIL", "unreachable: ${err.message}", "check the ALB controller's address and credentials in the profile")
        }
    } else {
        add("ALB controller", "warn", "no ALB controller configured for this target", "the SEG ${p.seg} and its max SEs must exist on the controller already (provider)")
    }

    # The SEG imported into VCD and its capacity (#10).
    var gw = nil
    try { gw = vdc.gateways.find(p.gateway) } catch err { }
    var labVS = 0
    if gw != nil {
        for vs in gw.virtualServices { if vs.name.contains(p.cluster) or vs.name.startsWith("ingress-vs-test-lb-") { labVS = labVS + 1 } }
    }
    let needVS = max(0, plannedVS - labVS)
    var seg = nil
    try { seg = cloud.serviceEngineGroups.find(p.seg) } catch err { }
    if seg == nil {
        add("SEG capacity", "ok", "SEG ${p.seg} to be created (imported) by lab-setup; ${plannedVS} virtual services planned", "")
    } else {
        let room = seg.maxVirtualServices - seg.deployedVirtualServices
        if room >= needVS {
            add("SEG capacity", "ok", "${p.seg}: ${seg.deployedVirtualServices}/${seg.maxVirtualServices} virtual services used, ${needVS} more planned (control plane + ${planned.services} service)", "")
        } else {
            add("SEG capacity", "FAIL", "${p.seg}: ${room} virtual services free, ${needVS} needed (control plane + ${planned.services} LoadBalancer service; each Service port is one VS)",
                "raise max SEs of ${p.seg} on the ALB controller or delete unused virtual services")
        }
    }

    # The gateway: ALB enabled and SEG assigned (#8), IP budget (#12), orphaned DNATs (#16).
    if gw == nil {
        let budget = int(p.ipCount) - 1
        if budget >= plannedVS {
            add("gateway", "ok", "${p.gateway} to be created by lab-setup with ${p.ipCount} IPs (1 for SNAT, ${plannedVS} VIPs planned)", "")
        } else {
            add("gateway", "FAIL", "ipCount=${p.ipCount}: 1 for SNAT leaves ${budget} for ${plannedVS} VIPs (control plane + ${planned.services} service)", "give ipCount=${plannedVS + 1} or more")
        }
        add("ALB on gateway", "ok", "to be enabled with SEG ${p.seg} by lab-setup (service network ${p.serviceNetwork})", "")
    } else {
        add("gateway", "ok", "${gw.name}: ${gw.status}, primary IP ${gw.primaryIP}, IPs ${gw.ipRanges}", "")
        if gw.loadBalancer.enabled {
            let a = gw.serviceEngineGroups.find(p.seg)
            if a == nil {
                add("ALB on gateway", "ok", "load balancing on; SEG ${p.seg} to be assigned by lab-setup", "")
            } else if a.maxVirtualServices - a.deployedVirtualServices < needVS {
                add("ALB on gateway", "FAIL", "SEG ${p.seg} on ${gw.name}: ${a.deployedVirtualServices}/${a.maxVirtualServices} virtual services, ${needVS} more needed",
                    "raise the assignment's max virtual services (provider) or delete unused virtual services")
            } else {
                add("ALB on gateway", "ok", "load balancing on, SEG ${p.seg} assigned (${a.deployedVirtualServices}/${a.maxVirtualServices} virtual services)", "")
            }
        } else {
            add("ALB on gateway", "ok", "load balancing off: to be enabled by lab-setup (provider session)", "")
        }
        var snatOnly = []
        for u in gw.usedIPs { if str(u.category).upper().contains("SNAT") { snatOnly.append(u.ip) } }
        let free = len(gw.freeIPs)
        let needIPs = needVS
        if free >= needIPs {
            add("IP budget", "ok", "${free} free of ${len(gw.allocatedIPs)} allocated (SNAT-only: ${snatOnly}), ${needIPs} more VIPs planned", "")
        } else {
            add("IP budget", "FAIL", "${free} free of ${len(gw.allocatedIPs)} allocated (SNAT-only, counted as used: ${snatOnly}); ${needIPs} VIPs needed (control plane + ${planned.services} service)",
                "allocate more IPs to ${gw.name} (provider) or delete unused virtual services / DNAT rules")
        }
        var orphans = []
        for r in gw.nat {
            if r.type == "DNAT" and not r.name.contains(p.cluster) { orphans.append(r.name) }
        }
        if len(orphans) > 0 {
            add("DNAT rules", "warn", "DNAT rules not of this lab keep external IPs: ${orphans}", "delete them if they are leftovers of deleted clusters")
        }
    }

    # The nodes' network: static pool size (#14), DNS and SNAT (#26), route advertisement (#29).
    var net = nil
    try { net = vdc.networks.find(p.network) } catch err { }
    let needNodes = cp + workers + planned.surge
    var poolRanges = [p.pool]
    if net != nil { poolRanges = net.pool }
    var poolOutside = []
    let nodeNet = cidr(p.cidr)
    for r in poolRanges { for a in str(r).split("-") { if not nodeNet.contains(a.trim()) { poolOutside.append(a) } } }
    let poolSize = if len(poolOutside) == 0 { rangeSize(nodeNet, poolRanges) } else { 0 }
    if len(poolOutside) > 0 {
        add("static pool", "FAIL", "pool ${poolRanges} is not inside ${p.cidr}: ${poolOutside}", "give pool=FIRST-LAST inside cidr=")
    } else if poolSize >= needNodes {
        let later = if net == nil { ", network to be created by lab-setup" } else { "" }
        add("static pool", "ok", "${poolSize} addresses (${poolRanges}) for ${needNodes} nodes (${cp} control plane + ${workers} workers + ${planned.surge} surge)${later}", "")
    } else {
        add("static pool", "FAIL", "${poolSize} addresses (${poolRanges}) for ${needNodes} nodes (${cp} control plane + ${workers} workers + ${planned.surge} surge)", "give a larger pool=FIRST-LAST")
    }
    var dnsServers = [p.dns]
    if net != nil { dnsServers = net.dns }
    if len(dnsServers) == 0 or p.dns == "" {
        add("DNS", "FAIL", "no DNS server for the nodes", "give dns=ADDRESS of a resolver the nodes can reach")
    } else {
        add("DNS", "ok", "nodes resolve through ${dnsServers} (suffix ${p.dnsSuffix})", "")
    }
    var snat = nil
    if gw != nil { snat = gw.nat.find(p.snat) }
    if snat != nil {
        add("SNAT", "ok", "${snat.name}: ${snat.internal} → ${snat.external}", "")
    } else {
        add("SNAT", "ok", "${p.snat} (nodes → gateway primary IP) to be created by lab-setup", "")
    }
    if gw != nil and gw.routeAdvertisement.enabled {
        add("route advertisement", "ok", "VCD: on, subnets ${gw.routeAdvertisement.subnets}", "")
    } else {
        add("route advertisement", "ok", "VCD: to be enabled for ${p.network} by lab-setup", "")
    }
    if cloud.nsx.available {
        var t1 = nil
        try { t1 = cloud.nsx.tier1s.find(p.gateway) } catch err { }
        if t1 == nil {
            add("NSX T1 advertisement", "ok", "T1 ${p.gateway} to be created with the gateway; TIER1_NAT and TIER1_LB_VIP set by lab-setup", "")
        } else {
            var missing = []
            for ty in ["TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP"] { if not t1.routeAdvertisement.contains(ty) { missing.append(ty) } }
            add("NSX T1 advertisement", "ok", if len(missing) == 0 { "T1 ${t1.name}: ${t1.routeAdvertisement}" } else { "T1 ${t1.name}: ${missing} to be set by lab-setup" }, "")
        }
    } else {
        add("NSX T1 advertisement", "warn", "no NSX Manager configured: TIER1_LB_VIP/TIER1_NAT advertisement is not checked (VIPs may be unreachable from outside)",
            "ask the provider to advertise LB VIPs and NAT on the T1 of ${p.gateway}")
    }

    # The node template (#25, #20/#21 as far as observable); with catalogOrg=, in that org's
    # catalog as the lab org sees it (shared with it or published), as CAPVCD will look for it.
    let foreign = p.catalogOrg != "" and p.catalogOrg != p.org
    var cat = nil
    if foreign {
        try { cat = org.catalog(p.catalog, org: p.catalogOrg) } catch err { }
    } else {
        try { cat = org.catalogs.find(p.catalog) } catch err { }
    }
    var tpl = nil
    if cat != nil { tpl = cat.templates.find(p.template) }
    if tpl != nil {
        if tpl.status != "RESOLVED" {
            add("template", "FAIL", "${p.catalog}/${p.template} is ${tpl.status}", "delete it and upload it again (ova=FILE.ova)")
        } else if tpl.kubernetesVersion != nil and str(tpl.kubernetesVersion).split("+")[0] != p.kubernetes.split("+")[0] {
            add("template", "FAIL", "${p.catalog}/${p.template} has Kubernetes ${tpl.kubernetesVersion}, kubernetes=${p.kubernetes}",
                "give kubernetes=${tpl.kubernetesVersion} or template= of a ${p.kubernetes} image")
        } else {
            add("template", "ok", "${p.catalog}/${p.template}: ${tpl.status}, Kubernetes ${tpl.kubernetesVersion}, ${tpl.osType}", "")
        }
    } else if p.ova != "" {
        if exists(p.ova) {
            add("template", "ok", "${p.template} to be uploaded by lab-setup from ${p.ova}", "")
        } else {
            add("template", "FAIL", "no template ${p.template} in ${p.catalog} and no file ${p.ova}", "give ova= of an existing OVA file")
        }
    } else if sim {
        add("template", "ok", "${p.template} to be uploaded by lab-setup (the simulator's node image, Kubernetes ${p.kubernetes})", "")
    } else if foreign {
        add("template", "FAIL", "${p.org} sees no template ${p.template} in catalog ${p.catalog} of ${p.catalogOrg}",
            "the provider shares the catalog with ${p.org} or publishes it, or give ova=FILE.ova to upload it there with a provider session")
    } else {
        add("template", "FAIL", "no template ${p.template} in catalog ${p.catalog}", "give ova=FILE.ova to upload it, or template=NAME of one there")
    }
    if not sim {
        add("ExtraConfig right", "warn", "not observable: CAPVCD's bootstrap is guestinfo.userdata in ExtraConfig (#21) and the OVA must use the VMware guestinfo datasource (#20)",
            "grant 'Preserve ExtraConfig Elements during OVA Import and Export' to the uploading user")
    }

    # CIDR overlaps (#27): the kind cluster's Docker networks collide with the lab's ranges.
    var ranges = [["node network", p.cidr], ["ALB service network", p.serviceNetwork],
                  ["pod CIDR", p.podCIDR], ["service CIDR", p.serviceCIDR],
                  ["Docker bridge", "172.17.0.0/16"], ["kind network", "172.18.0.0/16"]]
    if gw != nil and gw.vipSubnet != nil { ranges.insert(2, ["VIP subnet", gw.vipSubnet]) }
    var clashes = []
    for i in range(len(ranges)) {
        for j in range(i + 1, len(ranges)) {
            if cidr(ranges[i][1]).overlaps(ranges[j][1]) {
                clashes.append("${ranges[i][0]} ${ranges[i][1]} ∩ ${ranges[j][0]} ${ranges[j][1]}")
            }
        }
    }
    for d in dnsServers {
        for dk in ["172.17.0.0/16", "172.18.0.0/16"] { if cidr(dk).contains(str(d)) { clashes.append("DNS server ${d} ∩ Docker ${dk}") } }
    }
    if len(clashes) == 0 {
        add("CIDR overlaps", "ok", "none between ${len(ranges)} ranges (node network, VIPs, pods, services, Docker 172.17/16, kind 172.18/16)", "")
    } else {
        add("CIDR overlaps", "FAIL", ", ".join(clashes), "move the node network (cidr=, pool=) or the pod/service CIDRs away from the others and from Docker's 172.17/16 and 172.18/16")
    }

    # The tooling: kind and clusterctl (the simulator brings its own).
    if sim and not cloud.simulator.served {
        add("kind, clusterctl", "ok", "the embedded simulator's", "")
    } else if sim {
        # A served simulator is reached like a real site: its own kind and clusterctl must be on PATH.
        var missingTools = []
        for tool in ["kind", "clusterctl"] { if onPath(tool) == nil { missingTools.append(tool) } }
        if len(missingTools) == 0 {
            add("kind, clusterctl", "ok", "kind and clusterctl on PATH (the served simulator's: ${onPath("kind")})", "")
        } else {
            add("kind, clusterctl", "FAIL", "not on PATH: ${missingTools}", "eval \"$(vcdscript sim env)\" (or vcdscript sim tools DIR) puts the simulator's kind and clusterctl on PATH")
        }
    } else {
        var missingTools = []
        for tool in ["kind", "clusterctl", "docker"] { if onPath(tool) == nil { missingTools.append(tool) } }
        if len(missingTools) == 0 {
            add("kind, clusterctl", "ok", "kind, clusterctl and docker on PATH", "")
        } else {
            add("kind, clusterctl", "FAIL", "not on PATH: ${missingTools}", "install ${missingTools} (kind ≥ 0.17, clusterctl ${p.core})")
        }
    }

    # The pivot (#33): the workload cluster runs Cluster API itself, on its workers.
    if workers >= 1 {
        add("pivot", "ok", "${workers} worker(s) to run Cluster API and CAPVCD after the move", "")
    } else {
        add("pivot", "FAIL", "workers=${workers}: the pivot target needs at least one schedulable worker", "give workers=1 or more")
    }
    if cp < 1 {
        add("control plane", "FAIL", "controlPlaneCount=${cp}", "give controlPlaneCount=1 (or 3)")
    }
    return findings
}

# Prints the findings as lines; returns those that FAIL.
fn report(findings) {
    var failed = []
    for f in findings {
        let mark = if f.status == "ok" { "ok  " } else { f.status }
        print("  ${mark} ${f.check}: ${f.detail}")
        if f.status != "ok" and f.fix != "" { print("         fix: ${f.fix}") }
        if f.status == "FAIL" { failed.append(f) }
    }
    return failed
}

if isMain() {
    let p = params(args)
    print("preflight of the CAPVCD lab for ${p.org}/${p.vdc} on ${cloud.site}")
    let failed = report(run(p))
    if len(failed) > 0 {
        print("preflight: ${len(failed)} check(s) FAIL: ${failed.map(fn(f) { f.check })}")
        exit(1)
    }
    print("preflight: ready for lab-setup")
}
