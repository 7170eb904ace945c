import CloudWire
import Foundation

/// API tokens (vcd-wire.md §1.6): register a client, mint a refresh token from a session
/// (`jwt-bearer` grant), exchange a refresh token for an access token at
/// `/oauth/tenant/{org}/token` or `/oauth/provider/token`. A refresh token used at the wrong org's
/// endpoint is refused (CAPVCD tries "system" first and falls back to the user's org).
enum OAuthTokens: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.post("/oauth/tenant/{org}/register", .right(RightName.apiTokens), "API_TOKEN_REGISTER") { try registerClient($0, org: $0.param("org")) }
        t.post("/oauth/provider/register", .provider(RightName.apiTokens), "API_TOKEN_REGISTER") { try registerClient($0, org: "System") }
        t.post("/oauth/tenant/{org}/token", .open, "API_TOKEN_GRANT", effect: .auth) { try grant($0, org: $0.param("org")) }
        t.post("/oauth/provider/token", .open, "API_TOKEN_GRANT", effect: .auth) { try grant($0, org: "System") }
    }

    private static func registerClient(_ ctx: RequestContext, org: String) throws -> HTTPResponseMessage {
        let s = ctx.session!
        guard s.orgName.caseInsensitiveCompare(org) == .orderedSame else {
            throw SimError.forbidden(rights: [RightName.apiTokens], operation: "API_TOKEN_REGISTER", target: "org \(org)")
        }
        let name = (try? JSONValue.parse(ctx.request.body))?["client_name"]?.stringValue ?? "vcdscript"
        let clientId = UUID().uuidString.lowercased()
        let rec = APITokenRecord(id: "urn:vcloud:token:\(clientId)", name: name, refreshTokenDigest: "", userId: s.userID, orgName: s.orgName, clientId: clientId)
        try ctx.write.insert(kind: Kind.apiToken, id: rec.id, parent: s.userID, org: s.orgID, name: name, rec)
        var out = OAuthClientRegistration()
        out.client_id = clientId
        out.client_name = name
        out.grant_types = ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        return try ctx.json(out)
    }

    private static func oauthError(_ status: Int, _ code: String, _ text: String) -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        h["Content-Type"] = MediaType.json
        let body = try? JSONEncoder.vcd().encode(["error": code, "error_description": text])
        return HTTPResponseMessage(status: status, headers: h, body: body ?? Data())
    }

    /// The user an API token's refresh token stands for, when it belongs to `org` (as the token
    /// exchange at `/oauth/tenant/{org}/token` or `/oauth/provider/token` requires), or nil.
    static func user(_ state: StateView, refreshToken: String, org: String) -> SimUser? {
        guard !refreshToken.isEmpty, let rec = record(state, refreshToken: refreshToken),
              rec.orgName.caseInsensitiveCompare(org) == .orderedSame else { return nil }
        return state.get(rec.userId).flatMap { try? $0.decode(SimUser.self) }
    }

    /// The API token whose refresh token this is, looked up by its digest (what the state keeps).
    static func record(_ state: StateView, refreshToken: String) -> APITokenRecord? {
        let digest = SecretDigest.token(refreshToken)
        return state.all(Kind.apiToken).compactMap({ try? $0.decode(APITokenRecord.self) }).first(where: { $0.refreshTokenDigest == digest })
    }

    /// The token endpoint: dispatches on `grant_type` (a form body).
    private static func grant(_ ctx: RequestContext, org: String) throws -> HTTPResponseMessage {
        let form = HTTPRequestMessage(method: "GET", target: "/?" + String(decoding: ctx.request.body, as: UTF8.self))
        switch form.query("grant_type") ?? "" {
        case "refresh_token": return try exchangeRefreshToken(ctx, form, org: org)
        case "urn:ietf:params:oauth:grant-type:jwt-bearer": return try mintRefreshToken(ctx, form, org: org)
        default:
            return oauthError(400, "unsupported_grant_type", "Supported grants: refresh_token, urn:ietf:params:oauth:grant-type:jwt-bearer.")
        }
    }

    /// `refresh_token`: an API token's refresh token for a new session's access token.
    private static func exchangeRefreshToken(_ ctx: RequestContext, _ form: HTTPRequestMessage, org: String) throws -> HTTPResponseMessage {
        let tx = ctx.write
        guard let refresh = form.query("refresh_token"), !refresh.isEmpty, let rec = record(tx, refreshToken: refresh)
        else { return oauthError(400, "invalid_grant", "The refresh token is not valid.") }
        guard rec.orgName.caseInsensitiveCompare(org) == .orderedSame else {
            return oauthError(400, "invalid_grant", "The refresh token does not belong to org \(org).")
        }
        guard let user = tx.get(rec.userId).flatMap({ try? $0.decode(SimUser.self) }) else {
            return oauthError(400, "invalid_grant", "The user of this token no longer exists.")
        }
        let (_, token) = try Sessions.create(ctx, user: user)
        var out = APITokenGrant()
        out.access_token = token
        out.token_type = "Bearer"
        out.expires_in = 2_592_000
        out.refresh_token = refresh  // API tokens are reusable (service accounts would rotate).
        return try ctx.json(out)
    }

    /// `jwt-bearer`: a registered client and the session that registered it get a refresh token.
    private static func mintRefreshToken(_ ctx: RequestContext, _ form: HTTPRequestMessage, org: String) throws -> HTTPResponseMessage {
        let tx = ctx.write
        guard let assertion = form.query("assertion"), let s = ctx.sim.liveSession(token: assertion),
              let clientId = form.query("client_id"),
              let obj = tx.get("urn:vcloud:token:\(clientId)"), var rec = try? obj.decode(APITokenRecord.self),
              rec.userId == s.userId
        else { return oauthError(400, "invalid_grant", "Unknown client or session.") }
        guard rec.orgName.caseInsensitiveCompare(org) == .orderedSame else {
            return oauthError(400, "invalid_grant", "The client does not belong to org \(org).")
        }
        // The refresh token leaves in this answer only; the state keeps its digest.
        let refresh = SessionRegistry.randomSecret(32)
        rec.refreshTokenDigest = SecretDigest.token(refresh)
        try tx.update(obj, rec)
        var out = APITokenGrant()
        out.access_token = assertion
        out.token_type = "Bearer"
        out.refresh_token = refresh
        return try ctx.json(out)
    }
}
