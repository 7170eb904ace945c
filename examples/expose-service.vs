# expose-service.vs — a TCP service behind the gateway's load balancer: a pool of backends and a
# virtual service on a free external address, the way the cloud provider (CPI) exposes a
# Kubernetes LoadBalancer service. Needs the tenant layer: run tenant-network.vs first.
#
#   vcdscript expose-service.vs                        # 3 backends on port 30080, VIP port 80
#   vcdscript expose-service.vs name=web port=443 nodePort=30443
#
# ci-needs: tenant-network.vs
# ci-expect: + created pool web-pool
# ci-expect: + created virtual service web
# ci-expect: web: VIP
var p = {gateway: "gw-capvcd", name: "web", port: "80", nodePort: "30080",
         backends: "192.168.10.10,192.168.10.11,192.168.10.12"}
for a in args {
    let kv = a.split("=")
    if len(kv) != 2 or not (kv[0] in p) { throw error("USAGE", "unknown parameter '${a}': give key=value with key one of ${p.keys()}") }
    p[kv[0]] = kv[1]
}
let gw = cloud.org("xav_lab").vdc("t-tenant").gateway(p.gateway)
if len(gw.serviceEngineGroups.list()) == 0 {
    throw error("PREREQUISITE", "no service engine group is assigned to ${gw.name}: run tenant-network.vs first")
}
let vip = gw.freeIPs.first
if vip == nil { throw error("PREREQUISITE", "${gw.name} has no free external address: grow it with tenant-network.vs ipCount=N") }
let existing = gw.virtualServices.find(p.name)
let pool = gw.pools.ensure(name: "${p.name}-pool", members: p.backends.split(","), port: int(p.nodePort))
let vs = gw.virtualServices.ensure(name: p.name, pool: pool, vip: existing?.vip ?? vip, port: int(p.port))
print("${vs.name}: VIP ${vs.vip}:${vs.port} → ${len(pool.members)} backends on ${p.nodePort} (${vs.health})")
