import CloudWire
import Foundation

/// What the simulated CAPVCD does in VCD, through the simulator's own VCD model (same state, same
/// checks as the API): finds the org, VDC, network, gateway and templates a VCDCluster names, makes
/// the RDE, the vApp, the VMs, and the control-plane load balancer; and removes all of it.
enum CAPVCDInfra {
    /// The VCD objects a VCDCluster resolves to.
    struct Site {
        var org: StoredObject
        var vdc: StoredObject
        var network: StoredObject
        var gateway: StoredObject
        var gatewayBody: EdgeGateway
        var segId: String
    }

    static func fail(_ reason: String, _ message: String) -> CAPIFailure { CAPIFailure(reason: reason, message: message) }

    /// Resolves org / ovdc / ovdcNetwork and checks what the control-plane load balancer needs:
    /// load balancing enabled on the network's gateway and a service engine group assigned.
    static func resolve(_ tx: WriteTx, spec: JSONValue?) throws -> Site {
        let orgName = KO.str(spec, "org") ?? "", vdcName = KO.str(spec, "ovdc") ?? "", netName = KO.str(spec, "ovdcNetwork") ?? ""
        guard let org = tx.all(Kind.org).first(where: { $0.name == orgName }) else {
            throw fail("OrgNotFound", "unable to find organization \"\(orgName)\" in VCD")
        }
        guard let vdc = tx.all(Kind.vdc).first(where: { $0.orgId == org.id && $0.name == vdcName }) else {
            throw fail("VdcNotFound", "unable to find virtual datacenter \"\(vdcName)\" in organization \"\(orgName)\"")
        }
        guard let net = LX.networks(tx, vdcId: vdc.id).first(where: { $0.name == netName }) else {
            throw fail("NetworkNotFound", "unable to find network \"\(netName)\" in virtual datacenter \"\(vdcName)\"")
        }
        guard let gwId = net.json.value(at: "connection.routerRef.id")?.stringValue, let gw = tx.get(gwId, kind: Kind.edgeGateway),
              let gwBody = try? gw.decode(EdgeGateway.self) else {
            throw fail("GatewayNotFound", "network \"\(netName)\" is not connected to an edge gateway: the control plane load balancer needs a routed network")
        }
        do { try GatewayLoadBalancerAPI.requireEnabled(tx, gw) } catch let e as SimError {
            throw fail("LoadBalancerNotEnabled", "unable to create the control plane load balancer: \(e.message)")
        }
        guard let asg = tx.children(Kind.segAssignment, of: gw.id).first,
              let segId = asg.json.value(at: "serviceEngineGroupRef.id")?.stringValue else {
            throw fail("NoServiceEngineGroup", "unable to create the control plane load balancer: no service engine group is assigned to edge gateway \(gw.name)")
        }
        return Site(org: org, vdc: vdc, network: net, gateway: gw, gatewayBody: gwBody, segId: segId)
    }

    /// The resolved vApp template of a VCDMachineTemplate spec (catalog + template in the org).
    static func template(_ tx: WriteTx, orgId: String, spec: JSONValue?) throws -> StoredObject {
        let catalog = KO.str(spec, "catalog") ?? "", name = KO.str(spec, "template") ?? ""
        guard let cat = tx.all(Kind.catalog).first(where: { $0.name == catalog && ($0.orgId == orgId || $0.orgId == nil) }) else {
            throw fail("CatalogNotFound", "unable to find catalog \"\(catalog)\" in the organization")
        }
        guard let item = tx.all(Kind.catalogItem).first(where: { $0.name == name && $0.json["catalogId"]?.stringValue == cat.id }),
              let tplId = item.json["templateId"]?.stringValue, let tpl = tx.get(tplId, kind: Kind.vAppTemplate) else {
            throw fail("TemplateNotFound", "unable to find vApp template \"\(name)\" in catalog \"\(catalog)\"")
        }
        guard tpl.json["status"]?.scalarText == "8" else {
            throw fail("TemplateNotReady", "vApp template \"\(name)\" in catalog \"\(catalog)\" is not resolved yet (upload incomplete)")
        }
        guard tx.children(Kind.templateVm, of: tpl.id).first != nil else {
            throw fail("TemplateNotFound", "vApp template \"\(name)\" in catalog \"\(catalog)\" has no VM")
        }
        return tpl
    }

    /// A free external address of the gateway (allocated to it, used by nothing), inside `vipSubnet` if given.
    static func freeVIP(_ tx: WriteTx, gatewayId: String, vipSubnet: String?) throws -> String {
        guard let gw = tx.get(gatewayId, kind: Kind.edgeGateway), let body = try? gw.decode(EdgeGateway.self) else {
            throw fail("GatewayNotFound", "edge gateway \(gatewayId) does not exist")
        }
        let used = Set(GatewayIPs.used(tx, gatewayId: gatewayId, body).compactMap { $0.ipAddress.flatMap(IPv4.parse) })
        var vsVIPs = Set<UInt32>()
        for j in tx.childJSONs(Kind.virtualService, of: gatewayId) { if let v = j["virtualIpAddress"]?.stringValue.flatMap(IPv4.parse) { vsVIPs.insert(v) } }
        let subnet = (vipSubnet?.isEmpty == false ? vipSubnet : nil).flatMap { IPv4.parseCIDR($0) }
        let allocated = GatewayIPs.allocated(body).sorted()
        for ip in allocated where !used.contains(ip) && !vsVIPs.contains(ip) {
            if let (base, prefix) = subnet, !IPv4.inSubnet(ip, gateway: base, prefix: prefix) { continue }
            return IPv4.format(ip)
        }
        throw fail("NoFreeVIP", "no free IP address for a virtual service on edge gateway \(gw.name): \(allocated.count) allocated, all in use"
                   + (vipSubnet.map { $0.isEmpty ? "" : " (vipSubnet \($0))" } ?? ""))
    }

    // MARK: Load balancer

    /// Creates a pool of `members` on `port` and a TCP (L4) virtual service `vip:ports` with the
    /// API's checks. Returns (pool id, virtual service id).
    static func createLB(_ sim: Simulator, _ tx: WriteTx, orgId: String, user: String, gatewayId: String, segId: String, name: String,
                         vip: String, servicePort: Int, members: [String], memberPort: Int, poolName: String? = nil) throws -> (String, String) {
        let ctx = sim.controllerContext(tx, orgId: orgId, user: user)
        let (gw, gwBody) = try EdgeGateways.forChange(ctx, gatewayId)
        try GatewayLoadBalancerAPI.requireEnabled(tx, gw)
        var pool = LoadBalancerPool()
        pool.name = poolName ?? name
        pool.enabled = true
        pool.defaultPort = memberPort
        pool.gracefulTimeoutPeriod = 0
        pool.algorithm = "LEAST_CONNECTIONS"
        pool.gatewayRef = Cloud.ref(gw)
        pool.healthMonitors = [PoolHealthMonitor(type: "TCP")]
        pool.members = members.map { member($0, memberPort) }
        pool = try Pools.validate(ctx, pool, gw: gw, replacing: nil)
        let poolId = URN.make(URNKind.loadBalancerPool).description
        pool.id = poolId
        pool.virtualServiceRefs = []
        try tx.insert(kind: Kind.lbPool, id: poolId, parent: gw.id, org: gw.orgId, name: pool.name!, pool)
        var vs = VirtualService()
        vs.name = name
        vs.enabled = true
        vs.virtualIpAddress = vip
        vs.gatewayRef = Cloud.ref(gw)
        vs.loadBalancerPoolRef = OpenAPIReference(name: pool.name, id: poolId)
        vs.serviceEngineGroupRef = OpenAPIReference(name: nil, id: segId)
        vs.applicationProfile = ApplicationProfile(name: "System-L4-Application", type: "L4", systemDefined: true)
        var port = ServicePort()
        port.portStart = servicePort
        port.sslEnabled = false
        port.tcpUdpProfile = TCPUDPProfile(type: "TCP_PROXY")
        vs.servicePorts = [port]
        vs = try VirtualServices.validate(ctx, vs, gw: gw, gwBody: gwBody, replacing: nil)
        let vsId = URN.make(URNKind.loadBalancerVirtualService).description
        vs.id = vsId
        try tx.insert(kind: Kind.virtualService, id: vsId, parent: gw.id, org: gw.orgId, name: name, vs)
        try VirtualServices.linkPool(tx, poolId: poolId, vs: OpenAPIReference(name: name, id: vsId), add: true)
        try GatewayIPs.refresh(tx, gatewayId: gw.id)
        return (poolId, vsId)
    }

    static func member(_ ip: String, _ port: Int) -> PoolMember {
        var m = PoolMember()
        m.ipAddress = ip
        m.port = port
        m.enabled = true
        m.ratio = 1
        return m
    }

    /// Replaces the members of a pool (control-plane VMs joining, nodes of a Service changing).
    static func setMembers(_ sim: Simulator, _ tx: WriteTx, poolId: String, members: [String], port: Int) throws {
        guard let o = tx.get(poolId, kind: Kind.lbPool), var pool = try? o.decode(LoadBalancerPool.self) else { return }
        let want = members.map { member($0, port) }
        if (pool.members ?? []).map({ "\($0.ipAddress ?? ""):\($0.port ?? 0)" }) == want.map({ "\($0.ipAddress ?? ""):\($0.port ?? 0)" }) { return }
        guard let gw = tx.get(o.parentId ?? "", kind: Kind.edgeGateway) else { return }
        let ctx = sim.controllerContext(tx, orgId: o.orgId, user: "capvcd")
        let refs = pool.virtualServiceRefs
        pool.members = want
        var p = try Pools.validate(ctx, pool, gw: gw, replacing: o.id)
        p.id = o.id
        p.virtualServiceRefs = refs
        try tx.update(o, p)
    }

    /// Deletes a virtual service and its pool (either may be gone already).
    static func deleteLB(_ tx: WriteTx, poolId: String?, vsId: String?) throws {
        var gateways = Set<String>()
        if let vsId, let vs = tx.get(vsId, kind: Kind.virtualService) {
            tx.delete(vs.id)
            try VirtualServices.linkPool(tx, poolId: vs.json.value(at: "loadBalancerPoolRef.id")?.stringValue,
                                         vs: OpenAPIReference(name: vs.name, id: vs.id), add: false)
            if let g = vs.parentId { gateways.insert(g) }
        }
        if let poolId, let pool = tx.get(poolId, kind: Kind.lbPool) {
            tx.delete(pool.id)
            if let g = pool.parentId { gateways.insert(g) }
        }
        for g in gateways { try GatewayIPs.refresh(tx, gatewayId: g) }
    }

    // MARK: vApp and VMs

    static func createVApp(_ tx: WriteTx, name: String, site: Site, user: String, description: String) throws -> String {
        if let existing = tx.children(Kind.vApp, of: site.vdc.id).first(where: { $0.name == name }) {
            throw fail("VAppExists", "a vApp named \(existing.name) already exists in virtual datacenter \(site.vdc.name)")
        }
        let app = XVApp(id: URN.make("vapp").description, name: name, description: description, vdcId: site.vdc.id, orgId: site.org.id,
                        ownerName: user, status: 8, deployed: false,
                        networks: [XVAppNetwork(name: site.network.name, parentNetworkId: site.network.id, fenceMode: "bridged", isDeployed: false)],
                        created: tx.now)
        try tx.insert(kind: Kind.vApp, id: app.id, parent: site.vdc.id, org: site.org.id, name: name, app)
        return app.id
    }

    /// Adds a VM from the template's first VM to the vApp (NIC on the cluster network, address from
    /// its static pool), sets the bootstrap ExtraConfig and powers it on: the simulated guest then
    /// runs the phases of the cloud-init script (vcd-wire.md §8.6). Returns the VM's id.
    static func createVM(_ sim: Simulator, _ tx: WriteTx, vappId: String, name: String, template tpl: StoredObject, machineSpec: JSONValue?,
                         controlPlane: Bool, user: String) throws -> String {
        guard let vapp = tx.get(vappId, kind: Kind.vApp), let app = try? vapp.decode(XVApp.self) else {
            throw fail("VAppNotFound", "the vApp of the cluster is gone")
        }
        guard let tvm = tx.children(Kind.templateVm, of: tpl.id).first else { throw fail("TemplateNotFound", "vApp template \(tpl.name) has no VM") }
        let ctx = sim.controllerContext(tx, orgId: app.orgId, user: user)
        let net = app.networks.first?.name ?? "none"
        var params = """
            <SourcedItem><Source href="x/vm-\(XID.uuid(tvm.id))" name="\(XMLText.escape(name))"/>
            <VmGeneralParams><Name>\(XMLText.escape(name))</Name><Description>Auto-created VM</Description><NeedsCustomization>false</NeedsCustomization></VmGeneralParams>
            <InstantiationParams><NetworkConnectionSection><NetworkConnection network="\(XMLText.escape(net))" needsCustomization="false">
            <NetworkConnectionIndex>0</NetworkConnectionIndex><IsConnected>true</IsConnected><IpAddressAllocationMode>POOL</IpAddressAllocationMode>
            <NetworkAdapterType>VMXNET3</NetworkAdapterType></NetworkConnection></NetworkConnectionSection></InstantiationParams>
            """
        if let sp = KO.str(machineSpec, "storageProfile"), !sp.isEmpty { params += "<StorageProfile name=\"\(XMLText.escape(sp))\"/>" }
        if let sizing = KO.str(machineSpec, "sizingPolicy"), !sizing.isEmpty {
            guard let pol = tx.all(Kind.computePolicy).first(where: { $0.name == sizing && $0.parentId == app.vdcId }) else {
                throw fail("SizingPolicyNotFound", "unable to find VM sizing policy \"\(sizing)\" in virtual datacenter of the cluster")
            }
            params += "<ComputePolicy><VmSizingPolicy href=\"\(pol.id)\"/></ComputePolicy>"
        }
        params += "</SourcedItem>"
        guard let item = XMLNode.parse(Data("<R>\(params)</R>".utf8))?.child("SourcedItem") else { throw fail("Internal", "bad VM parameters") }
        do {
            try LegacyVApps.addVM(ctx, vapp: vapp, app: app, templateVM: tvm, template: tpl, item: item)
        } catch let e as SimError {
            throw fail(e.minor == "IP_POOL_EXHAUSTED" ? "IPPoolExhausted" : "VMCreationFailed", "unable to create VM \(name): \(e.message)")
        }
        guard let vmObj = tx.children(Kind.vm, of: vapp.id).first(where: { $0.name == name }) else { throw fail("VMCreationFailed", "VM \(name) was not created") }
        var vm = try vmObj.decode(XVM.self)
        if let disk = KO.bytes(machineSpec, "diskSize"), disk > 0 { vm.diskMb = max(vm.diskMb, disk / (1024 * 1024)) }
        let script = """
            #cloud-config
            runcmd:
            - vmtoolsd --cmd "info-set guestinfo.postcustomization.networkconfiguration.status in_progress"
            - vmtoolsd --cmd "info-set guestinfo.postcustomization.networkconfiguration.status successful"
            - vmtoolsd --cmd "info-set guestinfo.metering.status successful"
            - vmtoolsd --cmd "info-set guestinfo.postcustomization.\(controlPlane ? "kubeinit" : "kubeadm.node.join").status successful"
            """
        vm.extraConfig[key: "guestinfo.userdata"] = Data(script.utf8).base64EncodedString()
        vm.extraConfig[key: "guestinfo.userdata.encoding"] = "base64"
        vm.extraConfig[key: "disk.enableUUID"] = "1"
        vm.extraConfig[key: "guestinfo.hostname"] = name
        vm.status = 4
        vm.deployed = true
        vm.guest = Guest.plan(ctx, vm)
        try tx.update(tx.get(vmObj.id)!, vm)
        if var a = try? vapp.decode(XVApp.self), !a.deployed {
            a.deployed = true
            try tx.update(tx.get(vapp.id)!, a)
        }
        return vmObj.id
    }

    static func vm(_ tx: WriteTx, _ id: String) -> XVM? { tx.get(id, kind: Kind.vm).flatMap { try? $0.decode(XVM.self) } }

    static func deleteVM(_ tx: WriteTx, _ id: String) {
        guard tx.get(id, kind: Kind.vm) != nil else { return }
        tx.delete(id)
        tx.delete(LegacyMetadata.key(id))
    }

    static func deleteVApp(_ tx: WriteTx, _ id: String) {
        guard tx.get(id, kind: Kind.vApp) != nil else { return }
        for v in tx.children(Kind.vm, of: id) { deleteVM(tx, v.id) }
        tx.delete(id)
        tx.delete(LegacyMetadata.key(id))
    }

    /// `vmware-cloud-director://<vm uuid>`, the providerID CAPVCD writes.
    static func providerID(_ vmId: String) -> String { "vmware-cloud-director://\(XID.uuid(vmId))" }
    static func vmId(fromProviderID p: String?) -> String? {
        guard let p, p.hasPrefix("vmware-cloud-director://") else { return nil }
        return "urn:vcloud:vm:\(p.dropFirst("vmware-cloud-director://".count))"
    }
}

/// The `vmware:capvcdCluster` runtime defined entity CAPVCD keeps per cluster.
enum CAPVCDEntity {
    static let typeID = "urn:vcloud:type:vmware:capvcdCluster:1.1.0"

    /// The schema registered when the world lacks the type: the shape of CAPVCD's 1.1.0 schema
    /// (required kind/spec/metadata/apiVersion, typed metadata and status.capvcd fields).
    static var schema: JSONValue {
        func t(_ type: String) -> JSONValue { .object(["type": .string(type)]) }
        func obj(_ props: [String: JSONValue]) -> JSONValue { .object(["type": .string("object"), "properties": .object(props)]) }
        let named = obj(["name": t("string"), "id": t("string")])
        return .object([
            "type": .string("object"),
            "required": .array(["kind", "spec", "metadata", "apiVersion"].map { .string($0) }),
            "properties": .object([
                "kind": .object(["type": .string("string"), "enum": .array([.string("CAPVCDCluster")])]),
                "apiVersion": t("string"),
                "spec": obj(["capiYaml": t("string"), "yamlSet": .object(["type": .string("array"), "items": t("string")])]),
                "metadata": obj(["orgName": t("string"), "virtualDataCenterName": t("string"), "name": t("string"), "site": t("string")]),
                "status": obj(["capvcd": obj([
                    "phase": t("string"), "kubernetes": t("string"), "uid": t("string"), "parentUid": t("string"),
                    "useAsManagementCluster": t("boolean"), "capvcdVersion": t("string"), "createdByVersion": t("string"),
                    "errorSet": .object(["type": .string("array"), "items": t("object")]),
                    "eventSet": .object(["type": .string("array"), "items": t("object")]),
                    "clusterApiStatus": obj(["phase": t("string"), "apiEndpoints": .object(["type": .string("array"), "items": t("object")])]),
                    "nodePool": .object(["type": .string("array"), "items": obj([
                        "name": t("string"), "sizingPolicy": t("string"), "placementPolicy": t("string"), "diskSizeMb": t("integer"),
                        "storageProfile": t("string"), "desiredReplicas": t("integer"), "availableReplicas": t("integer"),
                        "nvidiaGpuEnabled": t("boolean")])]),
                    "vcdProperties": obj(["site": t("string"),
                                          "organizations": .object(["type": .string("array"), "items": named]),
                                          "orgVdcs": .object(["type": .string("array"), "items": obj(["name": t("string"), "id": t("string"), "ovdcNetworkName": t("string")])])]),
                    "private": obj(["kubeConfig": t("string")]),
                ])]),
            ]),
        ])
    }

    /// Registers vmware:capvcdCluster:1.1.0 (with its rights and bundle, as a provider's POST would)
    /// unless some capvcdCluster type exists. True when it registered one.
    static func registerType(_ sim: Simulator, _ tx: WriteTx) throws -> Bool {
        if existingType(tx) != nil { return false }
        var type = DefinedEntityType()
        type.name = "CAPVCD Cluster"
        type.vendor = "vmware"
        type.nss = "capvcdCluster"
        type.version = "1.1.0"
        type.description = "Registered by the simulated CAPVCD installation"
        type.interfaces = tx.get("urn:vcloud:interface:vmware:k8s:1.0.0", kind: Kind.interface) != nil ? ["urn:vcloud:interface:vmware:k8s:1.0.0"] : []
        type.schema = schema
        type.readonly = false
        let ctx = sim.controllerContext(tx, orgId: nil, user: "administrator", body: try JSONEncoder.vcd().encode(type))
        _ = try DefinedEntities.createType(ctx)
        return true
    }

    /// The newest capvcdCluster type of the world.
    static func existingType(_ state: StateView) -> StoredObject? {
        func parts(_ o: StoredObject) -> [Int] { (o.json["version"]?.stringValue ?? "").split(separator: ".").map { Int($0) ?? 0 } }
        return state.all(Kind.entityType).filter { $0.id.hasPrefix("urn:vcloud:type:vmware:capvcdCluster:") }
            .max { parts($0).lexicographicallyPrecedes(parts($1)) }
    }

    static func body(name: String, site: CAPVCDInfra.Site, siteURL: String, phase: String, kubernetes: String, uid: String,
                     vip: String?, nodePools: [JSONValue], errors: [JSONValue], events: [JSONValue]) -> JSONValue {
        var capvcd: [String: JSONValue] = [
            "phase": .string(phase), "kubernetes": .string(kubernetes), "uid": .string(uid), "capvcdVersion": .string("1.3.2"),
            "createdByVersion": .string("1.3.2"), "useAsManagementCluster": .bool(false), "parentUid": .string(""),
            "errorSet": .array(errors), "eventSet": .array(events), "nodePool": .array(nodePools),
            "clusterApiStatus": .object(["phase": .string(phase),
                                         "apiEndpoints": .array(vip.map { [.object(["host": .string($0), "port": .int(6443)])] } ?? [])]),
            "vcdProperties": .object([
                "site": .string(siteURL),
                "organizations": .array([.object(["name": .string(site.org.name), "id": .string(site.org.id)])]),
                "orgVdcs": .array([.object(["name": .string(site.vdc.name), "id": .string(site.vdc.id), "ovdcNetworkName": .string(site.network.name)])]),
            ]),
        ]
        capvcd["private"] = .object([:])
        return .object([
            "kind": .string("CAPVCDCluster"), "apiVersion": .string("capvcd.vmware.com/v1.1"),
            "metadata": .object(["name": .string(name), "orgName": .string(site.org.name), "virtualDataCenterName": .string(site.vdc.name),
                                 "site": .string(siteURL)]),
            "spec": .object([:]),
            "status": .object(["capvcd": .object(capvcd)]),
        ])
    }

    /// Creates the entity (resolved against its type's schema). Fails the cluster when no type
    /// exists or the entity does not resolve.
    static func create(_ tx: WriteTx, name: String, orgId: String, user: String, entity: JSONValue) throws -> String {
        guard let typeObj = existingType(tx), let type = try? typeObj.decode(DefinedEntityType.self) else {
            throw CAPIFailure(reason: "RDETypeNotFound", message: "the entity type vmware:capvcdCluster is not registered in VCD")
        }
        let problems = SchemaCheck.validate(entity, schema: type.schema ?? .object([:]))
        if !problems.isEmpty {
            throw CAPIFailure(reason: "RDEInvalid", message: "the capvcdCluster entity does not match \(typeObj.id): \(problems.joined(separator: "; "))")
        }
        var e = DefinedEntity()
        let id = "urn:vcloud:entity:vmware:capvcdCluster:\(UUID().uuidString.lowercased())"
        e.id = id
        e.name = name
        e.entityType = typeObj.id
        e.entity = entity
        e.state = "RESOLVED"
        e.owner = OpenAPIReference(name: user, id: nil)
        e.org = OpenAPIReference(name: Cloud.orgName(tx, orgId), id: orgId)
        try tx.insert(kind: Kind.entity, id: id, parent: typeObj.id, org: orgId, name: name, e)
        return id
    }

    /// Replaces `status.capvcd` of the entity (a no-op when unchanged or gone).
    static func updateStatus(_ tx: WriteTx, id: String?, _ mutate: (inout JSONValue) -> Void) throws {
        guard let id, let o = tx.get(id, kind: Kind.entity), var e = try? o.decode(DefinedEntity.self), var body = e.entity else { return }
        let before = body
        mutate(&body)
        if body == before { return }
        e.entity = body
        try tx.update(o, e)
    }
}
