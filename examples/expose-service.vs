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
param gateway = "gw-capvcd", doc: "the edge gateway whose load balancer serves it"
param name = "web", doc: "the virtual service (its pool is NAME-pool)"
param port = 80, doc: "the VIP's port", check: fn(n) { n >= 1 and n <= 65535 }
param nodePort = 30080, doc: "the backends' port", check: fn(n) { n >= 1 and n <= 65535 }
param backends = ["192.168.10.10", "192.168.10.11", "192.168.10.12"], doc: "the backends' addresses (a,b,c)"
let gw = cloud.org("xav_lab").vdc("t-tenant").gateway(gateway)
if len(gw.serviceEngineGroups.list()) == 0 {
    throw error("PREREQUISITE", "no service engine group is assigned to ${gw.name}: run tenant-network.vs first")
}
let vip = gw.freeIPs.first
if vip == nil { throw error("PREREQUISITE", "${gw.name} has no free external address: grow it with tenant-network.vs ipCount=N") }
let existing = gw.virtualServices.find(name)
let pool = gw.pools.ensure(name: "${name}-pool", members: backends, port: nodePort)
let vs = gw.virtualServices.ensure(name: name, pool: pool, vip: existing?.vip ?? vip, port: port)
print("${vs.name}: VIP ${vs.vip}:${vs.port} → ${len(pool.members)} backends on ${nodePort} (${vs.health})")
