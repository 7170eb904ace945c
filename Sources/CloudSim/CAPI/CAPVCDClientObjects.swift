import CloudWire
import Foundation

/// The cluster's RDE, vApp and VMs as the simulated CAPVCD makes and removes them through VCD's
/// API (capvcd-wire.md rows 6–11, 22–28): the RDE created through its type (202 + task whose
/// owner is the entity), resolved, updated with ETag / If-Match and retried on 412; an empty
/// composed vApp given the network by its networkConfigSection and the metadata CAPVCD writes; a
/// VM recomposed from the template (NIC in POOL mode, sizing policy), reconfigured with the
/// bootstrap `guestinfo.*` ExtraConfig, powered on; VMs and vApp powered off and deleted.
extension CAPVCDClient {
    static let xmlVersionAccept = "application/*+xml"
    static let vcloudNS = VCDXMLNamespace.vcloud
    static let ovfNS = VCDXMLNamespace.ovf

    static func uuid(_ id: String) -> String { String(id.split(separator: ":").last ?? Substring(id)) }

    // MARK: RDE

    /// The entities of `name` among the type's versions matching `version` (`"1"`: any 1.x, as
    /// CAPVCD 1.1+ asks; `"1.0.0"` exactly).
    func entities(named name: String, version: String) throws -> [DefinedEntity] {
        try must("RDELookupFailed") {
            try list(Self.path("entities/types/vmware/capvcdCluster/\(version)?\(Self.filter("name==\(name)"))"), DefinedEntity.self,
                     what: "capvcdCluster entities named [\(name)]")
        }
    }

    /// Whether the entity type is registered (`GET /entityTypes/{id}`).
    func entityTypeExists(_ typeId: String) throws -> Bool {
        let r = try must("RDETypeNotFound") { try call("GET", Self.path("entityTypes/\(typeId)")) }
        if r.status == 404 { return false }
        guard r.status == 200 else {
            throw CAPIFailure(reason: "RDETypeNotFound", message: "unable to get entity type [\(typeId)]: \(Self.describe(r))", busy: Self.isBusy(r))
        }
        return true
    }

    /// Creates an entity of `typeId` (PRE_CREATED, then resolved against the type's schema); its id.
    func createEntity(typeId: String, name: String, entity: JSONValue) throws -> String {
        var e = DefinedEntity()
        e.name = name
        e.entityType = typeId
        e.entity = entity
        let task = try must("RDECreateFailed") {
            try change("POST", Self.path("entityTypes/\(typeId)"), body: Self.json(e), what: "create capvcdCluster entity [\(name)]")
        }
        guard let id = task?.owner?.id else { throw CAPIFailure(reason: "RDECreateFailed", message: "the task creating entity [\(name)] names no entity") }
        let r = try must("RDEInvalid") { try call("POST", Self.path("entities/\(id)/resolve")) }
        guard r.status == 200, let resolved = try? JSONDecoder().decode(DefinedEntity.self, from: r.body) else {
            throw CAPIFailure(reason: "RDEInvalid", message: "unable to resolve entity [\(id)]: \(Self.describe(r))", busy: Self.isBusy(r))
        }
        if resolved.state != "RESOLVED" {
            throw CAPIFailure(reason: "RDEInvalid", message: "the capvcdCluster entity does not match \(typeId): \(resolved.message ?? resolved.state ?? "RESOLUTION_ERROR")")
        }
        return id
    }

    /// Reads the entity with its ETag, lets `mutate` change its body, and writes it back with
    /// If-Match (read again and retried on 412, three times). No request when nothing changed;
    /// an entity gone is left alone.
    func updateEntity(_ id: String, _ mutate: (inout JSONValue) -> Void) throws {
        for _ in 0..<3 {
            let r = try must("RDEUpdateFailed") { try call("GET", Self.path("entities/\(id)")) }
            if r.status == 404 { return }
            guard r.status == 200, var e = try? JSONDecoder().decode(DefinedEntity.self, from: r.body), var body = e.entity else {
                throw CAPIFailure(reason: "RDEUpdateFailed", message: "unable to get entity [\(id)]: \(Self.describe(r))", busy: Self.isBusy(r))
            }
            let before = body
            mutate(&body)
            if body == before { return }
            e.entity = body
            let put = try must("RDEUpdateFailed") { try call("PUT", Self.path("entities/\(id)"), body: Self.json(e), headers: ["If-Match": r.headers["ETag"] ?? "*"]) }
            if put.status == 412 { continue }
            guard (200..<300).contains(put.status) else {
                throw CAPIFailure(reason: "RDEUpdateFailed", message: "unable to update entity [\(id)]: \(Self.describe(put))", busy: Self.isBusy(put))
            }
            return
        }
        throw CAPIFailure(reason: "RDEUpdateFailed", message: "unable to update entity [\(id)]: it kept changing (412 three times)", busy: true)
    }

    /// The entity as VCD holds it.
    func entity(_ id: String) throws -> DefinedEntity {
        try must("RDELookupFailed") { try get(Self.path("entities/\(id)"), DefinedEntity.self, what: "entity [\(id)]") }
    }

    /// Deletes the entity (gone already counts as deleted).
    func deleteEntity(_ id: String) throws {
        let r = try must("RDEDeleteFailed") { try call("DELETE", Self.path("entities/\(id)")) }
        guard (200..<300).contains(r.status) || r.status == 404 else {
            throw CAPIFailure(reason: "RDEDeleteFailed", message: "unable to delete entity [\(id)]: \(Self.describe(r))", busy: Self.isBusy(r))
        }
    }

    // MARK: vApp

    /// The vApp named `name` in the VDC (from the VDC's resource entities), if any.
    func findVApp(vdcId: String, name: String) throws -> String? {
        let doc = try xml("VAppLookupFailed", "/api/vdc/\(Self.uuid(vdcId))", what: "virtual datacenter [\(vdcId)]")
        return doc.find("ResourceEntities")?.all("ResourceEntity").first {
            $0.attr("name") == name && ($0.attr("type") ?? "").contains("vApp+xml")
        }?.attr("id")
    }

    /// An empty vApp, then its network (networkConfigSection, bridged to the org network) and the
    /// metadata CAPVCD keys it by. Returns its id.
    func composeVApp(site: Site, name: String, description: String, metadata: [(String, String)]) throws -> String {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ComposeVAppParams xmlns="\(Self.vcloudNS)" xmlns:ovf="\(Self.ovfNS)" name="\(X.e(name))" deploy="false" powerOn="false">\
            <Description>\(X.e(description))</Description></ComposeVAppParams>
            """
        let r = try must("VAppCreateFailed") {
            try call("POST", "/api/vdc/\(Self.uuid(site.vdcId))/action/composeVApp", body: Data(body.utf8), accept: "application/*+xml;version=\(version)",
                     headers: ["Content-Type": "application/vnd.vmware.vcloud.composeVAppParams+xml"])
        }
        guard r.status == 201 || r.status == 202, let doc = try? XMLTree.parse(r.body), let id = doc.attr("id") else {
            let reason = r.status == 403 ? "VCDAccessDenied" : r.status == 400 && Self.describe(r).contains("already exists") ? "VAppExists" : "VAppCreateFailed"
            throw CAPIFailure(reason: reason, message: "unable to create vApp [\(name)]: \(Self.describe(r))", busy: Self.isBusy(r))
        }
        if let task = doc.find("Task")?.attr("href")?.split(separator: "/").last { try waitTask(String(task), what: "create vApp [\(name)]") }
        try prepareVApp(id, name: name, site: site, metadata: metadata)
        return id
    }

    /// Gives the vApp the cluster's network (networkConfigSection) unless it has it, and sets the
    /// metadata: what a pass that stopped after composeVApp left undone is done by the next.
    func prepareVApp(_ id: String, name: String, site: Site, metadata: [(String, String)]) throws {
        let current = try xml("VAppCreateFailed", "/api/vApp/vapp-\(Self.uuid(id))/networkConfigSection", what: "network section of vApp [\(name)]")
        if !current.all("NetworkConfig").contains(where: { $0.attr("networkName") == site.networkName }) {
            let net = """
                <?xml version="1.0" encoding="UTF-8"?>
                <NetworkConfigSection xmlns="\(Self.vcloudNS)" xmlns:ovf="\(Self.ovfNS)"><ovf:Info>The configuration parameters for logical networks</ovf:Info>\
                <NetworkConfig networkName="\(X.e(site.networkName))"><Configuration>\
                <ParentNetwork href="\(credentials.host)/api/network/\(Self.uuid(site.networkId))" name="\(X.e(site.networkName))"/>\
                <FenceMode>bridged</FenceMode></Configuration><IsDeployed>false</IsDeployed></NetworkConfig></NetworkConfigSection>
                """
            try must("VAppCreateFailed") {
                _ = try change("PUT", "/api/vApp/vapp-\(Self.uuid(id))/networkConfigSection/", body: Data(net.utf8),
                               what: "add network [\(site.networkName)] to vApp [\(name)]", xml: "application/vnd.vmware.vcloud.networkConfigSection+xml")
            }
        }
        for (k, v) in metadata {
            let md = """
                <?xml version="1.0" encoding="UTF-8"?>
                <MetadataValue xmlns="\(Self.vcloudNS)" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
                <TypedValue xsi:type="MetadataStringValue"><Value>\(X.e(v))</Value></TypedValue></MetadataValue>
                """
            try must("VAppCreateFailed") {
                _ = try change("PUT", "/api/vApp/vapp-\(Self.uuid(id))/metadata/\(Self.encode(k))", body: Data(md.utf8),
                               what: "set metadata [\(k)] of vApp [\(name)]", xml: "application/vnd.vmware.vcloud.metadata.value+xml")
            }
        }
    }

    /// Polls a task by id until it ends (see `change`).
    func waitTask(_ id: String, what: String) throws {
        for _ in 0..<50 {
            let t = try call("GET", "/api/task/\(id)", accept: "application/*+json;version=\(version)")
            guard t.status == 200, let task = try? JSONDecoder().decode(VCDTask.self, from: t.body) else {
                throw CAPIFailure(reason: "VCDTaskFailed", message: "unable to \(what): task \(id): \(Self.describe(t))", busy: Self.isBusy(t))
            }
            if task.status == VCDTask.Status.success { return }
            if let st = task.status, VCDTask.Status.isFinal(st) {
                throw CAPIFailure(reason: "VCDTaskFailed", message: "unable to \(what): task [\(id)] failed: [\(task.error?.message ?? st)]", busy: true)
            }
        }
        throw CAPIFailure(reason: "VCDTaskFailed", message: "unable to \(what): task [\(id)] is still running", busy: true)
    }

    /// Powers the vApp off (undeploy) when a VM runs, then deletes it; gone counts as deleted.
    func deleteVApp(_ id: String) throws {
        let path = "/api/vApp/vapp-\(Self.uuid(id))"
        let r = try must("VAppDeleteFailed") { try call("GET", path, accept: "application/*+xml;version=\(version)") }
        if r.status == 404 { return }
        guard r.status == 200, let doc = try? XMLTree.parse(r.body) else {
            throw CAPIFailure(reason: "VAppDeleteFailed", message: "unable to get vApp [\(id)]: \(Self.describe(r))", busy: Self.isBusy(r))
        }
        if doc.findAll("Vm").contains(where: { $0.attr("status").flatMap { Int($0) } == VCDResourceStatus.poweredOn }) {
            let undeploy = """
                <?xml version="1.0" encoding="UTF-8"?>
                <UndeployVAppParams xmlns="\(Self.vcloudNS)"><UndeployPowerAction>powerOff</UndeployPowerAction></UndeployVAppParams>
                """
            try must("VAppDeleteFailed") {
                _ = try change("POST", "\(path)/action/undeploy", body: Data(undeploy.utf8), what: "undeploy vApp [\(doc.attr("name") ?? id)]",
                               xml: "application/vnd.vmware.vcloud.undeployVAppParams+xml")
            }
        }
        let d = try must("VAppDeleteFailed") { try call("DELETE", path, accept: "application/*+xml;version=\(version)") }
        if d.status == 404 { return }
        guard (200..<300).contains(d.status) else {
            throw CAPIFailure(reason: "VAppDeleteFailed", message: "unable to delete vApp [\(doc.attr("name") ?? id)]: \(Self.describe(d))", busy: Self.isBusy(d))
        }
        if d.status == 202, let t = d.headers["Location"]?.split(separator: "/").last { try waitTask(String(t), what: "delete vApp [\(doc.attr("name") ?? id)]") }
    }

    // MARK: VMs

    /// What the controller reads of a VM: power state, address, name, size, OS and ExtraConfig.
    struct VMFacts {
        var id: String
        var status: Int
        var ip: String
        var computerName: String
        var cpus: Int
        var memoryMb: Int
        var os: String
        var extraConfig: [String: String]
    }

    /// The VM named `name` in the vApp, if any.
    func findVM(vappId: String, name: String) throws -> String? {
        let doc = try xml("VMLookupFailed", "/api/vApp/vapp-\(Self.uuid(vappId))", what: "vApp [\(vappId)]")
        return doc.find("Children")?.all("Vm").first { $0.attr("name") == name }?.attr("id")
    }

    /// Adds a VM from the template's VM to the vApp (recomposeVApp: NIC on the cluster network in
    /// POOL mode, storage profile, sizing policy). Returns its id.
    func addVM(vappId: String, name: String, template: Template, network: String, storageProfile: String?, sizingPolicyId: String?) throws -> String {
        var item = """
            <SourcedItem><Source href="\(X.e(template.vmHref))" name="\(X.e(name))"/>\
            <VmGeneralParams><Name>\(X.e(name))</Name><Description>Auto-created VM</Description><NeedsCustomization>false</NeedsCustomization></VmGeneralParams>\
            <InstantiationParams><NetworkConnectionSection><ovf:Info>Network connections</ovf:Info>\
            <NetworkConnection network="\(X.e(network))" needsCustomization="false"><NetworkConnectionIndex>0</NetworkConnectionIndex>\
            <IsConnected>true</IsConnected><IpAddressAllocationMode>POOL</IpAddressAllocationMode><NetworkAdapterType>VMXNET3</NetworkAdapterType>\
            </NetworkConnection></NetworkConnectionSection></InstantiationParams>
            """
        if let sp = storageProfile, !sp.isEmpty { item += "<StorageProfile name=\"\(X.e(sp))\"/>" }
        if let p = sizingPolicyId { item += "<ComputePolicy><VmSizingPolicy href=\"\(X.e(p))\" id=\"\(X.e(p))\"/></ComputePolicy>" }
        item += "</SourcedItem>"
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <RecomposeVAppParams xmlns="\(Self.vcloudNS)" xmlns:ovf="\(Self.ovfNS)"><Description>Add VM \(X.e(name))</Description>\(item)\
            <AllEULAsAccepted>true</AllEULAsAccepted></RecomposeVAppParams>
            """
        do {
            _ = try change("POST", "/api/vApp/vapp-\(Self.uuid(vappId))/action/recomposeVApp", body: Data(body.utf8),
                           what: "add VM [\(name)] to vApp", xml: "application/vnd.vmware.vcloud.recomposeVAppParams+xml")
        } catch let e as CPIError {
            throw Self.failure(e.message.contains("IP_POOL_EXHAUSTED") || e.message.contains("No free address in the static pool") ? "IPPoolExhausted"
                               : e.message.contains("403 Forbidden") ? "VCDAccessDenied" : e.message.contains("] failed: [") ? "VCDTaskFailed" : "VMCreationFailed",
                               CPIError(message: "unable to create VM \(name): \(e.message)", busy: e.busy))
        }
        guard let id = try findVM(vappId: vappId, name: name) else {
            throw CAPIFailure(reason: "VMCreationFailed", message: "VM \(name) was not created")
        }
        return id
    }

    /// Adds (or replaces) ExtraConfig keys of the VM and grows its disk to `diskMb`: the VM
    /// document as read, with the keys inserted in its hardware section, sent to reconfigureVm
    /// (what CPI's and CAPVCD's `SetMultiVmExtraConfigKeyValuePairs` do).
    func reconfigure(vmId: String, extraConfig: [(String, String)], diskMb: Int?) throws {
        let path = "/api/vApp/vm-\(Self.uuid(vmId))"
        let r = try must("VMReconfigureFailed") { try call("GET", path, accept: "application/*+xml;version=\(version)") }
        guard r.status == 200 else {
            throw CAPIFailure(reason: r.status == 403 ? "VCDAccessDenied" : "VMReconfigureFailed",
                              message: "unable to get VM [\(vmId)]: \(Self.describe(r))", busy: Self.isBusy(r))
        }
        var doc = String(decoding: r.body, as: UTF8.self)
        let keys = Set(extraConfig.map(\.0))
        // Drop the keys being set, then add them before the hardware section ends.
        doc = doc.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            guard line.contains("ExtraConfig"), let k = line.range(of: #"vmw:key="([^"]*)""#, options: .regularExpression) else { return true }
            return !keys.contains(String(line[k].dropFirst(9).dropLast()))
        }.joined(separator: "\n")
        let added = extraConfig.map { "<vmw:ExtraConfig ovf:required=\"false\" vmw:key=\"\(X.e($0.0))\" vmw:value=\"\(X.e($0.1))\"/>" }.joined(separator: "\n")
        guard let end = doc.range(of: "</ovf:VirtualHardwareSection>") else {
            throw CAPIFailure(reason: "VMReconfigureFailed", message: "the document of VM [\(vmId)] has no hardware section")
        }
        doc.replaceSubrange(end, with: added + "\n</ovf:VirtualHardwareSection>")
        if let diskMb, let sizeRange = doc.range(of: #"<SizeMb>\d+</SizeMb>"#, options: .regularExpression) {
            let current = Int(doc[sizeRange].dropFirst(8).dropLast(9)) ?? 0
            if diskMb > current { doc.replaceSubrange(sizeRange, with: "<SizeMb>\(diskMb)</SizeMb>") }
        }
        do {
            _ = try change("POST", "\(path)/action/reconfigureVm", body: Data(doc.utf8), what: "reconfigure VM [\(vmId)]", xml: "application/vnd.vmware.vcloud.vm+xml")
        } catch let e as CPIError {
            throw Self.failure(e.message.contains("403 Forbidden") ? "VCDAccessDenied" : e.message.contains("] failed: [") ? "VCDTaskFailed" : "VMReconfigureFailed", e)
        }
    }

    /// Powers the VM on.
    func powerOn(vmId: String) throws {
        do {
            _ = try change("POST", "/api/vApp/vm-\(Self.uuid(vmId))/power/action/powerOn", what: "power on VM [\(vmId)]",
                           xml: "application/vnd.vmware.vcloud.task+xml")
        } catch let e as CPIError {
            throw Self.failure(e.message.contains("403 Forbidden") ? "VCDAccessDenied" : e.message.contains("] failed: [") ? "VCDTaskFailed" : "VMPowerOnFailed", e)
        }
    }

    /// The VM as VCD shows it; nil when it does not exist.
    func vm(_ vmId: String) throws -> VMFacts? {
        let r = try must("VMLookupFailed") { try call("GET", "/api/vApp/vm-\(Self.uuid(vmId))", accept: "application/*+xml;version=\(version)") }
        if r.status == 404 { return nil }
        guard r.status == 200, let doc = try? XMLTree.parse(r.body) else {
            throw CAPIFailure(reason: r.status == 403 ? "VCDAccessDenied" : "VMLookupFailed", message: "unable to get VM [\(vmId)]: \(Self.describe(r))",
                              busy: r.status != 403)
        }
        var extra: [String: String] = [:]
        for e in doc.findAll("ExtraConfig") { if let k = e.attr("key") { extra[k] = e.attr("value") ?? "" } }
        var cpus = 0, memory = 0
        for item in doc.find("VirtualHardwareSection")?.all("Item") ?? [] {
            switch item.value("ResourceType") {
            case "3": cpus = Int(item.value("VirtualQuantity") ?? "") ?? cpus
            case "4": memory = Int(item.value("VirtualQuantity") ?? "") ?? memory
            default: break
            }
        }
        return VMFacts(id: doc.attr("id") ?? vmId, status: Int(doc.attr("status") ?? "") ?? 0,
                       ip: doc.find("NetworkConnectionSection")?.child("NetworkConnection")?.value("IpAddress") ?? "",
                       computerName: doc.find("GuestCustomizationSection")?.value("ComputerName") ?? doc.attr("name") ?? "",
                       cpus: cpus, memoryMb: memory, os: doc.find("OperatingSystemSection")?.value("Description") ?? "", extraConfig: extra)
    }

    /// Powers the VM off when it runs and deletes it; gone counts as deleted.
    func deleteVM(_ vmId: String) throws {
        let path = "/api/vApp/vm-\(Self.uuid(vmId))"
        guard let facts = try vm(vmId) else { return }
        if facts.status == 4 {
            try must("VMDeleteFailed") {
                _ = try change("POST", "\(path)/power/action/powerOff", what: "power off VM [\(facts.computerName)]", xml: "application/vnd.vmware.vcloud.task+xml")
            }
        }
        let d = try must("VMDeleteFailed") { try call("DELETE", path, accept: "application/*+xml;version=\(version)") }
        if d.status == 404 { return }
        guard (200..<300).contains(d.status) else {
            throw CAPIFailure(reason: "VMDeleteFailed", message: "unable to delete VM [\(facts.computerName)]: \(Self.describe(d))", busy: Self.isBusy(d))
        }
        if d.status == 202, let t = d.headers["Location"]?.split(separator: "/").last { try waitTask(String(t), what: "delete VM [\(facts.computerName)]") }
    }
}
