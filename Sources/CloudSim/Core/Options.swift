import Foundation

/// How a simulator behaves: timing, faults, addresses it reports.
public struct SimulatorOptions: Sendable {
    /// Tasks take seconds (2–8 s of virtual time) and do not move on reads. Off by default: tasks
    /// take `fastTaskSeconds` and also advance one state per read, so scripts and tests run at once.
    public var realisticTiming: Bool
    /// Duration of a task in fast mode (virtual seconds). 0 lets bulk loads run without BUSY_ENTITY.
    public var fastTaskSeconds: Double
    /// Fault injection (see `FaultSpec`); nil for none.
    public var faults: FaultSpec?
    /// Base URLs reported in `Location`, `href` and `Link` when a request has no `Host` header
    /// (the in-process transport). Names under `.test` never resolve.
    public var baseURLs: [SimService: String]
    /// Seed persona passwords with this value on first start instead of random ones.
    public var initialPassword: String?
    /// A VCD session unused this long (virtual seconds) ends: its token gets 401. VCD's default
    /// idle timeout is 30 minutes (`sessionIdleTimeoutMinutes` of the session).
    public var sessionIdleTimeout: Double
    /// Live VCD sessions one user may hold; the login beyond it is refused (401). A documented
    /// choice of the simulator (VCD's own limit is not published): high enough for controllers that
    /// log in on every call and never log out, while their sessions wait to expire.
    public var maxSessionsPerUser: Int

    public init(realisticTiming: Bool = false, fastTaskSeconds: Double = 0.02, faults: FaultSpec? = nil,
                baseURLs: [SimService: String] = [.vcd: "https://vcd.sim.test", .nsx: "https://nsx.sim.test", .alb: "https://alb.sim.test",
                                                  .kube: "https://kube.sim.test"],
                initialPassword: String? = nil, sessionIdleTimeout: Double = 30 * 60, maxSessionsPerUser: Int = 1000) {
        self.realisticTiming = realisticTiming
        self.fastTaskSeconds = fastTaskSeconds
        self.faults = faults
        self.baseURLs = baseURLs
        self.initialPassword = initialPassword
        self.sessionIdleTimeout = sessionIdleTimeout
        self.maxSessionsPerUser = maxSessionsPerUser
    }
}

/// The endpoints of the simulated world. In the real world they are separate hosts whose paths
/// collide (`/api/...`), so each has its own route table. `kube` serves the simulated Kubernetes
/// clusters, one per path prefix `/clusters/{name}`.
public enum SimService: String, CaseIterable, Sendable {
    case vcd, nsx, alb, kube
}

/// Counters of the request log.
public struct SimCounters: Equatable, Sendable, Codable {
    /// Requests to read-only routes.
    public var reads: Int
    /// Requests to routes that may change the world (whether they succeeded or not).
    public var writes: Int
    /// Logins, logouts and token exchanges.
    public var auth: Int
    public init(reads: Int = 0, writes: Int = 0, auth: Int = 0) {
        self.reads = reads
        self.writes = writes
        self.auth = auth
    }
}

/// One entry of the request log. Never holds headers or bodies, so no secret can leak through it.
public struct RequestLogEntry: Sendable {
    public var time: Double
    public var service: SimService
    public var method: String
    public var path: String
    public var status: Int
    public var minorErrorCode: String?
    public var seconds: Double
    /// Who sent it, `user@org`: the session's user, or the Basic credentials of a login.
    public var user: String? = nil
    /// The program that sent it (its `User-Agent`): the simulated controllers name themselves as
    /// the real ones do (`cluster-api-provider-cloud-director/…`, `cloud-provider-for-cloud-director/…`).
    public var agent: String? = nil
}

extension RequestLogEntry {
    /// One line of `sim serve --access-log`: UTC time, service, method, path, status, VCD's minor
    /// error code (or `-`), milliseconds, user, quoted user agent. No header, query or body, so no
    /// secret reaches it.
    public var accessLogLine: String {
        let t = ISO8601DateFormatter.string(from: Date(timeIntervalSince1970: time), timeZone: TimeZone(identifier: "UTC")!,
                                            formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        let agentText = (agent ?? "-").replacingOccurrences(of: "\"", with: "'")
        return "\(t) \(service.rawValue) \(method) \(path) \(status) \(minorErrorCode ?? "-") \(Int((seconds * 1000).rounded())) \(user ?? "-") \"\(agentText)\""
    }
}

/// A persona of the seeded world, as `sim status` shows it.
public struct Persona: Codable, Equatable, Sendable {
    /// The VCD org (`System`, `xav_lab`); empty for the NSX and ALB accounts, which have none.
    public var org: String
    public var user: String
    public var password: String
    public var role: String
    /// True for the provider (System org) persona.
    public var provider: Bool
    /// The product the account logs in to: `vcd`, `nsx` (the NSX-T Manager) or `alb` (the ALB controller).
    public var service: String

    public init(org: String, user: String, password: String, role: String, provider: Bool, service: String = "vcd") {
        self.org = org
        self.user = user
        self.password = password
        self.role = role
        self.provider = provider
        self.service = service
    }

    private enum CodingKeys: String, CodingKey { case org, user, password, role, provider, service }

    /// Reads reports written before `service` existed as VCD personas.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(org: try c.decode(String.self, forKey: .org), user: try c.decode(String.self, forKey: .user),
                  password: try c.decode(String.self, forKey: .password), role: try c.decode(String.self, forKey: .role),
                  provider: try c.decode(Bool.self, forKey: .provider),
                  service: try c.decodeIfPresent(String.self, forKey: .service) ?? "vcd")
    }
}
