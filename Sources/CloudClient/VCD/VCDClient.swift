import CloudWire
import Foundation

/// A client of one VCD site for one persona: version negotiation, login (password or API token,
/// tenant or provider), re-login on 401, the tenant context header, JSON requests, both pagination
/// styles, and task waits. Thread-safe: `parallel()` workers share one client.
///
/// ```swift
/// let c = VCDClient(baseURL: "https://vcd.example.com", transport: t,
///                   credentials: VCDCredentials(org: "xav_lab", method: .password(user: "xav", password: pw)))
/// let gws: [EdgeGateway] = try c.list("/cloudapi/1.0.0/edgeGateways", filter: .eq("name", "gw"))
/// ```
public final class VCDClient: @unchecked Sendable {
    public let baseURL: String
    public let transport: HTTPTransport
    public let credentials: VCDCredentials
    /// The lowest API version the engine accepts (VCD 10.3, what CAPVCD needs).
    public static let minimumVersion = "36.0"
    /// Versions this client speaks, highest last.
    public static let spokenVersions = APIVersion.supported
    /// Page size asked for on page-style lists.
    public var pageSize = 128
    /// How many pages of one list are read at once once its first page says how many there are
    /// (independent reads: over a slow link they cost one round trip, not one each). 1: in turn.
    public var concurrentPages = 4
    /// How long a task may run before `waitTask` gives up.
    public var taskTimeout: Double = 600
    /// How long to sleep between task polls (grows ×1.5 up to `maxPoll`).
    public var firstPoll: Double = 0.05
    public var maxPoll: Double = 3
    /// The clock task polls read and wait on: the wall clock, or the embedded simulator's own clock
    /// (then a wait moves simulated time on instead of sleeping). Ctrl-C ends a wait at once.
    public var clock: WaitClock = WallClock.shared
    /// Reports task progress (`operation`, percent).
    public var onTaskProgress: ((String, Int) -> Void)?
    /// The org (URN) a provider session acts in; sent as `X-VMWARE-VCLOUD-TENANT-CONTEXT`.
    public var tenantContext: String? {
        get { lock.lock(); defer { lock.unlock() }; return _tenantContext }
        set { lock.lock(); _tenantContext = newValue; lock.unlock() }
    }

    private let lock = NSLock()
    private var _tenantContext: String?
    private var token: String?
    private var _version: String?
    private var _session: SessionInfo?
    /// Why `logInAhead` could not log in: thrown by the next request that needs the session.
    private var pendingLoginError: Error?

    public init(baseURL: String, transport: HTTPTransport, credentials: VCDCredentials) {
        var b = baseURL
        while b.hasSuffix("/") { b.removeLast() }
        self.baseURL = b
        self.transport = transport
        self.credentials = credentials
    }

    // MARK: Version and session

    /// The negotiated API version: the highest version both sides speak, at least 36.0.
    public func apiVersion() throws -> String {
        lock.lock()
        if let v = _version { lock.unlock(); return v }
        lock.unlock()
        let r = try transport.send(HTTPRequestMessage(method: "GET", target: "/api/versions", headers: ["Accept": "application/*+xml"]), to: baseURL)
        guard r.status == 200 else { throw VCDClientError.from(r, operation: "GET /api/versions") }
        let server = Self.parseVersions(r.text)
        guard let best = Self.negotiate(server: server) else {
            throw VCDClientError(status: r.status, minorErrorCode: "UNSUPPORTED_VERSION",
                                 message: "the site speaks API versions \(server.joined(separator: ", ")); vcdscript needs \(Self.minimumVersion) or later",
                                 operation: "GET /api/versions", hint: "upgrade VCD to 10.3 or later (API 36.0), as CAPVCD requires")
        }
        lock.lock(); _version = best; lock.unlock()
        return best
    }

    /// `<Version>` values of a `SupportedVersions` document.
    public static func parseVersions(_ xml: String) -> [String] {
        var out: [String] = []
        var rest = Substring(xml)
        while let a = rest.range(of: "<Version>"), let b = rest[a.upperBound...].range(of: "</Version>") {
            out.append(String(rest[a.upperBound..<b.lowerBound]).trimmingCharacters(in: .whitespaces))
            rest = rest[b.upperBound...]
        }
        return out
    }

    /// The highest version in both lists that is at least the minimum.
    public static func negotiate(server: [String]) -> String? {
        let common = Set(server).intersection(spokenVersions).filter { compare($0, minimumVersion) >= 0 }
        return common.max { compare($0, $1) < 0 }
    }

    /// Compares dotted versions numerically (`37.10` > `37.2`).
    public static func compare(_ a: String, _ b: String) -> Int {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        for i in 0..<max(x.count, y.count) {
            let p = i < x.count ? x[i] : 0, q = i < y.count ? y[i] : 0
            if p != q { return p < q ? -1 : 1 }
        }
        return 0
    }

    /// Who is logged in (logs in first if needed).
    public func session() throws -> SessionInfo {
        lock.lock()
        if let s = _session { lock.unlock(); return s }
        lock.unlock()
        try logInForFirstUse()
        lock.lock(); defer { lock.unlock() }
        return _session ?? SessionInfo()
    }

    /// Logs in (again): password → `/sessions[/provider]`; API token → `/oauth/.../token`, then
    /// `sessions/current` for the session facts.
    public func login() throws {
        let v = try apiVersion()
        switch credentials.method {
        case .password(let user, let password):
            let path = credentials.isProvider ? "/cloudapi/1.0.0/sessions/provider" : "/cloudapi/1.0.0/sessions"
            let basic = Data("\(user)@\(credentials.org):\(password)".utf8).base64EncodedString()
            let r = try transport.send(HTTPRequestMessage(method: "POST", target: path,
                                                          headers: ["Accept": APIVersion.jsonAccept(v), "Authorization": "Basic \(basic)"]), to: baseURL)
            guard r.status == 200, let t = r.headers[VCDHeader.accessToken], !t.isEmpty else {
                var e = VCDClientError.from(r, operation: "POST \(path)")
                e.message = "login as \(credentials.who) failed: \(e.message)"
                throw e
            }
            SecretRedactor.shared.register(t)
            let info = try? JSONDecoder().decode(SessionInfo.self, from: r.body)
            lock.lock(); token = t; _session = info; lock.unlock()
        case .apiToken(let refresh):
            let path = credentials.isProvider ? "/oauth/provider/token" : "/oauth/tenant/\(credentials.org)/token"
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let form = "grant_type=refresh_token&refresh_token=\(refresh.addingPercentEncoding(withAllowedCharacters: allowed) ?? refresh)"
            let r = try transport.send(HTTPRequestMessage(method: "POST", target: path,
                                                          headers: ["Accept": "application/json", "Content-Type": MediaType.formURLEncoded],
                                                          body: Data(form.utf8)), to: baseURL)
            guard r.status == 200, let grant = try? JSONDecoder().decode(APITokenGrant.self, from: r.body), let t = grant.access_token else {
                var e = VCDClientError.from(r, operation: "POST \(path)")
                e.message = "API token exchange for org \(credentials.org) failed: \(e.message)"
                e.hint = "create a new API token for this user and org (User preferences → API tokens), and check the org name"
                throw e
            }
            SecretRedactor.shared.register(t)
            lock.lock(); token = t; lock.unlock()
            let info: SessionInfo = try get("/cloudapi/1.0.0/sessions/current")
            lock.lock(); _session = info; lock.unlock()
        }
    }

    /// Logs in now unless a session is open, so that sessions can be opened together before the
    /// first requests (`Engine.logInTogether`). A failure is not thrown here but by the next
    /// request that needs the session, where it has its context; that request does not try again
    /// first (a site may lock an account after failed logins).
    public func logInAhead() {
        lock.lock(); let open = token != nil; lock.unlock()
        guard !open else { return }
        do { try login() } catch { lock.lock(); pendingLoginError = error; lock.unlock() }
    }

    /// The first login of a request: the failure `logInAhead` kept, once, or a login now.
    private func logInForFirstUse() throws {
        lock.lock(); let failed = pendingLoginError; pendingLoginError = nil; lock.unlock()
        if let failed { throw failed }
        try login()
    }

    // MARK: Requests

    /// Sends a JSON request with the session, version and tenant context; logs in first and once
    /// more after a 401. Returns the response whatever its status.
    /// `contentType`: the body's media type (default JSON; legacy XML requests name theirs).
    /// `headers`: more request headers (`If-Match` for a compare-and-set update).
    public func send(_ method: String, _ target: String, body: Data? = nil, accept: String? = nil, contentType: String? = nil,
                     headers extra: HTTPHeaderFields = HTTPHeaderFields()) throws -> HTTPResponseMessage {
        let v = try apiVersion()
        lock.lock(); var t = token; lock.unlock()
        if t == nil { try logInForFirstUse(); lock.lock(); t = token; lock.unlock() }
        for attempt in 0..<2 {
            var h = HTTPHeaderFields()
            h["Accept"] = accept ?? APIVersion.jsonAccept(v)
            h["Authorization"] = "Bearer \(t ?? "")"
            if let ctx = tenantContext { h[VCDHeader.tenantContext] = ctx }
            if body != nil { h["Content-Type"] = contentType ?? MediaType.json }
            for f in extra.fields { h[f.name] = f.value }
            let r = try transport.send(HTTPRequestMessage(method: method, target: target, headers: h, body: body ?? Data()), to: baseURL)
            if r.status == 401 && attempt == 0 {
                try login()
                lock.lock(); t = token; lock.unlock()
                continue
            }
            return r
        }
        fatalError("unreachable")
    }

    /// The headers of an authenticated request (logs in first if needed): for requests the
    /// client sends itself through the transport, such as file uploads.
    func sessionHeaders(accept: String, relogin: Bool = false) throws -> HTTPHeaderFields {
        if relogin { try login() }
        lock.lock(); var t = token; lock.unlock()
        if t == nil { try logInForFirstUse(); lock.lock(); t = token; lock.unlock() }
        var h = HTTPHeaderFields()
        h["Accept"] = accept
        h["Authorization"] = "Bearer \(t ?? "")"
        if let ctx = tenantContext { h[VCDHeader.tenantContext] = ctx }
        return h
    }

    /// Sends and throws `VCDClientError` for error statuses.
    @discardableResult
    public func checked(_ method: String, _ target: String, body: Data? = nil) throws -> HTTPResponseMessage {
        let r = try send(method, target, body: body)
        guard (200..<300).contains(r.status) else { throw VCDClientError.from(r, operation: "\(method) \(Self.pathOnly(target))") }
        return r
    }

    static func pathOnly(_ target: String) -> String { target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target }

    /// GET and decode one object.
    public func get<T: Decodable>(_ target: String, as: T.Type = T.self) throws -> T {
        let r = try checked("GET", target)
        do { return try JSONDecoder().decode(T.self, from: r.body) } catch {
            throw VCDClientError(status: r.status, minorErrorCode: "BAD_RESPONSE", message: "unexpected answer: \(error)", operation: "GET \(Self.pathOnly(target))",
                                 hint: "the site answers in a shape this version of vcdscript does not know; report it with --debug output")
        }
    }

    /// Every element of a list, following pages: page-style envelopes (`page`/`pageCount`) and
    /// cursor-style ones (`Link: <...>;rel="nextPage"`) alike.
    /// `maxPageSize`: some lists allow fewer per page (org VDC networks: 32).
    public func list<T: Decodable>(_ path: String, filter: FIQLFilter? = nil, maxPageSize: Int? = nil, as: T.Type = T.self) throws -> [T] {
        var query: [String] = []
        if let filter { query.append("filter=\(filter.queryValue)") }
        query.append("pageSize=\(min(pageSize, maxPageSize ?? pageSize))")
        var target = path + "?" + query.joined(separator: "&")
        var out: [T] = []
        var seen = Set<String>()
        var first = true
        while true {
            let (env, r): (ListEnvelope<T>, HTTPResponseMessage) = try listPage(path, target)
            out += env.values
            if env.values.isEmpty { break }
            // Page-style lists say how many pages there are: the rest are read together (they do
            // not depend on each other), at most `concurrentPages` at once, and kept in order.
            if first, concurrentPages > 1, let p = env.page, let n = env.pageCount, p == 1, n > 2 {
                let pages: [[T]] = try readTogether(Array(2...n), limit: concurrentPages) { page in
                    let (e, _): (ListEnvelope<T>, HTTPResponseMessage) = try self.listPage(path, path + "?" + (query + ["page=\(page)"]).joined(separator: "&"))
                    return e.values
                }
                return out + pages.flatMap { $0 }
            }
            first = false
            if let next = LinkHeader.parse(r.headers.values("Link")).first(where: { $0.rels.contains("nextPage") }) {
                let t = Self.relativeTarget(next.url)
                guard !seen.contains(t) else { break }
                seen.insert(t)
                target = t
                continue
            }
            if let p = env.page, let n = env.pageCount, p < n {
                target = path + "?" + (query + ["page=\(p + 1)"]).joined(separator: "&")
                continue
            }
            break
        }
        return out
    }

    /// One page of a list.
    private func listPage<T: Decodable>(_ path: String, _ target: String) throws -> (ListEnvelope<T>, HTTPResponseMessage) {
        let r = try checked("GET", target)
        do { return (try JSONDecoder().decode(ListEnvelope<T>.self, from: r.body), r) } catch {
            throw VCDClientError(status: r.status, minorErrorCode: "BAD_RESPONSE", message: "unexpected list answer: \(error)", operation: "GET \(path)",
                                 hint: "report it with --debug output")
        }
    }

    /// Runs `read` for every item on up to `limit` threads at once; results in the items' order.
    /// The first error (in item order) is thrown once all have ended.
    func readTogether<Item, Result>(_ items: [Item], limit: Int, _ read: @escaping (Item) throws -> Result) throws -> [Result] {
        let results = ReadResults<Result>(count: items.count)
        let gate = DispatchSemaphore(value: max(1, limit))
        let group = DispatchGroup()
        for (i, item) in items.enumerated() {
            gate.wait()
            group.enter()
            DispatchQueue.global().async {
                results.set(i, Swift.Result { try read(item) })
                gate.signal()
                group.leave()
            }
        }
        group.wait()
        return try results.all()
    }

    /// `https://host/cloudapi/...?x` → `/cloudapi/...?x` (the transport joins it to `baseURL`).
    static func relativeTarget(_ url: String) -> String {
        guard url.hasPrefix("http"), let c = URLComponents(string: url) else { return url }
        return c.percentEncodedPath + (c.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    // MARK: Changes and tasks

    /// POST/PUT/DELETE a JSON body; waits for the task when the answer is 202 with a `Location`.
    /// Returns the task owner's id (what a create made) or the id in a synchronous answer.
    @discardableResult
    public func change<B: Encodable>(_ method: String, _ target: String, body: B?, what: String) throws -> String? {
        let data = try body.map { try JSONEncoder.vcd().encode($0) }
        let r = try checked(method, target, body: data)
        if r.status == 202, let loc = r.headers["Location"], loc.contains("/task/") {
            let task = try waitTask(loc, what: what)
            return task.owner?.id
        }
        if let o = try? JSONValue.parse(r.body), let id = o["id"]?.stringValue { return id }
        return nil
    }

    @discardableResult
    public func delete(_ target: String, what: String) throws -> String? {
        try change("DELETE", target, body: Optional<JSONValue>.none, what: what)
    }

    /// Polls a task until it ends; throws `VCDTaskError` on error, abort or timeout.
    public func waitTask(_ location: String, what: String, timeout: Double? = nil) throws -> VCDTask {
        let target = Self.relativeTarget(location)
        let started = clock.now()
        let deadline = started + (timeout ?? taskTimeout)
        var delay = firstPoll
        var lastProgress = -1
        while true {
            let v = try apiVersion()
            let task: VCDTask = try {
                let r = try send("GET", target, accept: "application/json;version=\(v)")
                guard r.status == 200 else { throw VCDClientError.from(r, operation: "GET task of \(what)") }
                return try JSONDecoder().decode(VCDTask.self, from: r.body)
            }()
            let status = task.status ?? ""
            if status == VCDTask.Status.success { return task }
            if status == VCDTask.Status.error || status == VCDTask.Status.aborted {
                let m = task.error.map { VCDClientError.clean($0.message) } ?? (task.details ?? "the task ended with \(status)")
                throw VCDTaskError(operation: what, message: m, timedOut: false)
            }
            // Progress only for tasks that take a while: quick ones would just add noise.
            if let p = task.progress, p != lastProgress, clock.now() - started > 2 { lastProgress = p; onTaskProgress?(what, p) }
            if clock.now() >= deadline {
                throw VCDTaskError(operation: what, message: "the task did not end within \(Int(timeout ?? taskTimeout)) s (it is \(status))", timedOut: true)
            }
            try clock.pause(delay, waitingFor: "the task of \(what)", at: baseURL)
            delay = min(maxPoll, delay * 1.5)
        }
    }
}

/// The part of both list envelopes the client reads.
struct ListEnvelope<T: Decodable>: Decodable {
    var values: [T]
    var page: Int?
    var pageCount: Int?
}

/// The results of reads running together, one slot per read, filled under a lock.
final class ReadResults<R>: @unchecked Sendable {
    private var slots: [Result<R, Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<R, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    /// Every result in order; the first error (in order) is thrown.
    func all() throws -> [R] {
        lock.lock(); defer { lock.unlock() }
        return try slots.map { try $0!.get() }
    }
}
