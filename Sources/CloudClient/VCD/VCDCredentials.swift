import Foundation

/// How a `VCDClient` logs in. Secrets stay in here: they are never printed, and the caller
/// registers them with `SecretRedactor` so that no log line can show them.
public struct VCDCredentials: Sendable {
    public enum Method: Sendable {
        /// `user@org:password` Basic login at `/cloudapi/1.0.0/sessions[/provider]`.
        case password(user: String, password: String)
        /// An API (refresh) token exchanged at `/oauth/{tenant/<org>|provider}/token`.
        case apiToken(String)
    }

    /// The org to log in to; `System` means a provider session.
    public var org: String
    public var method: Method

    public init(org: String, method: Method) {
        self.org = org
        self.method = method
    }

    /// True for the System org: provider login endpoints.
    public var isProvider: Bool { org.caseInsensitiveCompare("System") == .orderedSame }

    /// Who logs in, for messages (`administrator@xav_lab`, `api token@xav_lab`); never the secret.
    public var who: String {
        switch method {
        case .password(let user, _): return "\(user)@\(org)"
        case .apiToken: return "api-token@\(org)"
        }
    }

    /// The secret, for registering with the redactor.
    public var secret: String {
        switch method {
        case .password(_, let p): return p
        case .apiToken(let t): return t
        }
    }
}
