import Foundation
import CloudClient

/// The vApp templates of one catalog: list, find, upload from an OVA (idempotent and resumable),
/// delete. Found through the catalog's items (each item's `Entity` is the template), through the
/// session the catalog was read with (`Engine.client(for:)`): a catalog of another org shared
/// with the tenant is read as the tenant sees it.
public struct Templates {
    public static let kind = "template"
    public let engine: Engine
    public let catalog: CatalogInfo
    /// Upload progress lines go to the engine's report, about every `progressStep` percent.
    public var progressStep = 25
    public init(engine: Engine, catalog: CatalogInfo) { self.engine = engine; self.catalog = catalog }

    var scope: String { "catalog \(catalog.name)" }
    var client: VCDClient { engine.client(for: catalog) }

    /// The catalog as the server has it now (its item list changes under us).
    func liveCatalog() throws -> CatalogInfo? {
        guard !catalog.href.isEmpty else { return nil }  // planned: not created yet
        return try Catalogs.read(engine, catalog)
    }

    func read(_ item: LegacyRef) throws -> TemplateInfo? {
        let i = try client.getXML(item.href)
        // Catalogs also hold media (ISO) items: only vApp templates count here.
        guard let e = i.child("Entity"), let entity = e.attr("href"), e.attr("type").map({ $0 == LegacyMediaType.vAppTemplate }) ?? true else { return nil }
        var t = TemplateInfo(try client.getXML(entity), catalogName: catalog.name)
        t.catalogItemHref = item.href
        return t
    }

    public func list() throws -> [TemplateInfo] {
        try (liveCatalog()?.items ?? []).compactMap(read)
    }

    public func find(_ name: String) throws -> TemplateInfo? {
        guard let item = try liveCatalog()?.items.first(where: { $0.name == name }) else { return nil }
        return try read(item)
    }

    /// The template, or an error naming the ones there are.
    public func require(_ name: String) throws -> TemplateInfo {
        if let t = try find(name) { return t }
        let names = try liveCatalog()?.items.map(\.name) ?? []
        throw EngineError.notFound("no template named \(name) in \(scope)",
                          hint: names.isEmpty ? "the catalog is empty; upload one with catalog.upload(path: \"node.ova\", name: \"\(name)\")"
                                              : "known: \(names.prefix(10).joined(separator: ", "))")
    }

    /// Uploads the OVA at `path` as template `name`: `= unchanged` when a usable template of that
    /// name exists (nothing is read from the file beyond its header, nothing is sent); an upload
    /// that broke earlier is resumed (`~ updated template … (upload resumed)`), sending only what the
    /// server lacks; otherwise `+ created`. Progress lines report bytes.
    public func upload(path: String, name: String, description: String? = nil) throws -> Ensured<TemplateInfo> {
        guard !name.isEmpty else { throw EngineError("a template needs a name", hint: "catalog.upload(path: \"node.ova\", name: \"ubuntu-2004-kube-v1.22.5\")") }
        // Check the file before anything else, in plan mode too: a typo should fail the plan.
        let ova: OVAArchive
        do { ova = try OVAArchive(path: path) } catch let e as OVAError { throw EngineError(e.message, hint: e.hint) }
        if let live = try find(name) {
            if live.isResolved {
                engine.unchanged(kind: Self.kind, name: name, scope: catalog.name)
                return Ensured(live, Change(.unchanged, kind: Self.kind, name: name))
            }
            if live.status == -1 {
                throw EngineError("template \(name) in \(scope) failed to import",
                                  hint: "delete it (catalog.templates.delete(\"\(name)\")) and upload again")
            }
            let change = Change(.update, kind: Self.kind, name: name, fields: ["upload resumed"], scope: catalog.name)
            try engine.mutate(change) { try send(ova, to: live.href, name: name) }
            return Ensured(engine.isPlan ? live : try require(name), change)
        }
        let change = Change(.create, kind: Self.kind, name: name, scope: catalog.name)
        try engine.mutate(change) {
            guard let cat = try liveCatalog() else { throw EngineError("catalog \(catalog.name) does not exist", hint: "create it first with org.catalogs.ensure(name: \"\(catalog.name)\")") }
            var href: String?
            try engine.createOnce(exists: { href = try find(name)?.href; return href != nil }) {
                href = try client.startTemplateUpload(catalog: cat, name: name, description: description ?? "")
            }
            guard let href else { throw EngineError("the upload of \(name) started but its template cannot be found") }
            try send(ova, to: href, name: name)
        }
        if engine.isPlan { return Ensured(TemplateInfo(name: name, description: description ?? "", catalogName: catalog.name), change, planned: true) }
        return Ensured(try require(name), change)
    }

    /// Sends the files, reporting progress in steps.
    private func send(_ ova: OVAArchive, to href: String, name: String) throws {
        var lastStep = -1
        _ = try client.uploadOVA(ova, templateHref: href, chunkSize: engine.uploadChunkSize) { p in
            let pct = p.total > 0 ? Int(p.sent * 100 / p.total) : 100
            if p.resumed { engine.report("  upload of \(name) resumed at \(Self.bytes(p.sent)) of \(Self.bytes(p.total))") }
            let step = pct / max(1, progressStep)
            if step != lastStep || p.resumed {
                lastStep = step
                engine.report("  uploading \(name): \(Self.bytes(p.sent)) of \(Self.bytes(p.total)) (\(pct)%)")
            }
        }
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n), i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(n) B" : "\(String(format: "%.1f", v)) \(units[i])"
    }

    /// Deletes the template (and its catalog item); false when there was none.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name) else { return false }
        try engine.mutate(Change(.delete, kind: Self.kind, name: name, scope: catalog.name)) {
            try client.changeXML("DELETE", live.href, what: "delete template \(name)")
        }
        return true
    }
}
