import CloudWire
import Foundation

/// A SEG of the controller as stored (kind `albImportableSEG`): the fields VCD's importable list
/// reads, plus the controller's own fields (`avi`, Avi wire names).
struct ALBSEGRecord: Codable {
    var id: String
    var displayName: String
    var haMode: String
    var maxVirtualServices: Int
    var avi: [String: JSONValue]?
}

/// The NSX ALB (Avi) controller API (vcd-wire.md §11, external-clients.md §3): `/login` → `csrftoken`
/// and `sessionid` cookies, `X-CSRFToken` on writes, collections `{count, results, next}`.
/// Service engine groups are the controller side of VCD's importable SEGs.
enum ALBRoutes: RouteFamily {
    static let version = "22.1.3"

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.post("/login", .open, "ALB_LOGIN", effect: .auth, login)
        t.post("/logout", .open, "ALB_LOGOUT", effect: .auth, logout)

        let seg = "/api/serviceenginegroup"
        t.get(seg, .open, "ALB_SEG_LIST", listGroups)
        t.get("\(seg)/{uuid}", .open, "ALB_SEG_VIEW", showGroup)
        t.post(seg, .open, "ALB_SEG_CREATE", createGroup)
        t.put("\(seg)/{uuid}", .open, "ALB_SEG_UPDATE", replaceGroup)
        t.patch("\(seg)/{uuid}", .open, "ALB_SEG_PATCH", patchGroup)
        t.delete("\(seg)/{uuid}", .open, "ALB_SEG_DELETE", deleteGroup)

        // Read-only collections of what exists (VCD side objects seen from the controller).
        for (name, render) in [("cloud", renderCloud), ("pool", renderPool), ("virtualservice", renderVS), ("vsvip", renderVsVip)]
            as [(String, (RequestContext) -> [JSONValue])] {
            t.get("/api/\(name)", .open, "ALB_\(name.uppercased())_LIST") { try listObjects($0, render) }
            t.get("/api/\(name)/{uuid}", .open, "ALB_\(name.uppercased())_VIEW") { try showObject($0, render) }
        }
    }

    /// POST /login: checks the provider credentials and answers with the `sessionid` and `csrftoken` cookies (only their digests are stored).
    static func login(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (user, password) = credentials(ctx.request)
        guard let user, let password, ProviderCredentials.check(ctx.state, user: user, password: password) else {
            return err(401, "Invalid credentials")
        }
        purgeExpiredSessions(ctx)
        let sid = hex(16), csrf = hex(16)
        // The cookies leave in this answer only; the state keeps their digests.
        let digest = SecretDigest.token(sid)
        try ctx.write.insert(kind: Kind.albSession, id: digest, name: user,
                             ALBSessionRecord(id: digest, csrftokenDigest: SecretDigest.token(csrf), user: user))
        var h = HTTPHeaderFields()
        h.add("Set-Cookie", "csrftoken=\(csrf); Path=/; SameSite=Lax")
        h.add("Set-Cookie", "sessionid=\(sid); Path=/; HttpOnly; SameSite=Lax")
        return ProviderCredentials.encode(.object([
            "user": .object(["username": .string(user), "name": .string(user), "is_superuser": .bool(true), "local": .bool(true)]),
            "version": .object(["Version": .string(version), "build": .int(9051), "Tag": .string("\(version)-9051"),
                                "min_version": .string("15.2"), "ProductName": .string("Avi Cloud Controller")]),
            "session_cookie_name": .string("sessionid"),
            "controller": .object(["api_idle_timeout": .int(Int(idleTimeout / 60))]),
        ]), headers: h)
    }

    /// POST /logout: ends the session of the cookie (CSRF-checked like any write).
    static func logout(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let s = session(ctx) else { return err(401, "Authentication credentials were not provided.") }
        if let denied = csrf(ctx, s) { return denied }
        ctx.write.delete(s.id)
        var h = HTTPHeaderFields()
        h.add("Set-Cookie", "sessionid=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")
        h.add("Set-Cookie", "csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")
        return HTTPResponseMessage(status: 200, headers: h)
    }

    /// GET the controller's service engine groups.
    static func listGroups(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        if let denied = reader(ctx) { return denied }
        return try collection(ctx, ctx.state.all(Kind.albImportableSEG).map { try renderSEG(ctx, $0) })
    }

    /// GET one service engine group.
    static func showGroup(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        if let denied = reader(ctx) { return denied }
        guard let o = ctx.state.get(ctx.param("uuid"), kind: Kind.albImportableSEG) else { return notFound() }
        return ProviderCredentials.encode(try renderSEG(ctx, o))
    }

    /// POST: a service engine group on a cloud of the controller; it becomes importable in VCD.
    static func createGroup(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        if let denied = writer(ctx) { return denied }
        guard case .object(var input)? = try? JSONDecoder().decode(JSONValue.self, from: ctx.request.body) else {
            return err(400, "Invalid JSON body.")
        }
        guard case .string(let name)? = input["name"], !name.isEmpty else { return err(400, "Field name is required.") }
        let cloudID: String
        switch cloudOf(ctx, input["cloud_ref"]) {
        case .success(let c): cloudID = c
        case .failure(let e): return err(400, e.message)
        }
        if ctx.state.children(Kind.albImportableSEG, of: cloudID).contains(where: { $0.name == name }) {
            return err(409, "Service Engine Group with this Name, Tenant and Cloud already exist.")
        }
        if let bad = validate(input) { return err(400, bad) }
        let uuid = "serviceenginegroup-\(UUID().uuidString.lowercased())"
        for k in ["uuid", "url", "cloud_ref", "tenant_ref", "_last_modified"] { input[k] = nil }
        let rec = record(id: uuid, name: name, avi: input)
        let o = try ctx.write.insert(kind: Kind.albImportableSEG, id: uuid, parent: cloudID, name: name, rec)
        return ProviderCredentials.encode(try renderSEG(ctx, o), status: 201)
    }

    /// PUT: replaces a service engine group's settings.
    static func replaceGroup(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        if let denied = writer(ctx) { return denied }
        guard let o = ctx.state.get(ctx.param("uuid"), kind: Kind.albImportableSEG) else { return notFound() }
        guard case .object(let input)? = try? JSONDecoder().decode(JSONValue.self, from: ctx.request.body) else {
            return err(400, "Invalid JSON body.")
        }
        return try replaceSEG(ctx, o, with: input)
    }

    /// PATCH (Avi's add / replace / delete form) a service engine group.
    static func patchGroup(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        if let denied = writer(ctx) { return denied }
        guard let o = ctx.state.get(ctx.param("uuid"), kind: Kind.albImportableSEG) else { return notFound() }
        guard let body = try? JSONDecoder().decode(JSONValue.self, from: ctx.request.body) else { return err(400, "Invalid JSON body.") }
        guard case .object(let current) = try renderSEG(ctx, o) else { return err(500, "bad state") }
        switch ALBPatch.apply(body, to: current) {
        case .success(let patched): return try replaceSEG(ctx, o, with: patched)
        case .failure(let e): return err(400, e.message)
        }
    }

    /// DELETE a service engine group: refused (403, as Avi does) while VCD has it imported.
    static func deleteGroup(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        if let denied = writer(ctx) { return denied }
        guard let o = ctx.state.get(ctx.param("uuid"), kind: Kind.albImportableSEG) else { return notFound() }
        if let imported = ctx.state.records(Kind.serviceEngineGroup, as: ServiceEngineGroup.self).first(where: { $0.record.serviceEngineGroupBacking?.backingId == o.id })?.object {
            return err(403, "Cannot delete, object is referred by: ['VCD ServiceEngineGroup \(imported.name)']")
        }
        ctx.write.delete(o.id)
        return HTTPResponseMessage(status: 204)
    }

    /// GET a read-only collection (clouds, pools, virtual services, VIPs: VCD's objects seen from the controller).
    static func listObjects(_ ctx: RequestContext, _ render: (RequestContext) -> [JSONValue]) throws -> HTTPResponseMessage {
        if let denied = reader(ctx) { return denied }
        return try collection(ctx, render(ctx))
    }

    /// GET one object of a read-only collection by uuid.
    static func showObject(_ ctx: RequestContext, _ render: (RequestContext) -> [JSONValue]) throws -> HTTPResponseMessage {
        if let denied = reader(ctx) { return denied }
        guard let o = render(ctx).first(where: { $0["uuid"]?.stringValue == ctx.param("uuid") }) else { return notFound() }
        return ProviderCredentials.encode(o)
    }

    // MARK: Session

    static func credentials(_ req: HTTPRequestMessage) -> (String?, String?) {
        let ct = req.headers["Content-Type"] ?? ""
        if ct.contains("json") || req.body.first == UInt8(ascii: "{") {
            guard case .object(let o)? = try? JSONDecoder().decode(JSONValue.self, from: req.body) else { return (nil, nil) }
            return (o["username"]?.stringValue, o["password"]?.stringValue)
        }
        var out: [String: String] = [:]
        for pair in String(decoding: req.body, as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if kv.count == 2 { out[kv[0]] = kv[1] }
        }
        return (out["username"], out["password"])
    }

    /// The body of a full update (PUT, or the object a PATCH produced) checked and stored; 200 with the object.
    static func replaceSEG(_ ctx: RequestContext, _ o: StoredObject, with given: JSONObject) throws -> HTTPResponseMessage {
        var input = given
        guard case .string(let name)? = input["name"], !name.isEmpty else { return err(400, "Field name is required.") }
        if name != o.name, ctx.state.children(Kind.albImportableSEG, of: o.parentId ?? "").contains(where: { $0.name == name }) {
            return err(409, "Service Engine Group with this Name, Tenant and Cloud already exist.")
        }
        if case .string(let c)? = input["cloud_ref"], lastComponent(c) != o.parentId { return err(400, "Cannot change the cloud of a Service Engine Group.") }
        if let bad = validate(input) { return err(400, bad) }
        for k in ["uuid", "url", "cloud_ref", "tenant_ref", "_last_modified"] { input[k] = nil }
        let n = try ctx.write.update(o, name: name, record(id: o.id, name: name, avi: input))
        return ProviderCredentials.encode(try renderSEG(ctx, n))
    }

    // MARK: Answers

    static func err(_ status: Int, _ message: String, key: String = "error") -> HTTPResponseMessage {
        ProviderCredentials.encode(.object([key: .string(message)]), status: status)
    }

    static func notFound() -> HTTPResponseMessage { err(404, "Object not found!") }

    static func hex(_ n: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    static func base(_ ctx: RequestContext) -> String { ctx.base }

    /// `{count, results, next}`; `page` (1-based) and `page_size` (default 25, at most 200); `name=` filters.
    static func collection(_ ctx: RequestContext, _ all: [JSONValue]) throws -> HTTPResponseMessage {
        var items = all.sorted { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }
        if let n = ctx.request.query("name") { items = items.filter { $0["name"]?.stringValue == n } }
        if let u = ctx.request.query("uuid") { items = items.filter { $0["uuid"]?.stringValue == u } }
        let page = Int(ctx.request.query("page") ?? "") ?? 1
        let size = Int(ctx.request.query("page_size") ?? "") ?? 25
        guard page >= 1, size >= 1, size <= 200 else { return err(400, "Invalid page or page_size.") }
        let start = min((page - 1) * size, items.count), end = min(start + size, items.count)
        var out: [String: JSONValue] = ["count": .int(items.count), "results": .array(Array(items[start..<end]))]
        if end < items.count {
            out["next"] = .string("\(ctx.base)\(ctx.request.path)?\(Listing.query(ctx.request, replacing: ["page": String(page + 1), "page_size": String(size)]))")
        }
        return ProviderCredentials.encode(.object(out))
    }

    static func lastComponent(_ ref: String) -> String {
        let noQuery = ref.split(separator: "?").first.map(String.init) ?? ref
        let noHash = noQuery.split(separator: "#").first.map(String.init) ?? noQuery
        return noHash.split(separator: "/").last.map(String.init) ?? noHash
    }

    static func cloudOf(_ ctx: RequestContext, _ ref: JSONValue?) -> Result<String, SimError> {
        let clouds = ctx.state.all(Kind.albImportableCloud)
        guard let ref = ref?.stringValue else {
            guard let first = clouds.first(where: { $0.name == "Default-Cloud" }) ?? clouds.first else { return .failure(.badRequest("No cloud exists.")) }
            return .success(first.id)
        }
        if let q = ref.range(of: "?name=") {
            let n = String(ref[q.upperBound...])
            if let c = clouds.first(where: { $0.name == n }) { return .success(c.id) }
            return .failure(.badRequest("Cloud object with name \(n) not found."))
        }
        let id = lastComponent(ref)
        guard clouds.contains(where: { $0.id == id }) else { return .failure(.badRequest("Cloud object \(id) not found.")) }
        return .success(id)
    }

    static func validate(_ input: JSONObject) -> String? {
        for (k, lo, hi) in [("max_se", 0, 1000), ("min_se", 0, 1000), ("max_vs_per_se", 1, 1000)] {
            guard let v = input[k] else { continue }
            guard case .int(let i) = v, i >= lo, i <= hi else { return "Field \(k) must be an integer in \(lo)-\(hi)." }
        }
        if let h = input["ha_mode"] {
            guard let s = h.stringValue, ["HA_MODE_SHARED_PAIR", "HA_MODE_SHARED", "HA_MODE_LEGACY_ACTIVE_STANDBY"].contains(s) else {
                return "Field ha_mode must be HA_MODE_SHARED_PAIR, HA_MODE_SHARED or HA_MODE_LEGACY_ACTIVE_STANDBY."
            }
        }
        return nil
    }

    static func int(_ v: JSONValue?, _ d: Int) -> Int { if case .int(let i)? = v { return i }; return d }

    /// The stored record of a controller SEG: VCD's importable fields derived from the Avi ones.
    static func record(id: String, name: String, avi: JSONObject) -> ALBSEGRecord {
        let ha = avi["ha_mode"]?.stringValue ?? "HA_MODE_SHARED"
        let vcdHA = ["HA_MODE_SHARED_PAIR": "ELASTIC_ACTIVE_ACTIVE", "HA_MODE_LEGACY_ACTIVE_STANDBY": "LEGACY_ACTIVE_STANDBY"][ha] ?? "ELASTIC_N_PLUS_M_BUFFER"
        var a = avi
        a["name"] = nil
        return ALBSEGRecord(id: id, displayName: name, haMode: vcdHA,
                            maxVirtualServices: int(avi["max_se"], 10) * int(avi["max_vs_per_se"], 10), avi: Dictionary(uniqueKeysWithValues: a.map { ($0.key, $0.value) }))
    }

    static func tenantRef(_ ctx: RequestContext) -> JSONValue { .string("\(ctx.base)/api/tenant/admin") }

    static func renderSEG(_ ctx: RequestContext, _ o: StoredObject) throws -> JSONValue {
        let r = try o.decode(ALBSEGRecord.self)
        var out: [String: JSONValue] = [
            "max_se": .int(max(1, r.maxVirtualServices / 10)), "min_se": .int(1), "max_vs_per_se": .int(10), "buffer_se": .int(1),
            "ha_mode": .string(["ELASTIC_ACTIVE_ACTIVE": "HA_MODE_SHARED_PAIR", "LEGACY_ACTIVE_STANDBY": "HA_MODE_LEGACY_ACTIVE_STANDBY"][r.haMode] ?? "HA_MODE_SHARED"),
            "algo": .string("PLACEMENT_ALGO_PACKED"), "se_deprovision_delay": .int(120), "vcpus_per_se": .int(1), "memory_per_se": .int(2048),
            "disk_per_se": .int(15), "se_name_prefix": .string("Avi"), "active_standby": .bool(false),
        ]
        for (k, v) in r.avi ?? [:] { out[k] = v }
        out["name"] = .string(o.name)
        out["uuid"] = .string(o.id)
        out["url"] = .string("\(ctx.base)/api/serviceenginegroup/\(o.id)")
        out["cloud_ref"] = .string("\(ctx.base)/api/cloud/\(o.parentId ?? "")")
        out["tenant_ref"] = tenantRef(ctx)
        out["_last_modified"] = .string(String(Int(Double(o.updated) * 1_000_000)))
        return .object(out)
    }

    /// The cloud as a 20.1.5+ controller answers it (fixture `alb/cloud-nsxt.json`): the data transport
    /// zone under `nsxt_configuration.data_network_config`, named by its Policy path (the top-level
    /// `nsxt_configuration.transport_zone` of 20.1.1 is gone).
    static func renderCloud(_ ctx: RequestContext) -> [JSONValue] {
        ctx.state.all(Kind.albImportableCloud).map { o in
            var nsxt: [String: JSONValue] = [:]
            if let tz = o.json["transportZoneName"]?.stringValue {
                nsxt["data_network_config"] = .object(["tz_type": .string("OVERLAY"),
                                                       "transport_zone": .string("/infra/sites/default/enforcement-points/default/transport-zones/\(tz)")])
            }
            return .object(["name": .string(o.name), "uuid": .string(o.id), "url": .string("\(ctx.base)/api/cloud/\(o.id)"),
                            "vtype": .string("CLOUD_NSXT"), "dhcp_enabled": .bool(true), "tenant_ref": tenantRef(ctx),
                            "nsxt_configuration": .object(nsxt)])
        }
    }

    static func aviUUID(_ prefix: String, _ o: StoredObject) -> String {
        "\(prefix)-\(URN(o.id)?.uuid ?? o.id)"
    }

    static func renderPool(_ ctx: RequestContext) -> [JSONValue] {
        ctx.state.all(Kind.lbPool).map { o in
            let u = aviUUID("pool", o)
            return .object(["name": .string(o.name), "uuid": .string(u), "url": .string("\(ctx.base)/api/pool/\(u)"),
                            "enabled": o.json["enabled"] ?? .bool(true), "default_server_port": o.json["defaultPort"] ?? .int(80),
                            // VCD's algorithm names are Avi's without the prefix (vcd-wire.md §11.5).
                            "lb_algorithm": .string("LB_ALGORITHM_\(o.json["algorithm"]?.stringValue ?? "LEAST_CONNECTIONS")"),
                            "tenant_ref": tenantRef(ctx)])
        }
    }

    static func renderVS(_ ctx: RequestContext) -> [JSONValue] {
        ctx.state.all(Kind.virtualService).map { o in
            let u = aviUUID("virtualservice", o)
            var v: [String: JSONValue] = ["name": .string(o.name), "uuid": .string(u), "url": .string("\(ctx.base)/api/virtualservice/\(u)"),
                                          "enabled": o.json["enabled"] ?? .bool(true), "tenant_ref": tenantRef(ctx),
                                          "vsvip_ref": .string("\(ctx.base)/api/vsvip/\(aviUUID("vsvip", o))")]
            let vs = try? o.decode(VirtualService.self)
            if let p = vs?.loadBalancerPoolRef?.id, let po = ctx.state.get(p) {
                v["pool_ref"] = .string("\(ctx.base)/api/pool/\(aviUUID("pool", po))")
            }
            if let s = vs?.serviceEngineGroupRef?.id, let so = ctx.state.get(s),
               let b = (try? so.decode(ServiceEngineGroup.self))?.serviceEngineGroupBacking?.backingId {
                v["se_group_ref"] = .string("\(ctx.base)/api/serviceenginegroup/\(b)")
            }
            return .object(v)
        }
    }

    static func renderVsVip(_ ctx: RequestContext) -> [JSONValue] {
        ctx.state.all(Kind.virtualService).map { o in
            let u = aviUUID("vsvip", o)
            let ip = o.json["virtualIpAddress"] ?? .null
            return .object(["name": .string("\(o.name)-vsvip"), "uuid": .string(u), "url": .string("\(ctx.base)/api/vsvip/\(u)"),
                            "tenant_ref": tenantRef(ctx),
                            "vip": .array([.object(["vip_id": .string("0"), "ip_address": .object(["addr": ip, "type": .string("V4")])])])])
        }
    }
}
