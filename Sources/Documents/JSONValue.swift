import Foundation
import OrderedCollections

/// The members of a JSON object, in the order the document gives them.
public typealias JSONObject = OrderedDictionary<String, JSONValue>

/// Any JSON document: the one model of JSON and YAML data for every layer (the language's
/// `json`/`yaml`, the wire's entity bodies and manifests, the simulator's stored objects).
/// Objects keep their key order, so a document read, changed and written again keeps its layout;
/// equality ignores that order, as JSON's does.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// An object from an unordered dictionary: its keys sorted, so that the result is the same
    /// on every run. (Literals take the ordered case and keep the order they are written in.)
    @_disfavoredOverload
    public static func object(_ members: [String: JSONValue]) -> JSONValue {
        var o = JSONObject(minimumCapacity: members.count)
        for k in members.keys.sorted() { o[k] = members[k] }
        return .object(o)
    }

    /// Parses a JSON document (fragments allowed), keeping the order of object keys.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONReader.parse(data)
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// Follows a dotted path such as `gatewayRef.id`; arrays are searched element-wise by the
    /// caller (see `values(at:)`).
    public func value(at path: String) -> JSONValue? {
        var cur: JSONValue? = self
        for part in path.split(separator: ".") { cur = cur?[String(part)] }
        return cur
    }

    /// Every value reachable by `path`, descending into arrays on the way (FIQL on lists).
    public func values(at path: [Substring]) -> [JSONValue] {
        guard let first = path.first else { return [self] }
        switch self {
        case .object(let o):
            guard let next = o[String(first)] else { return [] }
            return next.values(at: Array(path.dropFirst()))
        case .array(let a):
            return a.flatMap { $0.values(at: path) }
        default:
            return []
        }
    }

    /// The scalar as text, as a filter compares it (`true`, `42`, `name`); nil for containers and null.
    public var scalarText: String? {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): return s
        default: return nil
        }
    }

    /// The string, if this is one.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }

    /// Equal as JSON: objects with the same members, in any order.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in x { guard let w = y[k], w == v else { return false } }
            return true
        default: return false
        }
    }
}

/// Codable, for JSON values inside wire structs. Keys are written in order, but Foundation's
/// coders keep no order of their own: a document whose order matters is read with `parse` and
/// written with `jsonData()`.
extension JSONValue: Codable {
    struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: MemberKey.self) {
            var o = JSONObject()
            for k in keyed.allKeys { o[k.stringValue] = try keyed.decode(JSONValue.self, forKey: k) }
            self = .object(o)
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int.self) { self = .int(i); return }
        if let d = try? c.decode(Double.self) { self = .double(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        self = .array(try c.decode([JSONValue].self))
    }

    public func encode(to encoder: Encoder) throws {
        if case .object(let o) = self {
            var keyed = encoder.container(keyedBy: MemberKey.self)
            for (k, v) in o { try keyed.encode(v, forKey: MemberKey(k)) }
            return
        }
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object: break
        }
    }
}

/// Literals, for building request bodies and manifests in code: `["kind": "Service", "spec": ["ports": [["port": 80]]]]`.
/// An object literal keeps the order it is written in.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var o = JSONObject(minimumCapacity: elements.count)
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The members of an ordered object as a plain dictionary, for the stored records and wire
    /// structs whose Codable form is a JSON object (an `OrderedDictionary` encodes as a list).
    public init(_ members: JSONObject) {
        self.init(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
    }
}
