import Foundation

/// What `connect(...)` (or the command line) asks for. Secrets are clear text only in here, on
/// their way to the login; they are registered with the redactor first.
public struct ConnectRequest {
    /// nil: the embedded simulator.
    public var url: String?
    public var org: String?
    public var user: String?
    public var password: String?
    public var apiToken: String?
    public var providerUser: String?
    public var providerPassword: String?
    public var insecure: Bool = false
    public var caFile: String?
    public init() {}

    /// The environment as the Terraform VCD provider names it (`VCD_URL`, `VCD_ORG`, `VCD_USER`,
    /// `VCD_PASSWORD`, `VCD_API_TOKEN`, `VCD_ALLOW_UNVERIFIED_SSL`), plus `VCD_PROVIDER_USER` /
    /// `VCD_PROVIDER_PASSWORD` for a System session beside the tenant one, and `VCD_CA_FILE`.
    public static func fromEnvironment(_ env: [String: String]) -> ConnectRequest {
        ConnectRequest { key in
            let name = key == "insecure" ? "VCD_ALLOW_UNVERIFIED_SSL" : "VCD_" + key.uppercased()
            return env[name].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Fills a request from one source of settings (the environment, a profile). `setting` is
    /// asked for each key in its profile spelling — `url org user password api_token
    /// provider_user provider_password ca_file insecure` — and answers nil when it is not set.
    public init(settings setting: (String) -> String?) {
        self.init()
        url = setting("url")
        org = setting("org")
        user = setting("user")
        password = setting("password")
        apiToken = setting("api_token")
        providerUser = setting("provider_user")
        providerPassword = setting("provider_password")
        caFile = setting("ca_file")
        insecure = ["1", "true", "yes"].contains((setting("insecure") ?? "").lowercased())
    }

    /// Registers every secret with the redactor (before any request or message can carry it).
    public func registerSecrets(_ redactor: SecretRedactor = .shared) {
        for s in [password, apiToken, providerPassword].compactMap({ $0 }) where !s.isEmpty { redactor.register(s) }
    }
}

/// Options of the engines a connector builds.
public struct EngineOptions {
    public var mode: EngineMode = .apply
    public var report: (String) -> Void = { print($0) }
    /// `--debug`: the redacted wire log.
    public var debugSink: ((String) -> Void)?
    public var retry: RetryPolicy? = RetryPolicy()
    /// Task progress (`what`, percent), e.g. to a terminal's stderr.
    public var progress: ((String, Int) -> Void)?
    public init() {}
}

public enum ScriptCloud {
    /// Builds an engine for a real site (or `sim serve`) over libcurl: tenant session, and a provider
    /// session when provider credentials are given (or the user is a System user).
    public static func realEngine(_ r: ConnectRequest, options: EngineOptions) throws -> Engine {
        guard let url = r.url else { throw EngineError("no site URL", hint: "pass --target URL or set VCD_URL") }
        r.registerSecrets()
        let base = CurlTransport(options: CurlTransportOptions(insecure: r.insecure, caFile: r.caFile))
        let transport = TransportStack.wrap(base, retry: options.retry, debugSink: options.debugSink)
        return try engine(url: url, transport: transport, request: r, options: options)
    }

    /// An engine over any transport (the executable passes the in-process simulator).
    public static func engine(url: String, transport: HTTPTransport, request r: ConnectRequest, options: EngineOptions) throws -> Engine {
        r.registerSecrets()
        let org = r.org ?? "System"
        let method: VCDCredentials.Method
        if let t = r.apiToken { method = .apiToken(t) } else if let u = r.user, let p = r.password { method = .password(user: u, password: p) } else {
            throw EngineError("no credentials for \(url)", hint: "set VCD_USER and VCD_PASSWORD, or VCD_API_TOKEN (and VCD_ORG)")
        }
        let tenant = VCDClient(baseURL: url, transport: transport, credentials: VCDCredentials(org: org, method: method))
        var provider: VCDClient? = nil
        if let pu = r.providerUser, let pp = r.providerPassword {
            provider = VCDClient(baseURL: url, transport: transport, credentials: VCDCredentials(org: "System", method: .password(user: pu, password: pp)))
        }
        tenant.onTaskProgress = options.progress
        provider?.onTaskProgress = options.progress
        return Engine(tenant: tenant, provider: provider, mode: options.mode, report: options.report)
    }

    /// Predeclares `cloud` and `connect(...)`. `connector` opens an engine for a request (the
    /// executable decides what no URL means: the embedded simulator).
    public static func install(_ interp: Interpreter, cloud: CloudObject, connector: @escaping (ConnectRequest) throws -> Engine) {
        _ = Types.everything
        interp.define("cloud", .object(cloud))
        interp.define(NativeFunction("connect", params: [
            Parameter("url", default: .null, doc: "site URL; none: the embedded simulator"),
            Parameter("org", default: .null), Parameter("user", default: .null), Parameter("password", default: .null, doc: "a secret(...)"),
            Parameter("apiToken", default: .null, doc: "a secret(...)"), Parameter("insecure", default: .bool(false)),
            Parameter("caFile", default: .null), Parameter("providerUser", default: .null), Parameter("providerPassword", default: .null),
            Parameter("profile", default: .null, doc: "a named profile of the config file (refused if others can read it)"),
        ], doc: "Connects to a site (or the embedded simulator) and returns a cloud object.") { a, ctx in
            if let profile = try a.optString("profile") {
                let r = try host(ctx) { try Profiles.load(profile) }
                return .object(CloudObject(site: r.url ?? profile) { try connector(r) })
            }
            var r = ConnectRequest()
            r.url = try a.optString("url")
            r.org = try a.optString("org")
            r.user = try a.optString("user")
            if a.has("password") { r.password = try a.credential(3) }
            if a.has("apiToken") { r.apiToken = try a.credential(4) }
            r.insecure = try a.bool(5)
            r.caFile = try a.optString("caFile")
            r.providerUser = try a.optString("providerUser")
            if a.has("providerPassword") { r.providerPassword = try a.credential(8) }
            r.registerSecrets()
            let req = r
            return .object(CloudObject(site: r.url ?? "embedded simulator") { try connector(req) })
        })
    }
}
