/// What a host says a member, method or function gives back, so that `vcdscript check` can follow
/// values through a script without running it (`let org = cloud.org("x")` is an org, so
/// `org.vdcs` is checked against the org's members). Anything a host leaves undeclared is
/// simply not checked: the checker never guesses.
public indirect enum StaticType: Hashable, Sendable {
    case string, int, float, bool, duration, secret, map
    /// A list, with the type of its items when it is known.
    case list(StaticType?)
    /// An object of the native type with this name (registered with `Interpreter.register(types:)`).
    case native(String)

    /// How messages name it: the same words as `type(x)` at run time.
    public var name: String {
        switch self {
        case .string: return "string"
        case .int: return "int"
        case .float: return "float"
        case .bool: return "bool"
        case .duration: return "duration"
        case .secret: return "secret"
        case .map: return "map"
        case .list: return "list"
        case .native(let n): return n
        }
    }

    /// A value of this type, for asking the runtime which members and methods such a value has
    /// (nil for native objects and maps, whose members are not fixed by their kind).
    var sample: Value? {
        switch self {
        case .string: return .string("")
        case .int: return .int(0)
        case .float: return .float(0)
        case .bool: return .bool(false)
        case .duration: return .duration(0)
        case .list: return .list(ListRef([]))
        case .secret, .map, .native: return nil
        }
    }
}

extension Members {
    /// True when a value of kind `type` has member `name`, as `x.name` or `x.name(...)`; nil when
    /// the kind does not fix its members (maps, secrets, objects).
    static func has(_ type: StaticType, _ name: String) -> Bool? {
        guard let v = type.sample else { return nil }
        return properties(of: v).contains(name) || BuiltinMethods.table(for: v)?[name] != nil
    }

    /// Every member of a value of kind `type`, for "did you mean".
    static func names(of type: StaticType) -> [String] {
        guard let v = type.sample else { return [] }
        return names(of: v)
    }
}
