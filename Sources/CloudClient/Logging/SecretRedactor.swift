import Foundation
import CloudWire

/// The one place where secrets are blanked out of text before it is shown or logged: debug wire
/// logs, error messages, simulator dumps. Everything it hides becomes `********`.
///
/// What it recognises:
/// * header fields by name: `Authorization`, `Proxy-Authorization`, `X-Vmware-Vcloud-Access-Token`,
///   `X-Vcloud-Authorization`, `Cookie`, `Set-Cookie`, `X-CSRFToken`, `X-XSRF-Token` (the auth
///   scheme and cookie names stay visible: `Bearer ********`, `sessionid=********; Path=/`);
/// * in any text: JSON members, form/query fields and XML elements or attributes whose *name*
///   mentions password, passwd, secret, token, authorization, cookie, private key, api key,
///   passphrase or credential (also inside JSON that was itself escaped into a JSON string);
///   `Basic`/`Bearer` credentials; JWTs; PEM private key blocks; `user:password@` in URLs; the
///   values of a Kubernetes Secret's `data` and `stringData` (JSON with `"kind": "Secret"`);
/// * every string registered with `register(_:)` at run time (say, the password the user typed),
///   also in its percent-encoded and JSON-escaped forms. Strings shorter than 3 characters are
///   not registered: blanking every "a" would make the log unreadable and hide nothing real.
///
/// The structural rules are best effort; registering the actual secret values is what makes
/// hiding them certain. Thread-safe.
public final class SecretRedactor: @unchecked Sendable {
    /// What replaces a secret.
    public static let mask = "********"

    /// The process-wide redactor: register a secret here once and every layer hides it.
    public static let shared = SecretRedactor()

    private let lock = NSLock()
    private var secrets: [String] = []

    public init() {}

    /// Header fields whose whole value (after an auth scheme) is secret.
    public static let secretHeaderNames: Set<String> = [
        "authorization", "proxy-authorization", "x-vmware-vcloud-access-token", "x-vcloud-authorization",
        "x-csrftoken", "x-xsrf-token", "x-csrf-token", "x-avi-csrftoken",
    ]
    /// Header fields that hold `name=value` cookie pairs.
    public static let cookieHeaderNames: Set<String> = ["cookie", "set-cookie"]

    /// Adds a literal secret (a password, a token) to hide wherever it appears.
    public func register(_ secret: String) {
        guard secret.count >= 3 else { return }
        var forms = [secret]
        if let pct = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), pct != secret { forms.append(pct) }
        let jsonEscaped = secret.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        if jsonEscaped != secret { forms.append(jsonEscaped) }
        lock.lock(); defer { lock.unlock() }
        for f in forms where !secrets.contains(f) { secrets.append(f) }
        // Longest first, so that a secret containing another one is replaced whole.
        secrets.sort { $0.count > $1.count }
    }

    /// Forgets every registered secret (tests; a new session).
    public func removeAllRegistered() {
        lock.lock(); secrets.removeAll(); lock.unlock()
    }

    /// `text` with every secret it can recognise replaced by `********`.
    public func redact(_ text: String) -> String {
        if text.isEmpty { return text }
        lock.lock(); let literal = secrets; lock.unlock()
        var s = text
        for secret in literal where s.contains(secret) {
            s = s.replacingOccurrences(of: secret, with: Self.mask)
        }
        for rule in Self.rules { s = rule.apply(s) }
        if s.contains("Secret") { s = Self.maskKubernetesSecretData(s) }
        return s
    }

    private static let kubeSecretKind = try! NSRegularExpression(pattern: "\"kind\"\\s*:\\s*\"Secret(List)?\"")
    private static let kubeSecretData = try! NSRegularExpression(pattern: "\"(data|stringData)\"\\s*:\\s*\\{[^{}]*\\}")
    private static let kubeDataValue = try! NSRegularExpression(pattern: "(\"(?:[^\"\\\\]|\\\\.)*\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\")")

    /// A Kubernetes Secret (or SecretList) in JSON, read before its values could be registered (a
    /// `GET` of secrets in the `--debug` log): every value of its `data` and `stringData` masked.
    static func maskKubernetesSecretData(_ text: String) -> String {
        let whole = NSRange(text.startIndex..., in: text)
        guard kubeSecretKind.firstMatch(in: text, range: whole) != nil else { return text }
        var out = text
        for m in kubeSecretData.matches(in: text, range: whole).reversed() {
            guard let r = Range(m.range, in: out) else { continue }
            let block = String(out[r])
            let masked = kubeDataValue.stringByReplacingMatches(in: block, range: NSRange(block.startIndex..., in: block), withTemplate: "$1" + mask + "$2")
            out.replaceSubrange(r, with: masked)
        }
        return out
    }

    /// One header value, redacted according to its field name, then by the text rules.
    public func redactHeader(name: String, value: String) -> String {
        let lname = name.lowercased()
        if Self.secretHeaderNames.contains(lname) {
            // Keep the scheme ("Bearer", "Basic") so the log still says what kind of auth was sent.
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].allSatisfy({ $0.isLetter }) { return "\(parts[0]) \(Self.mask)" }
            return Self.mask
        }
        if Self.cookieHeaderNames.contains(lname) { return redactCookies(value, isSetCookie: lname == "set-cookie") }
        return redact(value)
    }

    /// All header fields, redacted.
    public func redactHeaders(_ headers: HTTPHeaderFields) -> HTTPHeaderFields {
        var out = HTTPHeaderFields()
        for (name, value) in headers { out.add(name, redactHeader(name: name, value: value)) }
        return out
    }

    /// `a=1; b=2` becomes `a=********; b=********`; for Set-Cookie only the first pair is the
    /// cookie, the rest (`Path=/; HttpOnly`) are attributes and stay.
    private func redactCookies(_ value: String, isSetCookie: Bool) -> String {
        let pairs = value.split(separator: ";", omittingEmptySubsequences: false)
        return pairs.enumerated().map { i, pair -> String in
            if isSetCookie && i > 0 { return String(pair) }
            guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
            return String(pair[...eq]) + Self.mask
        }.joined(separator: ";")
    }

    // MARK: - Text rules

    private struct Rule {
        let regex: NSRegularExpression
        let template: String
        func apply(_ s: String) -> String {
            regex.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template)
        }
    }

    /// Part of a field name that marks its value as secret.
    private static let secretName = "(?:password|passwd|secret|token|authorization|cookie|private_?key|api_?key|passphrase|credential)"

    private static let rules: [Rule] = {
        func rule(_ pattern: String, _ template: String) -> Rule {
            // The patterns are constants; a typo here is a programming error caught by any test.
            Rule(regex: try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive]), template: template)
        }
        let name = "[A-Za-z0-9_.-]*" + secretName + "[A-Za-z0-9_.-]*"
        let m = mask
        return [
            // A PEM private key anywhere (raw, or with its newlines escaped inside a JSON string).
            rule("(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\\s\\S]*?(-----END [A-Z ]*PRIVATE KEY-----)", "$1" + m + "$2"),
            // JSON member with a string value: "password": "..."
            rule("(\"" + name + "\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\")", "$1" + m + "$2"),
            // The same inside a JSON string (an echoed or embedded document): \"password\": \"...\"
            rule("(\\\\\"" + name + "\\\\\"\\s*:\\s*\\\\\")(?:[^\"\\\\]|\\\\[^\"])*(\\\\\")", "$1" + m + "$2"),
            // XML element: <AdminPassword>...</AdminPassword> (with or without a namespace prefix)
            rule("(<((?:[A-Za-z0-9_]+:)?" + name + ")(?:\\s[^>]*)?>)[^<]*(</\\2>)", "$1" + m + "$3"),
            // XML attribute: password="..."
            rule("(\\b" + name + "\\s*=\\s*\")[^\"]*(\")", "$1" + m + "$2"),
            // Form or query field: password=...&  (not a quoted attribute, handled above)
            rule("((?:^|[?&\\s])" + name + "=)(?!\")[^&\\s\"]*", "$1" + m),
            // Credentials after an auth scheme anywhere in text.
            rule("\\b(Basic|Bearer)\\s+[A-Za-z0-9+/=._~-]{6,}", "$1 " + m),
            // A JWT on its own (VCD access tokens are JWTs).
            rule("\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*", m),
            // user:password@ in a URL.
            rule("(\\b[a-z][a-z0-9+.-]*://[^/:@\\s]+:)[^@/\\s]+(@)", "$1" + m + "$2"),
        ]
    }()
}
