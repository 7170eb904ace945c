import CloudWire
import Foundation

/// Catalogs, catalog items and vApp templates with the OVF upload flow (vcd-wire.md §7): create
/// a catalog (201 AdminCatalog with its task), upload (`UploadVAppTemplateParams` → CatalogItem →
/// template with `Files/File` transfer links → PUT the descriptor → PUT every file, in pieces with
/// `Content-Range` → template `status` 8 (`VCDResourceStatus.templateReady`) with a child VM). An OVA PUT to the descriptor link is
/// unpacked by the simulator. ExtraConfig survives only if the uploader holds
/// `RightName.preserveExtraConfig`. Catalogs shared or published to other orgs (`CatalogSharing`)
/// are read there at their access level: reading needs `ReadOnly`, uploading or deleting items
/// `Change`, deleting the catalog `FullControl`.
enum LegacyCatalogs: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.post("/api/admin/org/{id}/catalogs", .session, "CATALOG_CREATE", createCatalog)
        t.get("/api/catalog/{id}", .session, "CATALOG_VIEW", showCatalog)
        t.get("/api/admin/catalog/{id}", .session, "CATALOG_VIEW", showAdminCatalog)
        t.delete("/api/admin/catalog/{id}", .session, "CATALOG_DELETE", deleteCatalog)
        t.delete("/api/catalog/{id}", .session, "CATALOG_DELETE", deleteCatalog)
        t.post("/api/catalog/{id}/action/upload", .session, "CATALOG_UPLOAD", startUpload)
        t.get("/api/catalogItem/{id}", .session, "CATALOG_ITEM_VIEW", showCatalogItem)
        t.delete("/api/catalogItem/{id}", .session, "CATALOG_ITEM_DELETE", removeCatalogItem)
        t.get("/api/vAppTemplate/{id}", .session, "VAPP_TEMPLATE_VIEW", showVAppTemplate)
        t.delete("/api/vAppTemplate/{id}", .session, "VAPP_TEMPLATE_DELETE", removeVAppTemplate)
        t.put("/transfer/{upload}/{file}", .open, "TRANSFER_UPLOAD", receive)
    }

    /// GET a catalog in the XML API.
    static func showCatalog(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let c = try catalog(ctx, ctx.param("id"), .readOnly)
        return ctx.xml(catalogXML(ctx, c, admin: false), type: XType.catalog)
    }

    /// GET a catalog's admin view.
    static func showAdminCatalog(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let c = try catalog(ctx, ctx.param("id"), .readOnly)
        return ctx.xml(catalogXML(ctx, c, admin: true), type: XType.adminCatalog)
    }

    /// GET a catalog item.
    static func showCatalogItem(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let i = try item(ctx, ctx.param("id"), .readOnly)
        return ctx.xml(XNS.header + catalogItemXML(ctx, i), type: XType.catalogItem)
    }

    /// DELETE a catalog item (a task).
    static func removeCatalogItem(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let i = try item(ctx, ctx.param("id"), .change)
        if let tpl = i.json["templateId"]?.stringValue { deleteTemplate(ctx.write, tpl) }
        ctx.write.delete(i.id)
        return ctx.noContent()
    }

    /// GET a vApp template.
    static func showVAppTemplate(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let seg = ctx.param("id")
        if seg.lowercased().hasPrefix("vm-") {
            let vm = try ctx.requireShared(XID.urn(seg, kind: "vm", prefix: "vm-"), Kind.templateVm, "Template VM")
            guard let tpl = ctx.state.get(vm.parentId ?? ""), CatalogSharing.accessIn(ctx, tpl) >= .readOnly else { throw SimError.notFound("Template VM \(seg)") }
            return ctx.xml(XNS.header + LegacyVApps.vmXML(ctx, templateVM(vm, tpl), template: true, root: true), type: XType.vm)
        }
        let tpl = try template(ctx, seg, .readOnly)
        return ctx.xml(XNS.header + templateXML(ctx, tpl), type: XType.vAppTemplate)
    }

    /// DELETE a vApp template (a task).
    static func removeVAppTemplate(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let tpl = try template(ctx, ctx.param("id"), .change)
        let owner = LTask.owner(tpl.id, tpl.name, XType.vAppTemplate, templateHref(ctx, tpl.id))
        if let item = tpl.json["catalogItemId"]?.stringValue { ctx.write.delete(item) }
        deleteTemplate(ctx.write, tpl.id)
        return try LTask.accepted(ctx, "Deleting Virtual Application Template \(tpl.name)", .vappTemplateDelete, owner: owner)
    }

    // MARK: Catalogs

    /// The catalog `seg` if the caller has `level` on it (its org: full control; other orgs: as
    /// shared or published).
    static func catalog(_ ctx: RequestContext, _ seg: String, _ level: CatalogAccess) throws -> StoredObject {
        try CatalogSharing.require(ctx, seg, level)
    }

    /// The catalog item `seg` if the caller has `level` on its catalog.
    static func item(_ ctx: RequestContext, _ seg: String, _ level: CatalogAccess) throws -> StoredObject {
        try CatalogSharing.requireIn(ctx, XID.urn(seg, kind: "catalogitem"), Kind.catalogItem, "Catalog item", level)
    }

    /// The vApp template `seg` (`vappTemplate-<uuid>`, UUID or URN) if the caller has `level` on its catalog.
    static func template(_ ctx: RequestContext, _ seg: String, _ level: CatalogAccess) throws -> StoredObject {
        try CatalogSharing.requireIn(ctx, XID.urn(seg, kind: "vapptemplate", prefix: "vappTemplate-"), Kind.vAppTemplate, "vApp template", level)
    }

    static func catalogHref(_ ctx: RequestContext, _ id: String, admin: Bool = false) -> String {
        "\(ctx.base)/api/\(admin ? "admin/" : "")catalog/\(XID.uuid(id))"
    }
    static func templateHref(_ ctx: RequestContext, _ id: String) -> String { "\(ctx.base)/api/vAppTemplate/vappTemplate-\(XID.uuid(id))" }

    static func createCatalog(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let org = try LegacyOrgs.org(ctx, ctx.param("id"))
        guard let body = try? XMLTree.parse(ctx.request.body), body.name == "AdminCatalog" || body.name == "Catalog" else {
            throw SimError.badRequest("Expected an AdminCatalog body.")
        }
        guard let name = body.attr("name"), !name.isEmpty else { throw SimError.badRequest("The catalog needs a name.") }
        if ctx.state.all(Kind.catalog).contains(where: { $0.orgId == org.id && $0.name == name }) {
            throw SimError.duplicate("A catalog named \(name) already exists in org \(org.name).")
        }
        let c = XCatalog(id: URN.make("catalog").description, name: name, description: body.value("Description") ?? "",
                         orgId: org.id, ownerName: ctx.session!.userName, created: ctx.now)
        let o = try ctx.write.insert(kind: Kind.catalog, id: c.id, org: org.id, name: name, c)
        let (_, task) = try LTask.start(ctx, "Creating Catalog \(name)", .catalogCreateCatalog,
                                        owner: LTask.owner(c.id, name, XType.adminCatalog, catalogHref(ctx, c.id, admin: true)))
        return ctx.xml(catalogXML(ctx, o, admin: true, tasks: [task]), type: XType.adminCatalog, status: 201)
    }

    static func deleteCatalog(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let c = try catalog(ctx, ctx.param("id"), .fullControl)
        let items = ctx.state.children(Kind.catalogItem, of: c.id)
        let recursive = (ctx.request.query("recursive") ?? "").lowercased() == "true"
        let force = (ctx.request.query("force") ?? "").lowercased() == "true"
        if !items.isEmpty && !(recursive && force) {
            throw SimError(400, VCDMinorError.badRequest, "Catalog \(c.name) is not empty (\(items.count) items): delete with force=true&recursive=true.")
        }
        for i in items {
            if let tpl = i.json["templateId"]?.stringValue { deleteTemplate(ctx.write, tpl) }
            ctx.write.delete(i.id)
        }
        ctx.write.delete(c.id)
        ctx.write.delete(LegacyMetadata.key(c.id))
        return try LTask.accepted(ctx, "Deleting Catalog \(c.name)", .catalogDelete,
                                  owner: LTask.owner(c.id, c.name, XType.adminCatalog, catalogHref(ctx, c.id, admin: true)))
    }

    static func deleteTemplate(_ tx: WriteTx, _ id: String) {
        for vm in tx.children(Kind.templateVm, of: id) { tx.delete(vm.id) }
        tx.delete(LegacyMetadata.key(id))
        tx.delete(id)
    }

    /// The catalog document; its links are those the caller may follow (upload and items with
    /// `Change`, edit/remove and access control with `FullControl`, publish where it may publish).
    static func catalogXML(_ ctx: RequestContext, _ c: StoredObject, admin: Bool, tasks: [String] = []) -> String {
        let root = admin ? "AdminCatalog" : "Catalog"
        let access = CatalogSharing.access(ctx, c)
        let uuid = XID.uuid(c.id)
        var s = XNS.header + "<\(root) xmlns=\"\(XNS.vcloud)\"" + X.attrs([("name", c.name), ("id", c.id), ("href", catalogHref(ctx, c.id, admin: admin)),
                                                                         ("type", admin ? XType.adminCatalog : XType.catalog)]) + ">\n"
        if let org = c.orgId { s += X.link("up", LegacyOrgs.orgHref(ctx, org), type: XType.org) }
        s += X.link("down", "\(ctx.base)/api/catalog/\(uuid)/metadata", type: XType.metadata)
        if access >= .change {
            s += X.link("add", "\(ctx.base)/api/catalog/\(uuid)/action/upload", type: XType.upload)
            s += X.link("add", "\(ctx.base)/api/catalog/\(uuid)/catalogItems", type: XType.catalogItem)
        }
        if access >= .fullControl {
            s += X.link("down", "\(ctx.base)/api/catalog/\(uuid)/controlAccess/", type: CatalogSharing.controlAccessType)
            s += X.link("controlAccess", "\(ctx.base)/api/catalog/\(uuid)/action/controlAccess", type: CatalogSharing.controlAccessType)
        }
        if CatalogSharing.mayPublish(ctx, org: c.orgId) {
            s += X.link("publish", "\(ctx.base)/api/admin/catalog/\(uuid)/action/publish", type: CatalogSharing.publishType)
        }
        if admin {
            if access >= .fullControl {
                s += X.link("edit", catalogHref(ctx, c.id, admin: true), type: XType.adminCatalog)
                s += X.link("remove", catalogHref(ctx, c.id, admin: true))
            }
            s += X.link("alternate", catalogHref(ctx, c.id), type: XType.catalog)
        } else {
            s += X.link("alternate", catalogHref(ctx, c.id, admin: true), type: XType.adminCatalog)
        }
        s += X.el("Description", c.json["description"]?.stringValue ?? "")
        if !tasks.isEmpty { s += "<Tasks>\n" + tasks.map(X.embedded(task:)).joined() + "</Tasks>\n" }
        s += "<Owner type=\"application/vnd.vmware.vcloud.owner+xml\"><User" + X.attrs([("name", c.json["ownerName"]?.stringValue ?? ""), ("type", MediaType.user)]) + "/></Owner>\n"
        s += "<CatalogItems>\n"
        for i in ctx.state.children(Kind.catalogItem, of: c.id) {
            s += "<CatalogItem" + X.attrs([("href", "\(ctx.base)/api/catalogItem/\(XID.uuid(i.id))"), ("id", i.id), ("name", i.name), ("type", XType.catalogItem)]) + "/>\n"
        }
        s += "</CatalogItems>\n<IsPublished>\(CatalogSharing.isPublished(c))</IsPublished>\n<DateCreated>\(LX.iso(c.created))</DateCreated>\n<VersionNumber>\(c.version)</VersionNumber>\n"
        s += "</\(root)>\n"
        return s
    }

    static func catalogItemXML(_ ctx: RequestContext, _ i: StoredObject) -> String {
        let tplId = i.json["templateId"]?.stringValue ?? ""
        let tpl = ctx.state.get(tplId)
        var s = "<CatalogItem xmlns=\"\(XNS.vcloud)\"" + X.attrs([("size", "0"), ("name", i.name), ("id", i.id), ("href", "\(ctx.base)/api/catalogItem/\(XID.uuid(i.id))"),
                                                                ("type", XType.catalogItem)]) + ">\n"
        s += X.link("up", catalogHref(ctx, i.parentId ?? ""), type: XType.catalog)
        s += X.link("down", "\(ctx.base)/api/catalogItem/\(XID.uuid(i.id))/metadata", type: XType.metadata)
        if CatalogSharing.accessIn(ctx, i) >= .change { s += X.link("remove", "\(ctx.base)/api/catalogItem/\(XID.uuid(i.id))") }
        s += X.el("Description", i.json["description"]?.stringValue ?? "")
        s += "<Entity" + X.attrs([("href", templateHref(ctx, tplId)), ("id", tplId), ("name", tpl?.name ?? i.name), ("type", XType.vAppTemplate)]) + "/>\n"
        s += "<DateCreated>\(LX.iso(i.created))</DateCreated>\n<VersionNumber>\(i.version)</VersionNumber>\n</CatalogItem>\n"
        return s
    }

    // MARK: Upload

    static func startUpload(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let c = try catalog(ctx, ctx.param("id"), .change)
        guard let body = try? XMLTree.parse(ctx.request.body), body.name == "UploadVAppTemplateParams" else {
            throw SimError.badRequest("Expected an UploadVAppTemplateParams body.")
        }
        guard let name = body.attr("name"), !name.isEmpty else { throw SimError.badRequest("The template needs a name.") }
        if ctx.state.children(Kind.catalogItem, of: c.id).contains(where: { $0.name == name }) {
            throw SimError.duplicate("Catalog \(c.name) already has an item named \(name).")
        }
        let tplId = URN.make("vapptemplate").description
        let itemId = URN.make("catalogitem").description
        let vdc = ctx.state.all(Kind.vdc).first { $0.orgId == c.orgId }
        var tpl = XTemplate(id: tplId, name: name, description: body.value("Description") ?? "", catalogId: c.id, catalogItemId: itemId,
                            orgId: c.orgId ?? "", vdcId: vdc?.id, status: VCDResourceStatus.unresolved, uploadId: UUID().uuidString.lowercased(), descriptorUploaded: false,
                            files: [XFile(name: "descriptor.ovf", size: -1, bytesTransferred: 0)], taskId: nil, ovf: nil,
                            extraConfigStripped: false, ownerName: ctx.session!.userName, created: ctx.now)
        tpl.preserve = ctx.has(RightName.preserveExtraConfig)
        let (rec, _) = try LTask.start(ctx, "Importing Virtual Application Template \(name)", .vdcUploadOvfContents,
                                       owner: LTask.owner(tplId, name, XType.vAppTemplate, templateHref(ctx, tplId)))
        // The import runs until the last file arrives (an injected task failure leaves a failed template).
        if rec.outcome != VCDTask.Status.success { tpl.status = VCDResourceStatus.failedCreation } else if let o = ctx.write.get(rec.uuid, kind: Kind.task) {
            var r = rec
            r.duration = 30 * 86400
            r.advanceOnRead = false
            r.progressOverride = 0
            try ctx.write.update(o, r)
        }
        tpl.taskId = rec.uuid
        try ctx.write.insert(kind: Kind.vAppTemplate, id: tplId, parent: c.id, org: c.orgId, name: name, tpl)
        let item = XCatalogItem(id: itemId, name: name, description: tpl.description, catalogId: c.id, templateId: tplId, created: ctx.now)
        let io = try ctx.write.insert(kind: Kind.catalogItem, id: itemId, parent: c.id, org: c.orgId, name: name, item)
        return ctx.xml(XNS.header + catalogItemXML(ctx, io), type: XType.catalogItem, status: 201)
    }

    /// `PUT /transfer/{upload}/{file}`: the descriptor (or a whole OVA), then each file.
    static func receive(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let uploadId = ctx.param("upload"), file = ctx.param("file")
        guard let o = ctx.state.all(Kind.vAppTemplate).first(where: { $0.json["uploadId"]?.stringValue == uploadId }) else {
            throw SimError.notFound("Transfer session \(uploadId)")
        }
        var tpl = try o.decode(XTemplate.self)
        guard tpl.status == VCDResourceStatus.unresolved else { throw SimError.badRequest("The upload of \(tpl.name) is \(tpl.status == VCDResourceStatus.templateReady ? "complete" : "failed").") }
        let body = ctx.request.body
        if !tpl.descriptorUploaded {
            try receiveDescriptor(&tpl, file: file, body)
        } else {
            try receivePart(&tpl, file: file, body, contentRange: ctx.request.headers["Content-Range"])
        }
        let complete = try advanceTask(ctx, tpl)
        if complete {
            tpl.status = VCDResourceStatus.templateReady
            let vmId = URN.make("vm").description
            try ctx.write.insert(kind: Kind.templateVm, id: vmId, parent: tpl.id, org: o.orgId, name: tpl.ovf?.vmName ?? "vm",
                                 XTemplateVM(id: vmId, name: tpl.ovf?.vmName ?? "vm", templateId: tpl.id))
        }
        try ctx.write.update(o, tpl)
        return HTTPResponseMessage(status: 200)
    }

    /// The first upload: the OVF descriptor, or a whole OVA whose descriptor lists the files it
    /// bundles (counted as transferred). ExtraConfig is stripped unless the template preserves it.
    static func receiveDescriptor(_ tpl: inout XTemplate, file: String, _ body: Data) throws {
        guard file == tpl.files.first?.name else { throw SimError.badRequest("Upload the OVF descriptor first.") }
        var descriptor = body
        var bundled: [String: Data] = [:]
        if let members = OVF.untar(body) {
            guard let d = members.first(where: { $0.name.lowercased().hasSuffix(".ovf") }) else {
                throw SimError.badRequest("The OVA holds no .ovf descriptor.")
            }
            descriptor = d.data
            for m in members where m.name != d.name { bundled[(m.name as NSString).lastPathComponent] = m.data }
        }
        var info = try OVF.parse(descriptor)
        if !info.extraConfig.isEmpty && !tpl.preserve {
            info.extraConfig = []
            tpl.extraConfigStripped = true
        }
        tpl.descriptorUploaded = true
        tpl.files = [XFile(name: file, size: Int64(descriptor.count), bytesTransferred: Int64(descriptor.count))]
        for f in info.files {
            var x = f
            if let d = bundled[(f.name as NSString).lastPathComponent] { x.size = Int64(d.count); x.bytesTransferred = Int64(d.count) }
            tpl.files.append(x)
        }
        info.files = []
        tpl.ovf = info
    }

    /// A later upload: one file listed by the descriptor, whole or a `Content-Range` part of it.
    static func receivePart(_ tpl: inout XTemplate, file: String, _ body: Data, contentRange: String?) throws {
        guard let i = tpl.files.firstIndex(where: { $0.name == file }) else { throw SimError.notFound("File \(file) of template \(tpl.name)") }
        var f = tpl.files[i]
        if let range = contentRange, let r = parseRange(range) {
            f.bytesTransferred = max(f.bytesTransferred, r.end + 1)
            if f.size <= 0 { f.size = r.total }
        } else {
            f.bytesTransferred += Int64(body.count)
        }
        if f.size > 0 { f.bytesTransferred = min(f.bytesTransferred, f.size) }
        tpl.files[i] = f
    }

    /// Moves the upload task's progress to the bytes received; whether every file is complete.
    static func advanceTask(_ ctx: RequestContext, _ tpl: XTemplate) throws -> Bool {
        let total = tpl.files.dropFirst().reduce(Int64(0)) { $0 + max($1.size, 0) }
        let done = tpl.files.dropFirst().reduce(Int64(0)) { $0 + $1.bytesTransferred }
        let complete = tpl.files.dropFirst().allSatisfy { $0.size <= 0 || $0.bytesTransferred >= $0.size }
        if let taskId = tpl.taskId, let to = ctx.write.get(taskId, kind: Kind.task), var rec = try? to.decode(TaskRecord.self) {
            if complete {
                rec.duration = max(0, ctx.now - rec.start)
                rec.progressOverride = nil
            } else {
                rec.progressOverride = total > 0 ? Int(min(99, max(1, done * 100 / total))) : 1
            }
            try ctx.write.update(to, rec)
        }
        return complete
    }

    static func parseRange(_ h: String) -> (start: Int64, end: Int64, total: Int64)? {
        // bytes a-b/total
        let t = h.replacingOccurrences(of: "bytes", with: "").trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: "/")
        guard parts.count == 2 else { return nil }
        let ab = parts[0].split(separator: "-")
        guard ab.count == 2, let a = Int64(ab[0]), let b = Int64(ab[1]) else { return nil }
        return (a, b, Int64(parts[1]) ?? 0)
    }

    // MARK: Templates

    /// The child VM of a template, as a VM value the renderer shares with vApps.
    static func templateVM(_ vmObj: StoredObject, _ tplObj: StoredObject) -> XVM {
        let tpl = try? tplObj.decode(XTemplate.self)
        let ovf = tpl?.ovf ?? OVFInfo()
        let nics = ovf.networks.enumerated().map { i, n in
            XNic(index: i, network: n, ip: nil, mac: LX.mac(vmObj.id + "\(i)"), allocationMode: "NONE", connected: false, adapterType: "VMXNET3", orgNetworkId: nil)
        }
        return XVM(id: vmObj.id, name: vmObj.name, description: tpl?.description ?? "", vappId: tplObj.id, vdcId: tpl?.vdcId ?? "", orgId: tpl?.orgId ?? "",
                   templateId: tplObj.id, status: VCDResourceStatus.poweredOff, deployed: false, cpus: ovf.cpus, coresPerSocket: ovf.coresPerSocket, memoryMb: ovf.memoryMb,
                   diskMb: ovf.diskSizeMb, osType: ovf.osType ?? "other3xLinux64Guest", hardwareVersion: ovf.hardwareVersion, extraConfig: ovf.extraConfig,
                   nics: nics, computerName: vmObj.name, needsCustomization: true, storageProfile: nil, sizingPolicy: nil, placementPolicy: nil,
                   templateExtraConfigStripped: tpl?.extraConfigStripped ?? false, guest: nil, created: tplObj.created,
                   product: ovf.productName, productVersion: ovf.productVersion, kubernetesVersion: ovf.kubernetesVersion, osDescription: ovf.osDescription,
                   properties: ovf.properties)
    }

    static func templateXML(_ ctx: RequestContext, _ o: StoredObject) -> String {
        let tpl = try? o.decode(XTemplate.self)
        let status = tpl?.status ?? VCDResourceStatus.unresolved
        var s = "<VAppTemplate \(XNS.all)" + X.attrs([("goldMaster", "false"), ("ovfDescriptorUploaded", (tpl?.descriptorUploaded ?? false) ? "true" : "false"),
                                                      ("status", String(status)), ("name", o.name), ("id", o.id), ("href", templateHref(ctx, o.id)),
                                                      ("type", XType.vAppTemplate)]) + ">\n"
        if let vdc = tpl?.vdcId { s += X.link("up", LegacyOrgs.vdcHref(ctx, vdc), type: XType.vdc) }
        if let item = tpl?.catalogItemId { s += X.link("catalogItem", "\(ctx.base)/api/catalogItem/\(XID.uuid(item))", type: XType.catalogItem) }
        if CatalogSharing.accessIn(ctx, o) >= .change { s += X.link("remove", templateHref(ctx, o.id)) }
        s += X.link("down", "\(templateHref(ctx, o.id))/metadata", type: XType.metadata)
        s += X.el("Description", tpl?.description ?? "")
        if status != VCDResourceStatus.templateReady, let taskId = tpl?.taskId, let to = ctx.state.get(taskId, kind: Kind.task), let rec = try? to.decode(TaskRecord.self) {
            let (st, p) = TaskService.state(rec, now: ctx.now, reads: 0)
            s += "<Tasks>\n" + X.embedded(task: ctx.sim.tasks.xml(ctx.sim.tasks.json(rec, base: ctx.base, status: st, progress: p))) + "</Tasks>\n"
        }
        if status != VCDResourceStatus.templateReady, let tpl {
            s += "<Files>\n"
            for f in tpl.files {
                s += "<File" + X.attrs([("size", String(f.size)), ("bytesTransferred", String(f.bytesTransferred)), ("name", f.name)]) + ">\n"
                s += X.link("upload:default", "\(ctx.base)/transfer/\(tpl.uploadId)/\(f.name)")
                s += "</File>\n"
            }
            s += "</Files>\n"
        }
        s += "<Owner type=\"application/vnd.vmware.vcloud.owner+xml\"><User" + X.attrs([("name", tpl?.ownerName ?? ""), ("type", MediaType.user)]) + "/></Owner>\n"
        let vms = ctx.state.children(Kind.templateVm, of: o.id)
        if !vms.isEmpty {
            s += "<Children>\n"
            for vm in vms { s += LegacyVApps.vmXML(ctx, templateVM(vm, o), template: true, root: false) }
            s += "</Children>\n"
        }
        if let ovf = tpl?.ovf, ovf.productName != nil || ovf.kubernetesVersion != nil {
            s += productSection(ovf.productName, ovf.productVersion, ovf.properties)
        }
        s += "<DateCreated>\(LX.iso(o.created))</DateCreated>\n"
        s += "</VAppTemplate>\n"
        return s
    }

    static func productSection(_ product: String?, _ version: String?, _ props: [KV]) -> String {
        var s = "<ovf:ProductSection ovf:required=\"false\">\n<ovf:Info>Information about the installed software</ovf:Info>\n"
        if let product { s += "<ovf:Product>\(X.e(product))</ovf:Product>\n" }
        if let version { s += "<ovf:Version>\(X.e(version))</ovf:Version>\n<ovf:FullVersion>\(X.e(version))</ovf:FullVersion>\n" }
        for p in props {
            s += "<ovf:Property" + X.attrs([("ovf:key", p.key), ("ovf:type", "string"), ("ovf:userConfigurable", "false"), ("ovf:value", p.value)]) + "/>\n"
        }
        return s + "</ovf:ProductSection>\n"
    }
}
