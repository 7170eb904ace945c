/// One parameter of a native function or method: its name (for named arguments and error
/// messages), its default (nil means required), and a line of documentation.
public struct Parameter: Sendable {
    public let name: String
    public let defaultValue: DefaultValue?
    public let doc: String

    /// A default that is known when the function is registered.
    public enum DefaultValue: Sendable {
        case null, bool(Bool), int(Int), string(String), duration(Int64), float(Double)
        var value: Value {
            switch self {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .string(let s): return .string(s)
            case .duration(let d): return .duration(d)
            case .float(let f): return .float(f)
            }
        }
    }

    /// A required parameter.
    public init(_ name: String, doc: String = "") { self.name = name; self.defaultValue = nil; self.doc = doc }
    /// An optional parameter with a default.
    public init(_ name: String, default value: DefaultValue, doc: String = "") { self.name = name; self.defaultValue = value; self.doc = doc }
}

/// A function provided by the interpreter or the host. With `params`, arguments are matched to
/// them (positional first, then named; unknown names are errors with "did you mean"); without,
/// the function receives them raw (like `print`).
public final class NativeFunction {
    public let name: String
    public let doc: String
    public let params: [Parameter]?
    /// Extra positional arguments are allowed and passed in `Arguments.rest`.
    public let variadic: Bool
    /// Named-only arguments of a variadic function (`sh(cmd, args…, check: false)`), passed in
    /// `Arguments.named`: they cannot be given by position, which the variadic part takes.
    public let keywords: [String]
    /// What it gives back, for `vcdscript check` (`connect()` gives a cloud); nil when undeclared.
    public var returns: StaticType?
    let body: (Arguments, CallContext) throws -> Value

    public init(_ name: String, params: [Parameter]?, variadic: Bool = false, keywords: [String] = [], doc: String = "",
                _ body: @escaping (Arguments, CallContext) throws -> Value) {
        self.name = name
        self.params = params
        self.variadic = variadic
        self.keywords = keywords
        self.doc = doc
        self.body = body
    }

    /// `name(a, b: 1)`, for help and errors.
    public var signature: String {
        guard let params else { return "\(name)(...)" }
        return Parameter.signature(name, params, variadic: variadic)
    }
}

extension Parameter {
    /// `name(a, b: 1, ...)`: how help() shows a function, method or builtin method.
    public static func signature(_ name: String, _ params: [Parameter], variadic: Bool) -> String {
        var parts = params.map { p -> String in
            if let d = p.defaultValue { return "\(p.name): \(Formatter.repr(d.value))" }
            return p.name
        }
        if variadic { parts.append("...") }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}

extension NativeFunction {
    /// `name(a, ..., k:)`: with the named-only arguments.
    public var fullSignature: String {
        guard let params else { return "\(name)(...)" }
        let base = Parameter.signature(name, params, variadic: variadic)
        return keywords.isEmpty ? base : String(base.dropLast()) + ", " + keywords.map { "\($0):" }.joined(separator: ", ") + ")"
    }
}

/// The arguments of one native call, matched to the parameters when the function declares them.
public struct Arguments {
    /// The function or method being called, for messages.
    public let function: String
    /// Values by parameter index (defaults filled in). Empty for raw functions.
    public let values: [Value]
    /// Which parameters the caller gave explicitly.
    public let given: [Bool]
    /// Extra positional arguments (variadic or raw functions).
    public let rest: [Value]
    /// Named arguments of a raw function.
    public let named: [(name: String, value: Value)]
    let params: [Parameter]

    public var count: Int { values.count }

    public subscript(_ i: Int) -> Value { values[i] }

    /// The value of parameter `name`.
    public subscript(_ name: String) -> Value {
        if let i = params.firstIndex(where: { $0.name == name }) { return values[i] }
        return named.first { $0.name == name }?.value ?? .null
    }

    /// True when the caller passed parameter `name` (rather than taking the default).
    public func has(_ name: String) -> Bool {
        if let i = params.firstIndex(where: { $0.name == name }) { return given[i] }
        return named.contains { $0.name == name }
    }

    private func label(_ i: Int) -> String {
        i < params.count ? "argument \(params[i].name)" : "argument \(i + 1)"
    }

    private func typeError(_ i: Int, _ want: String) -> ScriptError {
        ScriptError(.type, "\(function)(): \(label(i)) must be \(want), not \(values[i].typeName)")
    }

    public func string(_ i: Int) throws -> String {
        if case .string(let s) = values[i] { return s }
        throw typeError(i, "a string")
    }
    public func optionalString(_ i: Int) throws -> String? {
        if case .null = values[i] { return nil }
        return try string(i)
    }
    public func int(_ i: Int) throws -> Int {
        if case .int(let v) = values[i] { return v }
        throw typeError(i, "an int")
    }
    public func number(_ i: Int) throws -> Double {
        switch values[i] {
        case .int(let v): return Double(v)
        case .float(let v): return v
        default: throw typeError(i, "a number")
        }
    }
    public func bool(_ i: Int) throws -> Bool {
        if case .bool(let v) = values[i] { return v }
        throw typeError(i, "true or false")
    }
    public func list(_ i: Int) throws -> ListRef {
        if case .list(let v) = values[i] { return v }
        throw typeError(i, "a list")
    }
    public func map(_ i: Int) throws -> MapRef {
        if case .map(let v) = values[i] { return v }
        throw typeError(i, "a map")
    }
    /// A duration written as text (`"30m"`, `"1h30m"`: what a parameter or a config file gives),
    /// or an error that says how to write one.
    public static func durationText(_ s: String, function: String, label: String) throws -> Int64 {
        guard s.utf8.count <= 64, let d = DurationText.parse(s) else {
            throw ScriptError(.value, "\(function)(): \(label) must be a duration such as 30s, 5m or \"1h30m\", not \(Formatter.quote(String(s.prefix(64))))",
                              hint: "write a duration: a number and a unit (ms, s, m, h), e.g. 30m")
        }
        return d
    }
    /// A duration; a bare number is taken as seconds, text such as "30m" is read as `duration()` reads it.
    public func duration(_ i: Int) throws -> Int64 {
        switch values[i] {
        case .duration(let d): return d
        case .int(let v):
            let r = Int64(v).multipliedReportingOverflow(by: 1_000_000_000)
            if r.overflow { throw ScriptError(.value, "\(function)(): \(label(i)) is too large for a duration") }
            return r.partialValue
        case .float(let v):
            guard let d = Ops.nanoseconds(v * 1e9) else { throw ScriptError(.value, "\(function)(): \(label(i)) is too large for a duration") }
            return d
        case .string(let s):
            return try Self.durationText(s, function: function, label: label(i))
        default: throw typeError(i, "a duration such as 30s")
        }
    }
    public func callable(_ i: Int) throws -> Value {
        switch values[i] {
        case .function, .builtin: return values[i]
        default: throw typeError(i, "a function")
        }
    }
    /// A string, or a secret's clear text (for credentials).
    public func credential(_ i: Int) throws -> String {
        switch values[i] {
        case .string(let s): return s
        case .secret(let s): return s.reveal()
        default: throw typeError(i, "a string or a secret")
        }
    }

    /// Matches call arguments to `params`. Errors name the function, the parameter, and the
    /// closest known name for a misspelt one.
    static func bind(function: String, params: [Parameter], variadic: Bool, keywords: [String] = [], positional: [Value],
                     named: [(name: String, value: Value)]) throws -> Arguments {
        var passed: [(name: String, value: Value)] = []
        var values = [Value](repeating: .null, count: params.count)
        var given = [Bool](repeating: false, count: params.count)
        var rest: [Value] = []
        for (i, v) in positional.enumerated() {
            if i < params.count { values[i] = v; given[i] = true } else if variadic { rest.append(v) } else {
                throw ScriptError(.argument, "\(function)() takes at most \(params.count) argument\(params.count == 1 ? "" : "s"), but \(positional.count) were given",
                                  hint: params.isEmpty ? nil : "its parameters are: \(params.map(\.name).joined(separator: ", "))")
            }
        }
        for (name, v) in named {
            if keywords.contains(name), !params.contains(where: { $0.name == name }) {
                if passed.contains(where: { $0.name == name }) { throw ScriptError(.argument, "\(function)(): argument \(name) is given twice") }
                passed.append((name, v))
                continue
            }
            guard let i = params.firstIndex(where: { $0.name == name }) else {
                let names = params.map(\.name) + keywords
                let e = ScriptError(.argument, "\(function)() has no parameter named \(name)",
                                    hint: names.isEmpty ? "it takes no named arguments" : "its parameters are: \(names.joined(separator: ", "))")
                e.suggestion = Spelling.closest(to: name, in: names)
                throw e
            }
            if given[i] { throw ScriptError(.argument, "\(function)(): argument \(name) is given twice") }
            values[i] = v
            given[i] = true
        }
        for (i, p) in params.enumerated() where !given[i] {
            guard let d = p.defaultValue else {
                throw ScriptError(.argument, "\(function)() is missing argument \(p.name)",
                                  hint: "call it as \(function)(\(params.filter { $0.defaultValue == nil }.map { "\($0.name): ..." }.joined(separator: ", ")))")
            }
            values[i] = d.value
        }
        return Arguments(function: function, values: values, given: given, rest: rest, named: passed, params: params)
    }

    static func raw(function: String, positional: [Value], named: [(name: String, value: Value)]) -> Arguments {
        Arguments(function: function, values: positional, given: positional.map { _ in true }, rest: positional, named: named, params: [])
    }
}
