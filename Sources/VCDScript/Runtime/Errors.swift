/// Constructors for run-time errors that several places raise, so they read the same everywhere.
enum Errors {
    static func stackOverflow(at range: SourceRange?) -> ScriptError {
        ScriptError(.recursion, "the value stack is full", at: range, hint: "a recursion is probably missing its base case")
    }

    /// The value of `throw x`: an error value is thrown as it is; anything else becomes one
    /// (its text charged to the step limit).
    static func thrown(_ v: Value, at range: SourceRange, vm: Meter) throws -> ScriptError {
        if case .error(let e) = v {
            if e.range == nil { e.range = range }
            e.traceback = []
            return e
        }
        let text: String
        do { text = try Formatter.str(v, vm: vm) } catch let e as ScriptError { e.range = e.range ?? range; throw e }
        let e = ScriptError(.thrown, text, at: range)
        e.payload = v
        return e
    }

    /// Adds one traceback line as an error leaves a call site.
    static func addFrame(_ e: ScriptError, function: String, range: SourceRange) -> ScriptError {
        if e.range == nil { e.range = range }
        if e.traceback.isEmpty, let r = e.range, r.start != range.start || r.end != range.end {
            // The error happened inside a native callee: its own line comes first.
            e.traceback.append(TraceFrame(function: function, range: r))
            if r.file === range.file && r.start >= range.start && r.end <= range.end { return e }
        }
        if e.traceback.last.map({ $0.range?.start != range.start || $0.function != function }) ?? true {
            e.traceback.append(TraceFrame(function: function, range: range))
        }
        return e
    }
}
