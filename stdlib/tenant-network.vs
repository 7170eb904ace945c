# tenant-network.vs — the tenant layer of the CAPVCD lab (context: "capvcd with nsx-t cloud
# director, alb and vsphere"), as an idempotent runbook. Run it twice: the second run prints
# "= unchanged" for every step and sends no change. `--plan` shows what would change.
#
#   vcdscript tenant-network.vs                      # the blog's defaults
#   vcdscript tenant-network.vs gateway=gw-k8s ipCount=12 cidr=10.1.10.1/24
#   vcdscript --plan tenant-network.vs
#
# Parameters (key=value on the command line; defaults from the blog's lab):
let defaults = {
    org: "xav_lab",                       # tenant org
    vdc: "t-tenant",                      # org VDC
    seg: "seg-tenant",                    # dedicated SEG (max 2 SEs, configured on the ALB controller)
    gateway: "gw-capvcd",                 # the T1 edge gateway fronting the clusters
    ipCount: "8",                         # IP block on the gateway: SNAT + LoadBalancer services
    serviceNetwork: "192.168.255.1/25",   # ALB service network (the default subnet)
    network: "capvcd-192.168.10.0",       # routed network of the cluster nodes
    cidr: "192.168.10.1/24",              # its gateway address/prefix
    pool: "192.168.10.10-192.168.10.100", # static IP pool for the nodes
    dns: "198.51.100.53",                 # DNS the nodes resolve with (cloud-init, image pulls)
    dnsSuffix: "lab.example",
    snat: "snat-capvcd-nodes",            # SNAT rule name for node egress
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

print("tenant network for ${p.org}/${p.vdc} on ${cloud.site}")

let org = cloud.org(p.org)
let vdc = org.vdc(p.vdc)

# 1. The dedicated service engine group: on the ALB controller with max 2 service engines,
#    then imported into VCD (provider side).
if cloud.alb.available {
    cloud.alb.serviceEngineGroups.ensure(name: p.seg, maxServiceEngines: 2)
} else {
    print("  (no ALB controller on this target: ${p.seg} must exist there with max 2 SEs)")
}
cloud.serviceEngineGroups.ensure(name: p.seg, reservationType: "DEDICATED")

# 2. The T1 edge gateway with an IP block for SNAT and LoadBalancer services.
let gw = vdc.gateways.ensure(name: p.gateway, ipCount: int(p.ipCount),
                             description: "T1 for CAPVCD clusters")

# 3. Load balancing on the gateway, with its service network; the SEG assigned to it.
gw.loadBalancer.enable(serviceNetwork: p.serviceNetwork)
gw.serviceEngineGroups.ensure(name: p.seg)

# 4. The routed network of the nodes, with a static pool and DNS.
let net = vdc.networks.ensure(name: p.network, gateway: gw, cidr: p.cidr, pool: [p.pool],
                              dns: [p.dns], dnsSuffix: p.dnsSuffix)

# 5. SNAT for node egress (cloud-init, image pulls) through the gateway's primary address.
gw.nat.ensure(name: p.snat, type: "SNAT", external: gw.primaryIP, internal: net.subnet)

# 6. Route advertisement on the T1, so the T0 reaches the nodes and the VIPs.
gw.routeAdvertisement.ensure(enable: true, subnets: [net.subnet])
#    and in NSX, what the T1 advertises: connected segments, NAT addresses and the LB VIPs.
if cloud.nsx.available {
    cloud.nsx.tier1s.ensureRouteAdvertisement(p.gateway, types: ["TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP"])
} else {
    print("  (no NSX Manager on this target: set the T1's route advertisement types there)")
}

print("""
    gateway ${gw.name}: primary ${gw.primaryIP}, vipSubnet ${gw.vipSubnet}
    network ${net.name}: ${net.cidr}, pool ${net.pool}, dns ${net.dns}
    """)
