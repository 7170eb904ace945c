import CloudWire
import Foundation

/// The API tokens of users, `/cloudapi/1.0.0/tokens` (govcd `api_token.go`, types `Token`):
/// list (FIQL `filter`, paging), read and revoke by id. A token is the record that
/// `/oauth/…/register` made (its id is `urn:vcloud:token:<client_id>`); the wire shows `id`,
/// `name`, `type` (`REFRESH`), `owner` and `org`, never the refresh token. Revoking deletes it, so
/// its refresh token no longer exchanges (`invalid_grant`). The endpoint exists from API 36.1
/// (govcd `openapi_endpoints.go`); below it VCD's version filter answers 405.
/// Tenants see their own tokens; the provider sees every token (its tenant context narrows it).
enum APITokensAPI: RouteFamily {
    static let minimumVersion = "36.1"

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/tokens"
        t.get(p, .right(RightName.apiTokens), "TOKEN_VIEW", listTokens)
        t.get("\(p)/{id}", .right(RightName.apiTokens), "TOKEN_VIEW", showToken)
        t.delete("\(p)/{id}", .right(RightName.apiTokens), "TOKEN_DELETE", removeToken)
    }

    /// GET the caller's API tokens (`/tokens`), paged.
    static func listTokens(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try APIVersions.require(ctx, minimumVersion)
        let mine = ctx.scoped(ctx.state.all(Kind.apiToken)).filter { owned(ctx, $0) }
        return try Listing.page(ctx, try mine.map { try wire(ctx, $0) }, model: "Tokens")
    }

    /// GET one API token of the caller.
    static func showToken(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try APIVersions.require(ctx, minimumVersion)
        return ctx.raw(try wire(ctx, try token(ctx)))
    }

    /// DELETE an API token (it is refused at once afterwards).
    static func removeToken(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try APIVersions.require(ctx, minimumVersion)
        ctx.write.delete(try token(ctx).id)
        return ctx.noContent()
    }

    /// Whether the caller may see the token: its owner, or the provider.
    private static func owned(_ ctx: RequestContext, _ o: StoredObject) -> Bool {
        guard let s = ctx.session else { return false }
        return s.isProvider || o.parentId == s.userID
    }

    /// The token `{id}`: 404 when absent, 403 when it is someone else's (as VCD hides others' objects).
    private static func token(_ ctx: RequestContext) throws -> StoredObject {
        let id = URN.normalize(ctx.param("id"), kind: URNKind.token)
        guard let o = ctx.state.get(id, kind: Kind.apiToken) else { throw SimError.notFound("Token \(id)") }
        guard owned(ctx, o) else { throw SimError.forbidden(rights: [RightName.apiTokens], operation: ctx.route.operation, target: "token \(id)") }
        return o
    }

    /// The record as the wire shows it (a copy whose body and JSON are that view, so that filters
    /// and sorting see the wire fields and nothing else: the refresh token stays out of reach).
    private static func wire(_ ctx: RequestContext, _ o: StoredObject) throws -> StoredObject {
        let rec = try o.decode(APITokenRecord.self)
        var t = APIToken()
        t.id = rec.id
        t.name = rec.name
        t.type = "REFRESH"
        t.owner = OpenAPIReference(name: ctx.state.get(rec.userId)?.name, id: rec.userId)
        t.org = OpenAPIReference(name: rec.orgName, id: o.orgId)
        var v = o
        v.body = try Cloud.encode(t)
        v.json = try JSONValue.parse(v.body)
        return v
    }
}

/// An API token as `/cloudapi/1.0.0/tokens` shows it (govcd `types.Token`).
struct APIToken: Codable {
    var id: String?
    var name: String?
    var owner: OpenAPIReference?
    var org: OpenAPIReference?
    /// `REFRESH` for API tokens (govcd also filters on `PROXY`).
    var type: String?
}
