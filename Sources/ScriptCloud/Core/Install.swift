import Foundation
import CloudClient
import CloudWire
import Provisioning
import VCDScript

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
    /// The NSX-T Manager (Policy API), for the steps VCD does not expose (Tier-1 route
    /// advertisement types). nil: those steps say how to configure it.
    public var nsxURL: String?
    public var nsxUser: String?
    public var nsxPassword: String?
    /// The NSX ALB (Avi) controller, for controller-side service engine groups.
    public var albURL: String?
    public var albUser: String?
    public var albPassword: String?
    public init() {}

    /// The environment as the Terraform VCD provider names it (`VCD_URL`, `VCD_ORG`, `VCD_USER`,
    /// `VCD_PASSWORD`, `VCD_API_TOKEN`, `VCD_ALLOW_UNVERIFIED_SSL`), plus `VCD_PROVIDER_USER` /
    /// `VCD_PROVIDER_PASSWORD` for a System session beside the tenant one, and `VCD_CA_FILE`.
    /// The NSX-T Manager and the ALB controller as their Terraform providers name them:
    /// `NSXT_MANAGER_HOST`, `NSXT_USERNAME`, `NSXT_PASSWORD`; `AVI_CONTROLLER`, `AVI_USERNAME`,
    /// `AVI_PASSWORD` (a bare host name means https).
    public static func fromEnvironment(_ env: [String: String]) -> ConnectRequest {
        ConnectRequest { key in
            let name = environmentNames[key] ?? "VCD_" + key.uppercased()
            return env[name].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Environment names that do not follow `VCD_<KEY>`.
    public static let environmentNames = [
        "insecure": "VCD_ALLOW_UNVERIFIED_SSL",
        "nsx_url": "NSXT_MANAGER_HOST", "nsx_user": "NSXT_USERNAME", "nsx_password": "NSXT_PASSWORD",
        "alb_url": "AVI_CONTROLLER", "alb_user": "AVI_USERNAME", "alb_password": "AVI_PASSWORD",
    ]

    /// Fills a request from one source of settings (the environment, a profile). `setting` is
    /// asked for each key in its profile spelling — `url org user password api_token
    /// provider_user provider_password ca_file insecure nsx_url nsx_user nsx_password alb_url
    /// alb_user alb_password` — and answers nil when it is not set.
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
        nsxURL = setting("nsx_url").map(Self.siteURL)
        nsxUser = setting("nsx_user")
        nsxPassword = setting("nsx_password")
        albURL = setting("alb_url").map(Self.siteURL)
        albUser = setting("alb_user")
        albPassword = setting("alb_password")
    }

    /// `nsx.lab.example` → `https://nsx.lab.example` (the Terraform providers take host names).
    public static func siteURL(_ hostOrURL: String) -> String {
        hostOrURL.contains("://") ? hostOrURL : "https://" + hostOrURL
    }

    /// Registers every secret with the redactor (before any request or message can carry it).
    public func registerSecrets(_ redactor: SecretRedactor = .shared) {
        for s in [password, apiToken, providerPassword, nsxPassword, albPassword].compactMap({ $0 }) where !s.isEmpty { redactor.register(s) }
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
    /// `--timeout`: how long to wait for one VCD task (deploys, gateway creation) before failing
    /// with a timeout error; nil keeps the client's default (10 minutes).
    public var taskTimeout: Double?
    /// The run's mutation gate, shared with `kube.connect` (nil: the engine makes its own from
    /// `mode` and `report`).
    public var gate: MutationGate?
    /// The clock the engine's waits (task polls, create retries) pass on: the wall clock for a real
    /// site or `sim serve`, the simulated world's clock for the embedded simulator. The transport's
    /// retries take theirs from `TransportStack.wrap(clock:)`.
    public var clock: WaitClock = WallClock.shared
    public init() {}
}

public enum ScriptCloud {
    /// Builds an engine for a real site (or `sim serve`) over libcurl: tenant session, and a provider
    /// session when provider credentials are given (or the user is a System user).
    public static func realEngine(_ r: ConnectRequest, options: EngineOptions) throws -> Engine {
        guard let url = r.url else { throw EngineError("no site URL", hint: "pass --target URL or set VCD_URL") }
        r.registerSecrets()
        let base = CurlTransport(options: CurlTransportOptions(insecure: r.insecure, caFile: r.caFile))
        let transport = TransportStack.wrap(base, retry: options.retry, debugSink: options.debugSink, clock: options.clock)
        let e = try engine(url: url, transport: transport, request: r, options: options)
        try attachNSXAndALB(e, r, transport: transport)
        return e
    }

    /// Gives the engine the NSX-T Manager and ALB controller clients the request configures (they
    /// share the site's transport: the same trust settings, retries and debug log). A URL without
    /// credentials is an error now rather than a 401 halfway through a runbook.
    public static func attachNSXAndALB(_ e: Engine, _ r: ConnectRequest, transport: HTTPTransport) throws {
        if let u = r.nsxURL {
            guard let user = r.nsxUser, let password = r.nsxPassword else {
                throw EngineError("the NSX-T Manager \(u) is configured without credentials",
                                  hint: "set NSXT_USERNAME and NSXT_PASSWORD (or nsx_user / nsx_password_env in the profile)")
            }
            e.nsx = NSXClient(baseURL: u, transport: transport, user: user, password: password)
        }
        if let u = r.albURL {
            guard let user = r.albUser, let password = r.albPassword else {
                throw EngineError("the ALB controller \(u) is configured without credentials",
                                  hint: "set AVI_USERNAME and AVI_PASSWORD (or alb_user / alb_password_env in the profile)")
            }
            e.alb = ALBClient(baseURL: u, transport: transport, user: user, password: password)
        }
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
        tenant.clock = options.clock
        provider?.clock = options.clock
        if let t = options.taskTimeout {
            tenant.taskTimeout = t
            provider?.taskTimeout = t
        }
        let engine = Engine(tenant: tenant, provider: provider, mode: options.mode, report: options.report, gate: options.gate)
        engine.clock = options.clock
        return engine
    }

    /// Predeclares `cloud` and `connect(...)`. `connector` opens an engine for a request (the
    /// executable decides what no URL means: the embedded simulator).
    /// Predeclares `kube` too: `kube.connect(kubeconfig:, context:)`, with `kube`'s gate (when it
    /// has none: a gate of its own in apply mode, reporting to the interpreter's output).
    public static func install(_ interp: Interpreter, cloud: CloudObject, kube: KubeWiring = KubeWiring(),
                               connector: @escaping (ConnectRequest) throws -> Engine) {
        _ = Types.everything
        interp.define("cloud", .object(cloud))
        interp.register(types: CloudTypes.all)
        let output = interp.options.output
        let kubeGate = kube.gate ?? MutationGate(mode: .apply, report: { output($0) })
        LocalEffectsGate.install(interp, gate: kubeGate)
        interp.define("kube", .object(KubeNamespaceObject(wiring: kube, gate: kubeGate)))
        interp.define("kind", .object(KindNamespaceObject(env: ClusterEnv(wiring: kube, gate: kubeGate, tooling: kube.clusters ?? ProcessClusterTooling(), cloud: cloud))))
        let connect = NativeFunction("connect", params: [
            Parameter("url", default: .null, doc: "site URL; none: the embedded simulator"),
            Parameter("org", default: .null), Parameter("user", default: .null), Parameter("password", default: .null, doc: "a secret(...)"),
            Parameter("apiToken", default: .null, doc: "a secret(...)"), Parameter("insecure", default: .bool(false)),
            Parameter("caFile", default: .null), Parameter("providerUser", default: .null), Parameter("providerPassword", default: .null),
            Parameter("profile", default: .null, doc: "a named profile of the config file (refused if others can read it)"),
            Parameter("nsxUrl", default: .null, doc: "NSX-T Manager (Policy API) URL or host"), Parameter("nsxUser", default: .null),
            Parameter("nsxPassword", default: .null, doc: "a secret(...)"),
            Parameter("albUrl", default: .null, doc: "NSX ALB controller URL or host"), Parameter("albUser", default: .null),
            Parameter("albPassword", default: .null, doc: "a secret(...)"),
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
            r.nsxURL = try a.optString("nsxUrl").map(ConnectRequest.siteURL)
            r.nsxUser = try a.optString("nsxUser")
            if a.has("nsxPassword") { r.nsxPassword = try a.credential(12) }
            r.albURL = try a.optString("albUrl").map(ConnectRequest.siteURL)
            r.albUser = try a.optString("albUser")
            if a.has("albPassword") { r.albPassword = try a.credential(15) }
            r.registerSecrets()
            let req = r
            return .object(CloudObject(site: r.url ?? "embedded simulator") { try connector(req) })
        }
        connect.returns = .native("cloud")
        interp.define(connect)
    }
}
