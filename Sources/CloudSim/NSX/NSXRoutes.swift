import CloudWire
import Foundation

extension Kind {
    /// Tier-1 gateways of the simulated NSX-T Policy API as patched by clients (id = the Policy id).
    /// A VCD edge gateway's T1 exists without a record (id = its `gatewayBacking.backingId`).
    static let nsxTier1 = "nsxTier1"
}

/// Credentials of the simulated NSX Manager and ALB controller: `admin`, or the provider personas
/// (user name without `@System`, or with it), with the provider persona's password.
enum ProviderCredentials {
    /// The first account of NSX-T Manager and of the ALB controller, the one their tools default to.
    static let productAdmin = "admin"

    /// Whether `user`/`password` open the NSX-T Manager or the ALB controller: `admin` (the products'
    /// own first account) or a provider persona's name (`administrator`, `administrator@System`),
    /// each with that provider persona's password.
    static func check(_ state: StateView, user: String, password: String) -> Bool {
        let name = user.hasSuffix("@System") ? String(user.dropLast("@System".count)) : user
        return state.all(Kind.user).contains { o in
            guard let u = try? o.decode(SimUser.self) else { return false }
            return u.provider && (u.name == name || user == productAdmin) && u.accepts(password)
        }
    }

    /// `(user, password)` of an `Authorization: Basic …` header.
    static func basic(_ req: HTTPRequestMessage) -> (String, String)? {
        guard let h = req.headers["Authorization"], h.lowercased().hasPrefix("basic ") else { return nil }
        guard let d = Data(base64Encoded: String(h.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let s = String(data: d, encoding: .utf8), let colon = s.firstIndex(of: ":") else { return nil }
        return (String(s[..<colon]), String(s[s.index(after: colon)...]))
    }

    static func encode(_ v: JSONValue, status: Int = 200, headers: HTTPHeaderFields = HTTPHeaderFields()) -> HTTPResponseMessage {
        var h = headers
        h["Content-Type"] = "application/json"
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return HTTPResponseMessage(status: status, headers: h, body: (try? enc.encode(v)) ?? Data())
    }
}

/// NSX-T Policy API (vcd-wire.md §10): Tier-1 gateways with route advertisement, HTTP Basic auth with
/// the provider admin's credentials.
enum NSXRoutes: RouteFamily {
    static let base = "/policy/api/v1/infra/tier-1s"

    /// The route table: Tier-1 gateways, listed, read, patched and replaced.
    static func register(into t: RouteTable) {
        t.get(base, .open, "NSX_TIER1_LIST", listTier1s)
        t.get("\(base)/{id}", .open, "NSX_TIER1_VIEW", showTier1)
        t.patch("\(base)/{id}", .open, "NSX_TIER1_PATCH") { ctx in try write(ctx, replace: false) }
        t.put("\(base)/{id}", .open, "NSX_TIER1_UPDATE") { ctx in try write(ctx, replace: true) }
    }

    /// GET the Tier-1 gateways (`/policy/api/v1/infra/tier-1s`).
    static func listTier1s(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        if let denied = authenticate(ctx) { return denied }
        let list = tier1s(ctx.state)
        return ProviderCredentials.encode(.object(["results": .array(list), "result_count": .int(list.count),
                                                   "sort_by": .string("display_name"), "sort_ascending": .bool(true)]))
    }

    /// GET one Tier-1 gateway.
    static func showTier1(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        if let denied = authenticate(ctx) { return denied }
        guard let t1 = tier1(ctx.state, ctx.param("id")) else { return notFound(ctx.param("id")) }
        return ProviderCredentials.encode(t1)
    }

    /// PATCH (merge the given fields; 200, no body) or PUT (the given fields replace the object's;
    /// 200 with the object). Either creates a missing T1. `_revision` is NSX's optimistic lock: a PATCH
    /// that sends one, and every PUT of an existing T1, must send the current one, else 412.
    static func write(_ ctx: RequestContext, replace: Bool) throws -> HTTPResponseMessage {
        if let denied = authenticate(ctx) { return denied }
        let id = ctx.param("id")
        guard case .object(let input)? = try? JSONDecoder().decode(JSONValue.self, from: ctx.request.body) else {
            return error(400, 255, "The request body is not a valid Tier1 JSON object.")
        }
        if let refused = refusedAdvertisementTypes(input) { return refused }
        let existing = tier1(ctx.state, id)
        guard case .object(let cur) = existing ?? fresh(id: id, name: id) else { return error(500, 99, "bad state") }
        let current: Int
        if case .int(let r)? = cur["_revision"] { current = r } else { current = 0 }
        if existing != nil, let conflict = revisionConflict(id, input, current: current, replace: replace) { return conflict }
        let updated = merged(cur, input, id: id, replace: replace, revision: current + 1, now: ctx.now)
        let name = updated["display_name"]?.stringValue ?? id
        if let old = ctx.state.get(id, kind: Kind.nsxTier1) {
            try ctx.write.update(old, name: name, JSONValue.object(updated))
        } else {
            try ctx.write.insert(kind: Kind.nsxTier1, id: id, name: name, JSONValue.object(updated))
        }
        return replace ? ProviderCredentials.encode(.object(updated)) : HTTPResponseMessage(status: 200)
    }

    /// 400 when `route_advertisement_types` is given and is not an array of the known types.
    private static func refusedAdvertisementTypes(_ input: JSONObject) -> HTTPResponseMessage? {
        guard let types = input["route_advertisement_types"] else { return nil }
        guard case .array(let xs) = types, xs.allSatisfy({ if case .string(let s) = $0 { return allowedTypes.contains(s) }; return false }) else {
            return error(400, 255, "Field route_advertisement_types must be an array of \(allowedTypes.sorted().joined(separator: ", ")).")
        }
        return nil
    }

    /// 412 when a write to an existing T1 must send the current `_revision` (a PATCH that sends
    /// one, every PUT) and does not.
    private static func revisionConflict(_ id: String, _ input: JSONObject, current: Int, replace: Bool) -> HTTPResponseMessage? {
        let given: Int? = { if case .int(let r)? = input["_revision"] { return r }; return nil }()
        guard input["_revision"] != nil || replace, given != current else { return nil }
        return error(412, 604, "The object Tier1 [/infra/tier-1s/\(id)] was modified by somebody else: _revision \(given.map(String.init) ?? "(none)") is not the current \(current). GET it and retry.")
    }

    /// The T1 after the write: the client's fields over the current ones (a PUT keeps only the
    /// server's own), the next revision, the time, and a display name (the id when none is given).
    private static func merged(_ current: JSONObject, _ input: JSONObject, id: String, replace: Bool, revision: Int, now: Double) -> JSONObject {
        var cur = current
        if replace {
            // Only the server's own fields survive a PUT; the rest is what the client sent.
            cur = cur.filter { $0.key.hasPrefix("_") || ["id", "path", "relative_path", "parent_path", "unique_id", "resource_type"].contains($0.key) }
        }
        for (k, v) in input where !k.hasPrefix("_") && k != "id" && k != "path" { cur[k] = v }
        cur["_revision"] = .int(revision)
        cur["_last_modified_time"] = .int(Int(now * 1000))
        if case .string = cur["display_name"] {} else { cur["display_name"] = .string(id) }
        return cur
    }

    static let allowedTypes: Set<String> = ["TIER1_STATIC_ROUTES", "TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP", "TIER1_LB_SNAT",
                                            "TIER1_DNS_FORWARDER_IP", "TIER1_IPSEC_LOCAL_ENDPOINT"]

    /// 403 as NSX answers bad or missing credentials; nil when the caller is the provider admin.
    static func authenticate(_ ctx: RequestContext) -> HTTPResponseMessage? {
        if let (u, p) = ProviderCredentials.basic(ctx.request), ProviderCredentials.check(ctx.state, user: u, password: p) { return nil }
        return error(403, 403, "The credentials were incorrect or the account specified has been locked.")
    }

    static func error(_ status: Int, _ code: Int, _ message: String) -> HTTPResponseMessage {
        let text = [403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 412: "PRECONDITION_FAILED", 500: "INTERNAL_SERVER_ERROR"][status] ?? "BAD_REQUEST"
        return ProviderCredentials.encode(.object(["httpStatus": .string(text),
                                            "error_code": .int(code), "module_name": .string("common-services"),
                                            "error_message": .string(message)]), status: status)
    }

    static func notFound(_ id: String) -> HTTPResponseMessage {
        error(404, 500090, "The path=[/infra/tier-1s/\(id)] is invalid")
    }

    /// Every T1: the gateways' ones (as patched) and those created by PATCH.
    static func tier1s(_ state: StateView) -> [JSONValue] {
        var ids: [String] = []
        for (_, gw) in state.records(Kind.edgeGateway, as: EdgeGateway.self) {
            if let b = gw.gatewayBacking?.backingId { ids.append(b) }
        }
        for o in state.all(Kind.nsxTier1) where !ids.contains(o.id) { ids.append(o.id) }
        return ids.sorted().compactMap { tier1(state, $0) }
    }

    static func tier1(_ state: StateView, _ id: String) -> JSONValue? {
        if let o = state.get(id, kind: Kind.nsxTier1) { return o.json }
        guard let gw = state.records(Kind.edgeGateway, as: EdgeGateway.self).first(where: { $0.record.gatewayBacking?.backingId == id })?.object else { return nil }
        return fresh(id: id, name: gw.name)
    }

    static func fresh(id: String, name: String) -> JSONValue {
        .object([
            "resource_type": .string("Tier1"), "id": .string(id), "display_name": .string(name),
            "path": .string("/infra/tier-1s/\(id)"), "relative_path": .string(id), "parent_path": .string("/infra"),
            "failover_mode": .string("NON_PREEMPTIVE"), "enable_standby_relocation": .bool(false),
            "route_advertisement_types": .array([.string("TIER1_IPSEC_LOCAL_ENDPOINT")]),
            "force_whitelisting": .bool(false), "default_rule_logging": .bool(false), "disable_firewall": .bool(false),
            "pool_allocation": .string("ROUTING"), "unique_id": .string(id), "marked_for_delete": .bool(false),
            "overridden": .bool(false), "_create_user": .string("admin"), "_last_modified_user": .string("admin"),
            "_system_owned": .bool(false), "_protection": .string("NOT_PROTECTED"), "_revision": .int(0),
        ])
    }
}
