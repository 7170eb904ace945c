import Foundation

/// The one JSON writer that keeps key order (JSONEncoder keeps none): objects are written in the
/// order they hold, `/` is not escaped (as VCD writes it), whole floats keep their `.0`.
extension JSONValue {
    /// The document as JSON text; `indent` spaces a level (0: on one line).
    public func jsonText(indent: Int = 0) -> String {
        var out = ""
        JSONWriter.write(self, indent: indent, level: 0, into: &out)
        return out
    }

    /// The document as JSON bytes, in order (for request and response bodies).
    public func jsonData(indent: Int = 0) -> Data { Data(jsonText(indent: indent).utf8) }
}

enum JSONWriter {
    static func write(_ x: JSONValue, indent: Int, level: Int, into out: inout String) {
        let nl = indent > 0 ? "\n" : ""
        let pad = String(repeating: " ", count: indent * (level + 1))
        let padEnd = String(repeating: " ", count: indent * level)
        switch x {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if !d.isFinite { out += "null" } else { out += d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)" }
        case .string(let s): out += quote(s)
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{" + nl
            for (i, (k, v)) in o.enumerated() {
                out += pad + quote(k) + (indent > 0 ? ": " : ":")
                write(v, indent: indent, level: level + 1, into: &out)
                out += (i < o.count - 1 ? "," : "") + nl
            }
            out += padEnd + "}"
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "[" + nl
            for (i, item) in a.enumerated() {
                out += pad
                write(item, indent: indent, level: level + 1, into: &out)
                out += (i < a.count - 1 ? "," : "") + nl
            }
            out += padEnd + "]"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
