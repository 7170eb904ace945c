import CloudWire
import Foundation

/// The seeded world of DESIGN.md, after the lab of `context/000_...`: a provider (System org) with
/// a vCenter, an NSX-T manager, a Tier-0 provider gateway on 203.0.113.0/24, an ALB controller with
/// an imported NSX-T cloud and importable SEGs (`seg-tenant`, max 2 SEs), and the tenant org
/// `xav_lab` with VDC `t-tenant`. Personas: `administrator@System` (provider),
/// `administrator@xav_lab` (org admin), `capvcd@xav_lab` (least privilege).
enum Seed {
    static let markerKey = "seeded"
    /// VCD's fixed id of the System org.
    static let systemOrgID = "urn:vcloud:org:a93c9db9-7471-3192-8d09-a8f7eeda85f9"

    /// Seeds the world into `tx`; returns each persona's clear password by user id, for the
    /// owner's copy (`PersonaPasswords`): the state itself keeps only their digests.
    @discardableResult
    static func build(_ tx: WriteTx, password: String?) throws -> [String: String] {
        func urn(_ kind: String) -> String { URN.make(kind).description }
        func pw() -> String { password ?? SessionRegistry.randomSecret(20) }
        var passwords: [String: String] = [:]

        // Orgs.
        var system = Org()
        system.id = systemOrgID; system.name = "System"; system.displayName = "System"; system.description = "Provider org"
        system.isEnabled = true; system.canPublish = true
        system.catalogCount = 0; system.vappCount = 0; system.runningVMCount = 0; system.diskCount = 0
        try tx.insert(kind: Kind.org, id: systemOrgID, name: "System", system)
        let labID = urn(URNKind.org)
        var lab = system
        lab.id = labID; lab.name = "xav_lab"; lab.displayName = "xav_lab"; lab.description = "Tenant org of the CAPVCD lab"; lab.canPublish = false
        try tx.insert(kind: Kind.org, id: labID, name: "xav_lab", lab)

        // vSphere and NSX-T (provider infrastructure; the NSX and ALB services serve them later).
        let vcID = urn(URNKind.vcenter)
        try tx.insert(kind: Kind.vcenter, id: vcID, name: "vc-lab",
                      JSONValue.object(["id": .string(vcID), "name": .string("vc-lab"), "url": .string("https://192.0.2.10"), "isEnabled": .bool(true)]))
        try tx.insert(kind: Kind.cluster, id: "domain-c8", parent: vcID, name: "cl-compute",
                      JSONValue.object(["moref": .string("domain-c8"), "name": .string("cl-compute")]))
        try tx.insert(kind: Kind.datastore, id: "datastore-11", parent: vcID, name: "ds-vsan",
                      JSONValue.object(["moref": .string("datastore-11"), "name": .string("ds-vsan"), "capacityGB": .int(4096)]))
        let nsxID = urn(URNKind.nsxtManager)
        try tx.insert(kind: Kind.nsxtManager, id: nsxID, name: "nsx-lab",
                      JSONValue.object(["id": .string(nsxID), "name": .string("nsx-lab"), "url": .string("https://192.0.2.11")]))
        let ecID = "urn:vcloud:edgeCluster:\(UUID().uuidString.lowercased())"
        try tx.insert(kind: Kind.edgeCluster, id: ecID, parent: nsxID, name: "ec-lab",
                      JSONValue.object(["id": .string(ecID), "name": .string("ec-lab"), "backingId": .string(UUID().uuidString.lowercased())]))
        let poolID = urn(URNKind.networkPool)
        try tx.insert(kind: Kind.networkPool, id: poolID, parent: nsxID, name: "np-geneve",
                      JSONValue.object(["id": .string(poolID), "name": .string("np-geneve"), "transportZone": .string("tz-overlay")]))

        // Provider gateway: Tier-0 with a documentation-range subnet and a static pool.
        let extID = urn(URNKind.externalNetwork)
        var ext = ExternalNetwork()
        ext.id = extID; ext.name = "t0-provider"; ext.description = "Provider gateway on Tier-0 t0-lab"
        var sub = NetworkSubnet()
        sub.gateway = "203.0.113.1"; sub.prefixLength = 24; sub.dnsServer1 = "198.51.100.53"; sub.dnsSuffix = "lab.example"
        sub.ipRanges = IPRanges(values: [IPRange(startAddress: "203.0.113.10", endAddress: "203.0.113.250")])
        sub.enabled = true; sub.totalIpCount = 241; sub.usedIpCount = 0
        ext.subnets = NetworkSubnets(values: [sub])
        var backing = ExternalNetworkBacking()
        backing.backingId = "t0-lab"; backing.name = "t0-lab"; backing.backingType = "NSXT_TIER0"
        backing.networkProvider = OpenAPIReference(name: "nsx-lab", id: nsxID)
        ext.networkBackings = ExternalNetworkBackings(values: [backing])
        ext.usingIpSpace = false
        try tx.insert(kind: Kind.externalNetwork, id: extID, name: "t0-provider", ext)

        // Provider VDC, tenant VDC, storage profile.
        let pvdcID = urn(URNKind.providerVdc)
        try tx.insert(kind: Kind.providerVdc, id: pvdcID, name: "pvdc-lab",
                      JSONValue.object(["id": .string(pvdcID), "name": .string("pvdc-lab"), "vimServer": .string(vcID), "nsxTManager": .string(nsxID)]))
        let vdcID = urn(URNKind.vdc)
        var vdc = Vdc()
        vdc.id = vdcID; vdc.name = "t-tenant"; vdc.description = "Tenant VDC of the CAPVCD lab"; vdc.allocationType = "FLEX"
        vdc.org = OpenAPIReference(name: "xav_lab", id: labID)
        try tx.insert(kind: Kind.vdc, id: vdcID, parent: pvdcID, org: labID, name: "t-tenant", vdc)
        let spID = urn(URNKind.storageProfile)
        try tx.insert(kind: Kind.storageProfile, id: spID, parent: vdcID, org: labID, name: "vsan-default",
                      JSONValue.object(["id": .string(spID), "name": .string("vsan-default"), "limitMB": .int(0), "default": .bool(true)]))

        // Compute policies of t-tenant.
        for (name, sizing, cpu, mem) in [("System Default", false, nil, nil), ("capvcd-small", true, 2, 4096), ("capvcd-medium", true, 4, 8192)] as [(String, Bool, Int?, Int?)] {
            var p = VdcComputePolicy()
            p.id = urn(URNKind.vdcComputePolicy); p.name = name; p.description = ""; p.isSizingOnly = sizing
            p.cpuCount = cpu; p.memory = mem; p.coresPerSocket = cpu == nil ? nil : 1; p.policyType = "VdcVmPolicy"
            p.pvdcId = pvdcID
            try tx.insert(kind: Kind.computePolicy, id: p.id!, parent: vdcID, name: name, p)
        }

        // ALB: controller, its NSX-T cloud (imported), SEGs on the controller side.
        let ctlID = urn(URNKind.loadBalancerController)
        var ctl = ALBController()
        ctl.id = ctlID; ctl.name = "alb-lab"; ctl.description = ""; ctl.url = "https://192.0.2.12"; ctl.username = "admin"; ctl.version = "22.1.3"
        try tx.insert(kind: Kind.albController, id: ctlID, name: "alb-lab", ctl)
        let impCloudID = "cloud-\(UUID().uuidString.lowercased())"
        try tx.insert(kind: Kind.albImportableCloud, id: impCloudID, parent: ctlID, name: "nsxt-cloud",
                      ImportableCloudRecord(id: impCloudID, displayName: "nsxt-cloud", networkPoolRef: OpenAPIReference(name: "np-geneve", id: poolID),
                                            transportZoneName: "tz-overlay"))
        let cloudID = urn(URNKind.loadBalancerCloud)
        var cloud = ALBCloud()
        cloud.id = cloudID; cloud.name = "nsxt-cloud"; cloud.description = ""; cloud.status = "REALIZED"; cloud.healthStatus = "UP"
        var cb = ALBCloudBacking()
        cb.backingId = impCloudID; cb.backingType = "NSXALB_NSXT"; cb.loadBalancerControllerRef = OpenAPIReference(name: "alb-lab", id: ctlID)
        cloud.loadBalancerCloudBacking = cb
        cloud.networkPoolRef = OpenAPIReference(name: "np-geneve", id: poolID)
        try tx.insert(kind: Kind.albCloud, id: cloudID, parent: impCloudID, name: "nsxt-cloud", cloud)
        // seg-tenant: max 2 SEs × 10 VS per SE (the lab's settings); Default-Group: controller defaults.
        for (name, maxVS) in [("seg-tenant", 20), ("Default-Group", 100)] {
            let id = "serviceenginegroup-\(UUID().uuidString.lowercased())"
            try tx.insert(kind: Kind.albImportableSEG, id: id, parent: impCloudID, name: name,
                          ImportableSEGRecord(id: id, displayName: name, haMode: "ELASTIC_N_PLUS_M_BUFFER", maxVirtualServices: maxVS))
        }

        // Interfaces RDE types build on.
        for (vendor, nss, version, name) in [("vmware", "k8s", "1.0.0", "Kubernetes")] {
            var i = DefinedInterface()
            i.id = "urn:vcloud:interface:\(vendor):\(nss):\(version)"; i.name = name; i.nss = nss; i.version = version; i.vendor = vendor; i.readonly = false
            try tx.insert(kind: Kind.interface, id: i.id!, name: name, i)
        }
        // The CAPVCD cluster type (with its rights and bundle), as the provider registers it before
        // CAPVCD runs (CSE's installation does): the capvcd role below holds its rights.
        _ = try CAPVCDEntity.registerType(tx)

        // System application port profiles.
        for (name, proto, ports) in [("HTTP", "TCP", ["80"]), ("HTTPS", "TCP", ["443"]), ("SSH", "TCP", ["22"]), ("DNS-UDP", "UDP", ["53"]),
                                     ("KUBE-API", "TCP", ["6443"]), ("ICMP ALL", "ICMPv4", [])] {
            var p = ApplicationPortProfile()
            p.id = urn(URNKind.applicationPortProfile); p.name = name; p.description = ""; p.scope = "SYSTEM"
            p.applicationPorts = [ApplicationPort(protocol_: proto, destinationPorts: ports.isEmpty ? nil : ports)]
            p.contextEntityId = nsxID
            try tx.insert(kind: Kind.appPortProfile, id: p.id!, name: name, p)
        }

        // Rights, the default bundle, roles.
        var rightRefs: [String: OpenAPIReference] = [:]
        for (name, category, type, _) in RightName.catalog {
            var r = Right()
            r.id = urn(URNKind.right); r.name = name; r.category = category; r.rightType = type; r.bundleKey = name
            r.serviceNamespace = "com.vmware.vcloud"; r.description = ""
            try tx.insert(kind: Kind.right, id: r.id!, name: name, r)
            rightRefs[name] = OpenAPIReference(name: name, id: r.id)
        }
        // Rights registered with entity types (the capvcdCluster type above).
        for r in tx.all(Kind.right) where rightRefs[r.name] == nil { rightRefs[r.name] = OpenAPIReference(name: r.name, id: r.id) }
        func refs(_ names: [String]) -> OpenAPIReferences { OpenAPIReferences(values: names.compactMap { rightRefs[$0] }) }
        var bundle = RightsBundle()
        bundle.id = urn(URNKind.rightsBundle); bundle.name = "Default Rights Bundle"; bundle.description = "Rights published to every tenant"
        bundle.bundleKey = "DEFAULT_BUNDLE"; bundle.readOnly = true; bundle.publishAll = true
        try tx.insert(kind: Kind.rightsBundle, id: bundle.id!, name: bundle.name!, bundle)
        try tx.insert(kind: "rightsList", id: Roles.rightsKey(bundle.id!), parent: bundle.id, name: bundle.name!, refs(RightName.tenantRights))
        try tx.insert(kind: "tenantsList", id: Roles.tenantsKey(bundle.id!), parent: bundle.id, name: bundle.name!,
                      OpenAPIReferences(values: [OpenAPIReference(name: "xav_lab", id: labID)]))

        func role(_ name: String, org: String, rights: [String], readOnly: Bool) throws -> String {
            var r = Role()
            r.id = urn(URNKind.role); r.name = name; r.description = ""; r.bundleKey = name; r.readOnly = readOnly
            try tx.insert(kind: Kind.role, id: r.id!, org: org, name: name, r)
            try tx.insert(kind: "rightsList", id: Roles.rightsKey(r.id!), parent: r.id, org: org, name: name, refs(rights))
            return r.id!
        }
        let sysRole = try role("System Administrator", org: systemOrgID, rights: RightName.catalog.map(\.0), readOnly: true)
        let orgAdminRole = try role("Organization Administrator", org: labID, rights: RightName.tenantRights + [RightName.capvcdClusterView, RightName.capvcdClusterFullAccess], readOnly: true)
        let capvcdRole = try role("capvcd", org: labID, rights: RightName.capvcdRole, readOnly: false)

        func user(_ name: String, org: String, orgName: String, role: String, roleName: String, provider: Bool) throws {
            let clear = pw()
            let u = SimUser(id: urn(URNKind.user), name: name, orgId: org, orgName: orgName, roleId: role, roleName: roleName,
                            passwordDigest: SecretDigest.password(clear), provider: provider)
            passwords[u.id] = clear
            try tx.insert(kind: Kind.user, id: u.id, parent: org, org: org, name: name, u)
        }
        try user("administrator", org: systemOrgID, orgName: "System", role: sysRole, roleName: "System Administrator", provider: true)
        try user("administrator", org: labID, orgName: "xav_lab", role: orgAdminRole, roleName: "Organization Administrator", provider: false)
        try user("capvcd", org: labID, orgName: "xav_lab", role: capvcdRole, roleName: "capvcd", provider: false)

        tx.setMeta(markerKey, ISO8601DateFormatter().string(from: Date()))
        return passwords
    }
}
