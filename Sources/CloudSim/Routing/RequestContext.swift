import CloudWire
import Foundation

/// Everything a handler sees of one request: the request, the path parameters, the caller's session,
/// the world (read-only for reads, a write transaction for writes), and helpers to answer the way
/// VCD answers.
final class RequestContext {
    let sim: Simulator
    let request: HTTPRequestMessage
    let params: [String: String]
    let session: AuthSession?
    let state: StateView
    let tx: WriteTx?
    /// `https://host:port` of the service as the client reached it; used in `Location`, `href`, `Link`.
    let base: String
    let requestID: String
    /// The API version the client asked for (Accept `version=`), or the default.
    let apiVersion: String
    let route: Route
    /// Work to run once the transaction is committed (session map, task index).
    var afterCommit: [() -> Void] = []
    /// A Kubernetes watch this request opened (`GET …?watch=true`): its first events are the
    /// response body; a server goes on streaming the rest (`KubeWatchStream`).
    var watch: KubeWatch?

    init(sim: Simulator, request: HTTPRequestMessage, params: [String: String], session: AuthSession?, state: StateView,
         tx: WriteTx?, base: String, requestID: String, route: Route) {
        self.sim = sim
        self.request = request
        self.params = params
        self.session = session
        self.state = state
        self.tx = tx
        self.base = base
        self.requestID = requestID
        self.route = route
        apiVersion = APIVersions.asked(request.headers["Accept"]) ?? APIVersion.default
    }

    /// The path parameter `name` (always present when the route matched).
    func param(_ name: String) -> String { params[name] ?? "" }

    /// The write transaction; routes declared `.write` always have one.
    var write: WriteTx {
        guard let tx else { fatalError("write access in a read route: \(route.pattern)") }
        return tx
    }

    /// Current virtual time (seconds since 1970).
    var now: Double { tx?.now ?? sim.clock.now() }

    /// Decodes the JSON body; 400 as VCD answers malformed input.
    func body<T: Decodable>(_ type: T.Type) throws -> T {
        guard !request.body.isEmpty else { throw SimError.badRequest("The request has no body.") }
        do { return try JSONDecoder().decode(T.self, from: request.body) } catch {
            throw SimError.badRequest("Unable to parse the request body as \(T.self): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        case DecodingError.keyNotFound(let k, _): return "missing \(k.stringValue)"
        default: return "\(error)"
        }
    }

    // MARK: Tenancy

    /// The org the caller acts in: a tenant's own org; for the provider, the tenant-context header's
    /// org if sent (bare UUID or URN), else nil (everything).
    var scopeOrgID: String? {
        guard let session else { return nil }
        if !session.isProvider { return session.orgID }
        if let ctx = request.headers[VCDHeader.tenantContext], !ctx.isEmpty {
            return URN.normalize(ctx, kind: URNKind.org)
        }
        return nil
    }

    /// Whether the caller may see `o` (provider objects have no org: tenants never see them unless a
    /// family says so).
    func visible(_ o: StoredObject) -> Bool {
        guard let session else { return false }
        if session.isProvider { return true }
        return o.orgId == session.orgID
    }

    /// Filters a list to what the caller's scope shows.
    func scoped(_ objects: [StoredObject]) -> [StoredObject] {
        guard let org = scopeOrgID else { return objects }
        return objects.filter { $0.orgId == org }
    }

    /// The object `id` of `kind`, visible to the caller; 404 if absent, 403 if not visible (VCD says
    /// "forbidden" for objects of other orgs).
    func require(_ id: String, _ kind: String, _ what: String) throws -> StoredObject {
        guard let o = state.get(id, kind: kind) else { throw SimError.notFound("\(what) \(id)") }
        guard visible(o) else {
            throw SimError.forbidden(rights: [], operation: route.operation, target: "\(what) \(id)")
        }
        return o
    }

    /// The object `id` of `kind` that every session may see (types, interfaces); 404 if absent.
    func requireShared(_ id: String, _ kind: String, _ what: String) throws -> StoredObject {
        guard let o = state.get(id, kind: kind) else { throw SimError.notFound("\(what) \(id)") }
        return o
    }

    /// Whether the caller holds `right` (the provider holds all).
    func has(_ right: String) -> Bool { session?.holds(right) ?? false }

    /// Throws 403 naming `right` unless the caller holds it.
    func demand(_ right: String, target: String) throws {
        if !has(right) { throw SimError.forbidden(rights: [right], operation: route.operation, target: target) }
    }

    // MARK: Answers

    func json<T: Encodable>(_ value: T, status: Int = 200, headers: HTTPHeaderFields = HTTPHeaderFields()) throws -> HTTPResponseMessage {
        var h = headers
        h["Content-Type"] = "application/json;version=\(apiVersion)"
        return HTTPResponseMessage(status: status, headers: h, body: try JSONEncoder.vcd().encode(value))
    }

    /// A stored object's body as is (what GET by id answers).
    func raw(_ o: StoredObject, status: Int = 200, body: Data? = nil) -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        h["Content-Type"] = "application/json;version=\(apiVersion)"
        return HTTPResponseMessage(status: status, headers: h, body: body ?? o.body)
    }

    func noContent() -> HTTPResponseMessage { HTTPResponseMessage(status: 204) }

    func xml(_ text: String, type: String, status: Int = 200, headers: HTTPHeaderFields = HTTPHeaderFields()) -> HTTPResponseMessage {
        var h = headers
        h["Content-Type"] = "\(type);version=\(apiVersion)"
        return HTTPResponseMessage(status: status, headers: h, body: Data(text.utf8))
    }

    /// Starts an asynchronous operation the way VCD does: a task row, 202, `Location` to the task.
    /// `lock` names the entity (usually the edge gateway) that is busy until the task ends; `result`
    /// is the task's `Result/ResultContent` text once it succeeds.
    func accepted(operation: String, operationName: TaskOperation, owner: TaskOwner, lock: String? = nil, result: String? = nil) throws -> HTTPResponseMessage {
        let task = try sim.tasks.start(self, operation: operation, operationName: operationName, owner: owner, lock: lock, result: result)
        var h = HTTPHeaderFields()
        h["Location"] = "\(base)/api/task/\(task.uuid)"
        return HTTPResponseMessage(status: 202, headers: h)
    }

    /// Refuses a change on `entityID` while a task holds it (BUSY_ENTITY), as VCD does for
    /// concurrent changes on one edge gateway.
    func ensureNotBusy(_ entityID: String, name: String) throws {
        if sim.tasks.isBusy(entityID, now: now) { throw SimError.busy(name, entityID) }
    }
}
