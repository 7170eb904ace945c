import Foundation

/// The flags of one command of the simulator's `kind` and `clusterctl`, parsed the way their real
/// programs (built on cobra/pflag) parse them: `--name value`, `--name=value`, `-n value`, `-nvalue`,
/// boolean flags with an optional `=true|false`, `--` ending the flags, flags anywhere among the
/// arguments. Bad usage fails with pflag's wording, which the tools print with their own prefix.
struct CommandLineFlags {
    /// A flag the command takes.
    struct Flag {
        var long: String
        var short: Character?
        var takesValue: Bool
    }

    /// Why the command line was refused, in pflag's words.
    struct UsageError: Error {
        var message: String
    }

    private(set) var values: [String: [String]] = [:]
    private(set) var positional: [String] = []

    /// Parses `args` against `flags`; `--help`/`-h` are recorded as the flag "help".
    init(_ args: [String], flags: [Flag]) throws {
        var all = flags
        all.append(Flag(long: "help", short: "h", takesValue: false))
        var i = 0
        var onlyPositional = false
        while i < args.count {
            let a = args[i]
            i += 1
            if onlyPositional || a == "-" || !a.hasPrefix("-") { positional.append(a); continue }
            if a == "--" { onlyPositional = true; continue }
            if a.hasPrefix("--") {
                let body = String(a.dropFirst(2))
                let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? body
                let inline: String? = body.contains("=") ? String(body[body.index(after: body.firstIndex(of: "=")!)...]) : nil
                guard let f = all.first(where: { $0.long == name }) else { throw UsageError(message: "unknown flag: --\(name)") }
                if f.takesValue {
                    if let inline { values[f.long, default: []].append(inline); continue }
                    guard i < args.count else { throw UsageError(message: "flag needs an argument: --\(name)") }
                    values[f.long, default: []].append(args[i])
                    i += 1
                } else {
                    let v = inline ?? "true"
                    guard v == "true" || v == "false" else {
                        throw UsageError(message: "invalid argument \"\(v)\" for \"--\(name)\" flag: strconv.ParseBool: parsing \"\(v)\": invalid syntax")
                    }
                    values[f.long, default: []].append(v)
                }
                continue
            }
            // Short flags, possibly bundled (-xvf) or with the value attached (-nfoo).
            var chars = Array(a.dropFirst())
            while !chars.isEmpty {
                let c = chars.removeFirst()
                guard let f = all.first(where: { $0.short == c }) else {
                    throw UsageError(message: "unknown shorthand flag: '\(c)' in \(a)")
                }
                if f.takesValue {
                    var v = String(chars)
                    chars = []
                    if v.hasPrefix("=") { v.removeFirst() }
                    if v.isEmpty {
                        guard i < args.count else { throw UsageError(message: "flag needs an argument: '\(c)' in -\(c)") }
                        v = args[i]
                        i += 1
                    }
                    values[f.long, default: []].append(v)
                } else {
                    values[f.long, default: []].append("true")
                }
            }
        }
    }

    /// The last value given for `name`, else nil.
    func string(_ name: String) -> String? { values[name]?.last }
    /// Every value given for a repeatable flag, also split at commas (`--infrastructure a,b`).
    func list(_ name: String) -> [String] {
        (values[name] ?? []).flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }
    func bool(_ name: String) -> Bool { values[name]?.last == "true" }
    func has(_ name: String) -> Bool { values[name] != nil }

    /// An integer flag, or pflag's error for a value that is not one.
    func int(_ name: String) throws -> Int? {
        guard let v = string(name) else { return nil }
        guard let n = Int(v) else {
            throw UsageError(message: "invalid argument \"\(v)\" for \"--\(name)\" flag: strconv.ParseInt: parsing \"\(v)\": invalid syntax")
        }
        return n
    }
}
