/// `retry(fn, times:, backoff:, factor:, on:)`: script-level retries of a step that can fail for a
/// passing reason (a busy entity, a site that is briefly away). The pauses are on the host's clock,
/// so on the embedded simulator they move simulated time on instead of sleeping.
enum Retry {
    /// The codes retried when `on:` is not given: the failures that a later attempt can cure.
    static let transient = ["BUSY", "UNAVAILABLE", "TIMEOUT"]

    static let functions: [NativeFunction] = [
        NativeFunction("retry", params: [
            Parameter("fn", doc: "the step: a function of no arguments; its result is retry's"),
            Parameter("times", default: .int(3), doc: "attempts in all, the first included (1 to 100)"),
            Parameter("backoff", default: .duration(1_000_000_000), doc: "the pause after the first failure"),
            Parameter("factor", default: .float(2), doc: "each pause is the one before times this (1: always the same)"),
            Parameter("on", default: .null, doc: "the error codes worth another attempt; default BUSY, UNAVAILABLE, TIMEOUT"),
        ], doc: "Calls fn until it succeeds, at most `times` times, pausing backoff, backoff*factor, ... between attempts. Only errors whose code is in `on` are retried; any other error, and the last attempt's, goes on to the caller.") { a, ctx in
            let f = try a.callable(0)
            let times = try a.int(1)
            guard (1...100).contains(times) else {
                throw ScriptError(.value, "retry(): times must be from 1 to 100, not \(times)", hint: "times counts every attempt, the first included")
            }
            let backoff = try a.duration(2)
            guard backoff >= 0 else { throw ScriptError(.value, "retry(): backoff must not be negative", hint: "backoff: 2s") }
            let factor = try a.number(3)
            guard factor >= 1, factor <= 10 else {
                throw ScriptError(.value, "retry(): factor must be from 1 to 10, not \(Formatter.float(factor))", hint: "1 keeps the pause the same; 2 doubles it")
            }
            let codes = try Self.codes(a["on"])
            var pause = Double(backoff)
            for attempt in 1...times {
                do {
                    return try ctx.call(f, [])
                } catch let e as ScriptError where e.kind != .cancelled && e.kind != .limit {
                    guard let code = e.code, codes.contains(code) else { throw e }
                    guard attempt < times else {
                        e.hint = [e.hint, "retry() made \(times) attempts"].compactMap { $0 }.joined(separator: "; ")
                        throw e
                    }
                    try ctx.charge(1)
                    try Concurrency.sleep(nanos: Int64(min(pause, 3.6e12)), ctx: ctx)
                    pause *= factor
                }
            }
            fatalError("unreachable: the loop returns or throws")
        },
    ]

    /// The codes of `on:`: a list of strings, or one string; a near miss of a known code is a typo.
    static func codes(_ v: Value) throws -> Set<String> {
        let names: [Value]
        switch v {
        case .null: return Set(transient)
        case .string: names = [v]
        case .list(let l): names = l.items
        default: throw ScriptError(.type, "retry(): on must be a list of error codes such as [\"BUSY\", \"CONFLICT\"], not \(v.typeName)")
        }
        var out = Set<String>()
        for n in names {
            guard case .string(let s) = n else {
                throw ScriptError(.type, "retry(): each code in on must be a string such as \"BUSY\", not \(n.typeName)")
            }
            if !CatchCodes.known.contains(s), let near = Spelling.closest(to: s, in: CatchCodes.known) {
                throw ScriptError(.value, "retry(): unknown error code \(s)", hint: "the codes of cloud errors are \(CatchCodes.known.joined(separator: ", "))", suggestion: near)
            }
            out.insert(s)
        }
        return out
    }
}
