# inventory.vs — what an org holds: its VDCs, edge gateways with their external addresses,
# networks, catalogs and vApps. Read-only: it never changes anything.
#
#   vcdscript inventory.vs            # the org xav_lab
#   vcdscript inventory.vs org=my-org
#   vcdscript -o json inventory.vs    # tables become JSON
#
# ci-args:
# ci-expect: org xav_lab
# ci-expect: VDC t-tenant
param org as orgName = "xav_lab", doc: "the org to list"
let org = cloud.org(orgName)
print("org ${org.name} on ${cloud.site}")
for vdc in org.vdcs {
    print("VDC ${vdc.name} (${vdc.allocationType})")
    let gws = vdc.gateways.list()
    if len(gws) > 0 {
        print(gws)
        for gw in gws {
            print("  ${gw.name}: ${len(gw.usedIPs)} of ${len(gw.allocatedIPs)} external addresses used, free ${gw.freeIPs}")
        }
    }
    let nets = vdc.networks.list()
    if len(nets) > 0 { print(nets) }
    let apps = vdc.vapps.list()
    if len(apps) > 0 { print(apps) }
}
let cats = org.catalogs.list()
if len(cats) > 0 { print(cats) }
