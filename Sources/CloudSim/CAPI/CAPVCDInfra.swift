import CloudWire
import Foundation

/// What the simulated CAPVCD does in VCD, through the simulator's own VCD model (same state, same
/// checks as the API): finds the org, VDC, network, gateway and templates a VCDCluster names, makes
/// the vApp and the VMs and removes them (the load balancer: CAPILoadBalancer.swift; the RDE:
/// CAPVCDEntity.swift).
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
        if let sizing = sizingPolicy(machineSpec) {
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

    /// The VM sizing policy a machine spec names: `sizingPolicy` (1.x) or `computePolicy`
    /// (0.5.x, v1alpha4); nil when neither is set.
    static func sizingPolicy(_ machineSpec: JSONValue?) -> String? {
        [KO.str(machineSpec, "sizingPolicy"), KO.str(machineSpec, "computePolicy")].compactMap { $0 }.first { !$0.isEmpty }
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
