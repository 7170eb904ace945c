import CloudWire
import Documents
import Foundation

/// A Kubernetes API client over any `HTTPTransport`: libcurl for a real cluster (or `sim serve`),
/// in-process for the embedded simulator in tests. JSON only; errors are the apiserver's `Status`
/// objects turned into `KubeError` with a hint. Resource paths come from discovery (so custom
/// resources of a manifest work like built-ins), cached per group-version.
public final class KubeClient: @unchecked Sendable {
    /// Base URL with any path prefix, no trailing slash (`https://127.0.0.1:18446/clusters/wc`).
    public let server: String
    /// The namespace of the kubeconfig's context (`default` when it names none).
    public let namespace: String
    public let contextName: String
    let transport: HTTPTransport
    private let authorization: String?
    private let serverPath: String
    private let baseURL: String

    private let lock = NSLock()
    private var discovered: [String: [KubeResource]] = [:]

    public init(server: String, transport: HTTPTransport, token: String?, basic: (user: String, password: String)? = nil,
                namespace: String = "default", contextName: String = "") {
        var s = server
        while s.hasSuffix("/") { s.removeLast() }
        self.server = s
        self.transport = transport
        self.namespace = namespace
        self.contextName = contextName
        if let token { authorization = "Bearer " + token } else if let b = basic {
            authorization = "Basic " + Data("\(b.user):\(b.password)".utf8).base64EncodedString()
        } else { authorization = nil }
        // The transport joins a base (scheme://host:port) and a target; the server's path prefix
        // goes in front of every target.
        if let c = URLComponents(string: s), let scheme = c.scheme, let host = c.host {
            var b = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)"
            if let p = c.port { b += ":\(p)" }
            baseURL = b
            serverPath = c.percentEncodedPath
        } else {
            baseURL = s
            serverPath = ""
        }
    }

    /// A client for one resolved kubeconfig context over `transport` (registers its secrets first).
    public convenience init(_ config: ResolvedKubeConfig, transport: HTTPTransport) {
        config.registerSecrets()
        self.init(server: config.server, transport: transport, token: config.token, basic: config.basic,
                  namespace: config.namespace, contextName: config.contextName)
    }

    // MARK: Requests

    /// Sends one request; answers 2xx bodies, throws `KubeError` for the others.
    @discardableResult
    public func send(_ method: String, _ path: String, body: JSONValue? = nil, contentType: String = "application/json",
                     what: String? = nil) throws -> JSONValue {
        let r = try raw(method, path, body: body, contentType: contentType)
        guard (200..<300).contains(r.status) else { throw KubeError.from(r, operation: what ?? "\(method) \(Self.pathOnly(path))") }
        if r.body.isEmpty { return .null }
        do { return try JSONValue.parse(r.body) } catch {
            throw KubeError(status: r.status, reason: "InvalidResponse", message: "the answer to \(method) \(Self.pathOnly(path)) is not JSON",
                            operation: what ?? method, hint: "is the kubeconfig's server really a Kubernetes API server?")
        }
    }

    /// GET that answers nil for 404.
    public func getIfPresent(_ path: String, what: String? = nil) throws -> JSONValue? {
        do { return try send("GET", path, what: what) } catch let e as KubeError where e.status == 404 && e.reason == "NotFound" { return nil }
    }

    /// The raw exchange (any status).
    public func raw(_ method: String, _ path: String, body: JSONValue? = nil, contentType: String = "application/json") throws -> HTTPResponseMessage {
        var headers: HTTPHeaderFields = ["Accept": "application/json"]
        if let authorization { headers["Authorization"] = authorization }
        var data = Data()
        if let body {
            // In the object's own order (JSONEncoder keeps none): what a script wrote is what is sent.
            data = body.jsonData()
            headers["Content-Type"] = contentType
        }
        let request = HTTPRequestMessage(method: method, target: serverPath + path, headers: headers, body: data)
        return try transport.send(request, to: baseURL)
    }

    static func pathOnly(_ p: String) -> String { p.split(separator: "?", maxSplits: 1).first.map(String.init) ?? p }

    /// `/version`: `gitVersion` and friends.
    public func version() throws -> JSONValue { try send("GET", "/version", what: "read the server version") }

    // MARK: Discovery

    /// The resources of one group-version (`v1`, `apps/v1`), from `/api/v1` or `/apis/G/V`.
    public func resources(groupVersion gv: String, refresh: Bool = false) throws -> [KubeResource] {
        lock.lock()
        if !refresh, let r = discovered[gv] { lock.unlock(); return r }
        lock.unlock()
        let path = gv.contains("/") ? "/apis/\(gv)" : "/api/\(gv)"
        guard let list = try getIfPresent(path, what: "discover \(gv)") else { return [] }
        let parts = gv.split(separator: "/").map(String.init)
        let group = parts.count == 2 ? parts[0] : "", version = parts.last ?? gv
        var out: [KubeResource] = []
        if case .array(let items)? = list["resources"] {
            for i in items {
                guard let name = i["name"]?.stringValue, !name.contains("/"), let kind = i["kind"]?.stringValue else { continue }
                out.append(KubeResource(group: group, version: version, plural: name, kind: kind, namespaced: i["namespaced"] == .bool(true)))
            }
        }
        lock.lock(); discovered[gv] = out; lock.unlock()
        return out
    }

    /// Every resource of `kind` the server serves: the core group's `v1` and each API group's
    /// preferred version (`/apis`), as kubectl resolves a kind given without its group.
    public func resources(ofKind kind: String) throws -> [KubeResource] {
        var found = try resources(groupVersion: "v1").filter { $0.kind == kind }
        guard case .array(let groups)? = try getIfPresent("/apis", what: "discover the API groups")?["groups"] else { return found }
        for g in groups {
            guard let gv = g["preferredVersion"]?["groupVersion"]?.stringValue else { continue }
            found += try resources(groupVersion: gv).filter { $0.kind == kind }
        }
        return found
    }

    /// The resource of a manifest's `apiVersion` and `kind` (discovery; asked again once when the
    /// kind is unknown, as a CRD may just have been created).
    public func resource(apiVersion: String, kind: String) throws -> KubeResource {
        if let r = try resources(groupVersion: apiVersion).first(where: { $0.kind == kind }) { return r }
        if let r = try resources(groupVersion: apiVersion, refresh: true).first(where: { $0.kind == kind }) { return r }
        throw KubeError(status: 404, reason: "NotFound", message: "the server has no \(kind) in \(apiVersion)", operation: "discover \(apiVersion)",
                        hint: "check apiVersion and kind; a custom resource needs its CustomResourceDefinition applied first")
    }
}

/// One kind of object and where it lives on the API.
public struct KubeResource: Equatable, Sendable {
    public var group: String
    public var version: String
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The collection path (`/apis/apps/v1/namespaces/ns/deployments`); all namespaces when a
    /// namespaced resource gets nil.
    public func path(namespace: String?) -> String {
        let root = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace { return "\(root)/namespaces/\(Self.escape(namespace))/\(plural)" }
        return "\(root)/\(plural)"
    }

    /// One object's path.
    public func path(namespace: String?, name: String) -> String { path(namespace: namespace) + "/" + Self.escape(name) }

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? s }

    public static let namespaces = KubeResource(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let nodes = KubeResource(group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false)
    public static let pods = KubeResource(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    public static let services = KubeResource(group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)
    public static let secrets = KubeResource(group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    public static let configMaps = KubeResource(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    public static let deployments = KubeResource(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
}

/// An apiserver answer that is an error (`kind: Status`), with a hint.
public struct KubeError: Error, CustomStringConvertible, Equatable {
    public var status: Int
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Forbidden`, `Unauthorized`, `Invalid`, ...
    public var reason: String
    public var message: String
    /// What was being done (`create deployment default/web`), never a query or a header.
    public var operation: String
    public var hint: String

    public init(status: Int, reason: String, message: String, operation: String, hint: String? = nil) {
        self.status = status
        self.reason = reason
        self.message = SecretRedactor.shared.redact(message)
        self.operation = operation
        self.hint = hint ?? Self.hint(status: status, reason: reason)
    }

    /// From a response: a `Status` body, else the HTTP status alone.
    public static func from(_ r: HTTPResponseMessage, operation: String) -> KubeError {
        if let s = try? JSONValue.parse(r.body), s["kind"]?.stringValue == "Status" {
            let reason = s["reason"]?.stringValue ?? Self.reason(for: r.status)
            var message = s["message"]?.stringValue ?? "HTTP \(r.status)"
            if case .array(let causes)? = s["details"]?["causes"], !causes.isEmpty {
                let texts = causes.compactMap { c -> String? in
                    guard let m = c["message"]?.stringValue else { return nil }
                    return c["field"]?.stringValue.map { "\($0): \(m)" } ?? m
                }
                if !texts.isEmpty, !texts.allSatisfy({ message.contains($0) }) { message += " (" + texts.joined(separator: "; ") + ")" }
            }
            let code: Int
            if case .int(let c)? = s["code"] { code = c } else { code = r.status }
            return KubeError(status: code, reason: reason, message: message, operation: operation)
        }
        return KubeError(status: r.status, reason: reason(for: r.status), message: "HTTP \(r.status)", operation: operation)
    }

    static func reason(for status: Int) -> String {
        switch status {
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 409: return "Conflict"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        default: return status >= 500 ? "InternalError" : "BadRequest"
        }
    }

    static func hint(status: Int, reason: String) -> String {
        switch reason {
        case "Unauthorized":
            return "the token in the kubeconfig was refused: it may have expired or belong to another cluster; fetch a fresh kubeconfig"
        case "Forbidden":
            return "the kubeconfig's user lacks the RBAC rights for this (kubectl auth can-i shows them); use an admin kubeconfig or add a Role/ClusterRole binding"
        case "NotFound":
            return "check the name and the namespace (and that the namespace exists)"
        case "AlreadyExists":
            return "an object of this name exists already (created concurrently?); run again to adopt it"
        case "Conflict":
            return "the object changed since it was read; run again: the next read gets a fresh resourceVersion"
        case "Invalid":
            return "fix the field named in the message"
        case "UnsupportedMediaType":
            return "the server does not accept this patch type for this kind (custom resources take merge patches)"
        default:
            if status >= 500 { return "the API server failed; run again (ensure is idempotent)" }
            return "see the message; run with --debug to see the exchange"
        }
    }

    public var description: String { "\(operation): \(message) (\(reason), HTTP \(status))" }
}
