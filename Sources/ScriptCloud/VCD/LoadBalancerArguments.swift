import VCDScript

/// Named arguments of the load balancer collections that are not plain strings or ints.
extension Arguments {
    /// Service ports: a port (`443`), a range (`"8000-8010"`), or a list of them.
    func optPorts(_ name: String) throws -> [String]? {
        func one(_ v: Value) throws -> String {
            switch v {
            case .int(let i): return String(i)
            case .string(let s): return s
            case .range(let a, let b) where b > a: return a == b - 1 ? String(a) : "\(a)-\(b - 1)"
            default: throw ScriptError(.type, "\(function)(): \(name) must be ports (443, \"8000-8010\" or 8000...8010), not \(v.typeName)")
            }
        }
        switch self[name] {
        case .null: return nil
        case .list(let l): return try l.items.map(one)
        case let v: return [try one(v)]
        }
    }

    /// A time in whole minutes: a duration (`30m`), or a number of minutes (`-1` for ever).
    func optMinutes(_ name: String) throws -> Int? {
        switch self[name] {
        case .null: return nil
        case .int(let i): return i
        case .duration(let ns):
            guard ns % 60_000_000_000 == 0 else {
                throw ScriptError(.argument, "\(function)(): \(name) is counted in whole minutes, not \(Formatter.str(.duration(ns)))")
            }
            return Int(ns / 60_000_000_000)
        case let v: throw ScriptError(.type, "\(function)(): \(name) must be a duration in minutes (5m) or an int, not \(v.typeName)")
        }
    }
}
