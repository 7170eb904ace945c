import CloudWire
import Foundation

/// What the simulated controllers keep in memory: their VCD session tokens (one per controller,
/// cluster and set of credentials, kept until VCD refuses it) and which passes are running (a
/// second concurrent pass of the same controller for the same cluster skips, as one leader runs).
final class ControllerSessions: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String: String] = [:]
    private var running: Set<String> = []
    private var starts: [String: String] = [:]

    func token(_ key: String) -> String? { lock.lock(); defer { lock.unlock() }; return tokens[key] }
    func set(_ key: String, _ token: String?) { lock.lock(); tokens[key] = token; lock.unlock() }
    func begin(_ cluster: String) -> Bool { lock.lock(); defer { lock.unlock() }; return running.insert(cluster).inserted }
    func end(_ cluster: String) { lock.lock(); running.remove(cluster); lock.unlock() }
    /// The configuration a controller started with (its start checks passed), by session key.
    func started(_ key: String) -> String? { lock.lock(); defer { lock.unlock() }; return starts[key] }
    func setStarted(_ key: String, _ digest: String?) { lock.lock(); starts[key] = digest; lock.unlock() }
}

/// A VCD refusal as a simulated controller reports it; `busy` is a change in progress on the
/// gateway or a task still running (retried on the next pass without an event, as the real
/// controllers requeue).
struct CPIError: Error {
    var message: String
    var busy = false
}

/// The credentials a simulated controller reads from its secret or files.
struct VCDCredentials: Equatable {
    var host = ""
    var user = ""
    var userOrg = ""
    var password = ""
    var refreshToken = ""
}

/// The VCD client of the simulated controllers (CAPVCD, CPI): every call is an HTTP message
/// through `Simulator.handle(_:service: .vcd)`, the path every client takes (authentication,
/// rights, faults, counters, request log). It logs in as the user its credentials name and keeps
/// the session until VCD refuses it. Never call it while holding the world lock.
class VCDControllerClient {
    /// The API version of the `Accept` header (CAPVCD 0.5.x / 1.0: 36.0; later releases and CPI: 37.2).
    let version: String
    let sim: Simulator
    let credentials: VCDCredentials
    /// Where the session token is kept (per controller, cluster and credentials).
    let key: String

    /// The `User-Agent` the controller sends (its program and release).
    let agent: String

    init(sim: Simulator, owner: String, credentials c: VCDCredentials, version: String = "37.2", agent: String) {
        self.sim = sim
        self.agent = agent
        self.credentials = c
        self.version = version
        var h = Hasher()
        h.combine(c.password)
        h.combine(c.refreshToken)
        key = "\(owner)|\(c.userOrg)|\(c.user)|\(h.finalize())"
    }

    private func send(_ method: String, _ target: String, headers extra: [String: String] = [:], body: Data = Data(), token: String?) -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        h["Accept"] = "application/json;version=\(version)"
        h["User-Agent"] = agent
        if let token { h["Authorization"] = "Bearer \(token)" }
        if !body.isEmpty { h["Content-Type"] = "application/json" }
        for (k, v) in extra { h[k] = v }
        return sim.handle(HTTPRequestMessage(method: method, target: target, headers: h, body: body), service: .vcd)
    }

    /// `[401 Unauthorized: message]`, VCD's words in the CPI's brackets.
    static func describe(_ r: HTTPResponseMessage) -> String {
        let reason = reasons[r.status] ?? "Error"
        if let e = try? JSONDecoder().decode(VCDError.self, from: r.body) {
            // VCD opens its messages with the request id ("[ <uuid> ] "): not part of what failed.
            let text = e.message.replacingOccurrences(of: #"^\[ [0-9a-fA-F-]+ \] "#, with: "", options: .regularExpression)
            return "[\(r.status) \(reason): \(text)]"
        }
        // The legacy API's <Error message="…"/>.
        if let x = try? XMLTree.parse(r.body), x.name == "Error", let m = x.attr("message") {
            return "[\(r.status) \(reason): \(m.replacingOccurrences(of: #"^\[ [0-9a-fA-F-]+ \] "#, with: "", options: .regularExpression))]"
        }
        let text = String(decoding: r.body.prefix(300), as: UTF8.self)
        return "[\(r.status) \(reason)\(text.isEmpty ? "" : ": " + text)]"
    }

    static let reasons = [400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
                          406: "Not Acceptable", 409: "Conflict", 412: "Precondition Failed", 429: "Too Many Requests",
                          500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"]

    /// A refusal worth retrying on the next pass (the real controllers requeue): a change in
    /// progress (BUSY_ENTITY), throttling (429) or a server error (5xx).
    static func isBusy(_ r: HTTPResponseMessage) -> Bool {
        if r.status == 429 || r.status >= 500 { return true }
        return (try? JSONDecoder().decode(VCDError.self, from: r.body))?.minorErrorCode == VCDMinorError.busyEntity
    }

    /// Logs in with the refresh token (`/oauth/{tenant/<org>|provider}/token`) or user and password
    /// (`/cloudapi/1.0.0/sessions[/provider]`, Basic `user@org`); keeps the token.
    func login() throws -> String {
        let system = credentials.userOrg.lowercased() == "system"
        if !credentials.refreshToken.isEmpty {
            let path = system ? "/oauth/provider/token" : "/oauth/tenant/\(Self.encode(credentials.userOrg))/token"
            let form = "grant_type=refresh_token&refresh_token=\(Self.encode(credentials.refreshToken))"
            let r = send("POST", path, headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                         body: Data(form.utf8), token: nil)
            guard r.status == 200, let grant = try? JSONDecoder().decode(APITokenGrant.self, from: r.body), let t = grant.access_token else {
                throw CPIError(message: "failed to refresh VCD client with the refresh token for org [\(credentials.userOrg)]: \(Self.describe(r))")
            }
            sim.controllerSessions.set(key, t)
            return t
        }
        let basic = Data("\(credentials.user)@\(credentials.userOrg):\(credentials.password)".utf8).base64EncodedString()
        let r = send("POST", "/cloudapi/1.0.0/sessions\(system ? "/provider" : "")", headers: ["Authorization": "Basic \(basic)"], token: nil)
        guard r.status == 200, let t = r.headers[VCDHeader.accessToken] else {
            throw CPIError(message: "unable to authenticate [\(credentials.user)@\(credentials.userOrg)] with VCD at [\(credentials.host)]: \(Self.describe(r))")
        }
        sim.controllerSessions.set(key, t)
        return t
    }

    /// One call with the kept session (logging in first if there is none, and again once if VCD
    /// refuses the token with 401).
    func call(_ method: String, _ path: String, body: Data = Data(), accept: String? = nil, headers more: [String: String] = [:]) throws -> HTTPResponseMessage {
        var headers = accept.map { ["Accept": $0] } ?? [:]
        for (k, v) in more { headers[k] = v }
        var token = try sim.controllerSessions.token(key) ?? login()
        var r = send(method, path, headers: headers, body: body, token: token)
        if r.status == 401 {
            sim.controllerSessions.set(key, nil)
            token = try login()
            r = send(method, path, headers: headers, body: body, token: token)
        }
        return r
    }

    /// A call that must succeed (2xx), decoded as `T`.
    func get<T: Decodable>(_ path: String, _ type: T.Type, what: String) throws -> T {
        let r = try call("GET", path)
        guard (200..<300).contains(r.status) else { throw CPIError(message: "unable to get \(what): \(Self.describe(r))", busy: Self.isBusy(r)) }
        do { return try JSONDecoder().decode(T.self, from: r.body) } catch {
            throw CPIError(message: "unable to read \(what) from VCD's answer: \(error)")
        }
    }

    /// Sends a change that VCD answers 202 + task, then polls the task until it ends. Returns the
    /// finished task (its owner is the object made); a task still running after the polls is a
    /// busy retry; a task in error throws its message.
    @discardableResult
    func change(_ method: String, _ path: String, body: Data = Data(), what: String, xml contentType: String? = nil) throws -> VCDTask? {
        let r = contentType == nil ? try call(method, path, body: body)
            : try call(method, path, body: body, accept: "application/*+xml;version=\(version)", headers: ["Content-Type": contentType!])
        guard (200..<300).contains(r.status) else { throw CPIError(message: "unable to \(what): \(Self.describe(r))", busy: Self.isBusy(r)) }
        guard r.status == 202, let loc = r.headers["Location"], let id = loc.split(separator: "/").last else { return nil }
        for _ in 0..<50 {
            let t = try call("GET", "/api/task/\(id)", accept: "application/*+json;version=\(version)")
            guard t.status == 200, let task = try? JSONDecoder().decode(VCDTask.self, from: t.body) else {
                throw CPIError(message: "unable to \(what): task \(id): \(Self.describe(t))", busy: Self.isBusy(t))
            }
            switch task.status {
            case VCDTask.Status.success: return task
            case VCDTask.Status.error, "aborted", "canceled":
                // A failed task changed nothing: the next pass sends the request again.
                throw CPIError(message: "unable to \(what): task [\(id)] failed: [\(task.error?.message ?? task.status ?? "error")]", busy: true)
            default: continue
            }
        }
        throw CPIError(message: "unable to \(what): task [\(id)] is still running", busy: true)
    }

    /// All values of a paged OpenAPI list.
    func list<T: Codable>(_ path: String, _ type: T.Type, what: String) throws -> [T] {
        var out: [T] = []
        var page = 1
        let sep = path.contains("?") ? "&" : "?"
        while page < 100 {
            let p = try get("\(path)\(sep)page=\(page)&pageSize=25", Page<T>.self, what: what)
            out += p.values
            if p.values.isEmpty || page >= p.pageCount { break }
            page += 1
        }
        return out
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func json<T: Encodable>(_ v: T) -> Data { (try? JSONEncoder().encode(v)) ?? Data() }
}
