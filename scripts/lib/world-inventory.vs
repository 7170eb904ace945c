# world-inventory.vs — what the lab leaves in the world, as stable lines (names and counts, no ids
# or generated suffixes), so that two runs of the lab can be compared: embedded and over the wire.
let org = cloud.org("xav_lab")
for vdc in org.vdcs {
    for gw in vdc.gateways.list() {
        print("gateway ${gw.name} ips=${len(gw.allocatedIPs)} used=${len(gw.usedIPs)}")
        for r in gw.nat.list() { print("  nat ${r.name} ${r.type}") }
        print("  pools=${gw.pools.count} virtualServices=${gw.virtualServices.count}")
    }
    for n in vdc.networks.list() { print("network ${n.name}") }
    for a in vdc.vapps.list() { print("vapp ${a.name} vms=${len(a.vms)}") }
}
for c in org.catalogs.list() {
    print("catalog ${c.name}")
    for t in c.templates.list() { print("  template ${t.name}") }
}
