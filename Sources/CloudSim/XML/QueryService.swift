import CloudWire
import Foundation
import NetAddress

/// The typed query service `GET /api/query?type=…&format=records|idrecords|references` (vcd-wire.md
/// §3.2, external-clients.md §1.5): filters (`a==b;c==d`, `,` for or, parentheses, `*` wildcards,
/// `\`-escaped specials, `=gt=`/`=ge=`/`=lt=`/`=le=`), `sortAsc`/`sortDesc`, `page`/`pageSize`
/// (default 25, at most 128), `nextPage`/`previousPage` links. `GET /api/query` lists the types.
enum QueryService: RouteFamily {
    static let defaultPageSize = 25
    static let maxPageSize = 128

    /// One query record: its attributes in order (name, href and id included).
    struct Record {
        var attrs: [(String, String)]
        func get(_ k: String) -> String? { attrs.first { $0.0 == k }?.1 }
    }

    /// A query type: element names, the entity media type, and how to list its records.
    struct QType {
        var name: String
        var record: String
        var reference: String
        var entityType: String
        var adminOnly: Bool
        /// The candidate objects visible to the caller.
        var objects: (RequestContext) -> [StoredObject]
        var render: (RequestContext, StoredObject) -> Record
        /// Ids of the visible objects without copying them (the unfiltered fast path), if cheaper.
        var ids: ((RequestContext) -> [String])? = nil
    }

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.get("/api/query", .session, "QUERY", query)
    }

    /// GET `/api/query?type=...`: the typed query service.
    static func query(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let type = ctx.request.query("type"), !type.isEmpty else { return queryList(ctx) }
        return try run(ctx, type: type)
    }

    static func queryList(_ ctx: RequestContext) -> HTTPResponseMessage {
        var s = XNS.header + "<QueryList xmlns=\"\(XNS.vcloud)\"" + X.attrs([("href", "\(ctx.base)/api/query"), ("type", XType.queryList)]) + ">\n"
        for q in types.keys.sorted() {
            for f in ["references", "records", "idrecords"] {
                s += X.link("down", "\(ctx.base)/api/query?type=\(q)&format=\(f)", type: XType.query(f), name: q)
            }
        }
        s += "</QueryList>\n"
        return ctx.xml(s, type: XType.queryList)
    }

    static func run(_ ctx: RequestContext, type: String) throws -> HTTPResponseMessage {
        guard let q = types[type] ?? types.first(where: { $0.key.lowercased() == type.lowercased() })?.value else {
            throw SimError.badRequest("Unknown query type \(type).")
        }
        let req = ctx.request
        let format = (req.query("format") ?? "records").lowercased()
        guard ["records", "idrecords", "references"].contains(format) else { throw SimError.badRequest("Unknown query format \(format).") }
        var pageSize = try Listing.intParam(req, "pageSize", default: defaultPageSize)
        let page = try Listing.intParam(req, "page", default: 1)
        guard page >= 1, pageSize >= 1 else { throw SimError.badRequest("page and pageSize start at 1.") }
        pageSize = min(pageSize, maxPageSize)
        let filterText = req.query("filter") ?? ""
        let filter = filterText.isEmpty ? nil : try QueryFilter.parse(filterText, encodedValues: req.query("filterEncoded") == "true")
        let sortAsc = req.query("sortAsc").flatMap { $0.isEmpty ? nil : $0 }
        let sortDesc = req.query("sortDesc").flatMap { $0.isEmpty ? nil : $0 }

        let (rows, total) = select(ctx, q, filter: filter, sortAsc: sortAsc, sortDesc: sortDesc, start: (page - 1) * pageSize, pageSize: pageSize)
        return answer(ctx, q, format: format, rows: rows, total: total, page: page, pageSize: pageSize)
    }

    /// The records of one page and the total: straight from the ids or objects when nothing is
    /// filtered or sorted (only the page is rendered), else every record rendered, filtered, sorted.
    static func select(_ ctx: RequestContext, _ q: QType, filter: QueryFilter?, sortAsc: String?, sortDesc: String?,
                       start: Int, pageSize: Int) -> (rows: [Record], total: Int) {
        var rows: [Record]
        let total: Int
        if filter == nil && sortAsc == nil && sortDesc == nil, let idsOf = q.ids {
            let ids = idsOf(ctx)
            total = ids.count
            rows = start < total ? ids[start..<min(total, start + pageSize)].compactMap { ctx.state.get($0) }.map { q.render(ctx, $0) } : []
        } else if filter == nil && sortAsc == nil && sortDesc == nil {
            let objects = q.objects(ctx)
            // Render only the page: a 10,000-VM world answers without rendering every record.
            total = objects.count
            rows = start < total ? objects[start..<min(total, start + pageSize)].map { q.render(ctx, $0) } : []
        } else {
            var all = q.objects(ctx).map { q.render(ctx, $0) }
            if let filter { all = all.filter { filter.matches($0) } }
            if let key = sortAsc ?? sortDesc {
                all.sort { a, b in
                    let x = a.get(key) ?? "", y = b.get(key) ?? ""
                    if let dx = Double(x), let dy = Double(y) { return sortAsc != nil ? dx < dy : dx > dy }
                    return sortAsc != nil ? x < y : x > y
                }
            }
            total = all.count
            rows = start < total ? Array(all[start..<min(total, start + pageSize)]) : []
        }
        return (rows, total)
    }

    /// The XML answer: the page's records (or references) with the paging and alternate-format links.
    static func answer(_ ctx: RequestContext, _ q: QType, format: String, rows: [Record], total: Int, page: Int, pageSize: Int) -> HTTPResponseMessage {
        let req = ctx.request
        let media = XType.query(format)
        let root = format == "references" ? "References" : "QueryResultRecords"
        func pageHref(_ p: Int) -> String {
            "\(ctx.base)/api/query?\(Listing.query(req, replacing: ["page": String(p), "pageSize": String(pageSize)]))"
        }
        var s = XNS.header + "<\(root) xmlns=\"\(XNS.vcloud)\"" + X.attrs([
            ("total", String(total)), ("pageSize", String(pageSize)), ("page", String(page)), ("name", q.name),
            ("type", media), ("href", pageHref(page))]) + ">\n"
        let lastPage = max(1, (total + pageSize - 1) / pageSize)
        if page < lastPage { s += X.link("nextPage", pageHref(page + 1), type: media) }
        if page > 1 { s += X.link("previousPage", pageHref(page - 1), type: media) }
        s += X.link("firstPage", pageHref(1), type: media)
        s += X.link("lastPage", pageHref(lastPage), type: media)
        for f in ["references", "records", "idrecords"] where f != format {
            s += X.link("alternate", "\(ctx.base)/api/query?\(Listing.query(req, replacing: ["format": f]))", type: XType.query(f))
        }
        for r in rows {
            if format == "references" {
                s += "<\(q.reference)" + X.attrs([("type", q.entityType), ("name", r.get("name")), ("id", r.get("id")), ("href", r.get("href"))]) + "/>\n"
            } else {
                s += "<\(q.record)" + X.attrs(r.attrs.map { ($0.0, Optional($0.1)) }) + "/>\n"
            }
        }
        s += "</\(root)>\n"
        return ctx.xml(s, type: media)
    }

    // MARK: Types

    static func scoped(_ ctx: RequestContext, _ kind: String) -> [StoredObject] { ctx.scoped(ctx.state.all(kind)) }

    /// VM ids in the caller's scope, through the vApp index: no VM is copied to count or page them.
    static func vmIDs(_ ctx: RequestContext) -> [String] {
        guard let w = ctx.state as? WorldState else { return scoped(ctx, Kind.vm).map(\.id) }
        guard let org = ctx.scopeOrgID else { return w.ids(Kind.vm) }
        return w.all(Kind.vApp).filter { $0.orgId == org }.flatMap { w.childIDs(Kind.vm, of: $0.id) }
    }

    static func orgName(_ ctx: RequestContext, _ id: String?) -> String { id.flatMap { ctx.state.get($0)?.name } ?? "" }

    /// Catalog items or templates in the catalogs of the caller's scope: an org's own and those
    /// shared with it or published (`CatalogSharing`).
    static func inVisibleCatalogs(_ ctx: RequestContext, _ kind: String) -> [StoredObject] {
        guard ctx.scopeOrgID != nil else { return ctx.state.all(kind) }
        let catalogs = Set(CatalogSharing.scoped(ctx).map(\.id))
        return ctx.state.all(kind).filter { $0.parentId.map(catalogs.contains) ?? false }
    }

    static let types: [String: QType] = {
        var out: [String: QType] = [:]
        func add(_ names: [String], record: [String], reference: [String], entityType: String,
                 objects: @escaping (RequestContext) -> [StoredObject], render: @escaping (RequestContext, StoredObject) -> Record) {
            for (i, n) in names.enumerated() {
                out[n] = QType(name: n, record: record[i], reference: reference[i], entityType: entityType, adminOnly: i > 0,
                               objects: objects, render: render)
                if n == "vm" || n == "adminVM" { out[n]!.ids = vmIDs }
            }
        }
        add(["organization"], record: ["OrgRecord"], reference: ["OrgReference"], entityType: XType.org,
            objects: { LegacyOrgs.visibleOrgs($0) }) { ctx, o in
            let d = try? o.decode(Org.self)
            return Record(attrs: [("name", o.name), ("displayName", d?.displayName ?? o.name), ("isEnabled", "true"),
                                  ("href", LegacyOrgs.orgHref(ctx, o.id)), ("id", o.id)])
        }
        add(["orgVdc", "adminOrgVdc"], record: ["OrgVdcRecord", "AdminVdcRecord"], reference: ["OrgVdcReference", "AdminVdcReference"], entityType: XType.vdc,
            objects: { scoped($0, Kind.vdc) }) { ctx, v in
            let vapps = ctx.state.children(Kind.vApp, of: v.id).count
            return Record(attrs: [("name", v.name), ("href", LegacyOrgs.vdcHref(ctx, v.id)), ("id", v.id), ("orgName", orgName(ctx, v.orgId)),
                                  ("org", v.orgId.map { LegacyOrgs.orgHref(ctx, $0) } ?? ""), ("isEnabled", "true"), ("isBusy", "false"),
                                  ("allocationModel", "Flex"), ("status", "READY"), ("numberOfVApps", String(vapps)),
                                  ("numberOfStorageProfiles", String(ctx.state.children(Kind.storageProfile, of: v.id).count)),
                                  ("isSystemVdc", "false"), ("providerVdcName", ctx.state.get(v.parentId ?? "")?.name ?? "")])
        }
        add(["catalog", "adminCatalog"], record: ["CatalogRecord", "AdminCatalogRecord"], reference: ["CatalogReference", "AdminCatalogReference"],
            entityType: XType.catalog, objects: { CatalogSharing.scoped($0) }) { ctx, c in
            let items = ctx.state.children(Kind.catalogItem, of: c.id).count
            return Record(attrs: [("name", c.name), ("href", "\(ctx.base)/api/catalog/\(XID.uuid(c.id))"), ("id", c.id),
                                  ("description", c.json["description"]?.stringValue ?? ""), ("orgName", orgName(ctx, c.orgId)),
                                  ("ownerName", c.json["ownerName"]?.stringValue ?? ""), ("isPublished", String(CatalogSharing.isPublished(c))),
                                  ("isShared", String(CatalogSharing.isShared(c))),
                                  ("numberOfVAppTemplates", String(items)), ("numberOfMedia", "0"), ("isLocal", "true"),
                                  ("creationDate", LX.iso(c.created)), ("status", "RESOLVED")])
        }
        add(["catalogItem", "adminCatalogItem"], record: ["CatalogItemRecord", "AdminCatalogItemRecord"],
            reference: ["CatalogItemReference", "AdminCatalogItemReference"], entityType: XType.catalogItem,
            objects: { inVisibleCatalogs($0, Kind.catalogItem) }) { ctx, i in
            let cat = ctx.state.get(i.parentId ?? "")
            let tplId = i.json["templateId"]?.stringValue ?? ""
            let tpl = ctx.state.get(tplId)
            let status = tpl?.json["status"]?.scalarText.flatMap(Int.init) ?? VCDResourceStatus.unresolved
            return Record(attrs: [("name", i.name), ("href", "\(ctx.base)/api/catalogItem/\(XID.uuid(i.id))"), ("id", i.id),
                                  ("catalog", "\(ctx.base)/api/catalog/\(XID.uuid(i.parentId ?? ""))"), ("catalogName", cat?.name ?? ""),
                                  ("entity", "\(ctx.base)/api/vAppTemplate/vappTemplate-\(XID.uuid(tplId))"), ("entityName", tpl?.name ?? ""),
                                  ("entityType", "vapptemplate"), ("isExpired", "false"), ("isPublished", String(CatalogSharing.isPublished(cat))),
                                  ("isVdcEnabled", "true"),
                                  ("ownerName", cat?.json["ownerName"]?.stringValue ?? ""), ("status", status == VCDResourceStatus.templateReady ? "RESOLVED" : "UNRESOLVED"),
                                  ("creationDate", LX.iso(i.created))])
        }
        add(["vAppTemplate", "adminVAppTemplate"], record: ["VAppTemplateRecord", "AdminVAppTemplateRecord"],
            reference: ["VAppTemplateReference", "AdminVAppTemplateReference"], entityType: XType.vAppTemplate,
            objects: { inVisibleCatalogs($0, Kind.vAppTemplate) }) { ctx, t in
            let j = t.json
            let status = j["status"]?.scalarText.flatMap(Int.init) ?? VCDResourceStatus.unresolved
            let cat = ctx.state.get(j["catalogId"]?.stringValue ?? "")
            let vdc = ctx.state.get(j["vdcId"]?.stringValue ?? "")
            return Record(attrs: [("name", t.name), ("href", "\(ctx.base)/api/vAppTemplate/vappTemplate-\(XID.uuid(t.id))"), ("id", t.id),
                                  ("catalogName", cat?.name ?? ""), ("catalog", cat.map { "\(ctx.base)/api/catalog/\(XID.uuid($0.id))" } ?? ""),
                                  ("vdc", vdc.map { LegacyOrgs.vdcHref(ctx, $0.id) } ?? ""), ("vdcName", vdc?.name ?? ""),
                                  ("org", t.orgId.map { LegacyOrgs.orgHref(ctx, $0) } ?? ""), ("ownerName", j["ownerName"]?.stringValue ?? ""),
                                  ("status", status == VCDResourceStatus.templateReady ? "RESOLVED" : X.statusName(status)), ("isBusy", status == VCDResourceStatus.templateReady ? "false" : "true"),
                                  ("isDeployed", "false"), ("isEnabled", "true"), ("isExpired", "false"), ("isGoldMaster", "false"),
                                  ("isPublished", String(CatalogSharing.isPublished(cat))), ("storageProfileName", "*"),
                                  ("creationDate", LX.iso(t.created))])
        }
        add(["vApp", "adminVApp"], record: ["VAppRecord", "AdminVAppRecord"], reference: ["VAppReference", "AdminVAppReference"], entityType: XType.vApp,
            objects: { scoped($0, Kind.vApp) }) { ctx, a in
            let j = a.json
            let vms = ctx.state.children(Kind.vm, of: a.id)
            let status = LegacyVApps.vappStatus(ctx.state, a)
            let cpus = vms.reduce(0) { $0 + ($1.json["cpus"]?.scalarText.flatMap(Int.init) ?? 0) }
            let memory = vms.reduce(0) { $0 + ($1.json["memoryMb"]?.scalarText.flatMap(Int.init) ?? 0) }
            let vdc = ctx.state.get(a.parentId ?? "")
            return Record(attrs: [("name", a.name), ("href", "\(ctx.base)/api/vApp/vapp-\(XID.uuid(a.id))"), ("id", a.id),
                                  ("vdc", vdc.map { LegacyOrgs.vdcHref(ctx, $0.id) } ?? ""), ("vdcName", vdc?.name ?? ""),
                                  ("ownerName", j["ownerName"]?.stringValue ?? ""), ("status", X.statusName(status)),
                                  ("numberOfVMs", String(vms.count)), ("numberOfCpus", String(cpus)), ("memoryAllocationMB", String(memory)),
                                  ("isDeployed", j["deployed"]?.scalarText ?? "false"), ("isEnabled", "true"), ("isBusy", "false"),
                                  ("isExpired", "false"), ("creationDate", LX.iso(a.created))])
        }
        add(["vm", "adminVM"], record: ["VMRecord", "AdminVMRecord"], reference: ["VMReference", "AdminVMReference"], entityType: XType.vm,
            objects: { scoped($0, Kind.vm) }) { ctx, v in
            let j = v.json
            let status = j["status"]?.scalarText.flatMap(Int.init) ?? VCDResourceStatus.poweredOff
            let vapp = ctx.state.get(v.parentId ?? "")
            let vdcId = j["vdcId"]?.stringValue ?? ""
            let nic = j["nics"]?.arrayValue?.first
            return Record(attrs: [("name", v.name), ("href", "\(ctx.base)/api/vApp/vm-\(XID.uuid(v.id))"), ("id", v.id),
                                  ("container", "\(ctx.base)/api/vApp/vapp-\(XID.uuid(v.parentId ?? ""))"), ("containerName", vapp?.name ?? ""),
                                  ("vdc", LegacyOrgs.vdcHref(ctx, vdcId)), ("status", X.statusName(status)),
                                  ("isVAppTemplate", "false"), ("isDeployed", j["deployed"]?.scalarText ?? "false"), ("isBusy", "false"),
                                  ("numberOfCpus", j["cpus"]?.scalarText ?? "0"), ("memoryMB", j["memoryMb"]?.scalarText ?? "0"),
                                  ("guestOs", j["osType"]?.stringValue ?? ""), ("hardwareVersion", j["hardwareVersion"]?.stringValue ?? ""),
                                  ("networkName", nic?["network"]?.stringValue ?? ""), ("ipAddress", nic?["ip"]?.stringValue ?? ""),
                                  ("totalStorageAllocatedMb", j["diskMb"]?.scalarText ?? "0"), ("storageProfileName", j["storageProfile"]?.stringValue ?? "vsan-default")])
        }
        add(["orgVdcNetwork", "adminOrgVdcNetwork"], record: ["OrgVdcNetworkRecord", "AdminOrgVdcNetworkRecord"],
            reference: ["OrgVdcNetworkReference", "AdminOrgVdcNetworkReference"], entityType: XType.orgNetwork,
            objects: { scoped($0, Kind.orgVdcNetwork) }) { ctx, n in
            let net = try? n.decode(OrgVdcNetwork.self)
            let sub = net?.subnets?.values.first
            let vdc = ctx.state.get(n.parentId ?? "")
            let routed = net?.networkType == "NAT_ROUTED"
            return Record(attrs: [("name", n.name), ("href", LegacyOrgs.networkHref(ctx, n.id)), ("id", n.id),
                                  ("vdc", vdc.map { LegacyOrgs.vdcHref(ctx, $0.id) } ?? ""), ("vdcName", vdc?.name ?? ""),
                                  ("defaultGateway", sub?.gateway ?? ""), ("netmask", sub?.prefixLength.map { IPv4.format(IPv4.mask($0)) } ?? ""),
                                  ("subnetPrefixLength", sub?.prefixLength.map(String.init) ?? ""), ("dns1", sub?.dnsServer1 ?? ""),
                                  ("dns2", sub?.dnsServer2 ?? ""), ("dnsSuffix", sub?.dnsSuffix ?? ""),
                                  // 0 direct, 1 routed, 2 isolated (pyvcloud only accepts 0, 1, 2).
                                  ("linkType", routed ? "1" : "2"), ("connectedTo", net?.connection?.routerRef?.name ?? ""),
                                  ("isShared", (net?.shared ?? false) ? "true" : "false"), ("isBusy", "false"), ("isIpScopeInherited", "false")])
        }
        add(["task", "adminTask"], record: ["TaskRecord", "AdminTaskRecord"], reference: ["TaskReference", "AdminTaskReference"], entityType: MediaType.task,
            objects: { scoped($0, Kind.task) }) { ctx, t in
            let j = t.json
            return Record(attrs: [("name", t.name), ("href", "\(ctx.base)/api/task/\(t.id)"), ("id", "urn:vcloud:task:\(t.id)"),
                                  ("operationFull", j["operation"]?.stringValue ?? ""), ("objectName", j["owner"]?["name"]?.stringValue ?? ""),
                                  ("object", j["owner"]?["href"]?.stringValue ?? ""), ("orgName", j["orgName"]?.stringValue ?? ""),
                                  ("ownerName", j["userName"]?.stringValue ?? ""), ("startDate", LX.iso(j["start"]?.scalarText.flatMap(Double.init) ?? 0))])
        }
        add(["user", "adminUser"], record: ["UserRecord", "AdminUserRecord"], reference: ["UserReference", "AdminUserReference"], entityType: MediaType.user,
            objects: { scoped($0, Kind.user) }) { ctx, u in
            Record(attrs: [("name", u.name), ("href", "\(ctx.base)/api/admin/user/\(XID.uuid(u.id))"), ("id", u.id), ("isEnabled", "true"),
                           ("roleNames", u.json["roleName"]?.stringValue ?? ""), ("orgName", orgName(ctx, u.orgId)), ("isLdapUser", "false")])
        }
        return out
    }()
}

/// The query service's filter language (VCD's FIQL dialect, `\` escapes).
indirect enum QueryFilter {
    case cond(String, String, String)
    case and([QueryFilter])
    case or([QueryFilter])

    func matches(_ r: QueryService.Record) -> Bool {
        switch self {
        case .and(let xs): return xs.allSatisfy { $0.matches(r) }
        case .or(let xs): return xs.contains { $0.matches(r) }
        case .cond(let attr, let op, let value):
            let actual = r.get(attr) ?? r.attrs.first { $0.0.lowercased() == attr.lowercased() }?.1 ?? ""
            switch op {
            case "==": return Self.like(actual, value)
            case "!=": return !Self.like(actual, value)
            default:
                let c: Int
                if let a = Double(actual), let b = Double(value) { c = a < b ? -1 : (a > b ? 1 : 0) } else { c = actual < value ? -1 : (actual > value ? 1 : 0) }
                switch op {
                case "=gt=": return c > 0
                case "=ge=": return c >= 0
                case "=lt=": return c < 0
                case "=le=": return c <= 0
                default: return false
                }
            }
        }
    }

    /// Equality with `*` wildcards; case-insensitive like VCD's name matching.
    static func like(_ s: String, _ pattern: String) -> Bool {
        let s = s.lowercased(), p = pattern.lowercased()
        if !p.contains("*") { return s == p }
        let parts = p.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var rest = Substring(s)
        for (i, part) in parts.enumerated() {
            if part.isEmpty { continue }
            if i == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if i == parts.count - 1 {
                return rest.hasSuffix(part)
            } else {
                guard let r = rest.range(of: part) else { return false }
                rest = rest[r.upperBound...]
            }
        }
        return true
    }

    static func parse(_ text: String, encodedValues: Bool = false) throws -> QueryFilter {
        var p = Parser(chars: Array(text), encoded: encodedValues)
        let f = try p.orExpr()
        guard p.i == p.chars.count else { throw SimError.badRequest("Invalid query filter \(text).") }
        return f
    }

    struct Parser {
        var chars: [Character]
        var encoded: Bool
        var i = 0

        mutating func orExpr() throws -> QueryFilter {
            var xs = [try andExpr()]
            while i < chars.count, chars[i] == "," { i += 1; xs.append(try andExpr()) }
            return xs.count == 1 ? xs[0] : .or(xs)
        }
        mutating func andExpr() throws -> QueryFilter {
            var xs = [try term()]
            while i < chars.count, chars[i] == ";" { i += 1; xs.append(try term()) }
            return xs.count == 1 ? xs[0] : .and(xs)
        }
        mutating func term() throws -> QueryFilter {
            if i < chars.count, chars[i] == "(" {
                i += 1
                let f = try orExpr()
                guard i < chars.count, chars[i] == ")" else { throw SimError.badRequest("Unbalanced parentheses in query filter.") }
                i += 1
                return f
            }
            var attr = ""
            while i < chars.count, chars[i] != "=", chars[i] != "!" { attr.append(chars[i]); i += 1 }
            var op = ""
            if i < chars.count, chars[i] == "!" { op = "!="; i += 2 } else if i + 1 < chars.count, chars[i + 1] == "=" { op = "=="; i += 2 } else {
                // =gt= and friends
                var j = i + 1
                while j < chars.count, chars[j] != "=" { j += 1 }
                op = String(chars[i...min(j, chars.count - 1)])
                i = j + 1
            }
            var value = ""
            while i < chars.count, !(";,)".contains(chars[i])) {
                if chars[i] == "\\", i + 1 < chars.count { value.append(chars[i + 1]); i += 2; continue }
                value.append(chars[i]); i += 1
            }
            guard !attr.isEmpty, ["==", "!=", "=gt=", "=ge=", "=lt=", "=le="].contains(op) else {
                throw SimError.badRequest("Invalid query filter condition \(attr)\(op)\(value).")
            }
            if encoded { value = value.removingPercentEncoding ?? value }
            return .cond(attr.trimmingCharacters(in: .whitespaces), op, value)
        }
    }
}
