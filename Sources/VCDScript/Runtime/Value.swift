/// A script value. A closed enum: the evaluator switches on it and never goes through protocols.
/// Scalars are stored inline; lists, maps and functions are references (lists and maps have
/// reference semantics, as in Python).
public enum Value {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    /// A length of time, in nanoseconds.
    case duration(Int64)
    /// A half-open integer range `lower..<upper` (`a...b` is stored as `a..<b+1`).
    case range(Int, Int)
    case list(ListRef)
    case map(MapRef)
    /// A function written in vcdscript.
    case function(Closure)
    /// A function provided by the interpreter or the host.
    case builtin(NativeFunction)
    /// A value that never prints: passwords, tokens.
    case secret(SecretRef)
    case error(ScriptError)
    /// An object of a type registered by the host (a gateway, a VM, a module).
    case object(NativeObject)

    /// The name `type(x)` returns.
    public var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .duration: return "duration"
        case .range: return "range"
        case .list: return "list"
        case .map: return "map"
        case .function, .builtin: return "function"
        case .secret: return "secret"
        case .error: return "error"
        case .object(let o): return o.nativeType.name
        }
    }

    /// Truthiness: nil, false, 0, 0.0, "", empty lists and maps and zero durations are false.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let f): return f != 0
        case .string(let s): return !s.isEmpty
        case .duration(let d): return d != 0
        case .range(let a, let b): return b > a
        case .list(let l): return !l.items.isEmpty
        case .map(let m): return !m.entries.isEmpty
        default: return true
        }
    }

    public var isNil: Bool { if case .null = self { return true }; return false }
}

/// A mutable list shared by reference.
public final class ListRef {
    public var items: [Value]
    /// Set by `freeze(x)`: changes are errors.
    public var frozen = false
    public init(_ items: [Value] = []) { self.items = items }
}

/// A map key: maps accept strings, integers and booleans as keys.
public enum MapKey: Hashable, Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)

    public var value: Value {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .bool(let b): return .bool(b)
        }
    }
}

/// A mutable map that keeps insertion order, shared by reference.
public final class MapRef {
    public var entries: OrderedMap
    public var frozen = false
    public init(_ entries: OrderedMap = [:]) { self.entries = entries }

    /// Convenience: a map with string keys, in the given order.
    public convenience init(_ pairs: [(String, Value)]) {
        var d = OrderedMap()
        for (k, v) in pairs { d[.string(k)] = v }
        self.init(d)
    }

    public subscript(key: String) -> Value? {
        get { entries[.string(key)] }
        set { entries[.string(key)] = newValue }
    }
}

/// A secret: printed, logged and interpolated as `********`; unwrapped only where a credential
/// is sent (`SecretRef.reveal`).
public final class SecretRef {
    private let value: String
    public init(_ value: String) { self.value = value }
    /// The clear text. Call it only at the point a credential leaves for the wire.
    public func reveal() -> String { value }
    public static let masked = "********"
}

extension Value {
    public static func list(_ items: [Value]) -> Value { .list(ListRef(items)) }
    public static func map(_ pairs: [(String, Value)]) -> Value { .map(MapRef(pairs)) }

    /// The value as a map key, if it can be one.
    var mapKey: MapKey? {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .bool(let b): return .bool(b)
        default: return nil
        }
    }
}
