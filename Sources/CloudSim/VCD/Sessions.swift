import CloudWire
import Foundation

/// Logins and sessions: `POST /cloudapi/1.0.0/sessions` (tenants), `.../sessions/provider` (System),
/// the legacy `POST /api/sessions`, `GET .../sessions/current`, logout (vcd-wire.md §1.2–1.4).
enum Sessions: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.post("\(Cloud.prefix)/sessions", .open, "SESSION_LOGIN", effect: .auth) { try login($0, provider: false, legacy: false) }
        t.post("\(Cloud.prefix)/sessions/provider", .open, "SESSION_LOGIN", effect: .auth) { try login($0, provider: true, legacy: false) }
        t.post("/api/sessions", .open, "SESSION_LOGIN", effect: .auth) { try login($0, provider: nil, legacy: true) }
        t.get("\(Cloud.prefix)/sessions/current", .session, "SESSION_VIEW", showCurrentSession)
        t.get("\(Cloud.prefix)/sessions/{id}", .session, "SESSION_VIEW", showSession)
        t.delete("\(Cloud.prefix)/sessions/{id}", .session, "SESSION_LOGOUT", effect: .auth, removeSession)
        t.get("/api/session", .session, "SESSION_VIEW", showLegacySession)
        t.delete("/api/session", .session, "SESSION_LOGOUT", effect: .auth) { ctx in logout(ctx, ctx.session!) }
    }

    /// GET the session of the caller (`/sessions/current`).
    static func showCurrentSession(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try ctx.json(info(ctx, ctx.session!))
    }

    /// GET one session by id.
    static func showSession(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let s = ctx.session!
        guard ctx.param("id") == s.id || ctx.param("id") == "current" else { throw SimError.forbidden(rights: [], operation: "SESSION_VIEW", target: "session \(ctx.param("id"))") }
        return try ctx.json(info(ctx, s))
    }

    /// DELETE a session (log out).
    static func removeSession(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let s = ctx.session!
        guard ctx.param("id") == s.id || ctx.param("id") == "current" else { throw SimError.forbidden(rights: [], operation: "SESSION_LOGOUT", target: "session \(ctx.param("id"))") }
        return logout(ctx, s)
    }

    /// GET the caller's session in the XML API (`/api/session`).
    static func showLegacySession(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.xml(sessionXML(ctx, ctx.session!), type: MediaType.session)
    }

    private static func logout(_ ctx: RequestContext, _ s: AuthSession) -> HTTPResponseMessage {
        let tx = ctx.write
        if let rec = tx.get(s.id).flatMap({ try? $0.decode(SessionRecord.self) }) {
            tx.delete(s.id)
            ctx.afterCommit.append { ctx.sim.sessions.remove(digest: rec.tokenDigest) }
        }
        return ctx.noContent()
    }

    /// `provider`: true for `/sessions/provider`, false for `/sessions`, nil for legacy `/api/sessions` (both).
    private static func login(_ ctx: RequestContext, provider: Bool?, legacy: Bool) throws -> HTTPResponseMessage {
        guard let cred = SessionRegistry.basicCredentials(of: ctx.request) else {
            throw SimError(401, VCDMinorError.unauthorized, "Missing or malformed Basic credentials (expected user@org:password).")
        }
        let tx = ctx.write
        let denied = SimError(401, VCDMinorError.unauthorized, "Invalid credentials for \(cred.user)@\(cred.org).")
        guard let user = authenticate(tx, user: cred.user, org: cred.org, password: cred.password) else { throw denied }
        if let provider, provider != user.provider {
            throw SimError(401, VCDMinorError.unauthorized, provider
                ? "\(cred.org) is not the System org: log in at /cloudapi/1.0.0/sessions."
                : "System org users log in at /cloudapi/1.0.0/sessions/provider.")
        }
        let (session, token) = try create(ctx, user: user)
        var h = HTTPHeaderFields()
        h[VCDHeader.accessToken] = token
        h[VCDHeader.tokenType] = "Bearer"
        let auth = AuthSession(id: session.id, userID: user.id, userName: user.name, orgID: user.orgId, orgName: user.orgName,
                               roleName: user.roleName, isProvider: user.provider, rights: [])
        if legacy {
            h["x-vcloud-authorization"] = token
            return ctx.xml(sessionXML(ctx, auth), type: MediaType.session, headers: h)
        }
        return try ctx.json(info(ctx, auth), headers: h)
    }

    /// The user whose name, org (case-insensitive, as VCD compares org names) and password match,
    /// or nil: the one rule for every login, the simulated controllers' included.
    static func authenticate(_ state: StateView, user: String, org: String, password: String) -> SimUser? {
        guard let o = state.all(Kind.org).first(where: { $0.name.caseInsensitiveCompare(org) == .orderedSame }),
              let userObj = state.children(Kind.user, of: o.id).first(where: { $0.name == user }),
              let u = try? userObj.decode(SimUser.self), u.accepts(password) else { return nil }
        return u
    }

    /// Creates and stores a session for `user` (also used by the token exchange); returns it with
    /// its clear token, which only the answer carries (the store keeps its digest). The user's
    /// sessions left idle past the timeout are deleted first; if the live ones already reach
    /// `maxSessionsPerUser`, the login is refused (401).
    static func create(_ ctx: RequestContext, user: SimUser) throws -> (SessionRecord, token: String) {
        let idle = ctx.sim.vcdActivity
        var live = 0
        for o in ctx.write.children(Kind.session, of: user.id) {
            guard let r = try? o.decode(SessionRecord.self) else { continue }
            if idle.isExpired(r.id, created: r.created, now: ctx.now) {
                ctx.write.delete(o.id)
                ctx.afterCommit.append { ctx.sim.sessions.remove(digest: r.tokenDigest); idle.forget(r.id) }
            } else {
                live += 1
            }
        }
        let limit = ctx.sim.options.maxSessionsPerUser
        if live >= limit {
            throw SimError(401, VCDMinorError.unauthorized,
                           "\(user.name)@\(user.orgName) already has the maximum number of sessions (\(limit)). Log out of a session "
                           + "(DELETE /cloudapi/1.0.0/sessions/{id}) or wait until one has been idle for \(Int(idle.timeout / 60)) minutes.")
        }
        let token = SessionRegistry.newToken()
        let rec = SessionRecord(id: UUID().uuidString.lowercased(), tokenDigest: SecretDigest.token(token), userId: user.id, created: ctx.now)
        try ctx.write.insert(kind: Kind.session, id: rec.id, parent: user.id, org: user.orgId, name: user.name, rec)
        ctx.afterCommit.append { ctx.sim.sessions.add(rec) }
        return (rec, token)
    }

    static func info(_ ctx: RequestContext, _ s: AuthSession) -> SessionInfo {
        var i = SessionInfo()
        i.id = s.id
        i.user = OpenAPIReference(name: s.userName, id: s.userID)
        i.org = OpenAPIReference(name: s.orgName, id: s.orgID)
        i.location = "\(ctx.base)\(Cloud.prefix)/sessions/\(s.id)"
        i.roles = [s.roleName]
        let roleId = ctx.state.get(s.userID).flatMap { try? $0.decode(SimUser.self) }?.roleId
        i.roleRefs = [OpenAPIReference(name: s.roleName, id: roleId)]
        i.sessionIdleTimeoutMinutes = Int(ctx.sim.vcdActivity.timeout / 60)
        return i
    }

    static func sessionXML(_ ctx: RequestContext, _ s: AuthSession) -> String {
        let orgHref = "\(ctx.base)/api/org/\(URN(s.orgID)?.uuid ?? s.orgID)"
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Session xmlns="http://www.vmware.com/vcloud/v1.5" locationId="\(XMLText.escape(s.orgName))@sim" org="\(XMLText.escape(s.orgName))" user="\(XMLText.escape(s.userName))" userId="\(s.userID)" roles="\(XMLText.escape(s.roleName))" href="\(ctx.base)/api/session" type="\(MediaType.session)">
                <Link rel="down" href="\(ctx.base)/api/org/" type="application/vnd.vmware.vcloud.orgList+xml"/>
                <Link rel="down" href="\(orgHref)" name="\(XMLText.escape(s.orgName))" type="\(MediaType.org)"/>
                <Link rel="down" href="\(ctx.base)/api/query" type="application/vnd.vmware.vcloud.query.queryList+xml"/>
                <Link rel="down" href="\(ctx.base)/api/admin" type="application/vnd.vmware.admin.vcloud+xml"/>
                <Link rel="openapi" href="\(ctx.base)/cloudapi/" type="application/json"/>
                <Link rel="remove" href="\(ctx.base)/api/session"/>
            </Session>

            """
    }
}
