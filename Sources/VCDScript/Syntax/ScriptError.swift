/// What went wrong, in broad classes; scripts see it as `err.kind`.
public enum ErrorKind: String, Sendable {
    case syntax, name, type, value, index, key, arithmetic, recursion, argument
    case `import`, assertion, thrown, io, cancelled, timeout, limit
    /// A fault in the host or in a provider call (exit code 70).
    case host
}

/// One line of a traceback: where a call was made, and in which function.
public struct TraceFrame: Sendable {
    public let function: String
    public let range: SourceRange?
    public init(function: String, range: SourceRange?) {
        self.function = function
        self.range = range
    }
}

/// A script error: a syntax or resolve error before running, or a run-time error. Carries the
/// facts a good message needs: the range, a hint sentence, a "did you mean", and a traceback.
public final class ScriptError: Error, @unchecked Sendable, CustomStringConvertible {
    public let kind: ErrorKind
    public var message: String
    public var range: SourceRange?
    public var hint: String?
    /// A replacement the user probably meant, shown as `did you mean "x"?`.
    public var suggestion: String?
    /// The code given to `error(code, message)` or a provider's error code (e.g. `BUSY_ENTITY`).
    public var code: String?
    /// Innermost call last, as Python prints it.
    public var traceback: [TraceFrame] = []
    /// The value thrown by `throw`, when it was not an error value.
    public var payload: Value?
    /// True for errors found before running (syntax, unknown names): exit code 65.
    public var isCompileTime: Bool
    /// True when the input simply stopped too early (the REPL then asks for more lines).
    public var atEndOfInput = false

    public init(_ kind: ErrorKind, _ message: String, at range: SourceRange? = nil, hint: String? = nil,
                suggestion: String? = nil, code: String? = nil, compileTime: Bool = false) {
        self.kind = kind
        self.message = message
        self.range = range
        self.hint = hint
        self.suggestion = suggestion
        self.code = code
        self.isCompileTime = compileTime
    }

    public var description: String {
        if let range { return "\(range): \(message)" }
        return message
    }

    /// The exit code a runner returns for this error (see docs/language.md, "Exit codes").
    public var exitCode: Int32 {
        if isCompileTime { return 65 }
        if kind == .host { return 70 }
        return 1
    }
}

/// Several errors found in one pass (the parser reports every syntax error it can).
public struct ScriptErrors: Error, Sendable {
    public let errors: [ScriptError]
    public init(_ errors: [ScriptError]) { self.errors = errors }
}
