import Foundation

/// The catalogs of one org (legacy XML API: there is no cloudapi catalog CRUD before API 40,
/// vcd-wire.md §7). Found through the org's `Link rel="down"` catalog links.
public struct Catalogs {
    public static let kind = "catalog"
    public let engine: Engine
    public let org: Org
    public init(engine: Engine, org: Org) { self.engine = engine; self.org = org }

    var orgHref: String? { org.id.map { VCDClient.legacyHref($0, "org") } }
    var scope: String { "org \(org.name ?? "")" }

    /// Catalog links of the org, by name.
    func refs() throws -> [XMLLink] {
        guard let orgHref else { return [] }
        return try engine.tenant.getXML(orgHref).links(rel: "down", type: LegacyMediaType.catalog)
    }

    public func list() throws -> [CatalogInfo] {
        try refs().map { CatalogInfo(try engine.tenant.getXML($0.href)) }
    }

    public func find(_ name: String) throws -> CatalogInfo? {
        guard let l = try refs().first(where: { $0.name == name }) else { return nil }
        return CatalogInfo(try engine.tenant.getXML(l.href))
    }

    /// The catalog, or an error naming the ones there are.
    public func require(_ name: String) throws -> CatalogInfo {
        if let c = try find(name) { return c }
        let names = try refs().map { $0.name ?? "" }
        throw EngineError("no catalog named \(name) in \(scope)",
                          hint: names.isEmpty ? "there is none yet; create it with org.catalogs.ensure(name: \"\(name)\")" : "known: \(names.prefix(10).joined(separator: ", "))")
    }

    /// Creates the catalog if missing (`= unchanged` when it exists: its description is set at
    /// creation only, as the legacy API offers no catalog update here).
    public func ensure(name: String, description: String? = nil) throws -> Ensured<CatalogInfo> {
        guard !name.isEmpty else { throw EngineError("a catalog needs a name", hint: "org.catalogs.ensure(name: \"k8s-templates\")") }
        if let live = try find(name) {
            engine.unchanged(kind: Self.kind, name: name, scope: org.name)
            return Ensured(live, Change(.unchanged, kind: Self.kind, name: name))
        }
        guard let orgID = org.id else { throw EngineError("org \(org.name ?? "") has no id", hint: "read the org from cloud.orgs first") }
        let change = Change(.create, kind: Self.kind, name: name, scope: org.name)
        let body = LegacyBodies.adminCatalog(name: name, description: description ?? "")
        try engine.mutate(change) {
            try engine.createOnce(exists: { try find(name) != nil }) {
                try engine.tenant.changeXML("POST", VCDClient.legacyHref(orgID, "admin/org") + "/catalogs", body: body,
                                            contentType: LegacyMediaType.adminCatalog, what: "create catalog \(name)")
            }
        }
        if engine.isPlan { return Ensured(CatalogInfo(name: name, description: description ?? ""), change, planned: true) }
        guard let created = try find(name) else { throw EngineError("catalog \(name) was created but cannot be read back") }
        return Ensured(created, change)
    }

    /// The catalog read again (its items change as templates come and go); nil when it is gone.
    public static func read(_ engine: Engine, _ c: CatalogInfo) throws -> CatalogInfo? {
        guard !c.href.isEmpty else { return nil }
        do { return CatalogInfo(try engine.tenant.getXML(c.href)) } catch let e as VCDClientError where e.status == 404 { return nil }
    }

    /// Deletes the catalog **with its templates** (force and recursive, as a teardown wants);
    /// false when there was none.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name), let id = live.id else { return false }
        let fields = live.items.isEmpty ? [] : ["with \(live.items.count) template(s)"]
        try engine.mutate(Change(.delete, kind: Self.kind, name: name, fields: fields, scope: org.name)) {
            try engine.tenant.changeXML("DELETE", VCDClient.legacyHref(id, "admin/catalog") + "?force=true&recursive=true", what: "delete catalog \(name)")
        }
        return true
    }
}
