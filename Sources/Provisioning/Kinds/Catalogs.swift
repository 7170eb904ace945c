import Foundation
import CloudClient
import CloudWire

/// The catalogs of one org (legacy XML API: there is no cloudapi catalog CRUD before API 40,
/// vcd-wire.md §7). Found through the org's `Link rel="down"` catalog links; those links also
/// name the catalogs other orgs share with this one or publish, so only the ones whose `up` link
/// is this org count here (`shared(_:owner:)` finds the others).
///
/// The session: the tenant's for its own org; for another org the provider's when there is one
/// (the provider manages every org's catalogs), else the tenant's.
public struct Catalogs {
    public static let kind = "catalog"
    public let engine: Engine
    public let org: Org
    public init(engine: Engine, org: Org) { self.engine = engine; self.org = org }

    var orgHref: String? { org.id.map { VCDClient.legacyHref($0, "org") } }
    var scope: String { "org \(org.name ?? "")" }
    var session: (client: VCDClient, viaProvider: Bool) { engine.catalogSession(orgName: org.name) }

    /// Catalog links of the org, by name (its own and those it sees from other orgs).
    func refs() throws -> [XMLLink] {
        guard let orgHref else { return [] }
        return try session.client.getXML(orgHref).links(rel: "down", type: LegacyMediaType.catalog)
    }

    /// The catalog document as one of this org's; nil when it belongs to another org.
    func own(_ t: XMLTree) -> CatalogInfo? {
        var c = CatalogInfo(t)
        if let up = c.orgHref, let id = org.id, Self.uuid(up) != Self.uuid(id) { return nil }
        c.orgName = org.name
        c.viaProvider = session.viaProvider
        return c
    }

    /// The UUID at the end of an href or URN.
    static func uuid(_ s: String) -> String {
        String(s.split(whereSeparator: { $0 == "/" || $0 == ":" }).last ?? Substring(s)).lowercased()
    }

    public func list() throws -> [CatalogInfo] {
        try refs().compactMap { own(try session.client.getXML($0.href)) }
    }

    public func find(_ name: String) throws -> CatalogInfo? {
        for l in try refs() where l.name == name {
            if let c = own(try session.client.getXML(l.href)) { return c }
        }
        return nil
    }

    /// The catalog, or an error naming the ones there are.
    public func require(_ name: String) throws -> CatalogInfo {
        if let c = try find(name) { return c }
        let names = try list().map(\.name)
        let elsewhere = try refs().contains { $0.name == name }
        throw EngineError.notFound("no catalog named \(name) in \(scope)",
                          hint: elsewhere ? "a catalog \(name) of another org is shared with \(org.name ?? "this org") or published: org.catalog(\"\(name)\", org: \"OWNER\") (org.sharedCatalogs lists them)"
                              : names.isEmpty ? "there is none yet; create it with org.catalogs.ensure(name: \"\(name)\")" : "known: \(names.prefix(10).joined(separator: ", "))")
    }

    // MARK: Catalogs of other orgs

    /// The catalogs of other orgs that this org sees (shared with it, or published), through the
    /// query service as a controller finds them (`type=catalog`), each read as this org's session
    /// sees it. Through a provider session (an org other than the tenant's), which sees every
    /// catalog: those of other orgs that are shared with anyone or published.
    public func sharedList() throws -> [CatalogInfo] {
        let own = org.name ?? ""
        let viaProvider = session.client.credentials.isProvider
        return try records(filter: nil)
            .filter { ($0.orgName ?? "").caseInsensitiveCompare(own) != .orderedSame && (!viaProvider || $0.isPublished || $0.isShared) }
            .map { r in
                var c = CatalogInfo(try session.client.getXML(r.href))
                c.orgName = r.orgName
                c.viaProvider = session.viaProvider
                return c
            }
    }

    /// The catalog `name` of org `owner` as this org sees it (shared with it, or published): the
    /// query `type=catalog&filter=name==N;orgName==OWNER` through this org's session, then the
    /// catalog itself. Nil when that org has no such catalog or does not let this one see it.
    /// `owner` this org itself: `find(name)`.
    public func shared(_ name: String, owner: String) throws -> CatalogInfo? {
        if owner.caseInsensitiveCompare(org.name ?? "") == .orderedSame { return try find(name) }
        guard let r = try records(filter: .and(.eq("name", name), .eq("orgName", owner)))
            .first(where: { $0.name == name && ($0.orgName ?? "").caseInsensitiveCompare(owner) == .orderedSame }) else { return nil }
        var c = CatalogInfo(try session.client.getXML(r.href))
        c.orgName = r.orgName
        c.viaProvider = session.viaProvider
        return c
    }

    /// `shared(name, owner:)`, or an error saying what the owner has to do.
    public func requireShared(_ name: String, owner: String) throws -> CatalogInfo {
        if let c = try shared(name, owner: owner) { return c }
        if owner.caseInsensitiveCompare(org.name ?? "") == .orderedSame { return try require(name) }
        throw EngineError.notFound("no catalog \(name) of org \(owner) is shared with \(scope) or published",
                          hint: "the provider (or \(owner)) shares it: cloud.org(\"\(owner)\").catalog(\"\(name)\").share(org: \"\(org.name ?? "")\"), or publishes it: .publish()")
    }

    /// One `CatalogRecord` of the query service.
    struct CatalogRecordInfo {
        var name: String
        var href: String
        var orgName: String?
        var isPublished: Bool
        var isShared: Bool
    }

    /// Catalog query records of this org's session (name, href, owner org, published, shared).
    func records(filter: FIQLFilter?) throws -> [CatalogRecordInfo] {
        let client = session.client
        let type = client.credentials.isProvider ? "adminCatalog" : "catalog"
        var page = 1
        var out: [CatalogRecordInfo] = []
        while true {
            var q = "/api/query?type=\(type)&format=records&page=\(page)&pageSize=128"
            if let filter { q += "&filter=\(filter.queryValue)&filterEncoded=true" }
            let doc = try client.getXML(q)
            let rows = doc.children.filter { $0.name == "CatalogRecord" || $0.name == "AdminCatalogRecord" }
            out += rows.compactMap { r in
                r.attr("href").map { CatalogRecordInfo(name: r.attr("name") ?? "", href: $0, orgName: r.attr("orgName"),
                                                       isPublished: r.attr("isPublished") == "true", isShared: r.attr("isShared") == "true") }
            }
            guard doc.link(rel: "nextPage") != nil, !rows.isEmpty else { return out }
            page += 1
        }
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
                try session.client.changeXML("POST", VCDClient.legacyHref(orgID, "admin/org") + "/catalogs", body: body,
                                             contentType: LegacyMediaType.adminCatalog, what: "create catalog \(name)")
            }
        }
        if engine.isPlan {
            return Ensured(CatalogInfo(name: name, description: description ?? "", orgName: org.name, viaProvider: session.viaProvider), change, planned: true)
        }
        guard let created = try find(name) else { throw EngineError("catalog \(name) was created but cannot be read back") }
        return Ensured(created, change)
    }

    /// The catalog read again (its items change as templates come and go); nil when it is gone.
    public static func read(_ engine: Engine, _ c: CatalogInfo) throws -> CatalogInfo? {
        guard !c.href.isEmpty else { return nil }
        do {
            var fresh = CatalogInfo(try engine.client(for: c).getXML(c.href))
            fresh.orgName = c.orgName
            fresh.viaProvider = c.viaProvider
            return fresh
        } catch let e as VCDClientError where e.status == 404 { return nil }
    }

    /// Deletes the catalog **with its templates** (force and recursive, as a teardown wants);
    /// false when there was none.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name), let id = live.id else { return false }
        let fields = live.items.isEmpty ? [] : ["with \(live.items.count) template(s)"]
        try engine.mutate(Change(.delete, kind: Self.kind, name: name, fields: fields, scope: org.name)) {
            try session.client.changeXML("DELETE", VCDClient.legacyHref(id, "admin/catalog") + "?force=true&recursive=true", what: "delete catalog \(name)")
        }
        return true
    }
}

// MARK: Sharing and publishing

/// Sharing a catalog with other orgs and publishing it to all (`ControlAccessParams`,
/// `PublishCatalogParams`; the simulator's `CatalogSharing`): idempotent, `= unchanged` when it
/// already is so, recorded in plan mode.
public struct CatalogSharingOps {
    public let engine: Engine
    public let catalog: CatalogInfo
    public init(engine: Engine, catalog: CatalogInfo) { self.engine = engine; self.catalog = catalog }

    var client: VCDClient { engine.client(for: catalog) }
    var scope: String? { catalog.orgName }
    static let levels = ["ReadOnly", "Change", "FullControl"]

    /// The access control list (nil for a catalog still to be created in plan mode).
    public func access() throws -> CatalogAccessInfo? {
        guard !catalog.href.isEmpty else { return nil }
        return CatalogAccessInfo(try client.getXML(Self.catalogHref(catalog.href) + "/controlAccess/"))
    }

    /// `/api/catalog/<uuid>` for an href of either view.
    static func catalogHref(_ href: String) -> String { href.replacingOccurrences(of: "/api/admin/catalog/", with: "/api/catalog/") }

    /// Shares the catalog with org `orgName` at `level` (others' settings kept): `~ updated catalog
    /// NAME (shared with ORG: LEVEL)`, or `= unchanged`.
    @discardableResult
    public func share(org orgName: String, level: String) throws -> Change {
        guard let level = Self.levels.first(where: { $0.caseInsensitiveCompare(level) == .orderedSame }) else {
            throw EngineError("access must be ReadOnly, Change or FullControl, not \(level)", hint: "catalog.share(org: \"\(orgName)\", access: \"ReadOnly\")")
        }
        let target = try subjectOrg(orgName)
        var acl = try access() ?? CatalogAccessInfo()
        if let i = acl.settings.firstIndex(where: { $0.subjectKind == "org" && Catalogs.uuid($0.subjectHref) == target.uuid }) {
            if acl.settings[i].level == level { return unchanged() }
            acl.settings[i].level = level
        } else {
            acl.settings.append(.init(subjectName: target.name, subjectHref: target.href, subjectKind: "org", level: level))
        }
        return try apply(acl, field: "shared with \(target.name): \(level)")
    }

    /// Stops sharing the catalog with org `orgName`: `~ updated (not shared with ORG)`, or `= unchanged`.
    @discardableResult
    public func unshare(org orgName: String) throws -> Change {
        guard var acl = try access() else { return try apply(CatalogAccessInfo(), field: "not shared with \(orgName)") }
        let before = acl.settings.count
        acl.settings.removeAll { $0.subjectKind == "org" && $0.subjectName.caseInsensitiveCompare(orgName) == .orderedSame }
        if acl.settings.count == before { return unchanged() }
        return try apply(acl, field: "not shared with \(orgName)")
    }

    /// Publishes the catalog to every org (`published` false: withdraws it): `~ updated (published:
    /// false → true)`, or `= unchanged`.
    @discardableResult
    public func publish(_ published: Bool) throws -> Change {
        if !catalog.href.isEmpty, let live = try Catalogs.read(engine, catalog), live.isPublished == published { return unchanged() }
        let change = Change(.update, kind: Catalogs.kind, name: catalog.name, fields: ["published: \(!published) → \(published)"], scope: scope)
        try engine.mutate(change) {
            guard let id = catalog.id else { throw EngineError("catalog \(catalog.name) has no id") }
            try client.changeXML("POST", VCDClient.legacyHref(id, "admin/catalog") + "/action/publish", body: LegacyBodies.publishCatalog(published),
                                 contentType: LegacyMediaType.publishCatalogParams, what: "publish catalog \(catalog.name)")
        }
        return change
    }

    func unchanged() -> Change {
        engine.unchanged(kind: Catalogs.kind, name: catalog.name, scope: scope)
        return Change(.unchanged, kind: Catalogs.kind, name: catalog.name)
    }

    func apply(_ acl: CatalogAccessInfo, field: String) throws -> Change {
        let change = Change(.update, kind: Catalogs.kind, name: catalog.name, fields: [field], scope: scope)
        try engine.mutate(change) {
            try client.changeXML("POST", Self.catalogHref(catalog.href) + "/action/controlAccess", body: LegacyBodies.controlAccess(acl),
                                 contentType: LegacyMediaType.controlAccess, what: "share catalog \(catalog.name)")
        }
        return change
    }

    /// The org to share with, by name: its admin href (`/api/admin/org/<uuid>`, as pyvcloud sends it).
    func subjectOrg(_ name: String) throws -> (name: String, href: String, uuid: String) {
        guard let o = try Orgs(engine: engine).find(name), let id = o.id else {
            throw EngineError.notFound("no org named \(name)", hint: "cloud.orgs.names lists the orgs this session sees (sharing with another org needs a provider session to find it)")
        }
        let uuid = Catalogs.uuid(id)
        let base = client.baseURL.hasSuffix("/") ? String(client.baseURL.dropLast()) : client.baseURL
        return (o.name ?? name, "\(base)/api/admin/org/\(uuid)", uuid)
    }
}

extension Engine {
    /// The session for the catalogs of org `orgName`: the tenant's for its own org (or when the
    /// tenant is the provider); for another org the provider's when there is one, else the tenant's.
    func catalogSession(orgName: String?) -> (client: VCDClient, viaProvider: Bool) {
        if tenant.credentials.isProvider { return (tenant, false) }
        if let n = orgName, n.caseInsensitiveCompare(tenant.credentials.org) == .orderedSame { return (tenant, false) }
        if let provider { return (provider, true) }
        return (tenant, false)
    }

    /// The session a catalog (and its templates) was read through.
    public func client(for c: CatalogInfo) -> VCDClient { c.viaProvider ? (provider ?? tenant) : tenant }
}
