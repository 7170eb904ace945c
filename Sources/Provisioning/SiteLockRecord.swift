import CloudWire
import Foundation

/// Who holds a site lock, as stored in the lock entity (`entity.holder`); no secret. Times are
/// ISO 8601 UTC so that a person reading the entity in the VCD UI or API understands them.
public struct SiteLockHolder: Codable, Equatable, Sendable {
    /// The local account that started the run.
    public var user: String
    /// The VCD user of the run's session (`administrator@System`).
    public var siteUser: String
    public var host: String
    public var pid: Int
    /// The script (or `-e`) the run executes.
    public var script: String
    public var started: String
    /// When the lock lapses unless its heartbeat extends it.
    public var expires: String
    /// One per run: tells this run's hold from another's of the same user, host and pid.
    public var token: String

    public init(user: String, siteUser: String, host: String, pid: Int, script: String, started: String, expires: String, token: String) {
        self.user = user
        self.siteUser = siteUser
        self.host = host
        self.pid = pid
        self.script = script
        self.started = started
        self.expires = expires
        self.token = token
    }

    /// `alice (administrator@System) on build-7, pid 4242, lab-setup.vs`
    public var who: String { "\(user) (\(siteUser)) on \(host), pid \(pid), \(script)" }

    public var startedAt: Double? { SiteLockTime.parse(started) }
    public var expiresAt: Double? { SiteLockTime.parse(expires) }
}

/// The lock entity's type: a vcdscript-owned runtime defined entity type. A defined entity has an
/// ETag and VCD refuses a PUT whose `If-Match` is stale (412), which is the compare-and-set a lock
/// needs; every session of the org with rights on the type sees the entity.
public enum SiteLockEntity {
    public static let vendor = "vcdscript"
    public static let nss = "siteLock"
    public static let version = "1.0.0"
    public static var typeID: String { "urn:vcloud:type:\(vendor):\(nss):\(version)" }
    /// The name of the one lock entity of an org.
    public static let name = "vcdscript-site-lock"

    /// The type as registered: the entity is `{holder: {...}}`, or `{}` when the lock is free.
    public static var type: DefinedEntityType {
        var t = DefinedEntityType()
        t.name = "vcdscript site lock"
        t.vendor = vendor
        t.nss = nss
        t.version = version
        t.description = "Held by a vcdscript run while it changes the site, so that two runs never create the same object twice."
        t.interfaces = []
        t.readonly = false
        let string = JSONValue.object(["type": .string("string")])
        t.schema = .object([
            "type": .string("object"),
            "properties": .object([
                "holder": .object([
                    "type": .string("object"),
                    "properties": .object([
                        "user": string, "siteUser": string, "host": string, "pid": .object(["type": .string("integer")]),
                        "script": string, "started": string, "expires": string, "token": string,
                    ]),
                ]),
            ]),
        ])
        return t
    }

    /// The entity body for `holder` (nil: free).
    public static func body(_ holder: SiteLockHolder?) -> JSONValue {
        guard let holder, let data = try? JSONEncoder().encode(holder), let v = try? JSONValue.parse(data) else { return .object([:]) }
        return .object(["holder": v])
    }

    /// The holder an entity body names (nil: free, or not a lock this version understands).
    public static func holder(_ body: JSONValue?) -> SiteLockHolder? {
        guard let h = body?["holder"], let data = try? JSONEncoder().encode(h) else { return nil }
        return try? JSONDecoder().decode(SiteLockHolder.self, from: data)
    }
}

/// ISO 8601 UTC seconds, both ways.
enum SiteLockTime {
    static func format(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: t.rounded(.down)))
    }

    static func parse(_ s: String) -> Double? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s)?.timeIntervalSince1970
    }

    /// `90s`, `4m`, `2h 5m`: how long, for messages.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
        return "\(s / 3600)h \(s % 3600 / 60)m"
    }
}

/// Why a run could not take or keep the site lock. It ends the run (exit code 75, EX_TEMPFAIL:
/// try again later) with its message and no traceback: no `catch` in the script swallows it.
public struct SiteLockError: Error, CustomStringConvertible {
    public static let exitCode: Int32 = 75
    public var message: String
    /// Ctrl-C ended the wait (the run ends as any interrupted run does, exit 130).
    public var interrupted = false
    public init(_ message: String, interrupted: Bool = false) {
        self.message = message
        self.interrupted = interrupted
    }
    public var description: String { message }
}

/// Thrown by the mutation gate when the lock was taken only after waiting for another run: what
/// the caller read before deciding this change may be stale (the other run may have created the
/// object since). The script binding runs the call once more, now under the lock, so the read and
/// the decision are fresh; nothing was sent.
public struct SiteLockReadsStale: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the site lock was taken after waiting for another run; the decision must be made again" }
}
