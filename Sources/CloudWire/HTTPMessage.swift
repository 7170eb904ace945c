import Foundation

/// Header fields in the order they were set, looked up without regard to case (RFC 9110 §5.1).
public struct HTTPHeaderFields: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of the field `name`, if any.
    public subscript(name: String) -> String? {
        get { fields.first { HTTPHeaderFields.sameName($0.name, name) }?.value }
        set {
            fields.removeAll { HTTPHeaderFields.sameName($0.name, name) }
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    /// Every value of the field `name` (Set-Cookie may repeat).
    public func values(_ name: String) -> [String] {
        fields.filter { HTTPHeaderFields.sameName($0.name, name) }.map(\.value)
    }

    /// ASCII case-insensitive equality of field names. Foundation's `caseInsensitiveCompare`
    /// costs microseconds per call on Linux, and every request does dozens of lookups.
    public static func sameName(_ a: String, _ b: String) -> Bool {
        // Most lookups spell the name as the client sent it: one comparison of the bytes.
        if a == b { return true }
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        for (c, d) in zip(x, y) where c != d {
            let lc = (c >= 65 && c <= 90) ? c | 0x20 : c
            let ld = (d >= 65 && d <= 90) ? d | 0x20 : d
            if lc != ld { return false }
        }
        return true
    }

    /// Adds a field without replacing earlier ones of the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: HTTPHeaderFields, b: HTTPHeaderFields) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// One HTTP request as both transports carry it: over libcurl to a real site or `sim serve`,
/// or in-process straight into the simulator's router. No I/O here.
public struct HTTPRequestMessage: Sendable, Equatable {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`.
    public var method: String
    /// The request target as in HTTP/1.1: an absolute path with an optional `?query`
    /// (for example `/cloudapi/1.0.0/edgeGateways?page=2&pageSize=25`).
    public var target: String
    public var headers: HTTPHeaderFields
    public var body: Data

    public init(method: String, target: String, headers: HTTPHeaderFields = HTTPHeaderFields(), body: Data = Data()) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The path part of `target`, still percent-encoded.
    // Byte-level scans here and below: `?`, `&` and `=` are ASCII, and Character-level
    // `firstIndex`/`split` (grapheme breaking) made these getters a third of a served GET's
    // instructions under callgrind, `Listing` asking for several query parameters per request.
    public var path: String {
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return String(target[..<q]) }
        return target
    }

    /// The raw query string (after `?`), or an empty string.
    public var rawQuery: String {
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return String(target[target.utf8.index(after: q)...]) }
        return ""
    }

    /// Query parameters, percent-decoded, in order. `+` is kept as is: VCD's FIQL filters use
    /// `%20`/`+` literally inside values, and clients that mean a space send `%20`.
    public var queryItems: [(name: String, value: String)] {
        let utf8 = target.utf8
        guard let q = utf8.firstIndex(of: UInt8(ascii: "?")) else { return [] }
        // Decoding only when there is something to decode: `removingPercentEncoding` is slow on Linux.
        func decode(_ s: Substring.UTF8View) -> String {
            let text = String(Substring(s))
            return s.contains(UInt8(ascii: "%")) ? (text.removingPercentEncoding ?? text) : text
        }
        return utf8[utf8.index(after: q)...].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                return (name: decode(pair[..<eq]), value: decode(pair[pair.index(after: eq)...]))
            }
            return (name: decode(pair), value: "")
        }
    }

    /// The first value of query parameter `name`.
    public func query(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }

    public static func == (a: HTTPRequestMessage, b: HTTPRequestMessage) -> Bool {
        a.method == b.method && a.target == b.target && a.headers == b.headers && a.body == b.body
    }
}

/// One HTTP response, whichever transport brought it.
public struct HTTPResponseMessage: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaderFields
    public var body: Data

    public init(status: Int, headers: HTTPHeaderFields = HTTPHeaderFields(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (lossy), for messages and logs.
    public var text: String { String(decoding: body, as: UTF8.self) }

    public static func == (a: HTTPResponseMessage, b: HTTPResponseMessage) -> Bool {
        a.status == b.status && a.headers == b.headers && a.body == b.body
    }
}
