import CloudWire
import Foundation
import Logging

/// The embedded simulator of VCD, NSX-T Policy, NSX ALB and the Kubernetes API of the simulated
/// clusters (one route table per service): request in, response out.
///
/// Synchronous and thread-safe. The world lives in memory, mirrored in one SQLite file (WAL) that
/// every accepted change reaches before it is answered, so a restart (even after `kill -9`) finds
/// every acknowledged write. The same `handle` serves the in-process transport and `SimulatorServer`.
///
/// ```swift
/// let sim = try Simulator(statePath: "/tmp/sim.sqlite", options: SimulatorOptions())
/// let login = sim.handle(HTTPRequestMessage(method: "POST", target: "/cloudapi/1.0.0/sessions",
///                                           headers: ["Authorization": "Basic ..."]), service: .vcd)
/// ```
public final class Simulator: @unchecked Sendable {
    public let statePath: String
    public let options: SimulatorOptions
    /// The simulated world's clock (tasks, guests, sessions, controllers). On the embedded simulator
    /// the engine waits on it too (`VirtualClock` is a `WaitClock`), so waiting moves it forward;
    /// tests advance it instead of sleeping.
    public let clock: VirtualClock

    let store: Store
    private(set) var world: WorldState
    let worldLock = RWLock()
    let sessions = SessionRegistry()
    /// The session tokens the simulated controllers (CAPVCD, CPI) keep in memory (CAPI/VCDControllerClient.swift).
    let controllerSessions = ControllerSessions()
    /// Derives the simulated clusters' bearer tokens (the state keeps only their digests).
    let kubeTokens: KubeClusterTokens
    /// The Kubernetes watch history of every cluster (in memory: a restart starts without it).
    let watchHub = KubeWatchHub()
    /// Last use of each ALB controller session (idle expiry), counted from this start at the earliest.
    let albActivity: IdleTracker
    /// Last use of each VCD session (idle expiry after `options.sessionIdleTimeout`).
    let vcdActivity: IdleTracker
    private(set) var tasks: TaskService!
    let faultInjector: FaultInjector?
    private var tables: [SimService: RouteTable] = [:]
    private let logger = Logger(label: "vcdscript.sim")

    private let statsLock = NSLock()
    private var stats = SimCounters()
    private var persistedStats = SimCounters()
    private var lastFlush = Date()
    private var log: [RequestLogEntry] = []
    private let logCapacity = 1000
    private var roleRightsCache: [String: (Int, Set<String>)] = [:]

    /// Opens (or creates and seeds) the state at `statePath`. `clock`: the clock to keep the world's
    /// time on (the embedded wiring passes the one its waits use); it is first moved forward to the
    /// time the state was last written at, so that time never runs backwards across runs.
    public init(statePath: String, options: SimulatorOptions = SimulatorOptions(), clock: VirtualClock = VirtualClock()) throws {
        self.statePath = statePath
        self.options = options
        self.clock = clock
        store = try Store(path: statePath)
        kubeTokens = try KubeClusterTokens(forState: statePath)
        world = WorldState(objects: try store.loadAll(), meta: try store.loadMeta(), watchHub: watchHub)
        if let last = world.meta(Store.clockKey).flatMap(Double.init) { clock.advance(to: last) }
        store.clockReading = { [clock] in clock.now() }
        faultInjector = options.faults.map(FaultInjector.init)
        vcdActivity = IdleTracker(timeout: options.sessionIdleTimeout, startedAt: clock.now())
        albActivity = IdleTracker(timeout: ALBRoutes.idleTimeout, startedAt: clock.now())
        tasks = TaskService(sim: self)
        for s in SimService.allCases { tables[s] = RouteTable() }
        VCDRoutes.register(into: tables[.vcd]!)
        NSXRoutes.register(into: tables[.nsx]!)
        ALBRoutes.register(into: tables[.alb]!)
        KubeRoutes.register(into: tables[.kube]!)
        HostRoutes.register(into: tables[.kube]!)
        if world.meta(Seed.markerKey) == nil {
            try reseed(password: options.initialPassword)
        } else {
            try upgradeSecretsAtRest()
        }
        stats.reads = Int(world.meta("counter.reads") ?? "") ?? 0
        stats.writes = Int(world.meta("counter.writes") ?? "") ?? 0
        stats.auth = Int(world.meta("counter.auth") ?? "") ?? 0
        persistedStats = stats
        sessions.load(from: world)
        tasks.load(from: world, now: clock.now())
    }

    deinit { try? flush() }

    /// The route table of a service, for families added by other files (NSX, ALB).
    func routes(_ service: SimService) -> RouteTable { tables[service]! }

    /// The route template (`/cloudapi/1.0.0/entities/{id}`) that answers `method path` on
    /// `service`, or nil when none does: what a request log entry was, for tests and reports.
    public func routeTemplate(_ service: SimService, method: String, path: String) -> String? {
        guard case .found(let route, _) = tables[service]!.lookup(method: method, path: path) else { return nil }
        return route.pattern
    }

    // MARK: Public API

    /// Answers one request addressed to `service`. Injected latency passes on the simulated clock
    /// (in-process, nothing sleeps; `SimulatorServer` holds the answer back for real).
    ///
    /// A Kubernetes watch (`GET …?watch=true`) answers at once with the events available now (the
    /// current objects as `ADDED`, or the events after its resourceVersion) and a closing
    /// `BOOKMARK` when `allowWatchBookmarks` asked for one, then ends: in-process nothing can wait
    /// for later changes; clients watch again from the bookmark. Served, the stream stays open.
    public func handle(_ request: HTTPRequestMessage, service: SimService) -> HTTPResponseMessage {
        let answer = process(request, service: service, baseURL: nil)
        if answer.delay > 0 { clock.advance(seconds: answer.delay) }
        var response = answer.response
        if let w = answer.watch, w.bookmarks { response.body.append(w.bookmark()) }
        return response
    }

    /// Counters of the request log since the state was created (persisted).
    public var counters: SimCounters {
        statsLock.lock(); defer { statsLock.unlock() }
        return stats
    }

    /// Called with every request log entry as it is recorded (`sim serve --access-log` writes
    /// them to a file). Set it before serving; it runs on the request's thread.
    public var onRequestLogged: (@Sendable (RequestLogEntry) -> Void)?

    /// The last requests, at most 1000 (method, path, status; never headers or bodies).
    public var requestLog: [RequestLogEntry] {
        statsLock.lock(); defer { statsLock.unlock() }
        return Array(log.suffix(logCapacity))
    }

    /// The personas of the world with their passwords (for `sim status`). The passwords come from
    /// the owner's copy beside the state (`personas.json`), the state holding only their digests;
    /// a persona missing from it has an empty password.
    public var personas: [Persona] {
        let clear = PersonaPasswords.read(forState: statePath)
        return worldLock.read {
            world.all(Kind.user).compactMap { try? $0.decode(SimUser.self) }.map {
                Persona(org: $0.orgName, user: $0.name, password: clear[$0.id] ?? "", role: $0.roleName, provider: $0.provider)
            }
        }
    }

    /// The tenant org a session goes to when none is named: the org of the first tenant user of
    /// the world (users are kept in the order they were made, so a seeded world answers its
    /// seed's tenant org). Nil when the world has no tenant user.
    public var defaultTenantOrg: String? {
        personas.first { !$0.provider }?.org
    }

    /// The first accounts of the NSX-T Manager and of the ALB controller (`admin`, as both products
    /// name it), with the provider persona's password (for `sim status` and `sim env`).
    public var servicePersonas: [Persona] {
        guard let admin = personas.first(where: { $0.provider }) else { return [] }
        return [Persona(org: "", user: ProviderCredentials.productAdmin, password: admin.password, role: "Enterprise Admin", provider: false, service: "nsx"),
                Persona(org: "", user: ProviderCredentials.productAdmin, password: admin.password, role: "System-Admin", provider: false, service: "alb")]
    }

    /// Recreates the seeded world. Every persona gets `password`, or a new random one when nil.
    /// Sessions, tasks and everything created since are gone.
    public func reset(password: String? = nil) throws {
        try reseed(password: password)
        sessions.removeAll()
        tasks.load(from: world, now: clock.now())
        statsLock.lock(); stats = SimCounters(); persistedStats = stats; statsLock.unlock()
    }

    /// Writes the counters to the state file (also done with every change and every few seconds).
    public func flush() throws {
        statsLock.lock()
        let s = stats
        let dirty = s != persistedStats
        statsLock.unlock()
        guard dirty else { return }
        try worldLock.write {
            let tx = WriteTx(base: world, now: clock.now())
            Self.putCounters(tx, s)
            try store.commit(upserts: [], deletions: [], meta: tx.metaChanges, wipe: false)
            world.apply(tx)
        }
        statsLock.lock(); persistedStats = s; lastFlush = Date(); statsLock.unlock()
    }

    /// Records where a server listens and, for HTTPS, the certificate it presents (shown by
    /// `sim status`); nil clears both when the server stops.
    public func recordEndpoints(_ endpoints: [SimService: String]?, certificate: String? = nil) throws {
        try worldLock.write {
            let tx = WriteTx(base: world, now: clock.now())
            for s in SimService.allCases { tx.setMeta("endpoint.\(s.rawValue)", endpoints?[s] ?? "") }
            tx.setMeta("endpoint.certificate", endpoints == nil ? "" : certificate ?? "")
            try store.commit(upserts: [], deletions: [], meta: tx.metaChanges, wipe: false)
            world.apply(tx)
        }
    }

    /// Endpoints recorded by the last server that ran on this state (empty when none runs).
    public var recordedEndpoints: [SimService: String] {
        worldLock.read {
            var out: [SimService: String] = [:]
            for s in SimService.allCases { if let v = world.meta("endpoint.\(s.rawValue)"), !v.isEmpty { out[s] = v } }
            return out
        }
    }

    /// The certificate file the running HTTPS server presents (nil when none runs or it serves HTTP).
    public var recordedCertificate: String? {
        worldLock.read { world.meta("endpoint.certificate").flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// `PRAGMA integrity_check` of the state file ("ok" when sound).
    public func integrityCheck() throws -> String { try store.integrityCheck() }

    /// Number of stored objects of a kind (tests, status).
    public func count(kind: String) -> Int { worldLock.read { world.ids(kind).count } }

    /// The default state file: `$VCDSCRIPT_HOME/sim/state.sqlite`, else under `$XDG_DATA_HOME/vcdscript`
    /// or `~/.local/share/vcdscript`.
    public static func defaultStatePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home: String
        if let h = environment["VCDSCRIPT_HOME"], !h.isEmpty { home = h } else if let x = environment["XDG_DATA_HOME"], !x.isEmpty {
            home = (x as NSString).appendingPathComponent("vcdscript")
        } else {
            home = (NSHomeDirectory() as NSString).appendingPathComponent(".local/share/vcdscript")
        }
        return (home as NSString).appendingPathComponent("sim/state.sqlite")
    }

    // MARK: Processing

    /// What `process` answers: the response, how long to hold it back (injected latency) so the
    /// server can wait without blocking a thread, and the watch a Kubernetes watch request opened.
    struct Answer {
        var response: HTTPResponseMessage
        var delay: Double
        /// Set for a served watch to stream after `response`'s body (nil once the stream is over,
        /// e.g. after a 410 `ERROR` event).
        var watch: KubeWatch?
    }

    /// Answers a request (see `Answer`).
    func process(_ request: HTTPRequestMessage, service: SimService, baseURL: String?) -> Answer {
        let started = Date()
        let request = service == .kube ? KubeRoutes.prefixed(request, state: self) : request
        // The simulated Cluster API controllers run when a cluster's Kubernetes API is called.
        if service == .kube { advanceClusterAPI(for: request) }
        let requestID = Self.newRequestID()
        let base = baseURL ?? options.baseURLs[service] ?? "https://\(service.rawValue).sim.test"
        var effect: Effect? = nil
        var response: HTTPResponseMessage
        var watch: KubeWatch? = nil
        var user: String? = nil
        // Drawn only for authenticated Kubernetes API calls (anonymous /version and health checks pass).
        let kubeFault = service == .kube && request.headers["Authorization"] != nil ? faultInjector?.drawHTTPStatus() : nil
        // VCD refuses an API version it does not serve before it looks at the path (406).
        let badVersion = service == .vcd ? APIVersions.unsupported(request) : nil
        let lookup = badVersion == nil ? tables[service]!.lookup(method: request.method, path: request.path) : .notFound
        switch lookup {
        case .notFound where badVersion != nil:
            response = errorResponse(badVersion!, requestID: requestID, request: request)
        case .notFound where service == .kube, .methodNotAllowed where service == .kube:
            // Kubernetes clients expect a `Status` object, not VCD's error body.
            response = KubeRoutes.unrouted(request)
        case .notFound:
            // NSX and ALB are subsets: say so, so that a client hitting a path we do not simulate
            // knows it is the simulator's limit, not its own mistake (docs/simulator.md lists them).
            let what = service == .vcd ? "" : " (the simulated \(service == .nsx ? "NSX-T Policy API" : "NSX ALB controller API") does not cover this path; see docs/simulator.md)"
            let message = "No resource at \(request.method) \(request.path)\(what)."
            // NSX clients read NSX's error body (httpStatus, error_code, module_name, error_message).
            response = service == .nsx ? NSXRoutes.error(404, 404, message)
                : errorResponse(SimError(404, VCDMinorError.notFound, message), requestID: requestID, request: request)
        case .methodNotAllowed(let allowed):
            let message = "\(request.method) is not supported on \(request.path)."
            response = service == .nsx ? NSXRoutes.error(405, 405, message)
                : errorResponse(SimError(405, VCDMinorError.methodNotAllowed, message), requestID: requestID, request: request)
            response.headers["Allow"] = allowed.joined(separator: ", ")
        case .found(let route, _) where kubeFault != nil && route.operation == KubeRoutes.operation:
            // `--faults` reaches the clusters' APIs too, as Status objects a Kubernetes client retries on.
            effect = route.effect
            response = KubeRoutes.injectedFault(kubeFault!)
        case .found(let route, let params):
            effect = route.effect
            (response, watch) = run(route, params: params, request: request, base: base, requestID: requestID, user: &user)
        }
        response.headers[VCDHeader.requestID] = requestID
        let latency = faultInjector?.drawLatency() ?? 0
        if user == nil, let b = SessionRegistry.basicCredentials(of: request) { user = "\(b.user)@\(b.org)" }
        record(service: service, request: request, response: response, effect: effect, user: user, seconds: Date().timeIntervalSince(started))
        return Answer(response: response, delay: latency, watch: watch)
    }

    private func run(_ route: Route, params: [String: String], request: HTTPRequestMessage, base: String,
                     requestID: String, user: inout String?) -> (HTTPResponseMessage, KubeWatch?) {
        var session: AuthSession? = nil
        if case .open = route.access {} else {
            // One digest of the token per request: the record found is checked for idleness and resolved as is.
            guard let token = SessionRegistry.token(of: request), let rec = sessions.record(for: token), live(rec),
                  let s = resolve(record: rec) else {
                return (errorResponse(SimError(401, VCDMinorError.unauthorized, "This operation is denied: the request carries no valid session or token."),
                                      requestID: requestID, request: request), nil)
            }
            session = s
            user = "\(s.userName)@\(s.orgName)"
            switch route.access {
            case .right(let r) where !s.holds(r), .provider(let r) where !s.isProvider:
                return (errorResponse(.forbidden(rights: [r], operation: route.operation, target: request.path), requestID: requestID, request: request), nil)
            default: break
            }
        }
        if route.effect != .auth, case .open = route.access {} else if route.effect != .auth, let e = faultInjector?.drawError() {
            return (errorResponse(e, requestID: requestID, request: request), nil)
        }
        do {
            if route.effect == .read {
                return try worldLock.read {
                    let ctx = RequestContext(sim: self, request: request, params: params, session: session, state: world, tx: nil,
                                             base: base, requestID: requestID, route: route)
                    return (try route.handler(ctx), ctx.watch)
                }
            }
            let (resp, after) = try worldLock.write { () throws -> (HTTPResponseMessage, [() -> Void]) in
                let tx = WriteTx(base: world, now: clock.now())
                let ctx = RequestContext(sim: self, request: request, params: params, session: session, state: tx, tx: tx,
                                         base: base, requestID: requestID, route: route)
                let resp = try route.handler(ctx)
                guard (200..<300).contains(resp.status), !tx.isEmpty else { return (resp, []) }
                statsLock.lock()
                var s = stats
                if route.effect == .write { s.writes += 1 } else { s.auth += 1 }
                statsLock.unlock()
                // `record` counts this request after the answer; persist the count it will reach.
                Self.putCounters(tx, s)
                try store.commit(upserts: tx.upserts, deletions: tx.deletions, meta: tx.metaChanges, wipe: tx.wiped)
                world.apply(tx)
                statsLock.lock(); persistedStats = s; statsLock.unlock()
                // Still under the lock: the next writer must see new sessions and busy gateways.
                ctx.afterCommit.forEach { $0() }
                return (resp, [])
            }
            after.forEach { $0() }
            return (resp, nil)
        } catch let e as SimError {
            return (errorResponse(e, requestID: requestID, request: request), nil)
        } catch {
            logger.error("simulator failure on \(request.method) \(request.path): \(error)")
            return (errorResponse(SimError(500, VCDMinorError.internalError, "The simulator failed: \(error)"), requestID: requestID, request: request), nil)
        }
    }

    /// A UUID-shaped request id, unique in this process and unlike those of any other run.
    /// Formatted by hand: `UUID().uuidString.lowercased()` costs tens of µs per request on Linux;
    /// and drawn from `RequestIDs`, not from the system's random source (two system calls).
    static func newRequestID() -> String {
        let (a, b) = requestIDs.next()
        let hex = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { out in
            var n = 0
            for i in 0..<32 {
                if i == 8 || i == 12 || i == 16 || i == 20 { out[n] = UInt8(ascii: "-"); n += 1 }
                let word = i < 16 ? a : b
                out[n] = hex[Int((word >> UInt64((15 - i % 16) * 4)) & 15)]
                n += 1
            }
            return n
        }
    }

    private static let requestIDs = RequestIDs()

    private static func putCounters(_ tx: WriteTx, _ s: SimCounters) {
        tx.setMeta("counter.reads", String(s.reads))
        tx.setMeta("counter.writes", String(s.writes))
        tx.setMeta("counter.auth", String(s.auth))
    }

    private func record(service: SimService, request: HTTPRequestMessage, response: HTTPResponseMessage, effect: Effect?, user: String? = nil, seconds: Double) {
        var minor: String? = nil
        if response.status >= 400, let e = try? JSONDecoder().decode(VCDError.self, from: response.body) { minor = e.minorErrorCode }
        statsLock.lock()
        switch effect {
        case .read?: stats.reads += 1
        case .write?: stats.writes += 1
        case .auth?: stats.auth += 1
        case nil: break
        }
        let entry = RequestLogEntry(time: clock.now(), service: service, method: request.method, path: request.path,
                                    status: response.status, minorErrorCode: minor, seconds: seconds, user: user,
                                    agent: request.headers["User-Agent"])
        log.append(entry)
        if log.count > 2 * logCapacity { log.removeFirst(log.count - logCapacity) }  // trim in chunks, not per request
        // Time-based only: a flush takes the write lock and a commit, too costly per N reads under load.
        let needFlush = stats != persistedStats && Date().timeIntervalSince(lastFlush) > 2
        statsLock.unlock()
        if needFlush { try? flush() }
        onRequestLogged?(entry)
    }

    /// VCD's error answer: JSON for cloudapi, XML `Error` for the legacy `/api` paths.
    func errorResponse(_ e: SimError, requestID: String, request: HTTPRequestMessage) -> HTTPResponseMessage {
        let err = VCDError(minorErrorCode: e.minor, message: "[ \(requestID) ] \(e.message)",
                           stackTrace: "com.vmware.vcloud.api.presentation.service.\(e.minor.lowercased())Exception: \(e.message)")
        var h = HTTPHeaderFields()
        let accept = request.headers["Accept"] ?? ""
        if request.path.hasPrefix("/api/") && !accept.contains("json") {
            h["Content-Type"] = MediaType.error
            return HTTPResponseMessage(status: e.status, headers: h, body: Data(err.xml(majorErrorCode: e.status).utf8))
        }
        h["Content-Type"] = MediaType.json
        return HTTPResponseMessage(status: e.status, headers: h, body: (try? JSONEncoder.vcd().encode(err)) ?? Data())
    }

    // MARK: Sessions

    /// The session of a token if it has not been idle past the timeout; using it counts as a use.
    /// An expired session is dropped from the token map (its row goes at the user's next login).
    func liveSession(token: String) -> SessionRecord? {
        guard let rec = sessions.record(for: token), live(rec) else { return nil }
        return rec
    }

    /// Whether the session `rec` has not been idle past the timeout; using it counts as a use. An
    /// expired one is dropped from the token map.
    private func live(_ rec: SessionRecord) -> Bool {
        guard vcdActivity.touch(rec.id, created: rec.created, now: clock.now()) else {
            sessions.remove(digest: rec.tokenDigest)
            return false
        }
        return true
    }

    /// The caller behind a live session, with the rights of its role now (so role edits apply at once).
    /// Cached per session id (never by the clear token) and revalidated against the versions of the user and of the role's rights,
    /// so the common case decodes nothing.
    private func resolve(record rec: SessionRecord) -> AuthSession? {
        worldLock.read { () -> AuthSession? in
            guard let userObj = world.get(rec.userId) else { return nil }
            cacheLock.lock()
            let cached = sessionCache[rec.id]
            cacheLock.unlock()
            if let c = cached, c.userVersion == userObj.version, world.get(Roles.rightsKey(c.roleId))?.version == c.rightsVersion {
                return c.session
            }
            guard let u = try? userObj.decode(SimUser.self) else { return nil }
            let session = AuthSession(id: rec.id, userID: u.id, userName: u.name, orgID: u.orgId, orgName: u.orgName, roleName: u.roleName,
                                      isProvider: u.provider, rights: rights(ofRole: u.roleId))
            cacheLock.lock()
            // Sessions that ended leave their entry behind: bounded by starting over now and then.
            if sessionCache.count > 10_000 { sessionCache.removeAll() }
            sessionCache[rec.id] = (userObj.version, u.roleId, world.get(Roles.rightsKey(u.roleId))?.version ?? 0, session)
            cacheLock.unlock()
            return session
        }
    }

    private var sessionCache: [String: (userVersion: Int, roleId: String, rightsVersion: Int, session: AuthSession)] = [:]
    private let cacheLock = NSLock()
    /// Rights of a role, cached per role version.
    private func rights(ofRole roleId: String) -> Set<String> {
        let key = Roles.rightsKey(roleId)
        let version = world.get(key)?.version ?? 0
        cacheLock.lock(); defer { cacheLock.unlock() }
        if let (v, r) = roleRightsCache[roleId], v == version { return r }
        let refs = (try? world.get(key)?.decode(OpenAPIReferences.self))?.values ?? []
        let set = Set(refs.compactMap(\.name))
        roleRightsCache[roleId] = (version, set)
        return set
    }

    // MARK: Seeding

    private func reseed(password: String?) throws {
        try worldLock.write {
            let tx = WriteTx(base: world, now: clock.now())
            tx.wipe()
            let passwords = try Seed.build(tx, password: password)
            // The owner's copy first: a failed commit then leaves only unknown ids in it.
            try PersonaPasswords.write(passwords, forState: statePath)
            Self.putCounters(tx, SimCounters())
            try store.commit(upserts: tx.upserts, deletions: [], meta: tx.metaChanges, wipe: true)
            world = WorldState(objects: [], meta: [:], watchHub: watchHub)
            world.apply(tx)
            roleRightsCache = [:]
        }
    }
}
