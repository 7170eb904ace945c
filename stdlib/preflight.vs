# preflight.vs — checks the prerequisites of the CAPVCD lab (lab-setup.vs) BEFORE anything is
# created, with reads only (no write reaches the site). Each check prints ok, warn or FAIL with
# what was found and the fix. Numbers (#n) are the pain points of /work/shared/reference/peers.md.
#
#   vcdscript preflight.vs [key=value…]      # same parameters and defaults as lab-setup.vs (--help lists them)
#   import "preflight" as preflight; let findings = preflight.run()   # from a runbook, with its parameters
#
# run() returns a list of maps {check, status, detail, fix}; status is "ok", "warn" or
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

# The parameters of the lab (`vcdscript preflight.vs --help`): lab-setup.vs, teardown.vs and
# cluster-upgrade.vs take them from here, and the tenant layer's from tenant-network.vs.
import "tenant-network" as tenant
param org
param vdc
param seg
param gateway
param ipCount
param serviceNetwork
param network
param cidr as nodeCIDR
param pool
param dns
param dnsSuffix
param snat
param catalog = "home", doc: "the catalog of the node image"
param catalogOrg = "", doc: "the org that owns that catalog and shares it with org (empty: org itself)"
param template = "ubuntu-20.04-kube-v1.22.5+vmware.1", doc: "the node template (vApp template) in the catalog"
param ova = "", doc: "an OVA to upload as the template (empty: it must be in the catalog; the embedded simulator provides one)"
param kind as kindCluster: string = "capvcd", doc: "the kind bootstrap cluster"
param core = "cluster-api:v1.4.0", doc: "Cluster API core provider (the blog used cluster-api:v0.4.2 with CAPVCD 0.5.x)"
param bootstrap = "kubeadm:v1.4.0", doc: "bootstrap provider"
param controlPlane = "kubeadm:v1.4.0", doc: "control plane provider"
param capvcd = "v1.3.2", doc: "CAPVCD version"
param cluster = "capi-cluster", doc: "the workload cluster"
param kubernetes = "v1.22.5+vmware.1", doc: "Kubernetes version of the workload cluster"
param controlPlaneCount = 1, doc: "control plane machines"
param workers = 1, doc: "worker machines"
param sshKey = "~/.ssh/id_rsa.pub", doc: "public key for root on the nodes (skipped if the file is missing)"
param timeout = 30, doc: "minutes to wait for the cluster"
param addressTimeout = 120, doc: "seconds to wait for the LoadBalancer service's address (0: do not wait)"
param kubeconfig = "capi-cluster.kubeconfig", doc: "where the workload cluster's kubeconfig is written"
param keepKind = false, doc: "keep the kind cluster after the pivot"
param preflight as runPreflight = true, doc: "false: skip the preflight checks (lab-setup.vs)"
param podCIDR = "100.96.0.0/11", doc: "the workload cluster's pod CIDR"
param serviceCIDR = "100.64.0.0/13", doc: "the workload cluster's service CIDR"

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

fn run() {
    var findings = []
    fn add(check, status, detail, fix) {
        findings.append({check: check, status: status, detail: detail, fix: fix})
    }
    let sim = cloud.simulator != nil
    let cp = controlPlaneCount
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
    var tenantOrg = nil
    var tenantVdc = nil
    try { tenantOrg = cloud.org(org) } catch NOT_FOUND { }   # anything else (a timeout, 403) ends the run with its cause
    if tenantOrg == nil {
        add("org", "FAIL", "no org ${org}", "give org=NAME of an existing org")
        return findings
    }
    try { tenantVdc = tenantOrg.vdc(vdc) } catch NOT_FOUND { }
    if tenantVdc == nil {
        add("vdc", "FAIL", "no VDC ${vdc} in ${org}", "give vdc=NAME of an existing VDC of ${org}")
        return findings
    }
    add("org/vdc", "ok", "${org}/${vdc} (${tenantVdc.allocationType})", "")

    # The reads of the checks below do not depend on each other: they go out together
    # (parallel), so that over a slow link they cost a round trip or two rather than one each
    # (vcdscript keeps at most 6 requests in flight per host). Each check still judges its own
    # findings, in the same order. A read whose failure is a finding returns {error: message}
    # instead of raising; NOT_FOUND means "absent" (nil); any other error ends the run, as before.
    fn orError(read) {
        try { return {value: read(), error: nil} } catch err { return {value: nil, error: err.message} }
    }
    fn nilIfAbsent(read) {
        try { return read() } catch NOT_FOUND { return nil }
    }
    let foreign = catalogOrg != "" and catalogOrg != org
    let reads = parallel([
        fn() { orError(fn() { cloud.entityTypes.where(fn(t) { t.nss == "capvcdCluster" }) }) },
        fn() { orError(fn() { cloud.rights }) },
        fn() {
            if not cloud.alb.available { return nil }
            return orError(fn() {
                let aseg = cloud.alb.serviceEngineGroups.find(seg)
                var count = 0
                if aseg == nil { count = cloud.alb.serviceEngineGroups.count }
                return {seg: aseg, count: count}
            })
        },
        fn() { nilIfAbsent(fn() { tenantVdc.gateways.find(gateway) }) },
        fn() { nilIfAbsent(fn() { cloud.serviceEngineGroups.find(seg) }) },
        fn() { nilIfAbsent(fn() { tenantVdc.networks.find(network) }) },
        fn() {
            if not cloud.nsx.available { return nil }
            return nilIfAbsent(fn() { cloud.nsx.tier1s.find(gateway) })
        },
        # The node template: with catalogOrg=, in that org's catalog as the lab org sees it.
        fn() {
            var cat = nil
            if foreign {
                try { cat = tenantOrg.catalog(catalog, org: catalogOrg) } catch NOT_FOUND, FORBIDDEN { }   # not shared with the org: reported below
            } else {
                try { cat = tenantOrg.catalogs.find(catalog) } catch NOT_FOUND { }
            }
            if cat == nil { return nil }
            return cat.templates.find(template)
        },
    ], limit: 8)
    let rdeRead = reads[0]
    let rightsRead = reads[1]
    let albRead = reads[2]
    let gw = reads[3]
    let vcdSeg = reads[4]
    let net = reads[5]
    let t1 = reads[6]
    let tpl = reads[7]
    # What the checks read of an existing gateway, together too.
    var gwRead = nil
    if gw != nil {
        let g = parallel([
            fn() { var names = []; for vs in gw.virtualServices { names.append(vs.name) }; return names },
            fn() { gw.loadBalancer.enabled },
            fn() { gw.serviceEngineGroups.find(seg) },
            fn() { gw.usedIPs },
            fn() { gw.freeIPs },
            fn() { var rules = []; for r in gw.nat { rules.append(r) }; return rules },
            fn() { gw.routeAdvertisement.enabled },
            fn() { gw.routeAdvertisement.subnets },
        ], limit: 8)
        gwRead = {vsNames: g[0], lbEnabled: g[1], assignment: g[2], usedIPs: g[3], freeIPs: g[4], nat: g[5],
                  advertising: g[6], advertised: g[7]}
    }

    # CAPVCD's RDE type (#3, #36): vmware:capvcdCluster registered and visible to the session.
    if rdeRead.error == nil {
        let rde = rdeRead.value
        if len(rde) > 0 {
            add("capvcdCluster RDE type", "ok", "registered: ${rde.map(fn(t) { t.id })}", "")
        } else if sim {
            add("capvcdCluster RDE type", "ok", "not registered yet: the simulator registers vmware:capvcdCluster when CAPVCD ${capvcd} is installed, as a provider would before", "")
        } else {
            add("capvcdCluster RDE type", "warn", "vmware:capvcdCluster is not registered or not visible to ${cloud.user}",
                "register it as provider (CSE's installation does) and publish its rights bundle to ${org} with Full Access for the cluster author's role")
        }
    } else {
        add("capvcdCluster RDE type", "warn", "entity types not readable: ${rdeRead.error}", "grant the role the right to view defined entity types")
    }

    # The rights CAPVCD needs (#1, #2): lab-setup hands the session's own credentials to CAPVCD and
    # the cloud provider, so the session's role must hold what creating a cluster uses (the set
    # the simulator's controllers pin, docs/simulator.md) and vApp: Delete for its teardown.
    if rightsRead.error == nil {
        let have = rightsRead.value
        let missing = capvcdRights.filter(fn(r) { not (r in have) })
        if len(missing) == 0 {
            add("rights", "ok", "${cloud.user} holds the ${len(capvcdRights)} rights CAPVCD uses", "")
        } else {
            add("rights", "FAIL", "${cloud.user} lacks ${missing}: CAPVCD would stop with 403 on them",
                "add them to the role ${cloud.persona} in ${org} (Administration > Roles), or run lab-setup with a user whose role holds them")
        }
    } else {
        add("rights", "warn", "the session's rights are not readable: ${rightsRead.error}", "grant the role Roles: View, or check the rights by hand")
    }

    # ALB controller and its SEG (#8, #9).
    if albRead != nil {
        if albRead.error == nil {
            let aseg = albRead.value.seg
            if aseg == nil {
                add("ALB SEG", "ok", "controller reachable (${albRead.value.count} SEGs); ${seg} to be created by lab-setup (max 2 SEs)", "")
            } else {
                add("ALB SEG", "ok", "controller reachable; ${seg} has max ${aseg.maxServiceEngines} SEs (${aseg.haMode})", "")
            }
        } else {
            add("ALB controller", "FAIL", "unreachable: ${albRead.error}", "check the ALB controller's address and credentials in the profile")
        }
    } else {
        add("ALB controller", "warn", "no ALB controller configured for this target", "the SEG ${seg} and its max SEs must exist on the controller already (provider)")
    }

    # The SEG imported into VCD and its capacity (#10).
    # The lab's virtual services already there: CAPVCD names the control plane's <cluster>-<infraId>-tcp
    # and the cloud provider a Service's ingress-vs-<service>-<clusterId>-<port>, where clusterId is
    # that infraId (the cluster's RDE id) without its urn:vcloud:entity:vmware: prefix; the RDE's
    # uuid, the end of both, ties a Service's VS to this cluster.
    var labVS = 0
    if gw != nil {
        var rdeIds = []
        for name in gwRead.vsNames {
            if name.startsWith("${cluster}-") and name.endsWith("-tcp") and len(name) > len(cluster) + 5 {
                rdeIds.append(name[len(cluster) + 1 ..< len(name) - 4].split(":")[-1])
            }
        }
        for name in gwRead.vsNames {
            if name.startsWith("${cluster}-") or (name.startsWith("ingress-vs-") and rdeIds.any(fn(id) { name.contains(id) })) { labVS = labVS + 1 }
        }
    }
    let needVS = max(0, plannedVS - labVS)
    if vcdSeg == nil {
        add("SEG capacity", "ok", "SEG ${seg} to be created (imported) by lab-setup; ${plannedVS} virtual services planned", "")
    } else {
        let room = vcdSeg.maxVirtualServices - vcdSeg.deployedVirtualServices
        if room >= needVS {
            add("SEG capacity", "ok", "${seg}: ${vcdSeg.deployedVirtualServices}/${vcdSeg.maxVirtualServices} virtual services used, ${needVS} more planned (control plane + ${planned.services} service)", "")
        } else {
            add("SEG capacity", "FAIL", "${seg}: ${room} virtual services free, ${needVS} needed (control plane + ${planned.services} LoadBalancer service; each Service port is one VS)",
                "raise max SEs of ${seg} on the ALB controller or delete unused virtual services")
        }
    }

    # The gateway: ALB enabled and SEG assigned (#8), IP budget (#12), orphaned DNATs (#16).
    if gw == nil {
        let budget = ipCount - 1
        if budget >= plannedVS {
            add("gateway", "ok", "${gateway} to be created by lab-setup with ${ipCount} IPs (1 for SNAT, ${plannedVS} VIPs planned)", "")
        } else {
            add("gateway", "FAIL", "ipCount=${ipCount}: 1 for SNAT leaves ${budget} for ${plannedVS} VIPs (control plane + ${planned.services} service)", "give ipCount=${plannedVS + 1} or more")
        }
        add("ALB on gateway", "ok", "to be enabled with SEG ${seg} by lab-setup (service network ${serviceNetwork})", "")
    } else {
        add("gateway", "ok", "${gw.name}: ${gw.status}, primary IP ${gw.primaryIP}, IPs ${gw.ipRanges}", "")
        if gwRead.lbEnabled {
            let a = gwRead.assignment
            if a == nil {
                add("ALB on gateway", "ok", "load balancing on; SEG ${seg} to be assigned by lab-setup", "")
            } else if a.maxVirtualServices - a.deployedVirtualServices < needVS {
                add("ALB on gateway", "FAIL", "SEG ${seg} on ${gw.name}: ${a.deployedVirtualServices}/${a.maxVirtualServices} virtual services, ${needVS} more needed",
                    "raise the assignment's max virtual services (provider) or delete unused virtual services")
            } else {
                add("ALB on gateway", "ok", "load balancing on, SEG ${seg} assigned (${a.deployedVirtualServices}/${a.maxVirtualServices} virtual services)", "")
            }
        } else {
            add("ALB on gateway", "ok", "load balancing off: to be enabled by lab-setup (provider session)", "")
        }
        var snatOnly = []
        for u in gwRead.usedIPs { if str(u.category).upper().contains("SNAT") { snatOnly.append(u.ip) } }
        let free = len(gwRead.freeIPs)
        let needIPs = needVS
        if free >= needIPs {
            add("IP budget", "ok", "${free} free of ${len(gw.allocatedIPs)} allocated (SNAT-only: ${snatOnly}), ${needIPs} more VIPs planned", "")
        } else {
            add("IP budget", "FAIL", "${free} free of ${len(gw.allocatedIPs)} allocated (SNAT-only, counted as used: ${snatOnly}); ${needIPs} VIPs needed (control plane + ${planned.services} service)",
                "allocate more IPs to ${gw.name} (provider) or delete unused virtual services / DNAT rules")
        }
        var orphans = []
        for r in gwRead.nat {
            if r.type == "DNAT" and not r.name.contains(cluster) { orphans.append(r.name) }
        }
        if len(orphans) > 0 {
            add("DNAT rules", "warn", "DNAT rules not of this lab keep external IPs: ${orphans}", "delete them if they are leftovers of deleted clusters")
        }
    }

    # The nodes' network: static pool size (#14), DNS and SNAT (#26), route advertisement (#29).
    let needNodes = cp + workers + planned.surge
    var poolRanges = [pool]
    if net != nil { poolRanges = net.pool }
    var poolOutside = []
    let nodeNet = cidr(nodeCIDR)
    for r in poolRanges { for a in str(r).split("-") { if not nodeNet.contains(a.trim()) { poolOutside.append(a) } } }
    let poolSize = if len(poolOutside) == 0 { rangeSize(nodeNet, poolRanges) } else { 0 }
    if len(poolOutside) > 0 {
        add("static pool", "FAIL", "pool ${poolRanges} is not inside ${nodeCIDR}: ${poolOutside}", "give pool=FIRST-LAST inside cidr=")
    } else if poolSize >= needNodes {
        let later = if net == nil { ", network to be created by lab-setup" } else { "" }
        add("static pool", "ok", "${poolSize} addresses (${poolRanges}) for ${needNodes} nodes (${cp} control plane + ${workers} workers + ${planned.surge} surge)${later}", "")
    } else {
        add("static pool", "FAIL", "${poolSize} addresses (${poolRanges}) for ${needNodes} nodes (${cp} control plane + ${workers} workers + ${planned.surge} surge)", "give a larger pool=FIRST-LAST")
    }
    var dnsServers = [dns]
    if net != nil { dnsServers = net.dns }
    if len(dnsServers) == 0 or dns == "" {
        add("DNS", "FAIL", "no DNS server for the nodes", "give dns=ADDRESS of a resolver the nodes can reach")
    } else {
        add("DNS", "ok", "nodes resolve through ${dnsServers} (suffix ${dnsSuffix})", "")
    }
    var snatRule = nil
    if gw != nil { for r in gwRead.nat { if r.name == snat { snatRule = r } } }
    if snatRule != nil {
        add("SNAT", "ok", "${snatRule.name}: ${snatRule.internal} → ${snatRule.external}", "")
    } else {
        add("SNAT", "ok", "${snat} (nodes → gateway primary IP) to be created by lab-setup", "")
    }
    if gw != nil and gwRead.advertising {
        add("route advertisement", "ok", "VCD: on, subnets ${gwRead.advertised}", "")
    } else {
        add("route advertisement", "ok", "VCD: to be enabled for ${network} by lab-setup", "")
    }
    if cloud.nsx.available {
        if t1 == nil {
            add("NSX T1 advertisement", "ok", "T1 ${gateway} to be created with the gateway; TIER1_NAT and TIER1_LB_VIP set by lab-setup", "")
        } else {
            var missing = []
            for ty in ["TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP"] { if not t1.routeAdvertisement.contains(ty) { missing.append(ty) } }
            add("NSX T1 advertisement", "ok", if len(missing) == 0 { "T1 ${t1.name}: ${t1.routeAdvertisement}" } else { "T1 ${t1.name}: ${missing} to be set by lab-setup" }, "")
        }
    } else {
        add("NSX T1 advertisement", "warn", "no NSX Manager configured: TIER1_LB_VIP/TIER1_NAT advertisement is not checked (VIPs may be unreachable from outside)",
            "ask the provider to advertise LB VIPs and NAT on the T1 of ${gateway}")
    }

    # The node template (#25, #20/#21 as far as observable); with catalogOrg=, in that org's
    # catalog as the lab org sees it (shared with it or published), as CAPVCD will look for it.
    if tpl != nil {
        if tpl.status != "RESOLVED" {
            add("template", "FAIL", "${catalog}/${template} is ${tpl.status}", "delete it and upload it again (ova=FILE.ova)")
        } else if tpl.kubernetesVersion != nil and str(tpl.kubernetesVersion).split("+")[0] != kubernetes.split("+")[0] {
            add("template", "FAIL", "${catalog}/${template} has Kubernetes ${tpl.kubernetesVersion}, kubernetes=${kubernetes}",
                "give kubernetes=${tpl.kubernetesVersion} or template= of a ${kubernetes} image")
        } else {
            add("template", "ok", "${catalog}/${template}: ${tpl.status}, Kubernetes ${tpl.kubernetesVersion}, ${tpl.osType}", "")
        }
    } else if ova != "" {
        if exists(ova) {
            add("template", "ok", "${template} to be uploaded by lab-setup from ${ova}", "")
        } else {
            add("template", "FAIL", "no template ${template} in ${catalog} and no file ${ova}", "give ova= of an existing OVA file")
        }
    } else if sim {
        add("template", "ok", "${template} to be uploaded by lab-setup (the simulator's node image, Kubernetes ${kubernetes})", "")
    } else if foreign {
        add("template", "FAIL", "${org} sees no template ${template} in catalog ${catalog} of ${catalogOrg}",
            "the provider shares the catalog with ${org} or publishes it, or give ova=FILE.ova to upload it there with a provider session")
    } else {
        add("template", "FAIL", "no template ${template} in catalog ${catalog}", "give ova=FILE.ova to upload it, or template=NAME of one there")
    }
    if not sim {
        add("ExtraConfig right", "warn", "not observable: CAPVCD's bootstrap is guestinfo.userdata in ExtraConfig (#21) and the OVA must use the VMware guestinfo datasource (#20)",
            "grant 'Preserve ExtraConfig Elements during OVA Import and Export' to the uploading user")
    }

    # CIDR overlaps (#27): the kind cluster's Docker networks collide with the lab's ranges.
    var ranges = [["node network", nodeCIDR], ["ALB service network", serviceNetwork],
                  ["pod CIDR", podCIDR], ["service CIDR", serviceCIDR],
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
            add("kind, clusterctl", "FAIL", "not on PATH: ${missingTools}", "install ${missingTools} (kind ≥ 0.17, clusterctl ${core})")
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
    print("preflight of the CAPVCD lab for ${org}/${vdc} on ${cloud.site}")
    let failed = report(run())
    if len(failed) > 0 {
        print("preflight: ${len(failed)} check(s) FAIL: ${failed.map(fn(f) { f.check })}")
        exit(1)
    }
    print("preflight: ready for lab-setup")
}
