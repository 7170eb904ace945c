import Foundation
import CloudClient
import CloudWire

/// Apply changes, or only record them.
public enum EngineMode: Sendable {
    case apply
    case plan
}

/// One engine per target: a tenant session, an optional provider session for provider-only steps,
/// the mutation gate, the plan, per-gateway and per-vApp locks. Kinds (`Kinds/`) build on it.
public final class Engine: @unchecked Sendable {
    /// The session most work goes through (the tenant persona, or the provider when that is all
    /// there is).
    public let tenant: VCDClient
    /// A System session for provider-only steps (create a gateway, enable ALB, import or assign a
    /// SEG); nil when the runbook runs with tenant rights only.
    public let provider: VCDClient?
    /// The one mutation gate (plan or apply, the report, the changes so far). A Kubernetes
    /// connection of the same run shares it (`KubeEngine`), so one plan covers both.
    public let gate: MutationGate
    public var mode: EngineMode {
        get { gate.mode }
        set { gate.mode = newValue }
    }
    /// The NSX-T Policy API of the site (Tier-1 route advertisement); nil when not configured.
    public var nsx: NSXClient?
    /// The NSX ALB controller (service engine groups); nil when not configured.
    public var alb: ALBClient?
    /// Receives `+ created ...` lines and progress.
    public var report: (String) -> Void {
        get { gate.report }
        set { gate.report = newValue }
    }
    /// Every change decided so far (apply and plan).
    public var changes: [Change] { gate.changes }

    private let lock = NSLock()
    private var gatewayLocks: [String: NSLock] = [:]
    private var vappLocks: [String: NSLock] = [:]

    /// `gate`: a gate shared with other engines of the run (then `mode` and `report` are its own).
    public init(tenant: VCDClient, provider: VCDClient? = nil, mode: EngineMode = .apply, report: @escaping (String) -> Void = { print($0) },
                gate: MutationGate? = nil) {
        self.tenant = tenant
        self.provider = provider
        self.gate = gate ?? MutationGate(mode: mode, report: report)
    }

    public var isPlan: Bool { gate.isPlan }

    /// The session for a provider-only operation, or an error saying what to do.
    public func providerSession(for what: String) throws -> VCDClient {
        if let provider { return provider }
        if tenant.credentials.isProvider { return tenant }
        throw EngineError("\(what) is a provider operation, and this target has no provider (System) session",
                          hint: "connect with a System user as well (connect(..., providerUser:, providerPassword:) or VCD_PROVIDER_USER / VCD_PROVIDER_PASSWORD), or ask your provider to do this step")
    }

    /// The NSX client, or an error saying how to get one.
    public func nsxClient() throws -> NSXClient {
        if let nsx { return nsx }
        throw EngineError("the NSX-T Policy API is not available on this target", hint: "set NSXT_MANAGER_HOST, NSXT_USERNAME and NSXT_PASSWORD (or nsx_url, nsx_user, nsx_password_env in the profile, or connect(nsxUrl:, nsxUser:, nsxPassword:)); with `vcdscript sim serve`, `vcdscript sim env` prints them")
    }

    /// The ALB controller client, or an error saying how to get one.
    public func albClient() throws -> ALBClient {
        if let alb { return alb }
        throw EngineError("the NSX ALB controller API is not available on this target", hint: "set AVI_CONTROLLER, AVI_USERNAME and AVI_PASSWORD (or alb_url, alb_user, alb_password_env in the profile, or connect(albUrl:, albUser:, albPassword:)); with `vcdscript sim serve`, `vcdscript sim env` prints them. Without a controller, import a SEG that exists there: cloud.serviceEngineGroups.ensure(name: \"seg-tenant\")")
    }

    /// Opens the tenant and the provider sessions at once: each login is a round trip or two, and
    /// a runbook needs both within its first steps, so over a slow link together they cost the
    /// time of one. A failed login is thrown by the first request that needs that session
    /// (`VCDClient.logInAhead`), as if it had been tried then. With one session, nothing to do.
    public func logInTogether() {
        guard let provider, provider !== tenant else { return }
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            provider.logInAhead()
            group.leave()
        }
        tenant.logInAhead()
        group.wait()
    }

    /// The session for reads of provider-only objects when one exists, else the tenant's.
    public var readSession: VCDClient { provider ?? tenant }

    // MARK: The mutation gate

    /// The ONE gate every mutation goes through (`MutationGate.mutate`).
    @discardableResult
    public func mutate<T>(_ change: Change, _ work: () throws -> T) throws -> T? { try gate.mutate(change, work) }

    /// Records and reports an `= unchanged` line.
    public func unchanged(kind: String, name: String, scope: String? = nil) { gate.unchanged(kind: kind, name: name, scope: scope) }

    /// Runs `work` holding the lock of one gateway: changes under one gateway are serialised
    /// (VCD answers BUSY_ENTITY to concurrent ones).
    public func withGatewayLock<T>(_ gatewayID: String?, _ work: () throws -> T) rethrows -> T {
        guard let gatewayID else { return try work() }
        lock.lock()
        let l = gatewayLocks[gatewayID] ?? NSLock()
        gatewayLocks[gatewayID] = l
        lock.unlock()
        l.lock(); defer { l.unlock() }
        return try work()
    }

    /// Runs `work` holding the lock of one vApp (its href or id): power changes, reconfigures and
    /// deletes of a vApp and its VMs are serialised, because VCD answers BUSY_ENTITY while a task
    /// runs on the vApp or one of its VMs. Nil (an object not created yet): no lock.
    public func withVAppLock<T>(_ vappKey: String?, _ work: () throws -> T) rethrows -> T {
        guard let vappKey else { return try work() }
        lock.lock()
        let l = vappLocks[vappKey] ?? NSLock()
        vappLocks[vappKey] = l
        lock.unlock()
        l.lock(); defer { l.unlock() }
        return try work()
    }

    /// Bytes per PUT of an OVA upload: a broken transfer costs at most one piece.
    public var uploadChunkSize: Int64 = 64 << 20

    /// Seconds to wait before looking again after a create failed in a way that may be transient.
    public var createRetryDelay: Double = 1
    public var createAttempts = 5

    /// The clock the engine's own waits pass on (the wall clock; on the embedded simulator, the
    /// simulated world's clock, shared with its clients' task polls and retries).
    public var clock: WaitClock = WallClock.shared

    /// Runs a create (POST) so that it is never blindly repeated: when it fails in a way that may
    /// be transient (connection lost, 429, 502–504, BUSY_ENTITY), the engine first looks the object
    /// up by name and adopts it if the create went through after all; only then does it POST again.
    public func createOnce(exists: () throws -> Bool, _ post: () throws -> Void) throws {
        var attempt = 1
        while true {
            do {
                try post()
                return
            } catch where attempt < createAttempts && Self.isTransient(error) {
                try clock.pause(createRetryDelay * Double(attempt), waitingFor: "a retry of a create", at: tenant.baseURL)
                attempt += 1
                if try exists() { return }
            }
        }
    }

    /// Errors after which a create may or may not have happened, and trying again may work.
    public static func isTransient(_ error: Error) -> Bool {
        if let e = error as? VCDClientError {
            return [429, 502, 503, 504].contains(e.status) || e.minorErrorCode == "BUSY_ENTITY"
        }
        if let t = error as? TransportError { return [.couldNotConnect, .timedOut, .connectionLost].contains(t.kind) }
        return false
    }

    /// Counts of the changes so far, by action.
    public var summary: String { gate.summary }
}

/// A failure of the engine itself (a missing prerequisite, a missing session), with a hint.
public struct EngineError: Error, CustomStringConvertible {
    public var message: String
    public var hint: String?
    /// What kind of failure it is, when it is one a script may handle (`catch NOT_FOUND`).
    public var kind: HostFailureKind?
    public init(_ message: String, hint: String? = nil, kind: HostFailureKind? = nil) {
        self.message = message
        self.hint = hint
        self.kind = kind
    }
    /// An object looked up by name is not there.
    public static func notFound(_ message: String, hint: String? = nil) -> EngineError {
        EngineError(message, hint: hint, kind: .notFound)
    }
    /// What the site would refuse (400), found before anything is sent: `INVALID`.
    public static func invalid(_ message: String, hint: String? = nil) -> EngineError {
        EngineError(message, hint: hint, kind: .invalid)
    }
    public var description: String { message }
}
