import CloudWire
import Documents
import Foundation

/// A kubeconfig file as kubectl reads it: clusters, users, contexts and the current context.
/// Only what a client needs to reach one cluster is kept; `resolve(context:)` turns one context
/// into a server, TLS trust and credentials, with an error that names the file and the entry when
/// something is missing.
public struct KubeConfig {
    public struct Cluster {
        public var name: String
        public var server: String?
        /// `certificate-authority-data`, decoded (PEM bytes).
        public var caData: Data?
        /// `certificate-authority`, a path (relative paths are relative to the kubeconfig).
        public var caFile: String?
        public var insecureSkipTLSVerify = false
        public var proxyURL: String?
    }

    public struct User {
        public var name: String
        public var token: String?
        public var tokenFile: String?
        public var clientCertificateData: Data?
        public var clientCertificate: String?
        public var clientKeyData: Data?
        public var clientKey: String?
        public var username: String?
        public var password: String?
        /// `exec` (credential plugins) or `auth-provider`: not supported yet.
        public var unsupported: String?
    }

    public struct Context {
        public var name: String
        public var cluster: String
        public var user: String
        public var namespace: String?
    }

    public var clusters: [Cluster] = []
    public var users: [User] = []
    public var contexts: [Context] = []
    public var currentContext: String?
    /// Where it was read from (for messages and relative paths).
    public var source: String
    public var directory: String

    /// Every secret in the file (token, password, key, cert data), to register with the redactor.
    public var secrets: [String] {
        users.flatMap { u -> [String] in
            [u.token, u.password, u.clientKeyData.map { String(decoding: $0, as: UTF8.self) }].compactMap { $0 }
        }
    }

    /// The default kubeconfig: `$KUBECONFIG` (its first file), else `~/.kube/config`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let k = environment["KUBECONFIG"], !k.isEmpty, let first = k.split(separator: ":").first { return String(first) }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.kube/config"
    }

    /// Reads and parses a kubeconfig file (`~` expanded).
    public static func load(path: String) throws -> KubeConfig {
        let full = (path as NSString).expandingTildeInPath
        guard FileManager.default.fileExists(atPath: full) else {
            throw KubeConfigError("no kubeconfig at \(path)", hint: "pass kubeconfig: \"path/to/kubeconfig\" (for the simulator: vcdscript sim kube kubeconfig NAME > kc)")
        }
        guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
            throw KubeConfigError("cannot read the kubeconfig \(path)", hint: "check that the file is readable and UTF-8 text")
        }
        return try parse(text, source: path, directory: (full as NSString).deletingLastPathComponent)
    }

    /// Parses kubeconfig YAML (read through the YAML bridge with YAML 1.1 scalars, as client-go
    /// reads it). `source` names it in messages.
    public static func parse(_ text: String, source: String = "kubeconfig", directory: String = FileManager.default.currentDirectoryPath) throws -> KubeConfig {
        let loaded: JSONValue
        do {
            loaded = try YAMLReader.document(text, schema: .yaml11)
        } catch {
            let why = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw KubeConfigError("the kubeconfig \(source) is not valid YAML: \(why)", hint: "check its indentation (kubectl config view --kubeconfig \(source) shows what kubectl reads)")
        }
        guard case .object = loaded else {
            throw KubeConfigError("the kubeconfig \(source) is not a YAML map (kind: Config)", hint: "a kubeconfig has clusters:, users:, contexts: and current-context:")
        }
        let root = loaded
        if let kind = root["kind"]?.stringValue, kind != "Config" {
            throw KubeConfigError("the kubeconfig \(source) has kind: \(kind), not Config", hint: "is this a manifest rather than a kubeconfig?")
        }
        var c = KubeConfig(source: source, directory: directory)
        c.currentContext = root["current-context"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        func entries(_ key: String, _ inner: String) throws -> [(String, JSONValue)] {
            guard let v = root[key], v != .null else { return [] }
            guard case .array(let list) = v else { throw KubeConfigError("the kubeconfig \(source): \(key) must be a list", hint: nil) }
            return try list.enumerated().map { i, e in
                guard case .object = e, let name = e["name"]?.stringValue else {
                    throw KubeConfigError("the kubeconfig \(source): entry \(i + 1) of \(key) has no name", hint: "each entry is - name: ... with a \(inner): map")
                }
                if case .object? = e[inner] { return (name, e[inner]!) }
                return (name, .object([:]))
            }
        }
        func data(_ m: JSONValue, _ key: String, _ what: String) throws -> Data? {
            guard let s = m[key]?.stringValue, !s.isEmpty else { return nil }
            guard let d = Data(base64Encoded: s.filter { !$0.isWhitespace }) else {
                throw KubeConfigError("the kubeconfig \(source): \(key) of \(what) is not base64", hint: "the *-data fields hold base64 of the PEM text")
            }
            return d
        }
        for (name, m) in try entries("clusters", "cluster") {
            c.clusters.append(Cluster(name: name, server: m["server"]?.stringValue, caData: try data(m, "certificate-authority-data", "cluster \(name)"),
                                      caFile: m["certificate-authority"]?.stringValue, insecureSkipTLSVerify: Self.bool(m["insecure-skip-tls-verify"]),
                                      proxyURL: m["proxy-url"]?.stringValue))
        }
        for (name, m) in try entries("users", "user") {
            var u = User(name: name)
            u.token = m["token"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            u.tokenFile = m["tokenFile"]?.stringValue ?? m["token-file"]?.stringValue
            u.clientCertificateData = try data(m, "client-certificate-data", "user \(name)")
            u.clientCertificate = m["client-certificate"]?.stringValue
            u.clientKeyData = try data(m, "client-key-data", "user \(name)")
            u.clientKey = m["client-key"]?.stringValue
            u.username = m["username"]?.stringValue
            u.password = m["password"]?.stringValue
            if let exec = m["exec"] { u.unsupported = "an exec credential plugin (\(exec["command"]?.stringValue ?? "exec"))" }
            if let provider = m["auth-provider"] { u.unsupported = "an auth-provider (\(provider["name"]?.stringValue ?? "?"))" }
            c.users.append(u)
        }
        for (name, m) in try entries("contexts", "context") {
            c.contexts.append(Context(name: name, cluster: m["cluster"]?.stringValue ?? "", user: m["user"]?.stringValue ?? "",
                                      namespace: m["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }))
        }
        return c
    }

    static func bool(_ v: JSONValue?) -> Bool {
        if case .bool(let b)? = v { return b }
        if let s = v?.stringValue { return ["true", "yes", "1"].contains(s.lowercased()) }
        return false
    }

    /// A path from the file, relative to its folder, `~` expanded.
    func path(_ p: String) -> String {
        let e = (p as NSString).expandingTildeInPath
        return e.hasPrefix("/") ? e : directory + "/" + e
    }

    /// The bytes of a file a kubeconfig entry names (`certificate-authority`, `tokenFile`,
    /// `client-certificate`, `client-key`), or an error naming the entry and the path.
    func file(_ p: String, _ field: String, of owner: String) throws -> Data {
        guard let d = FileManager.default.contents(atPath: path(p)) else {
            throw KubeConfigError("cannot read \(field) \(p) of \(owner) (looked at \(path(p)))",
                                  hint: "a relative path is taken from the kubeconfig's folder, \(directory)")
        }
        return d
    }

    /// One context made concrete: where to go, what to trust, who to be.
    public func resolve(context name: String? = nil) throws -> ResolvedKubeConfig {
        let names = contexts.map(\.name)
        guard let wanted = name ?? currentContext else {
            throw KubeConfigError("the kubeconfig \(source) has no current-context, and no context was given",
                                  hint: names.isEmpty ? "the file defines no contexts" : "pass context: one of \(names.joined(separator: ", "))")
        }
        guard let ctx = contexts.first(where: { $0.name == wanted }) else {
            throw KubeConfigError("the kubeconfig \(source) has no context named \(wanted)",
                                  hint: names.isEmpty ? "the file defines no contexts" : "known contexts: \(names.joined(separator: ", "))")
        }
        guard let cl = clusters.first(where: { $0.name == ctx.cluster }) else {
            throw KubeConfigError("context \(wanted) of the kubeconfig \(source) names cluster \(ctx.cluster.isEmpty ? "(none)" : ctx.cluster), which the file does not define",
                                  hint: "known clusters: \(clusters.map(\.name).joined(separator: ", "))")
        }
        guard let server = cl.server, !server.isEmpty else {
            throw KubeConfigError("cluster \(cl.name) of the kubeconfig \(source) has no server", hint: "add server: https://HOST:6443")
        }
        guard let user = users.first(where: { $0.name == ctx.user }) else {
            throw KubeConfigError("context \(wanted) of the kubeconfig \(source) names user \(ctx.user.isEmpty ? "(none)" : ctx.user), which the file does not define",
                                  hint: "known users: \(users.map(\.name).joined(separator: ", "))")
        }
        if let why = user.unsupported {
            throw KubeConfigError("user \(user.name) of the kubeconfig \(source) authenticates with \(why): not supported yet",
                                  hint: "use a kubeconfig with a token or a client certificate (e.g. a ServiceAccount token, or clusterctl get kubeconfig)")
        }
        var r = ResolvedKubeConfig(contextName: wanted, clusterName: cl.name, userName: user.name, server: server,
                                   namespace: ctx.namespace ?? "default")
        r.insecure = cl.insecureSkipTLSVerify
        r.caPEM = try cl.caData ?? cl.caFile.map { try file($0, "certificate-authority", of: "cluster \(cl.name)") }
        r.token = try user.token ?? user.tokenFile.map {
            String(decoding: try file($0, "tokenFile", of: "user \(user.name)"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        r.clientCertificatePEM = try user.clientCertificateData ?? user.clientCertificate.map { try file($0, "client-certificate", of: "user \(user.name)") }
        r.clientKeyPEM = try user.clientKeyData ?? user.clientKey.map { try file($0, "client-key", of: "user \(user.name)") }
        if (r.clientCertificatePEM == nil) != (r.clientKeyPEM == nil) {
            throw KubeConfigError("user \(user.name) of the kubeconfig \(source) has a client certificate without its key (or a key without its certificate)",
                                  hint: "give both client-certificate(-data) and client-key(-data)")
        }
        if let u = user.username, let p = user.password { r.basic = (u, p) }
        if r.token == nil && r.clientCertificatePEM == nil && r.basic == nil {
            throw KubeConfigError("user \(user.name) of the kubeconfig \(source) has no credentials (token, tokenFile or client certificate)",
                                  hint: "add token: or client-certificate-data: and client-key-data:")
        }
        return r
    }
}

/// One context of a kubeconfig, made concrete.
public struct ResolvedKubeConfig {
    public var contextName: String
    public var clusterName: String
    public var userName: String
    /// The API server's base URL, with any path prefix (`https://127.0.0.1:18446/clusters/wc`).
    public var server: String
    /// The context's namespace, else `default`.
    public var namespace: String
    public var insecure = false
    public var caPEM: Data?
    public var token: String?
    public var clientCertificatePEM: Data?
    public var clientKeyPEM: Data?
    public var basic: (user: String, password: String)?

    public init(contextName: String, clusterName: String, userName: String, server: String, namespace: String) {
        self.contextName = contextName
        self.clusterName = clusterName
        self.userName = userName
        self.server = server
        self.namespace = namespace
    }

    /// Registers the token, password and private key with the redactor.
    public func registerSecrets(_ redactor: SecretRedactor = .shared) {
        for s in [token, basic?.password, clientKeyPEM.map { String(decoding: $0, as: UTF8.self) }].compactMap({ $0 }) where !s.isEmpty {
            redactor.register(s)
        }
    }

    /// libcurl settings for this cluster (trust, client certificate).
    public func curlOptions(_ base: CurlTransportOptions = CurlTransportOptions()) -> CurlTransportOptions {
        var o = base
        o.insecure = insecure
        o.caPEM = caPEM
        o.clientCertificatePEM = clientCertificatePEM
        o.clientKeyPEM = clientKeyPEM
        return o
    }
}

/// A kubeconfig that cannot be used, saying which file and which entry.
public struct KubeConfigError: Error, CustomStringConvertible {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String?) {
        self.message = message
        self.hint = hint
    }
    public var description: String { message }
}
