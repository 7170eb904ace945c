import CloudWire
import Foundation

/// A client of the NSX ALB (Avi) controller: `/login` (cookies `csrftoken`, `sessionid`),
/// `X-CSRFToken` on writes, service engine group CRUD, logout. Logs in on first use and again
/// after a 401. Goes over the same transport stack as the VCD client.
public final class ALBClient: @unchecked Sendable {
    public let baseURL: String
    public let transport: HTTPTransport
    private let user: String
    private let password: String
    private let lock = NSLock()
    private var sessionID: String?
    private var csrf: String?
    static let seg = "/api/serviceenginegroup"

    public init(baseURL: String, transport: HTTPTransport, user: String, password: String) {
        var b = baseURL
        while b.hasSuffix("/") { b.removeLast() }
        self.baseURL = b
        self.transport = transport
        self.user = user
        self.password = password
        SecretRedactor.shared.register(password)
    }

    public var isLoggedIn: Bool { lock.lock(); defer { lock.unlock() }; return sessionID != nil }

    /// Logs in and keeps the session and CSRF cookies.
    public func login() throws {
        let body = try JSONEncoder().encode(JSONValue.object(["username": .string(user), "password": .string(password)]))
        let r = try transport.send(HTTPRequestMessage(method: "POST", target: "/login",
                                                      headers: ["Content-Type": "application/json", "Accept": "application/json"], body: body), to: baseURL)
        guard r.status == 200 else { throw Self.error(r, "POST /login", hint: "check the ALB controller credentials (a provider admin)") }
        var sid: String?, tok: String?
        for c in r.headers.values("Set-Cookie") {
            let first = c.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            let kv = first.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            if kv[0] == "sessionid" { sid = kv[1] } else if kv[0] == "csrftoken" { tok = kv[1] }
        }
        guard let sid, let tok else { throw VCDClientError(status: r.status, minorErrorCode: "ALB_LOGIN", message: "the controller set no session cookies", operation: "POST /login") }
        SecretRedactor.shared.register(sid)
        SecretRedactor.shared.register(tok)
        lock.lock(); sessionID = sid; csrf = tok; lock.unlock()
    }

    /// Ends the session (no-op when not logged in).
    public func logout() throws {
        guard isLoggedIn else { return }
        _ = try send("POST", "/logout", retry: false)
        lock.lock(); sessionID = nil; csrf = nil; lock.unlock()
    }

    static func error(_ r: HTTPResponseMessage, _ op: String, hint: String? = nil) -> VCDClientError {
        let j = try? JSONValue.parse(r.body)
        let msg = j?["error"]?.stringValue ?? j?["detail"]?.stringValue ?? r.text
        return VCDClientError(status: r.status, minorErrorCode: "ALB_ERROR", message: msg, operation: "ALB \(op)", hint: hint)
    }

    func send(_ method: String, _ target: String, body: JSONValue? = nil, retry: Bool = true) throws -> HTTPResponseMessage {
        if !isLoggedIn { try login() }
        for attempt in 0..<2 {
            lock.lock(); let sid = sessionID ?? "", tok = csrf ?? ""; lock.unlock()
            var h = HTTPHeaderFields()
            h["Accept"] = "application/json"
            h["Cookie"] = "csrftoken=\(tok); sessionid=\(sid)"
            h["Referer"] = baseURL
            if method != "GET" { h["X-CSRFToken"] = tok }
            var data = Data()
            if let body { h["Content-Type"] = "application/json"; data = try JSONEncoder().encode(body) }
            let r = try transport.send(HTTPRequestMessage(method: method, target: target, headers: h, body: data), to: baseURL)
            if r.status == 401 && attempt == 0 && retry { try login(); continue }
            guard (200..<300).contains(r.status) else { throw Self.error(r, "\(method) \(target)") }
            return r
        }
        fatalError("unreachable")
    }

    /// Every service engine group on the controller (Avi JSON objects).
    public func serviceEngineGroups() throws -> [JSONValue] {
        var out: [JSONValue] = []
        var target: String? = Self.seg
        var seen = Set<String>()
        while let t = target, !seen.contains(t) {
            seen.insert(t)
            let j = try JSONValue.parse(try send("GET", t).body)
            if case .array(let xs)? = j["results"] { out += xs }
            target = j["next"]?.stringValue.map(Self.relative)
        }
        return out
    }

    static func relative(_ url: String) -> String {
        guard url.hasPrefix("http"), let c = URLComponents(string: url) else { return url }
        return c.percentEncodedPath + (c.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    public func serviceEngineGroup(uuid: String) throws -> JSONValue {
        try JSONValue.parse(try send("GET", "\(Self.seg)/\(uuid)").body)
    }

    public func serviceEngineGroup(named name: String) throws -> JSONValue? {
        try serviceEngineGroups().first { $0["name"]?.stringValue == name }
    }

    @discardableResult
    public func createServiceEngineGroup(_ body: JSONValue) throws -> JSONValue {
        try JSONValue.parse(try send("POST", Self.seg, body: body).body)
    }

    @discardableResult
    public func updateServiceEngineGroup(uuid: String, _ body: JSONValue) throws -> JSONValue {
        try JSONValue.parse(try send("PUT", "\(Self.seg)/\(uuid)", body: body).body)
    }

    public func deleteServiceEngineGroup(uuid: String) throws {
        _ = try send("DELETE", "\(Self.seg)/\(uuid)")
    }

    /// `max_se` of an Avi SEG object.
    public static func maxSE(_ seg: JSONValue) -> Int? { if case .int(let i)? = seg["max_se"] { return i }; return nil }
}
