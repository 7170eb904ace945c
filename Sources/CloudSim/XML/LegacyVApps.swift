import CloudWire
import Foundation
import NetAddress

/// vApps and VMs the way CAPVCD drives them (vcd-wire.md §8): composeVApp (201 VApp XML),
/// instantiateVAppTemplate, recomposeVApp (a `ComposeVAppParams` or `RecomposeVAppParams` root),
/// networkConfigSection, reconfigureVm (ExtraConfig upserts), power actions, deploy/undeploy,
/// delete. After power-on the simulator plays the guest (`Guest`).
///
/// Rights as VCD names them (`RightName`): compose, instantiate, recompose and the vApp network
/// section need `vApp: Create / Reconfigure`; delete `vApp: Delete`; power actions and
/// deploy/undeploy `vApp: Power Operations`; reconfigureVm `vApp: Edit VM Properties` (plus
/// `… CPU`, `… Memory`, `… Hard Disk` when it changes them, and `vApp: Allow All Extra Config` for
/// ExtraConfig); a VM's network connections `vApp: Edit VM Network`. Reads need a session only:
/// VCD checks its implicit `Base` right there (the rights CAPVCD 0.5 finds in a missing VM's error).
enum LegacyVApps: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.post("/api/vdc/{id}/action/composeVApp", .right(RightName.vappCreate), "VAPP_COMPOSE") { try compose($0, instantiate: false) }
        t.post("/api/vdc/{id}/action/instantiateVAppTemplate", .right(RightName.vappCreate), "VAPP_INSTANTIATE") { try compose($0, instantiate: true) }
        t.get("/api/vApp/{id}", .session, "VAPP_VIEW", showVApp)
        t.delete("/api/vApp/{id}", .right(RightName.vappDelete), "VAPP_DELETE", remove)
        t.post("/api/vApp/{id}/action/recomposeVApp", .right(RightName.vappCreate), "VAPP_RECOMPOSE", recompose)
        t.post("/api/vApp/{id}/power/action/{action}", .right(RightName.vappPower), "VAPP_POWER") { ctx in try power(ctx, ctx.param("action")) }
        t.post("/api/vApp/{id}/action/deploy", .right(RightName.vappPower), "VAPP_POWER", deployVApp)
        t.post("/api/vApp/{id}/action/undeploy", .right(RightName.vappPower), "VAPP_POWER") { ctx in try power(ctx, "undeploy") }
        t.post("/api/vApp/{id}/action/reconfigureVm", .right(RightName.vmEditProperties), "VM_RECONFIGURE", reconfigure)
        t.get("/api/vApp/{id}/networkConfigSection", .session, "VAPP_VIEW", showNetworkConfigSection)
        t.put("/api/vApp/{id}/networkConfigSection", .right(RightName.vappCreate), "VAPP_NETWORK_EDIT", putNetworkConfig)
        t.get("/api/vApp/{id}/networkConnectionSection", .session, "VAPP_VIEW", showNetworkConnectionSection)
        t.put("/api/vApp/{id}/networkConnectionSection", .right(RightName.vmEditNetwork), "VM_RECONFIGURE", putNetworkConnections)
        t.get("/api/vApp/{id}/guestCustomizationSection", .session, "VAPP_VIEW", showGuestCustomizationSection)
        t.get("/api/vApp/{id}/guestcustomizationstatus", .session, "VAPP_VIEW", showGuestCustomizationStatus)
    }

    /// GET a vApp in the XML API.
    static func showVApp(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, isVM) = try object(ctx)
        if isVM { return ctx.xml(XNS.header + vmXML(ctx, try o.decode(XVM.self), template: false, root: true), type: XType.vm) }
        return ctx.xml(XNS.header + vappXML(ctx, o), type: XType.vApp)
    }

    /// POST `/api/vApp/{id}/action/deploy`: powers the vApp on (a task).
    static func deployVApp(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let on = (try? XMLTree.parse(ctx.request.body))?.attr("powerOn") ?? "true"
        return try power(ctx, on == "false" ? "deploy" : "powerOn")
    }

    /// GET the vApp's network config section.
    static func showNetworkConfigSection(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try object(ctx, vm: false)
        return ctx.xml(XNS.header + networkConfigXML(ctx, try o.decode(XVApp.self), root: true), type: XType.networkConfigSection)
    }

    /// GET the vApp's network connection section.
    static func showNetworkConnectionSection(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try object(ctx, vm: true)
        return ctx.xml(XNS.header + networkConnectionXML(ctx, try o.decode(XVM.self), root: true), type: XType.networkConnectionSection)
    }

    /// GET the vApp's guest customization section.
    static func showGuestCustomizationSection(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try object(ctx, vm: true)
        return ctx.xml(XNS.header + guestCustomizationXML(ctx, try o.decode(XVM.self), root: true), type: XType.guestCustomizationSection)
    }

    /// GET the guest customization status of a VM.
    static func showGuestCustomizationStatus(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try object(ctx, vm: true)
        let vm = try o.decode(XVM.self)
        let st: String
        if vm.status != VCDResourceStatus.poweredOn { st = "GC_PENDING" } else {
            let g = Guest.keys(ctx, vm)
            st = g.first(where: { $0.key == Guest.failureReasonKey }) != nil ? "GC_FAILED" : (Guest.finished(ctx, vm) ? "GC_COMPLETE" : "POST_GC_PENDING")
        }
        return ctx.xml(XNS.header + "<GuestCustomizationStatusSection xmlns=\"\(XNS.vcloud)\"><GuestCustStatus>\(st)</GuestCustStatus></GuestCustomizationStatusSection>\n",
                       type: XType.guestCustomizationStatus)
    }

    // MARK: Lookups

    /// The vApp (`vapp-<uuid>`) or VM (`vm-<uuid>`) of the path.
    static func object(_ ctx: RequestContext, vm: Bool? = nil) throws -> (StoredObject, Bool) {
        let seg = ctx.param("id")
        let isVM = seg.lowercased().hasPrefix("vm-")
        if let vm, vm != isVM { throw SimError.notFound("\(vm ? "VM" : "vApp") \(seg)") }
        if isVM { return (try ctx.require(XID.urn(seg, kind: "vm", prefix: "vm-"), Kind.vm, "VM"), true) }
        return (try ctx.require(XID.urn(seg, kind: "vapp", prefix: "vapp-"), Kind.vApp, "vApp"), false)
    }

    static func vappHref(_ ctx: RequestContext, _ id: String) -> String { "\(ctx.base)/api/vApp/vapp-\(XID.uuid(id))" }
    static func vmHref(_ ctx: RequestContext, _ id: String) -> String { "\(ctx.base)/api/vApp/vm-\(XID.uuid(id))" }

    static func vmOwner(_ ctx: RequestContext, _ vm: StoredObject) -> TaskOwner { LTask.owner(vm.id, vm.name, XType.vm, vmHref(ctx, vm.id)) }
    static func vappOwner(_ ctx: RequestContext, _ a: StoredObject) -> TaskOwner { LTask.owner(a.id, a.name, XType.vApp, vappHref(ctx, a.id)) }

    /// vApp status from its VMs: powered off when empty or all off, powered on when all on, mixed otherwise.
    static func vappStatus(_ state: StateView, _ a: StoredObject) -> Int {
        let s = Set(state.children(Kind.vm, of: a.id).map { $0.json["status"]?.scalarText.flatMap(Int.init) ?? VCDResourceStatus.poweredOff })
        if s.isEmpty { return VCDResourceStatus.poweredOff }
        if s.count == 1 { return s.first! }
        return VCDResourceStatus.mixed
    }

    // MARK: Compose and recompose

    static func compose(_ ctx: RequestContext, instantiate: Bool) throws -> HTTPResponseMessage {
        let vdc = try ctx.require(XID.urn(ctx.param("id"), kind: URNKind.vdc), Kind.vdc, "VDC")
        guard let body = try? XMLTree.parse(ctx.request.body) else { throw SimError.badRequest(XMLTree.problem(ctx.request.body) ?? "The request body is not well-formed XML.") }
        guard let name = body.attr("name"), !name.isEmpty else { throw SimError.badRequest("The vApp needs a name.") }
        if ctx.state.children(Kind.vApp, of: vdc.id).contains(where: { $0.name == name }) {
            throw SimError.duplicate("A vApp named \(name) already exists in VDC \(vdc.name).")
        }
        var app = XVApp(id: URN.make("vapp").description, name: name, description: body.value("Description") ?? "", vdcId: vdc.id,
                        orgId: vdc.orgId ?? "", ownerName: ctx.session!.userName, status: VCDResourceStatus.poweredOff, deployed: false, networks: [], created: ctx.now)
        if let ncs = body.child("InstantiationParams")?.child("NetworkConfigSection") { app.networks = parseNetworkConfigs(ncs) }
        let o = try ctx.write.insert(kind: Kind.vApp, id: app.id, parent: vdc.id, org: vdc.orgId, name: name, app)
        if instantiate {
            try addTemplateVMs(ctx, body, vapp: o, app: app)
        } else {
            for item in body.all("SourcedItem") { try sourced(ctx, o, app, item) }
        }
        if body.attr("powerOn") == "true" { try powerOnComposed(ctx, vapp: o, app: app) }
        let (_, task) = try LTask.start(ctx, instantiate ? "Creating Virtual Application \(name)" : "Composing Virtual Application \(name)",
                                        instantiate ? .vdcInstantiateVapp : .vdcComposeVapp, owner: vappOwner(ctx, o))
        return ctx.xml(XNS.header + vappXML(ctx, o, tasks: [task], status: VCDResourceStatus.unresolved), type: XType.vApp, status: 201)
    }

    /// Instantiation: one VM per VM of the `Source` template.
    private static func addTemplateVMs(_ ctx: RequestContext, _ body: XMLTree, vapp o: StoredObject, app: XVApp) throws {
        guard let src = body.child("Source")?.attr("href") else { throw SimError.badRequest("InstantiateVAppTemplateParams needs a Source.") }
        let tpl = try sourceTemplate(ctx, src)
        // Per-VM SourcedItems (pyvcloud sends one per template VM) override the defaults.
        let items = body.all("SourcedItem")
        for vm in ctx.state.children(Kind.templateVm, of: tpl.id) {
            let item = items.first { ($0.child("Source")?.attr("href") ?? "").lowercased().hasSuffix(XID.uuid(vm.id)) }
            try addVM(ctx, vapp: o, app: app, templateVM: vm, template: tpl, item: item)
        }
    }

    /// `powerOn="true"`: the new vApp's VMs start (with their guest plan) and the vApp is deployed.
    private static func powerOnComposed(_ ctx: RequestContext, vapp o: StoredObject, app: XVApp) throws {
        for v in ctx.write.children(Kind.vm, of: o.id) {
            var vm = try v.decode(XVM.self)
            vm.status = VCDResourceStatus.poweredOn
            vm.deployed = true
            vm.guest = Guest.plan(ctx, vm)
            try ctx.write.update(v, vm)
        }
        var deployed = app
        deployed.deployed = true
        try ctx.write.update(ctx.write.get(o.id)!, deployed)
    }

    static func sourceTemplate(_ ctx: RequestContext, _ href: String) throws -> StoredObject {
        let seg = href.split(separator: "/").last.map(String.init) ?? href
        // A template of a catalog shared with (or published to) the caller's org is a source too.
        let tpl = try LegacyCatalogs.template(ctx, seg, .readOnly)
        guard tpl.json["status"]?.scalarText.flatMap(Int.init) == VCDResourceStatus.templateReady else { throw SimError.badRequest("vApp template \(tpl.name) is not resolved yet (upload incomplete).") }
        return tpl
    }

    static func recompose(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try object(ctx, vm: false)
        let app = try o.decode(XVApp.self)
        guard let body = try? XMLTree.parse(ctx.request.body), body.name == "RecomposeVAppParams" || body.name == "ComposeVAppParams" else {
            throw SimError.badRequest("Expected a RecomposeVAppParams (or ComposeVAppParams) body.")
        }
        for item in body.all("SourcedItem") { try sourced(ctx, o, app, item) }
        for d in body.all("DeleteItem") {
            guard let href = d.attr("href"), let seg = href.split(separator: "/").last else { continue }
            let id = XID.urn(String(seg), kind: "vm", prefix: "vm-")
            guard let vm = ctx.state.get(id, kind: Kind.vm), vm.parentId == o.id else { throw SimError.notFound("VM \(href) in vApp \(o.name)") }
            ctx.write.delete(vm.id)
            ctx.write.delete(LegacyMetadata.key(vm.id))
        }
        return try LTask.accepted(ctx, "Updating Virtual Application \(o.name)", .vdcRecomposeVapp, owner: vappOwner(ctx, o))
    }

    /// One `SourcedItem`: a template VM (or a whole template) added to the vApp.
    static func sourced(_ ctx: RequestContext, _ vapp: StoredObject, _ app: XVApp, _ item: XMLTree) throws {
        guard let href = item.child("Source")?.attr("href"), let seg = href.split(separator: "/").last.map(String.init) else {
            throw SimError.badRequest("SourcedItem needs a Source href.")
        }
        if seg.lowercased().hasPrefix("vm-") {
            let id = XID.urn(seg, kind: "vm", prefix: "vm-")
            guard let tvm = ctx.state.get(id, kind: Kind.templateVm), let tpl = ctx.state.get(tvm.parentId ?? ""),
                  CatalogSharing.accessIn(ctx, tpl) >= .readOnly || tpl.orgId == nil else {
                throw SimError(400, VCDMinorError.invalidReference, "Source \(href) is not a VM of a vApp template.")
            }
            guard tpl.json["status"]?.scalarText.flatMap(Int.init) == VCDResourceStatus.templateReady else { throw SimError.badRequest("vApp template \(tpl.name) is not resolved yet.") }
            try addVM(ctx, vapp: vapp, app: app, templateVM: tvm, template: tpl, item: item)
        } else {
            let tpl = try sourceTemplate(ctx, href)
            for tvm in ctx.state.children(Kind.templateVm, of: tpl.id) { try addVM(ctx, vapp: vapp, app: app, templateVM: tvm, template: tpl, item: item) }
        }
    }

    static func addVM(_ ctx: RequestContext, vapp: StoredObject, app: XVApp, templateVM tvm: StoredObject, template tpl: StoredObject, item: XMLTree?) throws {
        var vm = LegacyCatalogs.templateVM(tvm, tpl)
        vm.id = URN.make("vm").description
        vm.vappId = vapp.id
        vm.vdcId = app.vdcId
        vm.orgId = app.orgId
        vm.created = ctx.now
        vm.description = ""
        let general = item?.child("VmGeneralParams")
        vm.name = general?.value("Name") ?? item?.child("Source")?.attr("name") ?? tvm.name
        if let d = general?.value("Description") { vm.description = d }
        if let nc = general?.value("NeedsCustomization") { vm.needsCustomization = nc == "true" }
        vm.computerName = vm.name
        if ctx.state.children(Kind.vm, of: vapp.id).contains(where: { $0.name == vm.name }) {
            throw SimError.duplicate("vApp \(app.name) already has a VM named \(vm.name).")
        }
        let ip = item?.child("InstantiationParams")
        if let cn = ip?.child("GuestCustomizationSection")?.value("ComputerName"), !cn.isEmpty { vm.computerName = cn }
        if let sp = item?.child("StorageProfile")?.attr("name") ?? item?.child("StorageProfile")?.attr("href").flatMap({ h in
            ctx.state.get(XID.urn(String(h.split(separator: "/").last ?? ""), kind: URNKind.storageProfile))?.name }) {
            vm.storageProfile = sp
        }
        if let cp = item?.child("ComputePolicy") {
            if let sizing = cp.child("VmSizingPolicy")?.attr("href") ?? cp.child("VmSizingPolicy")?.attr("id") {
                let pid = sizing.split(separator: "/").last.map(String.init) ?? sizing
                guard let pol = ctx.state.get(pid, kind: Kind.computePolicy) else {
                    throw SimError(400, VCDMinorError.invalidReference, "VM sizing policy \(sizing) does not exist.")
                }
                vm.sizingPolicy = pol.name
                if let c = pol.json["cpuCount"]?.scalarText.flatMap(Int.init) { vm.cpus = c }
                if let m = pol.json["memory"]?.scalarText.flatMap(Int.init) { vm.memoryMb = m }
                if let k = pol.json["coresPerSocket"]?.scalarText.flatMap(Int.init) { vm.coresPerSocket = k }
            }
            if let pl = cp.child("VmPlacementPolicy")?.attr("href") { vm.placementPolicy = pl }
        }
        var nics: [XNic] = []
        if let conns = ip?.child("NetworkConnectionSection")?.all("NetworkConnection"), !conns.isEmpty {
            for (i, c) in conns.enumerated() {
                let index = Int(c.value("NetworkConnectionIndex") ?? "") ?? i
                nics.append(try nic(ctx, app: app, vmId: vm.id, index: index, node: c))
            }
        } else if let first = app.networks.first {
            // No connection asked for: like VCD, the template NIC joins the first vApp network.
            nics.append(XNic(index: 0, network: first.name, ip: nil, mac: LX.mac(vm.id + "0"), allocationMode: "POOL", connected: true,
                             adapterType: "VMXNET3", orgNetworkId: first.parentNetworkId))
            nics[0].ip = try allocate(ctx, nics[0], vmId: vm.id)
        }
        vm.nics = nics
        vm.status = VCDResourceStatus.poweredOff
        try ctx.write.insert(kind: Kind.vm, id: vm.id, parent: vapp.id, org: app.orgId, name: vm.name, vm)
    }

    /// A NIC from a `NetworkConnection` element, with its address allocated.
    static func nic(_ ctx: RequestContext, app: XVApp, vmId: String, index: Int, node c: XMLTree) throws -> XNic {
        let netName = c.attr("network") ?? "none"
        let mode = c.value("IpAddressAllocationMode") ?? "POOL"
        var n = XNic(index: index, network: netName, ip: nil, mac: c.value("MACAddress") ?? LX.mac(vmId + "\(index)"), allocationMode: mode,
                     connected: (c.value("IsConnected") ?? "true") == "true", adapterType: c.value("NetworkAdapterType") ?? "VMXNET3", orgNetworkId: nil)
        if netName != "none" {
            guard let vn = app.networks.first(where: { $0.name == netName }) else {
                throw SimError.badRequest("vApp \(app.name) has no network named \(netName): add it with networkConfigSection first.")
            }
            n.orgNetworkId = vn.parentNetworkId
        }
        if mode == "MANUAL" { n.ip = c.value("IpAddress") } else if mode == "POOL" { n.ip = try allocate(ctx, n, vmId: vmId) }
        return n
    }

    /// The first free address of the org network's static pool (500 POOL exhausted like VCD).
    static func allocate(_ ctx: RequestContext, _ nic: XNic, vmId: String) throws -> String? {
        guard let netId = nic.orgNetworkId, let net = ctx.state.get(netId, kind: Kind.orgVdcNetwork), let n = try? net.decode(OrgVdcNetwork.self) else { return nil }
        var used = Set<UInt32>()
        for vm in ctx.state.all(Kind.vm) where vm.id != vmId {
            for x in vm.json["nics"]?.arrayValue ?? [] where x["orgNetworkId"]?.stringValue == netId {
                if let ip = x["ip"]?.stringValue.flatMap(IPv4.parse) { used.insert(ip) }
            }
        }
        for r in n.subnets?.values.first?.ipRanges?.values ?? [] {
            guard var a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress) else { continue }
            while a <= b {
                if !used.contains(a) { return IPv4.format(a) }
                a += 1
            }
        }
        throw SimError(400, "IP_POOL_EXHAUSTED", "No free address in the static pool of network \(net.name).")
    }

    static func parseNetworkConfigs(_ section: XMLTree) -> [XVAppNetwork] {
        section.all("NetworkConfig").compactMap { nc in
            guard let name = nc.attr("networkName") else { return nil }
            let conf = nc.child("Configuration")
            var parent: String? = nil
            if let p = conf?.child("ParentNetwork") {
                if let id = p.attr("id"), URN(id) != nil { parent = id } else if let h = p.attr("href"), let seg = h.split(separator: "/").last {
                    parent = XID.urn(String(seg), kind: URNKind.network)
                }
            }
            return XVAppNetwork(name: name, parentNetworkId: parent, fenceMode: conf?.value("FenceMode") ?? "bridged",
                                isDeployed: (nc.value("IsDeployed") ?? "false") == "true")
        }
    }

    static func putNetworkConfig(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try object(ctx, vm: false)
        var app = try o.decode(XVApp.self)
        guard let body = try? XMLTree.parse(ctx.request.body), body.name == "NetworkConfigSection" else {
            throw SimError.badRequest("Expected a NetworkConfigSection body.")
        }
        let nets = parseNetworkConfigs(body)
        for n in nets {
            if let p = n.parentNetworkId {
                guard let net = ctx.state.get(p, kind: Kind.orgVdcNetwork), ctx.visible(net) else {
                    throw SimError(400, VCDMinorError.invalidReference, "Parent network \(p) of vApp network \(n.name) does not exist.")
                }
            }
        }
        app.networks = nets
        try ctx.write.update(o, app)
        return try LTask.accepted(ctx, "Updating Virtual Application \(o.name) network configuration", .vappUpdateVappNetworkSection, owner: vappOwner(ctx, o))
    }

    static func putNetworkConnections(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try object(ctx, vm: true)
        var vm = try o.decode(XVM.self)
        guard let body = try? XMLTree.parse(ctx.request.body), body.name == "NetworkConnectionSection" else {
            throw SimError.badRequest("Expected a NetworkConnectionSection body.")
        }
        guard let vappObj = ctx.state.get(vm.vappId), let app = try? vappObj.decode(XVApp.self) else { throw SimError.notFound("vApp of VM \(vm.name)") }
        var nics: [XNic] = []
        for (i, c) in body.all("NetworkConnection").enumerated() {
            let index = Int(c.value("NetworkConnectionIndex") ?? "") ?? i
            if let old = vm.nics.first(where: { $0.index == index }), old.network == c.attr("network"), old.ip != nil,
               (c.value("IpAddressAllocationMode") ?? old.allocationMode) == old.allocationMode {
                nics.append(old)
            } else {
                nics.append(try nic(ctx, app: app, vmId: vm.id, index: index, node: c))
            }
        }
        vm.nics = nics
        try ctx.write.update(o, vm)
        return try LTask.accepted(ctx, "Updating Virtual Machine \(vm.name) network connections", .vappUpdateVm, owner: vmOwner(ctx, o))
    }

    // MARK: Reconfigure, power, delete

    static func reconfigure(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try object(ctx, vm: true)
        var vm = try o.decode(XVM.self)
        if let problem = XMLTree.problem(ctx.request.body) { throw SimError.badRequest(problem) }
        guard let body = try? XMLTree.parse(ctx.request.body), body.name == "Vm" else { throw SimError.badRequest("Expected a Vm body.") }
        let hw = body.child("VirtualHardwareSection")
        try applyExtraConfig(ctx, hw, to: &vm)
        let before = vm
        if let name = body.attr("name"), !name.isEmpty { vm.name = name }
        if let d = body.value("Description") { vm.description = d }
        try applySizing(body, hw, to: &vm)
        try demandSizingRights(ctx, vm, before: before)
        try ctx.write.update(o, name: vm.name, vm)
        return try LTask.accepted(ctx, "Updating Virtual Machine \(vm.name)", .vappUpdateVm, owner: vmOwner(ctx, o))
    }

    /// The `ExtraConfig` entries of the hardware section, which need their own right.
    private static func applyExtraConfig(_ ctx: RequestContext, _ hw: XMLTree?, to vm: inout XVM) throws {
        let extra = hw?.all("ExtraConfig") ?? []
        if !extra.isEmpty { try ctx.demand(RightName.extraConfig, target: "VM \(vm.name)") }
        for e in extra {
            guard let k = e.attr("key") else { continue }
            vm.extraConfig[key: k] = e.attr("value") ?? ""
        }
    }

    /// CPUs, cores, memory and disk from `VmSpecSection` and the hardware section's items; a disk never shrinks.
    private static func applySizing(_ body: XMLTree, _ hw: XMLTree?, to vm: inout XVM) throws {
        if let spec = body.child("VmSpecSection") {
            if let c = spec.value("NumCpus").flatMap({ Int($0) }) { vm.cpus = c }
            if let c = spec.value("NumCoresPerSocket").flatMap({ Int($0) }) { vm.coresPerSocket = c }
            if let m = spec.child("MemoryResourceMb")?.value("Configured").flatMap({ Int($0) }) { vm.memoryMb = m }
            if let size = spec.child("DiskSection")?.child("DiskSettings")?.value("SizeMb").flatMap({ Int($0) }) {
                guard size >= vm.diskMb else { throw SimError.badRequest("Disk of VM \(vm.name) cannot shrink from \(vm.diskMb) MB to \(size) MB.") }
                vm.diskMb = size
            }
        }
        for item in hw?.all("Item") ?? [] {
            let q = Int(item.value("VirtualQuantity") ?? "") ?? 0
            switch item.value("ResourceType") {
            case "3"? where q > 0: vm.cpus = q
            case "4"? where q > 0: vm.memoryMb = q
            default: break
            }
        }
    }

    /// CAPVCD echoes the whole VM with each ExtraConfig change: only real changes need the sizing rights.
    private static func demandSizingRights(_ ctx: RequestContext, _ vm: XVM, before: XVM) throws {
        if vm.cpus != before.cpus || vm.coresPerSocket != before.coresPerSocket { try ctx.demand(RightName.vmEditCPU, target: "VM \(vm.name)") }
        if vm.memoryMb != before.memoryMb { try ctx.demand(RightName.vmEditMemory, target: "VM \(vm.name)") }
        if vm.diskMb != before.diskMb { try ctx.demand(RightName.vmEditDisk, target: "VM \(vm.name)") }
    }

    static func power(_ ctx: RequestContext, _ action: String) throws -> HTTPResponseMessage {
        let (o, isVM) = try object(ctx)
        let vms = isVM ? [o] : ctx.state.children(Kind.vm, of: o.id)
        let on: Bool
        switch action {
        case "powerOn", "reset", "reboot": on = true
        case "powerOff", "shutdown", "suspend", "undeploy": on = false
        case "deploy": on = false
        default: throw SimError.notFound("Power action \(action)")
        }
        for v in vms {
            var vm = try v.decode(XVM.self)
            if action == "deploy" { vm.deployed = true; try ctx.write.update(v, vm); continue }
            let wasOn = vm.status == VCDResourceStatus.poweredOn
            vm.status = on ? VCDResourceStatus.poweredOn : (action == "suspend" ? VCDResourceStatus.suspended : VCDResourceStatus.poweredOff)
            vm.deployed = on || (action != "undeploy" && vm.deployed && action != "powerOff")
            // The guest runs its bootstrap when it boots from off; a reset keeps what it wrote.
            if on && !wasOn { vm.guest = Guest.plan(ctx, vm) }
            try ctx.write.update(v, vm)
        }
        if !isVM, var app = try? o.decode(XVApp.self) {
            app.deployed = on || action == "deploy"
            try ctx.write.update(o, app)
        }
        let names = ["powerOn": "PowerOn", "powerOff": "PowerOff", "reset": "Reset", "reboot": "Reboot", "shutdown": "Shutdown",
                     "suspend": "Suspend", "undeploy": "Undeploy", "deploy": "Deploy"]
        guard let op = TaskOperation.power(action) else { throw SimError.notFound("Power action \(action)") }
        return try LTask.accepted(ctx, "\(names[action] ?? action) of \(isVM ? "Virtual Machine" : "Virtual Application") \(o.name)", op,
                                  owner: isVM ? vmOwner(ctx, o) : vappOwner(ctx, o))
    }

    static func remove(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, isVM) = try object(ctx)
        let vms = isVM ? [o] : ctx.state.children(Kind.vm, of: o.id)
        let force = (ctx.request.query("force") ?? "").lowercased() == "true"
        if !force, let on = vms.first(where: { $0.json["status"]?.scalarText.flatMap(Int.init) == VCDResourceStatus.poweredOn }) {
            throw SimError(400, VCDMinorError.badRequest, "The requested operation could not be executed since \(isVM ? "VM" : "vApp") \"\(o.name)\" is not powered off (VM \(on.name) is running).")
        }
        for v in vms { ctx.write.delete(v.id); ctx.write.delete(LegacyMetadata.key(v.id)) }
        if !isVM { ctx.write.delete(o.id); ctx.write.delete(LegacyMetadata.key(o.id)) }
        return try LTask.accepted(ctx, "Deleting \(isVM ? "Virtual Machine" : "Virtual Application") \(o.name)", isVM ? .vappDeleteVm : .vdcDeleteVapp,
                                  owner: isVM ? vmOwner(ctx, o) : vappOwner(ctx, o))
    }

    // MARK: Rendering

    static func vappXML(_ ctx: RequestContext, _ o: StoredObject, tasks: [String] = [], status: Int? = nil) -> String {
        let app = try? o.decode(XVApp.self)
        let st = status ?? vappStatus(ctx.state, o)
        let href = vappHref(ctx, o.id)
        var s = "<VApp \(XNS.all)" + X.attrs([("ovfDescriptorUploaded", "true"), ("deployed", (app?.deployed ?? false) ? "true" : "false"),
                                             ("status", String(st)), ("name", o.name), ("id", o.id), ("href", href), ("type", XType.vApp)]) + ">\n"
        s += X.link("power:powerOn", "\(href)/power/action/powerOn")
        s += X.link("power:powerOff", "\(href)/power/action/powerOff")
        s += X.link("deploy", "\(href)/action/deploy", type: XType.deploy)
        s += X.link("undeploy", "\(href)/action/undeploy", type: XType.undeploy)
        s += X.link("recompose", "\(href)/action/recomposeVApp", type: XType.recomposeVApp)
        if st != 4 { s += X.link("remove", href) }
        s += X.link("up", LegacyOrgs.vdcHref(ctx, o.parentId ?? ""), type: XType.vdc)
        s += X.link("down", "\(href)/metadata", type: XType.metadata)
        s += X.link("down", "\(href)/networkConfigSection/", type: XType.networkConfigSection)
        s += X.el("Description", app?.description ?? "")
        if !tasks.isEmpty { s += "<Tasks>\n" + tasks.map(X.embedded(task:)).joined() + "</Tasks>\n" }
        s += "<ovf:NetworkSection>\n<ovf:Info>The list of logical networks</ovf:Info>\n"
        for n in app?.networks ?? [] { s += "<ovf:Network ovf:name=\"\(X.e(n.name))\"><ovf:Description/></ovf:Network>\n" }
        s += "</ovf:NetworkSection>\n"
        if let app { s += networkConfigXML(ctx, app, root: false) }
        s += "<Owner type=\"application/vnd.vmware.vcloud.owner+xml\"><User" + X.attrs([("name", app?.ownerName ?? ""), ("type", MediaType.user)]) + "/></Owner>\n"
        s += "<InMaintenanceMode>false</InMaintenanceMode>\n"
        let vms = ctx.state.children(Kind.vm, of: o.id)
        if !vms.isEmpty {
            s += "<Children>\n"
            for v in vms { if let vm = try? v.decode(XVM.self) { s += vmXML(ctx, vm, template: false, root: false) } }
            s += "</Children>\n"
        }
        s += "<DateCreated>\(LX.iso(o.created))</DateCreated>\n</VApp>\n"
        return s
    }

    static func networkConfigXML(_ ctx: RequestContext, _ app: XVApp, root: Bool) -> String {
        let href = "\(vappHref(ctx, app.id))/networkConfigSection/"
        var s = "<NetworkConfigSection" + (root ? " \(XNS.all)" : "") + X.attrs([("href", href), ("type", XType.networkConfigSection), ("ovf:required", "false")]) + ">\n"
        s += "<ovf:Info>The configuration parameters for logical networks</ovf:Info>\n"
        s += X.link("edit", href, type: XType.networkConfigSection)
        for n in app.networks {
            s += "<NetworkConfig networkName=\"\(X.e(n.name))\">\n<Description/>\n<Configuration>\n"
            if let p = n.parentNetworkId, let net = ctx.state.get(p), let on = try? net.decode(OrgVdcNetwork.self), let sub = on.subnets?.values.first {
                s += "<IpScopes><IpScope><IsInherited>true</IsInherited>" + X.el("Gateway", sub.gateway)
                if let pl = sub.prefixLength { s += X.el("Netmask", IPv4.format(IPv4.mask(pl))) + X.el("SubnetPrefixLength", String(pl)) }
                if let d = sub.dnsServer1, !d.isEmpty { s += X.el("Dns1", d) }
                s += "<IsEnabled>true</IsEnabled></IpScope></IpScopes>\n"
                s += "<ParentNetwork" + X.attrs([("href", LegacyOrgs.networkHref(ctx, p)), ("id", p), ("name", net.name)]) + "/>\n"
            }
            s += X.el("FenceMode", n.fenceMode) + "<RetainNetInfoAcrossDeployments>false</RetainNetInfoAcrossDeployments>\n</Configuration>\n"
            s += X.el("IsDeployed", n.isDeployed ? "true" : "false") + "</NetworkConfig>\n"
        }
        return s + "</NetworkConfigSection>\n"
    }

    static func networkConnectionXML(_ ctx: RequestContext, _ vm: XVM, root: Bool) -> String {
        let href = "\(vmHref(ctx, vm.id))/networkConnectionSection/"
        var s = "<NetworkConnectionSection" + (root ? " \(XNS.all)" : "") + X.attrs([("href", href), ("type", XType.networkConnectionSection), ("ovf:required", "false")]) + ">\n"
        s += "<ovf:Info>Specifies the available VM network connections</ovf:Info>\n"
        if !vm.nics.isEmpty { s += X.el("PrimaryNetworkConnectionIndex", String(vm.nics[0].index)) }
        for n in vm.nics {
            s += "<NetworkConnection" + X.attrs([("needsCustomization", "false"), ("network", n.network)]) + ">\n"
            s += X.el("NetworkConnectionIndex", String(n.index))
            if let ip = n.ip { s += X.el("IpAddress", ip) + X.el("IpType", "IPV4") }
            s += X.el("IsConnected", n.connected ? "true" : "false") + X.el("MACAddress", n.mac) + X.el("IpAddressAllocationMode", n.allocationMode)
            s += X.el("SecondaryIpAddressAllocationMode", "NONE") + X.el("NetworkAdapterType", n.adapterType) + "</NetworkConnection>\n"
        }
        if !root { s += "" } else { s += X.link("edit", href, type: XType.networkConnectionSection) }
        return s + "</NetworkConnectionSection>\n"
    }

    static func guestCustomizationXML(_ ctx: RequestContext, _ vm: XVM, root: Bool) -> String {
        var s = "<GuestCustomizationSection" + (root ? " \(XNS.all)" : "") + X.attrs([("href", "\(vmHref(ctx, vm.id))/guestCustomizationSection/"),
                                                                                    ("type", XType.guestCustomizationSection), ("ovf:required", "false")]) + ">\n"
        s += "<ovf:Info>Specifies Guest OS Customization Settings</ovf:Info>\n<Enabled>true</Enabled>\n<ChangeSid>false</ChangeSid>\n"
        s += X.el("VirtualMachineId", XID.uuid(vm.id)) + "<JoinDomainEnabled>false</JoinDomainEnabled>\n<UseOrgSettings>false</UseOrgSettings>\n"
        s += "<AdminPasswordEnabled>false</AdminPasswordEnabled>\n<AdminPasswordAuto>false</AdminPasswordAuto>\n<AdminAutoLogonEnabled>false</AdminAutoLogonEnabled>\n"
        s += "<AdminAutoLogonCount>0</AdminAutoLogonCount>\n<ResetPasswordRequired>false</ResetPasswordRequired>\n" + X.el("ComputerName", vm.computerName)
        return s + "</GuestCustomizationSection>\n"
    }

    /// The `Vm` element (a VM of a vApp, or the child VM of a template).
    static func vmXML(_ ctx: RequestContext, _ vm: XVM, template: Bool, root: Bool) -> String {
        let href = template ? "\(ctx.base)/api/vAppTemplate/vm-\(XID.uuid(vm.id))" : vmHref(ctx, vm.id)
        var s = "<Vm" + (root ? " \(XNS.all)" : "") + X.attrs([("needsCustomization", vm.needsCustomization ? "true" : "false"),
                                                             ("nestedHypervisorEnabled", "false"), ("deployed", vm.deployed ? "true" : "false"),
                                                             ("status", String(vm.status)), ("name", vm.name), ("id", vm.id), ("href", href), ("type", XType.vm)]) + ">\n"
        if !template {
            s += X.link("power:powerOn", "\(href)/power/action/powerOn")
            s += X.link("power:powerOff", "\(href)/power/action/powerOff")
            s += X.link("reconfigureVm", "\(href)/action/reconfigureVm", type: XType.vm, name: vm.name)
            if vm.status != VCDResourceStatus.poweredOn { s += X.link("remove", href) }
            s += X.link("up", vappHref(ctx, vm.vappId), type: XType.vApp)
            s += X.link("down", "\(href)/metadata", type: XType.metadata)
        } else {
            s += X.link("up", LegacyCatalogs.templateHref(ctx, vm.vappId), type: XType.vAppTemplate)
        }
        s += X.el("Description", vm.description)
        // As VCD serialises it: the section declares the vcloud namespace it uses for its own
        // attributes (ns10), and every vssd/rasd field is listed, nil ones as xsi:nil (clients
        // such as CPI copy this section back into reconfigureVm bodies, declarations included).
        s += "<ovf:VirtualHardwareSection xmlns:ns10=\"\(XNS.vcloud)\" ovf:transport=\"\" ns10:type=\"application/vnd.vmware.vcloud.virtualHardwareSection+xml\""
        s += " ns10:href=\"\(X.e(href))/virtualHardwareSection/\">\n<ovf:Info>Virtual hardware requirements</ovf:Info>\n"
        s += VMHardwareXML.system(name: vm.name, hardwareVersion: vm.hardwareVersion)
        for n in vm.nics {
            let connection = "<rasd:Connection ns10:ipAddressingMode=\"\(X.e(n.allocationMode))\"" + (n.ip.map { " ns10:ipAddress=\"\(X.e($0))\"" } ?? "")
                + " ns10:primaryNetworkConnection=\"\(n.index == vm.nics.first?.index)\">\(X.e(n.network))</rasd:Connection>"
            s += VMHardwareXML.item(["Address": n.mac, "AddressOnParent": String(n.index), "AutomaticAllocation": String(n.connected),
                                     "Description": "\(n.adapterType) ethernet adapter on \"\(n.network)\"", "ElementName": "Network adapter \(n.index)",
                                     "InstanceID": String(10 + n.index), "ResourceSubType": n.adapterType, "ResourceType": "10"],
                                    raw: ["Connection": connection])
        }
        s += VMHardwareXML.item(["AllocationUnits": "hertz * 10^6", "Description": "Number of Virtual CPUs", "ElementName": "\(vm.cpus) virtual CPU(s)",
                                 "InstanceID": "4", "Reservation": "0", "ResourceType": "3", "VirtualQuantity": String(vm.cpus), "Weight": "0"],
                                extra: "<vmw:CoresPerSocket ovf:required=\"false\">\(vm.coresPerSocket)</vmw:CoresPerSocket>")
        s += VMHardwareXML.item(["AllocationUnits": "byte * 2^20", "Description": "Memory Size", "ElementName": "\(vm.memoryMb) MB of memory",
                                 "InstanceID": "5", "Reservation": "0", "ResourceType": "4", "VirtualQuantity": String(vm.memoryMb), "Weight": "0"])
        if vm.diskMb > 0 {
            s += VMHardwareXML.item(["AddressOnParent": "0", "Description": "Hard disk", "ElementName": "Hard disk 1", "InstanceID": "2000", "Parent": "2",
                                     "ResourceType": "17", "VirtualQuantity": String(Int64(vm.diskMb) * 1_048_576), "VirtualQuantityUnits": "byte"],
                                    raw: ["HostResource": "<rasd:HostResource ns10:capacity=\"\(vm.diskMb)\" ns10:busSubType=\"VirtualSCSI\" ns10:busType=\"6\"/>"])
        }
        for kv in template ? vm.extraConfig : Guest.merged(ctx, vm) {
            s += "<vmw:ExtraConfig ovf:required=\"false\" vmw:key=\"\(X.e(kv.key))\" vmw:value=\"\(X.e(kv.value))\"/>\n"
        }
        s += "</ovf:VirtualHardwareSection>\n"
        s += "<ovf:OperatingSystemSection ovf:id=\"101\" vmw:osType=\"\(X.e(vm.osType))\">\n<ovf:Info>Specifies the operating system installed</ovf:Info>\n"
        s += "<ovf:Description>\(X.e(vm.osDescription ?? vm.osType))</ovf:Description>\n</ovf:OperatingSystemSection>\n"
        s += networkConnectionXML(ctx, vm, root: false)
        s += guestCustomizationXML(ctx, vm, root: false)
        if vm.product != nil || vm.kubernetesVersion != nil {
            s += LegacyCatalogs.productSection(vm.product, vm.productVersion, vm.properties)
        }
        s += "<DateCreated>\(LX.iso(vm.created))</DateCreated>\n"
        s += X.el("VAppScopedLocalId", vm.name)
        s += "<VmCapabilities><MemoryHotAddEnabled>false</MemoryHotAddEnabled><CpuHotAddEnabled>false</CpuHotAddEnabled></VmCapabilities>\n"
        if let sp = vm.storageProfile ?? ctx.state.all(Kind.storageProfile).first(where: { $0.parentId == vm.vdcId })?.name,
           let spo = ctx.state.all(Kind.storageProfile).first(where: { $0.name == sp && $0.parentId == vm.vdcId }) {
            s += "<StorageProfile" + X.attrs([("href", LegacyOrgs.storageProfileHref(ctx, spo.id)), ("id", spo.id), ("name", spo.name), ("type", XType.storageProfile)]) + "/>\n"
        }
        s += "<VmSpecSection Modified=\"false\">\n<ovf:Info>The configuration parameters for logical networks</ovf:Info>\n"
        s += X.el("OsType", vm.osType) + X.el("NumCpus", String(vm.cpus)) + X.el("NumCoresPerSocket", String(vm.coresPerSocket))
        s += "<CpuResourceMhz><Configured>0</Configured></CpuResourceMhz>\n<MemoryResourceMb><Configured>\(vm.memoryMb)</Configured></MemoryResourceMb>\n"
        s += "<DiskSection>\n"
        if vm.diskMb > 0 {
            s += "<DiskSettings><DiskId>2000</DiskId><SizeMb>\(vm.diskMb)</SizeMb><UnitNumber>0</UnitNumber><BusNumber>0</BusNumber><AdapterType>5</AdapterType>"
            s += "<ThinProvisioned>true</ThinProvisioned><overrideVmDefault>false</overrideVmDefault><iops>0</iops><VirtualQuantity>\(Int64(vm.diskMb) * 1_048_576)</VirtualQuantity>"
            s += "<VirtualQuantityUnit>byte</VirtualQuantityUnit></DiskSettings>\n"
        }
        s += "</DiskSection>\n" + X.el("HardwareVersion", vm.hardwareVersion) + X.el("VmToolsVersion", "12352")
        s += "<VirtualCpuType>VM64</VirtualCpuType>\n<TimeSyncWithHost>false</TimeSyncWithHost>\n</VmSpecSection>\n"
        if vm.sizingPolicy != nil || vm.placementPolicy != nil {
            s += "<ComputePolicy>\n"
            if let p = vm.placementPolicy { s += "<VmPlacementPolicy" + X.attrs([("href", p), ("id", p)]) + "/>\n" }
            if let p = vm.sizingPolicy, let po = ctx.state.all(Kind.computePolicy).first(where: { $0.name == p }) {
                s += "<VmSizingPolicy" + X.attrs([("href", po.id), ("id", po.id), ("name", p)]) + "/>\n"
            }
            s += "</ComputePolicy>\n"
        }
        s += "</Vm>\n"
        return s
    }
}
