import Foundation

/// The body of `POST /cloudapi/1.0.0/sessions[/provider]` and `GET .../sessions/current`
/// (govcd `CurrentSessionInfo`). The token itself travels in the `X-VMWARE-VCLOUD-ACCESS-TOKEN`
/// response header, never in the body.
public struct SessionInfo: Codable, Equatable, Sendable {
    public var id: String?
    public var user: OpenAPIReference?
    public var org: OpenAPIReference?
    public var location: String?
    public var roles: [String]?
    public var roleRefs: [OpenAPIReference]?
    public var sessionIdleTimeoutMinutes: Int?
    public init() {}
}

/// The answer of `POST /oauth/tenant/{org}/token` and `/oauth/provider/token` (govcd `ApiTokenRefresh`).
public struct APITokenGrant: Codable, Equatable, Sendable {
    public var access_token: String?
    public var token_type: String?
    public var expires_in: Int?
    public var refresh_token: String?
    public init() {}
}

/// The answer of `POST /oauth/{tenant/<org>|provider}/register`: a client id for a new API token.
public struct OAuthClientRegistration: Codable, Equatable, Sendable {
    public var client_id: String?
    public var client_name: String?
    public var grant_types: [String]?
    public init() {}
}
