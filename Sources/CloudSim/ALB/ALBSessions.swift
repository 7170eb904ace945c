import CloudWire
import Foundation

extension Kind {
    /// A login session of the simulated ALB controller (id = the `sessionid` cookie).
    static let albSession = "albSession"
}

/// An ALB controller session as stored: its id is the SHA-256 of the `sessionid` cookie and the
/// CSRF token is kept as a digest too, so the state holds nothing a client could present.
struct ALBSessionRecord: Codable {
    var id: String
    var csrftokenDigest: String
    var user: String
}

extension ALBRoutes {
    /// The controller's default `api_idle_timeout`: 15 minutes.
    static let idleTimeout: Double = 15 * 60
}

/// The controller's session rules (vcd-wire.md §11.1): `sessionid` (or `avi-sessionid`) cookie,
/// `X-CSRFToken` equal to the `csrftoken` cookie on writes, idle sessions expire.
extension ALBRoutes {
    static func cookies(_ req: HTTPRequestMessage) -> [String: String] {
        var out: [String: String] = [:]
        for (n, v) in req.headers where n.lowercased() == "cookie" {
            for part in v.split(separator: ";") {
                let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if kv.count == 2, !kv[1].isEmpty, out[kv[0]] == nil { out[kv[0]] = kv[1] }
            }
        }
        return out
    }

    /// The caller's live session; nil when the cookie names none or the session was idle longer than
    /// `api_idle_timeout` (the controller then answers 401 as if there were no session).
    static func session(_ ctx: RequestContext) -> StoredObject? {
        let c = cookies(ctx.request)
        for name in ["sessionid", "avi-sessionid"] {
            if let id = c[name], let s = ctx.state.get(SecretDigest.token(id), kind: Kind.albSession) {
                return ctx.sim.albActivity.touch(s.id, created: s.created, now: ctx.now) ? s : nil
            }
        }
        return nil
    }

    /// Deletes the sessions idle past the timeout (run at each login, so they do not pile up).
    static func purgeExpiredSessions(_ ctx: RequestContext) {
        for s in ctx.state.all(Kind.albSession) where ctx.sim.albActivity.isExpired(s.id, created: s.created, now: ctx.now) {
            ctx.write.delete(s.id)
            ctx.sim.albActivity.forget(s.id)
        }
    }

    static func csrf(_ ctx: RequestContext, _ s: StoredObject) -> HTTPResponseMessage? {
        let expected = s.json["csrftokenDigest"]?.stringValue
        guard let given = ctx.request.headers["X-CSRFToken"], SecretDigest.token(given) == expected else {
            return err(403, "CSRF Failed: CSRF token missing or incorrect.", key: "detail")
        }
        return nil
    }

    static func versionCheck(_ ctx: RequestContext) -> HTTPResponseMessage? {
        guard let v = ctx.request.headers["X-Avi-Version"] else { return nil }
        let parts = v.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count < 2 || parts.count > 4 || !parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            return err(400, "Invalid version \(v)")
        }
        return nil
    }

    static func reader(_ ctx: RequestContext) -> HTTPResponseMessage? {
        guard session(ctx) != nil else { return err(401, "Authentication credentials were not provided.", key: "detail") }
        return versionCheck(ctx)
    }

    static func writer(_ ctx: RequestContext) -> HTTPResponseMessage? {
        guard let s = session(ctx) else { return err(401, "Authentication credentials were not provided.", key: "detail") }
        return csrf(ctx, s) ?? versionCheck(ctx)
    }
}
