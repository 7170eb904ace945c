import Foundation

/// The core builtins every module sees (see docs/language.md, "Builtins").
enum Builtins {
    static func install(into interp: Interpreter) {
        for f in core + conversions + collections + system { interp.define(f) }
        interp.define("json", .object(Namespaces.json))
        interp.define("yaml", .object(Namespaces.yaml))
        interp.define("base64", .object(Namespaces.base64))
        interp.define("csv", .object(CSV.namespace))
        interp.define("re", .object(RegexBuiltins.namespace))
        interp.define("file", .object(FileOps.namespace))
        for f in Network.functions { interp.define(f) }
        for f in Diff.functions { interp.define(f) }
        for f in Concurrency.functions { interp.define(f) }
        for f in Retry.functions { interp.define(f) }
        for f in Numbers.functions { interp.define(f) }
    }

    static func describeIOError(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
            case NSFileReadInapplicableStringEncodingError: return "the file is not UTF-8 text"
            default: break
            }
        }
        return ns.localizedDescription
    }

    private static func f(_ name: String, _ params: [Parameter]?, variadic: Bool = false, _ doc: String,
                          _ body: @escaping (Arguments, CallContext) throws -> Value) -> NativeFunction {
        NativeFunction(name, params: params, variadic: variadic, doc: doc, body)
    }

    /// The text `print` and `eprint` write: the arguments separated by `sep` (default a space).
    static func printed(_ a: Arguments, _ ctx: CallContext, _ fn: String) throws -> String {
        var sep = " "
        for (n, v) in a.named {
            guard n == "sep" else {
                throw ScriptError(.argument, "\(fn)() has no parameter named \(n)", hint: "its only named parameter is sep")
            }
            sep = try Formatter.str(v, vm: ctx.meter)
        }
        let format = ctx.interpreter.options.outputFormat
        let text = try a.rest.map { v -> String in
            if case .string(let s) = v { return s }
            return try Display.render(v, format: format, ctx: ctx, charged: true)
        }.joined(separator: sep)
        try ctx.charge(Cost.bytes(text.utf8.count))
        return text
    }

    // MARK: core

    static let core: [NativeFunction] = [
        f("print", nil, "Prints its arguments separated by spaces (secrets as ********).") { a, ctx in
            ctx.interpreter.options.output(try printed(a, ctx, "print"))
            return .null
        },
        f("eprint", nil, "Prints its arguments to standard error, as print does (secrets as ********): for messages that are not the script's output.") { a, ctx in
            ctx.interpreter.options.errorOutput(try printed(a, ctx, "eprint"))
            return .null
        },
        f("fail", [Parameter("message"), Parameter("code", default: .int(1))],
          "Ends the run: the message on standard error, no traceback, and exit code `code` (1 to 255).") { a, ctx in
            let code = try a.int(1)
            guard (1...255).contains(code) else {
                throw ScriptError(.value, "fail(): code must be an exit code from 1 to 255, not \(code)", hint: "exit(0) ends a run that succeeded")
            }
            let message: String
            if case .string(let s) = a[0] { message = s } else { message = try Display.render(a[0], format: .text, ctx: ctx, charged: true) }
            throw ExitRequest(code: Int32(code), message: message)
        },
        f("type", [Parameter("value")], "The type name of a value: \"int\", \"list\", \"gateway\"...") { a, _ in .string(a[0].typeName) },
        f("repr", [Parameter("value")], "The value as the REPL shows it, with quotes around strings.") { a, ctx in .string(try Formatter.repr(a[0], vm: ctx.meter)) },
        f("len", [Parameter("value")], "The number of items, entries or characters.") { a, ctx in
            switch a[0] {
            case .string(let s):
                try ctx.charge(Cost.chars(s.utf8.count))
                return .int(TextBuilding.characterCount(s))
            case .list(let l): return .int(l.items.count)
            case .map(let m): return .int(m.entries.count)
            case .range(let x, let y):
                guard let n = Ops.rangeCount(x, y) else { throw Ops.rangeTooLarge(x, y, at: nil) }
                return .int(n)
            case .object(let o):
                if let it = o.nativeType.iterate { return .int(try it(o, ctx).count) }
                fallthrough
            default: throw ScriptError(.type, "len() of a \(a[0].typeName) is not defined", hint: "len works on strings, lists, maps, ranges and collections")
            }
        },
        f("assert", [Parameter("condition"), Parameter("message", default: .string("assertion failed"))], "Fails the script when the condition is false.") { a, ctx in
            if !a[0].isTruthy { throw ScriptError(.assertion, try Formatter.str(a[1], vm: ctx.meter)) }
            return .null
        },
        f("error", [Parameter("code"), Parameter("message", default: .null)], "An error value to throw: error(\"CODE\", \"message\"), or error(\"message\").") { a, ctx in
            if case .null = a[1] { return .error(ScriptError(.thrown, try Formatter.str(a[0], vm: ctx.meter))) }
            return .error(ScriptError(.thrown, try Formatter.str(a[1], vm: ctx.meter), code: try Formatter.str(a[0], vm: ctx.meter)))
        },
        f("freeze", [Parameter("value")], "Makes a list or map (and everything inside) read-only; returns it.") { a, ctx in
            // Every container met is charged: a value holding the same list many times is
            // visited as often as it holds it.
            func freeze(_ v: Value, _ depth: Int) throws {
                guard depth < 100 else { return }
                switch v {
                case .list(let l):
                    try ctx.charge(Cost.visited(l.items.count))
                    l.frozen = true; try l.items.forEach { try freeze($0, depth + 1) }
                case .map(let m):
                    try ctx.charge(Cost.visited(m.entries.count))
                    m.frozen = true; try m.entries.values.forEach { try freeze($0, depth + 1) }
                default: break
                }
            }
            try freeze(a[0], 0)
            return a[0]
        },
        f("help", [Parameter("value", default: .null)], "Documentation of a function, type or object.") { a, ctx in
            // Wrapped on words at the output width (the terminal's in the REPL), not by the terminal mid-word.
            let width = ctx.interpreter.options.outputWidth.flatMap { $0 > 0 ? $0 : nil } ?? 80
            ctx.interpreter.options.output(TextWrap.wrap(Help.text(for: a[0], interpreter: ctx.interpreter), width: width))
            return .null
        },
        f("dir", [Parameter("value")], "The member names of a value.") { a, _ in
            .list(ListRef(Members.names(of: a[0]).map { .string($0) }))
        },
        f("secret", [Parameter("value", default: .null), Parameter("env", default: .null)],
          "A secret: secret(\"...\") or secret(env: \"VCD_PASSWORD\"). It never prints.") { a, _ in
            if case .string(let name) = a[1] {
                guard let v = ProcessInfo.processInfo.environment[name] else {
                    throw ScriptError(.value, "environment variable \(name) is not set", hint: "export \(name)=... before running, or pass the value another way")
                }
                return .secret(SecretRef(v))
            }
            switch a[0] {
            case .string(let s): return .secret(SecretRef(s))
            case .secret: return a[0]
            case .null: throw ScriptError(.argument, "secret() needs a value or env: \"NAME\"")
            default: throw ScriptError(.type, "secret() takes a string, not \(a[0].typeName)")
            }
        },
        f("env", [Parameter("name"), Parameter("default", default: .null)], "An environment variable, or the default.") { a, _ in
            ProcessInfo.processInfo.environment[try a.string(0)].map { .string($0) } ?? a[1]
        },
    ]

    // MARK: conversions

    static let conversions: [NativeFunction] = [
        f("str", [Parameter("value")], "The value as text.") { a, ctx in .string(try Formatter.str(a[0], vm: ctx.meter)) },
        f("int", [Parameter("value"), Parameter("base", default: .int(10))], "An integer from a number or text.") { a, ctx in
            switch a[0] {
            case .int: return a[0]
            case .float(let d):
                // -2^63 is the smallest int; 2^63 is just past the largest.
                guard d.isFinite, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else {
                    throw ScriptError(.value, "\(Formatter.float(d)) does not fit in an int")
                }
                return .int(Int(d))
            case .bool(let b): return .int(b ? 1 : 0)
            case .duration(let d): return .int(Int(d / 1_000_000_000))
            case .string(let s):
                try ctx.charge(Cost.chars(s.utf8.count))
                let t = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
                let base = try a.int(1)
                guard (2...36).contains(base) else { throw ScriptError(.value, "int(): base must be between 2 and 36") }
                if let v = Int(t.hasPrefix("0x") && base == 16 ? String(t.dropFirst(2)) : t, radix: base) { return .int(v) }
                throw ScriptError(.value, "cannot convert \(Formatter.quote(s)) to an int")
            default: throw ScriptError(.type, "cannot convert a \(a[0].typeName) to an int")
            }
        },
        f("float", [Parameter("value")], "A float from a number or text.") { a, ctx in
            switch a[0] {
            case .int(let i): return .float(Double(i))
            case .float: return a[0]
            case .string(let s):
                try ctx.charge(Cost.chars(s.utf8.count))
                if let d = Double(s.trimmingCharacters(in: .whitespaces)) { return .float(d) }
                throw ScriptError(.value, "cannot convert \(Formatter.quote(s)) to a float")
            case .duration(let d): return .float(Double(d) / 1e9)
            default: throw ScriptError(.type, "cannot convert a \(a[0].typeName) to a float")
            }
        },
        f("bool", [Parameter("value")], "The truth of a value.") { a, _ in .bool(a[0].isTruthy) },
        f("duration", [Parameter("value")], "A duration from seconds or text such as \"1h30m\".") { a, ctx in
            switch a[0] {
            case .duration: return a[0]
            case .int(let i):
                let r = Int64(i).multipliedReportingOverflow(by: 1_000_000_000)
                if r.overflow { throw ScriptError(.value, "\(i) seconds is too long for a duration") }
                return .duration(r.partialValue)
            case .float(let d):
                guard let n = Ops.nanoseconds(d * 1e9) else { throw ScriptError(.value, "\(Formatter.float(d)) seconds is too long for a duration") }
                return .duration(n)
            case .string(let s):
                try ctx.charge(Cost.chars(s.utf8.count))
                guard let d = DurationText.parse(s) else { throw ScriptError(.value, "cannot read \(Formatter.quote(s)) as a duration", hint: "write it like 90s, 5m or 1h30m") }
                return .duration(d)
            default: throw ScriptError(.type, "cannot convert a \(a[0].typeName) to a duration")
            }
        },
        f("list", [Parameter("value", default: .null)], "A new list from a list, map keys, string characters, range or collection.") { a, ctx in
            switch a[0] {
            case .null: return .list(ListRef())
            case .list(let l):
                try ctx.charge(Cost.items(l.items.count))
                return .list(ListRef(l.items))
            case .map(let m):
                try ctx.charge(Cost.compared(m.entries.count))
                return .list(ListRef(m.entries.keys.map(\.value)))
            case .string(let s):
                try ctx.charge(Cost.chars(s.utf8.count))
                return .list(ListRef(s.map { .string(String($0)) }))
            case .range(let x, let y):
                guard let n = Ops.rangeCount(x, y), n <= 50_000_000 else { throw ScriptError(.value, "range too large to make a list") }
                try ctx.charge(Cost.items(n))
                return .list(ListRef((x..<max(x, y)).map { .int($0) }))
            case .object(let o):
                if let it = o.nativeType.iterate { return .list(ListRef(try it(o, ctx))) }
                fallthrough
            default: throw ScriptError(.type, "cannot make a list from a \(a[0].typeName)")
            }
        },
        f("map", [Parameter("value", default: .null)], "A new map: a copy, or from a list of [key, value] pairs.") { a, ctx in
            switch a[0] {
            case .null: return .map(MapRef())
            case .map(let m):
                try ctx.charge(Cost.items(m.entries.count))
                return .map(MapRef(m.entries))
            case .list(let l):
                try ctx.charge(Cost.hashed(l.items.count))
                let m = MapRef()
                for item in l.items {
                    guard case .list(let pair) = item, pair.items.count == 2, let k = pair.items[0].mapKey else {
                        throw ScriptError(.value, "map() needs a list of [key, value] pairs")
                    }
                    m.entries[k] = pair.items[1]
                }
                return .map(m)
            default: throw ScriptError(.type, "cannot make a map from a \(a[0].typeName)")
            }
        },
    ]

    // MARK: collections

    /// The items of an iterable value, charged to the step limit as they are copied or made.
    private static func items(_ v: Value, _ ctx: CallContext, _ fn: String) throws -> [Value] {
        switch v {
        case .list(let l):
            try ctx.charge(Cost.items(l.items.count))
            return l.items
        case .map(let m):
            try ctx.charge(Cost.compared(m.entries.count))
            return m.entries.keys.map(\.value)
        case .string(let s):
            try ctx.charge(Cost.chars(s.utf8.count))
            return s.map { .string(String($0)) }
        case .range(let x, let y):
            guard let n = Ops.rangeCount(x, y), n <= 50_000_000 else { throw ScriptError(.value, "\(fn)(): range too large") }
            try ctx.charge(Cost.items(n))
            return (x..<max(x, y)).map { .int($0) }
        case .object(let o):
            if let it = o.nativeType.iterate { return try it(o, ctx) }
            fallthrough
        default: throw ScriptError(.type, "\(fn)() needs a list, map, string or range, not \(v.typeName)")
        }
    }

    static let collections: [NativeFunction] = [
        f("range", [Parameter("start"), Parameter("stop", default: .null), Parameter("step", default: .int(1))],
          "range(n) is 0..<n; range(a, b, step) counts from a up to b (not included) by step.") { a, ctx in
            var lo = 0, hi: Int
            if case .null = a[1] { hi = try a.int(0) } else { lo = try a.int(0); hi = try a.int(1) }
            let step = try a.int(2)
            if step == 1 { return .range(lo, hi) }
            if step == 0 { throw ScriptError(.value, "range(): step must not be zero") }
            let count = step > 0 ? Ops.rangeCount(lo, hi) : Ops.rangeCount(hi, lo)
            guard let count, UInt(count) / step.magnitude <= 50_000_000 else { throw ScriptError(.value, "range(): too many items") }
            try ctx.charge(Cost.items(Int(UInt(count) / step.magnitude)))
            var out: [Value] = []
            var i = lo
            while step > 0 ? i < hi : i > hi {
                out.append(.int(i))
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
            return .list(ListRef(out))
        },
        f("keys", [Parameter("map")], "The keys of a map.") { a, ctx in
            let m = try a.map(0)
            try ctx.charge(Cost.compared(m.entries.count))
            return .list(ListRef(m.entries.keys.map(\.value)))
        },
        f("values", [Parameter("map")], "The values of a map.") { a, ctx in
            let m = try a.map(0)
            try ctx.charge(Cost.compared(m.entries.count))
            return .list(ListRef(Array(m.entries.values)))
        },
        f("sorted", [Parameter("items"), Parameter("key", default: .null), Parameter("reverse", default: .bool(false))], "A sorted list of the items.") { a, ctx in
            let sortArgs = try Arguments.bind(function: "sorted", params: [Parameter("key", default: .null), Parameter("reverse", default: .bool(false))],
                                              variadic: false, positional: [a[1], a[2]], named: [])
            return .list(ListRef(try BuiltinMethods.sortedItems(try items(a[0], ctx, "sorted"), sortArgs, ctx, call: "sorted(xs)")))
        },
        f("min", nil, "The smallest of a list or of the arguments.") { a, ctx in try extreme(a, ctx, "min", -1) },
        f("max", nil, "The largest of a list or of the arguments.") { a, ctx in try extreme(a, ctx, "max", 1) },
        f("sum", [Parameter("items"), Parameter("start", default: .int(0))], "The sum of the items.") { a, ctx in
            var acc = a[1]
            let all = try items(a[0], ctx, "sum")
            try ctx.charge(Cost.compared(all.count))
            for x in all { acc = try Ops.arithmetic(.add, acc, x, at: ctx.range, vm: ctx.meter) }
            return acc
        },
        f("any", [Parameter("items")], "True if any item is true.") { a, ctx in .bool(try items(a[0], ctx, "any").contains { $0.isTruthy }) },
        f("all", [Parameter("items")], "True if every item is true.") { a, ctx in .bool(try items(a[0], ctx, "all").allSatisfy { $0.isTruthy }) },
        f("enumerate", [Parameter("items"), Parameter("start", default: .int(0))], "[index, item] pairs.") { a, ctx in
            let start = try a.int(1)
            let all = try items(a[0], ctx, "enumerate")
            if start > 0, start > Int.max - all.count { throw ScriptError(.arithmetic, "enumerate(): start \(start) is too large") }
            try ctx.charge(Cost.entries(all.count))
            return .list(ListRef(all.enumerated().map { .list(ListRef([.int($0.offset + start), $0.element])) }))
        },
        f("zip", nil, "Lists of items taken in step from each argument.") { a, ctx in
            let lists = try a.rest.map { try items($0, ctx, "zip") }
            guard let n = lists.map(\.count).min() else { return .list(ListRef()) }
            try ctx.charge(Cost.entries(n) + Cost.items(n * lists.count))
            return .list(ListRef((0..<n).map { i in .list(ListRef(lists.map { $0[i] })) }))
        },
    ]

    private static func extreme(_ a: Arguments, _ ctx: CallContext, _ fn: String, _ sign: Int) throws -> Value {
        let values = a.rest.count == 1 ? try items(a.rest[0], ctx, fn) : a.rest
        guard var best = values.first else { throw ScriptError(.value, "\(fn)() of nothing", hint: "give it a non-empty list") }
        try ctx.charge(Cost.compared(values.count))
        for v in values.dropFirst() where try Ops.compare(v, best, at: ctx.range, vm: ctx.meter) * sign > 0 { best = v }
        return best
    }

    // MARK: system

    static let system: [NativeFunction] = [
        f("read", [Parameter("path")], "The text of a file (~ is the home folder).") { a, ctx in
            let path = Paths.expand(try a.string(0))
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ScriptError(.io, "cannot read \(path): \(describeIOError(error))")
            }
            try ctx.charge(Cost.bytes(text.utf8.count))
            return .string(text)
        },
        f("write", [Parameter("path"), Parameter("text"), Parameter("mode", default: .null, doc: "file permissions, e.g. 0o600; default the file's own, 0644 for a new one")],
          "Writes text to a file: a regular file is replaced atomically (keeping its mode), a symbolic link is written through to its target, a device or FIFO (/dev/null) is written in place; a directory is refused.") { a, ctx in
            let path = Paths.expand(try a.string(0))
            let text: String
            switch a[1] {
            case .string(let s): text = s
            case .secret(let s): text = s.reveal() // writing a kubeconfig or key file is what the user asked for
            default: text = try Formatter.str(a[1], vm: ctx.meter)
            }
            try ctx.charge(Cost.bytes(text.utf8.count))
            if case .int(let mode) = a[2], !(0...0o7777).contains(mode) {
                throw ScriptError(.value, "write(): mode must be file permissions such as 0o600 (384), not \(mode)")
            }
            var mode: Int? = nil
            if case .int(let m) = a[2] { mode = m }
            do {
                try FileWrite.check(path)
                if case .skip = try ctx.permit(LocalEffect(.write, path)) { return .null }
                try FileWrite.write(text, to: path, mode: mode)
            } catch let f as FileWrite.Failure {
                throw ScriptError(.io, "cannot write \(path): \(f.message)")
            }
            return .null
        },
        f("exists", [Parameter("path")], "True if the file or folder exists.") { a, _ in
            .bool(FileManager.default.fileExists(atPath: Paths.expand(try a.string(0))))
        },
        f("now", [], "The current time as seconds since 1970 (a float; the simulated world's time on the embedded simulator).") { _, ctx in .float(ctx.interpreter.options.clock?.now() ?? Date().timeIntervalSince1970) },
        f("sleep", [Parameter("duration")], "Waits (a duration, or seconds).") { a, ctx in
            let nanos = try a.duration(0)
            try Concurrency.sleep(nanos: nanos, ctx: ctx)
            return .null
        },
        f("isMain", [], "True when called from the script being run, false from an imported module: a module that is also a script (stdlib/preflight.vs) runs its own part only then.") { _, ctx in
            guard let file = ctx.range?.file.name, let main = ctx.interpreter.main else { return .bool(false) }
            return .bool(file == main.name)
        },
        f("exit", [Parameter("code", default: .int(0))], "Ends the script with an exit code.") { a, _ in
            throw ExitRequest(code: Int32(truncatingIfNeeded: try a.int(0)))
        },
    ]
}

/// Thrown by `exit(code)` and `fail(message, code:)`; the runner turns it into the process exit
/// code, after writing the message (if any) to standard error, without a traceback.
public struct ExitRequest: Error {
    public let code: Int32
    public let message: String?
    public init(code: Int32, message: String? = nil) {
        self.code = code
        self.message = message
    }
}

enum Paths {
    static func expand(_ p: String) -> String { (p as NSString).expandingTildeInPath }
}

/// Reads durations written as text: "90s", "1h30m", "250ms".
enum DurationText {
    static func parse(_ s: String) -> Int64? {
        var total: Double = 0
        var rest = Substring(s.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let num = rest.prefix { $0.isNumber || $0 == "." }
            guard !num.isEmpty, let v = Double(num) else { return nil }
            rest = rest.dropFirst(num.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us": scale = 1e3
            case "ms": scale = 1e6
            case "s", "": scale = 1e9
            case "m": scale = 6e10
            case "h": scale = 3.6e12
            case "d": scale = 8.64e13
            default: return nil
            }
            total += v * scale
        }
        guard total.isFinite, total < 9e18 else { return nil }
        return Int64(total)
    }
}
