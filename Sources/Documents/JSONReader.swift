import Foundation

/// A JSON text that does not parse: where (1-based line and column) and what is wrong.
public struct JSONSyntaxError: Error, CustomStringConvertible, Equatable {
    public var line: Int
    public var column: Int
    public var problem: String
    public var description: String { "invalid JSON at line \(line), column \(column): \(problem)" }
}

/// The one JSON reader: keeps the order of object keys (Foundation's does not on Linux) and
/// tells integers (`2`) from floats (`2.0`). Fragments (a lone string or number) are documents too.
public struct JSONReader {
    /// Objects and arrays nested deeper than this are refused (never a native stack overflow).
    public static let maximumDepth = 500

    let bytes: [UInt8]
    var i = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The value of a JSON document.
    public static func parse(_ data: Data) throws -> JSONValue {
        var r = JSONReader(bytes: Array(data))
        return try r.document()
    }

    /// The value of a JSON text.
    public static func parse(_ text: String) throws -> JSONValue {
        var r = JSONReader(bytes: Array(text.utf8))
        return try r.document()
    }

    private func fail(_ what: String) -> JSONSyntaxError {
        var line = 1, col = 1
        for b in bytes[0..<min(i, bytes.count)] { if b == 10 { line += 1; col = 1 } else { col += 1 } }
        return JSONSyntaxError(line: line, column: col, problem: what)
    }

    private mutating func skip() {
        while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
    }

    mutating func document() throws -> JSONValue {
        skip()
        let v = try value()
        skip()
        if i < bytes.count { throw fail("unexpected text after the value") }
        return v
    }

    private mutating func value() throws -> JSONValue {
        skip()
        guard i < bytes.count else { throw fail("unexpected end of text") }
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth { throw fail("nested too deeply") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try word("true", .bool(true))
        case UInt8(ascii: "f"): return try word("false", .bool(false))
        case UInt8(ascii: "n"): return try word("null", .null)
        default: return try number()
        }
    }

    private mutating func object() throws -> JSONValue {
        i += 1
        var o = JSONObject()
        skip()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
        while true {
            skip()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
            let k = try string()
            skip()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected : after the key") }
            i += 1
            o[k] = try value()
            skip()
            guard i < bytes.count else { throw fail("unexpected end of text in an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            throw fail("expected , or } in an object")
        }
    }

    private mutating func array() throws -> JSONValue {
        i += 1
        var items: [JSONValue] = []
        skip()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            items.append(try value())
            skip()
            guard i < bytes.count else { throw fail("unexpected end of text in a list") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw fail("expected , or ] in a list")
        }
    }

    private mutating func word(_ w: StaticString, _ v: JSONValue) throws -> JSONValue {
        let n = w.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("unexpected character") }
        let p = w.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { throw fail("unexpected character") }
        i += n
        return v
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        var isFloat = false
        while i < bytes.count {
            let c = bytes[i]
            if c >= 48 && c <= 57 { i += 1 } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") || (c == UInt8(ascii: "-") && i > start) {
                isFloat = true; i += 1
            } else { break }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if text.isEmpty || text == "-" { throw fail("unexpected character") }
        if !isFloat, let v = Int(text) { return .int(v) }
        guard let d = Double(text) else { throw fail("bad number \(text)") }
        return .double(d)
    }

    private mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, var code = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else { throw fail("bad \\u escape") }
                    i += 4
                    if (0xD800...0xDBFF).contains(code), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                       let low = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16), (0xDC00...0xDFFF).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
                default: out.append(e)
                }
            } else {
                if c < 0x20 { throw fail("control character in a string") }
                out.append(c)
                i += 1
            }
        }
        throw fail("unterminated string")
    }
}
