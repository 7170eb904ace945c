import Foundation

/// Builds FIQL filters for VCD OpenAPI lists (`filter=name==web;gatewayRef.id==urn:...`).
///
/// Values are escaped: the characters FIQL reserves (`;` `,` `(` `)` `=` `!` `<` `>` `~` `"` `'`
/// `*` and space) are percent-encoded inside the value, so a name can never widen a filter. A
/// value with reserved characters is therefore matched exactly only by servers that decode it;
/// callers that need an exact answer (lookups by name) also compare the result themselves.
public struct FIQLFilter: CustomStringConvertible, Equatable, Sendable {
    public let text: String
    init(_ text: String) { self.text = text }
    public var description: String { text }

    static let reserved = Set(";,()=!<>~\"'* %&+#")

    /// Escapes one value.
    public static func escape(_ value: String) -> String {
        var out = ""
        for ch in value {
            if reserved.contains(ch) || ch.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                for b in String(ch).utf8 { out += String(format: "%%%02X", b) }
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// True when `value` needs escaping (so a server-side match may be unreliable).
    public static func needsEscaping(_ value: String) -> Bool { escape(value) != value }

    public static func eq(_ field: String, _ value: String) -> FIQLFilter { FIQLFilter("\(field)==\(escape(value))") }
    public static func ne(_ field: String, _ value: String) -> FIQLFilter { FIQLFilter("\(field)!=\(escape(value))") }
    public static func context(_ value: String) -> FIQLFilter { FIQLFilter("_context==\(escape(value))") }

    /// All of them (`;`).
    public static func and(_ parts: FIQLFilter...) -> FIQLFilter { FIQLFilter(parts.map(\.text).joined(separator: ";")) }
    /// Any of them (`,`), parenthesised.
    public static func or(_ parts: FIQLFilter...) -> FIQLFilter { FIQLFilter("(" + parts.map(\.text).joined(separator: ",") + ")") }

    /// The filter as a query parameter value (percent-encoded for a URL query).
    public var queryValue: String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+;,#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
