# tenant-network.vs — the tenant layer of the CAPVCD lab (context: "capvcd with nsx-t cloud
# director, alb and vsphere"), as an idempotent runbook. Run it twice: the second run prints
# "= unchanged" for every step and sends no change. `--plan` shows what would change.
#
#   vcdscript tenant-network.vs                      # the blog's defaults
#   vcdscript tenant-network.vs gateway=gw-k8s ipCount=12 cidr=10.1.10.1/24
#   vcdscript tenant-network.vs --help                # its parameters
#   vcdscript --plan tenant-network.vs
#
# Parameters (`vcdscript tenant-network.vs --help` lists them; defaults from the blog's lab). Run
# as a script, it builds the tenant layer; imported (lab-setup.vs), its build() does the same steps
# with the importer's values of these parameters.
param org = "xav_lab", doc: "tenant org"
param vdc = "t-tenant", doc: "org VDC"
param seg = "seg-tenant", doc: "dedicated SEG (max 2 SEs, configured on the ALB controller)"
param gateway = "gw-capvcd", doc: "the T1 edge gateway fronting the clusters"
param ipCount = 8, doc: "IP block on the gateway: SNAT + LoadBalancer services", check: fn(n) { n >= 1 }
param serviceNetwork = "192.168.255.1/25", doc: "ALB service network (the default subnet)"
param network = "capvcd-192.168.10.0", doc: "routed network of the cluster nodes"
param cidr as nodeCIDR = "192.168.10.1/24", doc: "the nodes' network: its gateway address/prefix"
param pool = "192.168.10.10-192.168.10.100", doc: "static IP pool for the nodes"
param dns = "198.51.100.53", doc: "DNS the nodes resolve with (cloud-init, image pulls)"
param dnsSuffix = "lab.example", doc: "DNS suffix of the nodes"
param snat = "snat-capvcd-nodes", doc: "SNAT rule name for node egress"

# The tenant layer, step by step; returns the gateway and the nodes' network.
fn build() {
    let tenantVdc = cloud.org(org).vdc(vdc)

    # 1. The dedicated service engine group: on the ALB controller with max 2 service engines,
    #    then imported into VCD (provider side).
    if cloud.alb.available {
        cloud.alb.serviceEngineGroups.ensure(name: seg, maxServiceEngines: 2)
    } else {
        print("  (no ALB controller on this target: ${seg} must exist there with max 2 SEs)")
    }
    cloud.serviceEngineGroups.ensure(name: seg, reservationType: "DEDICATED")

    # 2. The T1 edge gateway with an IP block for SNAT and LoadBalancer services.
    let gw = tenantVdc.gateways.ensure(name: gateway, ipCount: ipCount,
                                 description: "T1 for CAPVCD clusters")

    # 3. Load balancing on the gateway, with its service network; the SEG assigned to it.
    gw.loadBalancer.enable(serviceNetwork: serviceNetwork)
    gw.serviceEngineGroups.ensure(name: seg)

    # 4. The routed network of the nodes, with a static pool and DNS.
    let net = tenantVdc.networks.ensure(name: network, gateway: gw, cidr: nodeCIDR, pool: [pool],
                                  dns: [dns], dnsSuffix: dnsSuffix)

    # 5. SNAT for node egress (cloud-init, image pulls) through the gateway's primary address.
    gw.nat.ensure(name: snat, type: "SNAT", external: gw.primaryIP, internal: net.subnet)

    # 6. Route advertisement on the T1, so the T0 reaches the nodes and the VIPs.
    gw.routeAdvertisement.ensure(enable: true, subnets: [net.subnet])
    #    and in NSX, what the T1 advertises: connected segments, NAT addresses and the LB VIPs.
    if cloud.nsx.available {
        cloud.nsx.tier1s.ensureRouteAdvertisement(gateway, types: ["TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP"])
    } else {
        print("  (no NSX Manager on this target: set the T1's route advertisement types there)")
    }
    return {gateway: gw, network: net}
}

if isMain() {
    print("tenant network for ${org}/${vdc} on ${cloud.site}")
    let built = build()
    let gw = built.gateway
    let net = built.network
    print("""
        gateway ${gw.name}: primary ${gw.primaryIP}, vipSubnet ${gw.vipSubnet}
        network ${net.name}: ${net.cidr}, pool ${net.pool}, dns ${net.dns}
        """)
}
