import Foundation
import Yams

/// A YAML text that does not parse: where (1-based, when libyaml says) and libyaml's own account
/// of it (`3:7: error: scanner: …` with the offending line and a caret).
public struct YAMLSyntaxError: Error, CustomStringConvertible {
    public var line: Int?
    public var column: Int?
    public var description: String

    init(_ e: YamlError) {
        description = "\(e)"
        switch e {
        case .scanner(_, _, let m, _), .parser(_, _, let m, _), .composer(_, _, let m, _):
            line = m.line
            column = m.column
        case .duplicatedKeysInMapping(_, let context):
            line = context.mark.line
            column = context.mark.column
        default:
            line = nil
            column = nil
        }
    }
}

/// How plain (unquoted) scalars are typed. Quoted scalars are always strings.
public enum YAMLScalarSchema: Sendable {
    /// YAML 1.2's core schema, as the language reads YAML: `null`/`~`/empty, `true`/`false`
    /// (three spellings), decimal integers, floats with a `.` or an exponent; all else a string.
    case core
    /// YAML 1.1, as kubectl's and client-go's readers type a manifest or a kubeconfig:
    /// `yes`/`no`/`on`/`off` are booleans, integers come in hex, octal and with `_`.
    case yaml11
}

/// A scalar of a YAML document, typed by a schema.
public enum YAMLScalar: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    /// The scalar as a JSON value.
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let t): return .string(t)
        }
    }
}

/// A mapping key: its value, and its text as written (for readers whose keys are strings).
public struct YAMLKey<Value> {
    public var value: Value
    /// The scalar as written (`1`, `yes`), nil for a key that is a list or a map.
    public var text: String?
}

/// How a reader builds its own values from YAML: the language builds script values (whose map
/// keys may be numbers), the wire builds `JSONValue`.
public struct YAMLBuilder<Value> {
    public var scalar: (YAMLScalar) throws -> Value
    public var sequence: ([Value]) throws -> Value
    public var mapping: ([(key: YAMLKey<Value>, value: Value)]) throws -> Value
    public init(scalar: @escaping (YAMLScalar) throws -> Value, sequence: @escaping ([Value]) throws -> Value,
                mapping: @escaping ([(key: YAMLKey<Value>, value: Value)]) throws -> Value) {
        self.scalar = scalar
        self.sequence = sequence
        self.mapping = mapping
    }
}

/// The one YAML reader (Yams, libyaml underneath): every document of a text, in order, maps in
/// the order they are written.
public enum YAMLReader {
    /// Every document of `text` (empty documents are `null`), built by `builder`. `budget` is
    /// told the size of each list and map before its members are built, and may throw to stop:
    /// an alias repeats what its anchor holds, so a short text can stand for a huge value.
    /// A syntax error is a `YAMLSyntaxError`; what `builder` or `budget` throw passes through.
    public static func documents<Value>(_ text: String, schema: YAMLScalarSchema = .core, budget: ((Int) throws -> Void)? = nil,
                                        builder: YAMLBuilder<Value>) throws -> [Value] {
        do {
            // Not compose_all: its sequence ends quietly at a syntax error.
            let parser = try Yams.Parser(yaml: text)
            var docs: [Value] = []
            while let node = try parser.nextRoot() { docs.append(try build(node, schema, budget, builder)) }
            return docs
        } catch let e as YamlError {
            throw YAMLSyntaxError(e)
        }
    }

    /// Every document of `text` as JSON (keys as written; empty documents are `.null`).
    public static func documents(_ text: String, schema: YAMLScalarSchema = .core, budget: ((Int) throws -> Void)? = nil) throws -> [JSONValue] {
        try documents(text, schema: schema, budget: budget, builder: jsonBuilder)
    }

    /// The single document of `text` as JSON (`.null` when it has none; the first when several).
    public static func document(_ text: String, schema: YAMLScalarSchema = .core) throws -> JSONValue {
        try documents(text, schema: schema).first ?? .null
    }

    /// Builds `JSONValue`s: keys by their text, as kubectl's readers key a map.
    public static let jsonBuilder = YAMLBuilder<JSONValue>(
        scalar: { $0.json },
        sequence: { .array($0) },
        mapping: { pairs in
            var o = JSONObject(minimumCapacity: pairs.count)
            for (k, v) in pairs { o[k.text ?? k.value.jsonText()] = v }
            return .object(o)
        })

    static func build<Value>(_ n: Node, _ schema: YAMLScalarSchema, _ budget: ((Int) throws -> Void)?, _ b: YAMLBuilder<Value>) throws -> Value {
        switch n {
        case .scalar(let s):
            return try b.scalar(scalar(s, schema))
        case .mapping(let m):
            try budget?(m.count)
            var pairs: [(key: YAMLKey<Value>, value: Value)] = []
            pairs.reserveCapacity(m.count)
            for (k, v) in m {
                let key = YAMLKey(value: try build(k, schema, budget, b), text: k.scalar?.string)
                pairs.append((key, try build(v, schema, budget, b)))
            }
            return try b.mapping(pairs)
        case .sequence(let q):
            try budget?(q.count)
            return try b.sequence(try q.map { try build($0, schema, budget, b) })
        case .alias:
            return try b.scalar(.null)
        }
    }

    /// A scalar typed by `schema`; quoted scalars stay strings.
    public static func scalar(_ s: Node.Scalar, _ schema: YAMLScalarSchema) -> YAMLScalar {
        guard s.style == .plain else { return .string(s.string) }
        switch schema {
        case .core:
            switch s.string {
            case "null", "~", "": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default:
                if let i = Int(s.string) { return .int(i) }
                if let d = Double(s.string), s.string.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .double(d) }
                return .string(s.string)
            }
        case .yaml11:
            let n = Node.scalar(s)
            if n.null != nil { return .null }
            if let b = n.bool { return .bool(b) }
            if let i = n.int { return .int(i) }
            if let d = n.float { return .double(d) }
            return .string(s.string)
        }
    }
}
