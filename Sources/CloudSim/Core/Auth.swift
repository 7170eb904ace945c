import CloudWire
import Foundation

/// A user of the simulated world as stored (kind `user`). Only a salted digest of the password is
/// stored (`SecretDigest.password`); the owner's copy of the clear passwords is `PersonaPasswords`.
struct SimUser: Codable {
    var id: String
    var name: String
    var orgId: String
    var orgName: String
    var roleId: String
    var roleName: String
    var passwordDigest: String
    var provider: Bool

    /// Whether `password` is this user's (the check every login path makes).
    func accepts(_ password: String) -> Bool { SecretDigest.verify(password, digest: passwordDigest) }
}

/// A login or API-token session as stored (kind `session`). The token itself is only in the
/// login's answer and in the client's hands: the state keeps its SHA-256, by which it is looked up.
struct SessionRecord: Codable {
    var id: String
    var tokenDigest: String
    var userId: String
    var created: Double
}

/// A refresh token (API token) as stored (kind `apiToken`): the SHA-256 of the refresh token, empty
/// until one is minted.
struct APITokenRecord: Codable {
    var id: String
    var name: String
    var refreshTokenDigest: String
    var userId: String
    var orgName: String
    var clientId: String
}

/// The caller of one request, resolved from its bearer token.
struct AuthSession {
    let id: String
    let userID: String
    let userName: String
    let orgID: String
    let orgName: String
    let roleName: String
    let isProvider: Bool
    let rights: Set<String>

    func holds(_ right: String) -> Bool { isProvider || rights.contains(right) }
}

/// Sessions and tokens: the token digest → session map in memory (rebuilt from the store at
/// start), the parsing of the ways real clients send credentials (vcd-wire.md §1.2–1.6).
final class SessionRegistry {
    private let lock = NSLock()
    private var byDigest: [String: SessionRecord] = [:]

    func load(from state: StateView) {
        lock.lock(); defer { lock.unlock() }
        byDigest = [:]
        for o in state.all(Kind.session) {
            if let r = try? o.decode(SessionRecord.self) { byDigest[r.tokenDigest] = r }
        }
    }

    func add(_ r: SessionRecord) { lock.lock(); byDigest[r.tokenDigest] = r; lock.unlock() }
    func remove(digest: String) { lock.lock(); byDigest[digest] = nil; lock.unlock() }
    func removeAll() { lock.lock(); byDigest = [:]; lock.unlock() }
    /// The session of a clear token (as a request carries it).
    func record(for token: String) -> SessionRecord? {
        let digest = SecretDigest.token(token)
        lock.lock(); defer { lock.unlock() }
        return byDigest[digest]
    }

    /// The bearer token of a request: `Authorization: Bearer|bearer <t>`, `X-Vmware-Vcloud-Access-Token`,
    /// or the legacy `X-Vcloud-Authorization`.
    static func token(of req: HTTPRequestMessage) -> String? {
        if let auth = req.headers["Authorization"] {
            // Byte-level: this runs on every request and character-level String work on a
            // 170-character token showed up as a third of the request time under wrk.
            let bytes = Array(auth.utf8)
            if bytes.count > 7, HTTPHeaderFields.sameName(String(decoding: bytes[0..<6], as: UTF8.self), "bearer"), bytes[6] == 0x20 {
                var start = 7, end = bytes.count
                while start < end, bytes[start] == 0x20 { start += 1 }
                while end > start, bytes[end - 1] == 0x20 { end -= 1 }
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
        }
        if let t = req.headers[VCDHeader.accessToken], !t.isEmpty { return t }
        if let t = req.headers[VCDHeader.legacyAuthorization], !t.isEmpty { return t }
        return nil
    }

    /// `user@org` and password from `Authorization: Basic`.
    static func basicCredentials(of req: HTTPRequestMessage) -> (user: String, org: String, password: String)? {
        guard let auth = req.headers["Authorization"] else { return nil }
        let parts = auth.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else { return nil }
        let userOrg = text[..<colon]
        let password = String(text[text.index(after: colon)...])
        guard let at = userOrg.lastIndex(of: "@") else { return nil }
        return (String(userOrg[..<at]), String(userOrg[userOrg.index(after: at)...]), password)
    }

    /// A long random token shaped like VCD's JWTs (longer than 32 characters, so govcd sends it as
    /// a bearer token).
    static func newToken() -> String {
        func b64(_ d: Data) -> String {
            d.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        var random = Data(count: 32)
        for i in 0..<32 { random[i] = UInt8.random(in: 0...255) }
        let header = b64(Data("{\"alg\":\"none\",\"typ\":\"JWT\"}".utf8))
        let payload = b64(Data("{\"iss\":\"vcdscript-sim\",\"jti\":\"\(UUID().uuidString.lowercased())\"}".utf8))
        return "\(header).\(payload).\(b64(random))"
    }

    static func randomSecret(_ length: Int = 20) -> String {
        let chars = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<length).map { _ in chars[Int.random(in: 0..<chars.count)] })
    }
}
