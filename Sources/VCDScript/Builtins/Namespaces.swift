import Foundation
import Yams

/// `json`, `yaml` and `base64`: objects whose methods encode and decode.
enum Namespaces {
    static let json: NativeObject = {
        let t = NativeType(name: "json", doc: "JSON: json.encode(value, indent: 2) and json.decode(text).")
        t.method("encode", params: [Parameter("value"), Parameter("indent", default: .int(0))], doc: "The value as JSON text (secrets as ********).") { _, a, ctx in
            let indent = try a.int(1)
            guard (0...16).contains(indent) else { throw ScriptError(.value, "json.encode(): indent must be between 0 and 16, not \(indent)") }
            return .string(try JSONText.encode(a[0], indent: indent, ctx: ctx))
        }
        t.method("decode", params: [Parameter("text")], doc: "The value of a JSON text.") { _, a, ctx in
            let text = try a.string(0)
            try ctx.charge(Cost.json(text.utf8.count))
            return try JSONText.decode(text)
        }
        return NativeObject(type: t)
    }()

    static let yaml: NativeObject = {
        let t = NativeType(name: "yaml", doc: "YAML: yaml.encode(value), yaml.decode(text), yaml.decodeAll(text) for multi-document files.")
        t.method("encode", params: [Parameter("value")], doc: "The value as YAML text (a list of documents with all: true).") { _, a, ctx in
            let any = try JSONText.toAny(a[0], ctx: ctx, depth: 0)
            let text: String
            do { text = try Yams.serialize(node: YAMLText.node(any)) } catch {
                throw ScriptError(.value, "cannot encode as YAML: \(error)")
            }
            try ctx.charge(Cost.yaml(text.utf8.count))
            return .string(text)
        }
        t.method("encodeAll", params: [Parameter("documents")], doc: "Several documents separated by ---.") { _, a, ctx in
            let docs = try a.list(0).items.map { YAMLText.node(try JSONText.toAny($0, ctx: ctx, depth: 0)) }
            let text: String
            do { text = try Yams.serialize(nodes: docs) } catch {
                throw ScriptError(.value, "cannot encode as YAML: \(error)")
            }
            try ctx.charge(Cost.yaml(text.utf8.count))
            return .string(text)
        }
        t.method("decode", params: [Parameter("text")], doc: "The value of a single-document YAML text.") { _, a, ctx in
            let text = try a.string(0)
            try ctx.charge(Cost.yaml(text.utf8.count))
            let docs = try YAMLText.decodeAll(text, vm: ctx.meter)
            if docs.count > 1 { throw ScriptError(.value, "the YAML text has \(docs.count) documents", hint: "use yaml.decodeAll for multi-document files") }
            return docs.first ?? .null
        }
        t.method("decodeAll", params: [Parameter("text")], doc: "The documents of a multi-document YAML text, as a list.") { _, a, ctx in
            let text = try a.string(0)
            try ctx.charge(Cost.yaml(text.utf8.count))
            return .list(ListRef(try YAMLText.decodeAll(text, vm: ctx.meter)))
        }
        return NativeObject(type: t)
    }()

    static let base64: NativeObject = {
        let t = NativeType(name: "base64", doc: "Base64: base64.encode(text), base64.decode(text).")
        t.method("encode", params: [Parameter("text")], doc: "The base64 encoding of the text's UTF-8 bytes.") { _, a, ctx in
            switch a[0] {
            case .secret(let s):
                let clear = s.reveal()
                try ctx.charge(Cost.scan(clear.utf8.count))
                return .secret(SecretRef(Data(clear.utf8).base64EncodedString()))
            default:
                let text = try a.string(0)
                try ctx.charge(Cost.scan(text.utf8.count))
                return .string(Data(text.utf8).base64EncodedString())
            }
        }
        t.method("decode", params: [Parameter("text")], doc: "The text whose base64 encoding is given.") { _, a, ctx in
            if case .secret(let s) = a[0] {
                let clear = s.reveal()
                try ctx.charge(Cost.chars(clear.utf8.count))
                guard let d = Data(base64Encoded: clear) else { throw ScriptError(.value, "the secret is not valid base64") }
                return .secret(SecretRef(String(decoding: d, as: UTF8.self)))
            }
            let raw = try a.string(0)
            try ctx.charge(Cost.chars(raw.utf8.count))
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let d = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                throw ScriptError(.value, "not valid base64 text")
            }
            guard let s = String(data: d, encoding: .utf8) else { throw ScriptError(.value, "the decoded bytes are not UTF-8 text") }
            return .string(s)
        }
        return NativeObject(type: t)
    }()
}

/// Conversions between values and JSON / plain Foundation objects.
public enum JSONText {
    /// A plain object (for JSONSerialization and Yams); secrets become `********`. With a call
    /// context, the work (containers visited, string bytes) is charged to the step limit as it
    /// goes: a value holding the same list many times costs what it expands to.
    public static func toAny(_ v: Value, ctx: CallContext?, depth: Int) throws -> Any {
        if depth > 100 { throw ScriptError(.value, "the value is nested too deeply (or refers to itself)") }
        switch v {
        case .null: return NSNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .float(let f):
            guard f.isFinite else { throw ScriptError(.value, "JSON has no \(Formatter.float(f))") }
            return f
        case .string(let s):
            try ctx?.charge(Cost.scan(s.utf8.count))
            return s
        case .duration(let d): return Formatter.duration(d)
        case .range(let a, let b): return [a, b]
        case .list(let l):
            try ctx?.charge(Cost.values(l.items.count))
            return try l.items.map { try toAny($0, ctx: ctx, depth: depth + 1) }
        case .map(let m):
            try ctx?.charge(Cost.values(m.entries.count))
            var out: [String: Any] = [:]
            var order: [String] = []
            for (k, x) in m.entries {
                let key: String
                switch k { case .string(let s): key = s; case .int(let i): key = String(i); case .bool(let b): key = String(b) }
                out[key] = try toAny(x, ctx: ctx, depth: depth + 1)
                order.append(key)
            }
            return OrderedJSONObject(keys: order, values: out)
        case .secret: return SecretRef.masked
        case .error(let e): return ["kind": e.kind.rawValue, "message": e.message, "code": e.code ?? NSNull()] as [String: Any]
        case .function, .builtin: return Formatter.repr(v)
        case .object(let o):
            guard let ctx, !o.nativeType.properties.isEmpty else { return Formatter.repr(v) }
            var out: [String: Any] = [:]
            var order: [String] = []
            let names = o.nativeType.dataFields ?? (o.nativeType.columns.isEmpty ? Array(o.nativeType.properties.keys) : o.nativeType.columns)
            for name in names {
                guard let p = o.nativeType.properties[name] else { continue }
                out[name] = try toAny(try p.get(o, ctx), ctx: ctx, depth: depth + 1)
                order.append(name)
            }
            return OrderedJSONObject(keys: order, values: out)
        }
    }

    public static func encode(_ v: Value, indent: Int, ctx: CallContext?) throws -> String {
        var out = ""
        try write(try toAny(v, ctx: ctx, depth: 0), indent: indent, level: 0, into: &out)
        return out
    }

    /// A small writer that keeps map order (JSONSerialization sorts or scrambles keys).
    private static func write(_ x: Any, indent: Int, level: Int, into out: inout String) throws {
        let nl = indent > 0 ? "\n" : ""
        let pad = String(repeating: " ", count: indent * (level + 1))
        let padEnd = String(repeating: " ", count: indent * level)
        switch x {
        case is NSNull: out += "null"
        case let b as Bool: out += b ? "true" : "false"
        case let i as Int: out += String(i)
        case let d as Double: out += d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
        case let s as String: out += jsonQuote(s)
        case let o as OrderedJSONObject:
            if o.keys.isEmpty { out += "{}"; return }
            out += "{" + nl
            for (i, k) in o.keys.enumerated() {
                out += pad + jsonQuote(k) + (indent > 0 ? ": " : ":")
                try write(o.values[k]!, indent: indent, level: level + 1, into: &out)
                out += (i < o.keys.count - 1 ? "," : "") + nl
            }
            out += padEnd + "}"
        case let d as [String: Any]:
            try write(OrderedJSONObject(keys: d.keys.sorted(), values: d), indent: indent, level: level, into: &out)
        case let a as [Any]:
            if a.isEmpty { out += "[]"; return }
            out += "[" + nl
            for (i, item) in a.enumerated() {
                out += pad
                try write(item, indent: indent, level: level + 1, into: &out)
                out += (i < a.count - 1 ? "," : "") + nl
            }
            out += padEnd + "]"
        default: out += jsonQuote("\(x)")
        }
    }

    static func jsonQuote(_ s: String) -> String {
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

    public static func decode(_ text: String) throws -> Value {
        var parser = JSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }
}

/// A small JSON reader that keeps the order of object keys (Foundation's does not on Linux)
/// and tells integers from floats.
struct JSONParser {
    let bytes: [UInt8]
    var i = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    private func fail(_ what: String) -> ScriptError {
        var line = 1, col = 1
        for b in bytes[0..<min(i, bytes.count)] { if b == 10 { line += 1; col = 1 } else { col += 1 } }
        return ScriptError(.value, "invalid JSON at line \(line), column \(col): \(what)", hint: "check quotes, commas and brackets")
    }

    private mutating func skip() { while i < bytes.count, [32, 9, 10, 13].contains(bytes[i]) { i += 1 } }

    mutating func parseDocument() throws -> Value {
        skip()
        let v = try value()
        skip()
        if i < bytes.count { throw fail("unexpected text after the value") }
        return v
    }

    private mutating func value() throws -> Value {
        skip()
        guard i < bytes.count else { throw fail("unexpected end of text") }
        depth += 1
        defer { depth -= 1 }
        if depth > 500 { throw fail("nested too deeply") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            let m = MapRef()
            skip()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .map(m) }
            while true {
                skip()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
                let k = try string()
                skip()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected : after the key") }
                i += 1
                m.entries[.string(k)] = try value()
                skip()
                guard i < bytes.count else { throw fail("unexpected end of text in an object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .map(m) }
                throw fail("expected , or } in an object")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            skip()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .list(ListRef(items)) }
            while true {
                items.append(try value())
                skip()
                guard i < bytes.count else { throw fail("unexpected end of text in a list") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(ListRef(items)) }
                throw fail("expected , or ] in a list")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try word("true", .bool(true))
        case UInt8(ascii: "f"): return try word("false", .bool(false))
        case UInt8(ascii: "n"): return try word("null", .null)
        default:
            return try number()
        }
    }

    private mutating func word(_ w: String, _ v: Value) throws -> Value {
        let u = Array(w.utf8)
        guard i + u.count <= bytes.count, Array(bytes[i..<(i + u.count)]) == u else { throw fail("unexpected character") }
        i += u.count
        return v
    }

    private mutating func number() throws -> Value {
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
        return .float(d)
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

/// A JSON object that remembers its key order.
struct OrderedJSONObject {
    let keys: [String]
    let values: [String: Any]
}

public enum YAMLText {
    /// A YAML node from a plain object, keeping map order.
    public static func node(_ x: Any) -> Yams.Node {
        switch x {
        case is NSNull: return Yams.Node("null", Tag(.null))
        case let b as Bool: return Yams.Node(b ? "true" : "false", Tag(.bool))
        case let i as Int: return Yams.Node(String(i), Tag(.int))
        case let d as Double: return Yams.Node(Formatter.float(d), Tag(.float))
        case let s as String:
            // Strings that would read back as another type are quoted.
            let plainOK = !s.isEmpty && YAMLText.readsBackAsString(s) && !s.contains(": ") && !s.hasPrefix("-") && !s.contains(" #")
                && !s.hasPrefix("*") && !s.hasPrefix("&") && !s.hasPrefix("!") && !s.hasPrefix("{") && !s.hasPrefix("[") && !s.contains("\n")
            if s.contains("\n") { return Yams.Node(s, Tag(.str), .literal) }
            return Yams.Node(s, Tag(.str), plainOK ? .plain : .doubleQuoted)
        case let o as OrderedJSONObject:
            return Yams.Node.mapping(Yams.Node.Mapping(o.keys.map { (node($0), node(o.values[$0]!)) }))
        case let d as [String: Any]:
            return Yams.Node.mapping(Yams.Node.Mapping(d.keys.sorted().map { (node($0), node(d[$0]!)) }))
        case let a as [Any]:
            return Yams.Node.sequence(Yams.Node.Sequence(a.map { node($0) }))
        default:
            return Yams.Node("\(x)")
        }
    }

    /// The documents of a YAML text. With a VM, the values made are charged to the step limit
    /// as they are made: an alias repeats what its anchor holds, so a short text can stand for
    /// a huge value.
    static func decodeAll(_ text: String, vm: Meter? = nil) throws -> [Value] {
        do {
            // Not compose_all: its sequence ends quietly at a syntax error.
            let parser = try Yams.Parser(yaml: text)
            var docs: [Value] = []
            while let node = try parser.nextRoot() { docs.append(try fromNode(node, vm: vm)) }
            return docs
        } catch let e as ScriptError {
            throw e
        } catch let e as YamlError {
            // libyaml quotes the offending line; keep long ones readable.
            let text = "\(e)".split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.count > 160 ? String($0.prefix(157)) + "..." : String($0) }.joined(separator: "\n")
            throw ScriptError(.value, "invalid YAML: \(text)", hint: "check the indentation and the colons")
        } catch {
            throw ScriptError(.value, "invalid YAML: \(error)")
        }
    }

    /// True when the text, written plain (unquoted), reads back as this string — here and in
    /// YAML 1.1 readers (yes/no/on/off are booleans there, and numbers come in more shapes).
    static func readsBackAsString(_ s: String) -> Bool {
        guard case .string(let t)? = try? fromNode(Yams.Node(s, Tag(.implicit), .plain)), t == s else { return false }
        if ["yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf", ".nan", "null", "~"].contains(s.lowercased()) { return false }
        if let f = s.first, f.isNumber || ("-+.".contains(f) && s.dropFirst().first?.isNumber == true) { return false }
        return true
    }

    /// Keeps mapping order and YAML's scalar types.
    static func fromNode(_ n: Yams.Node, vm: Meter? = nil) throws -> Value {
        switch n {
        case .scalar(let s):
            if s.style == .plain {
                switch s.string {
                case "null", "~", "": return .null
                case "true", "True", "TRUE": return .bool(true)
                case "false", "False", "FALSE": return .bool(false)
                default:
                    if let i = Int(s.string) { return .int(i) }
                    if let d = Double(s.string), s.string.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .float(d) }
                }
            }
            return .string(s.string)
        case .mapping(let m):
            try vm?.charge(Cost.visited(m.count))
            let out = MapRef()
            for (k, v) in m {
                let key = try fromNode(k, vm: vm)
                let text = try key.mapKey == nil ? (vm.map { try Formatter.str(key, vm: $0) } ?? Formatter.str(key)) : ""
                out.entries[key.mapKey ?? .string(text)] = try fromNode(v, vm: vm)
            }
            return .map(out)
        case .sequence(let seq):
            try vm?.charge(Cost.visited(seq.count))
            return .list(ListRef(try seq.map { try fromNode($0, vm: vm) }))
        case .alias:
            return .null
        }
    }
}
