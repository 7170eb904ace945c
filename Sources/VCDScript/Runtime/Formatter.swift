import Foundation

/// Turns values into text: `str()` (what `print` shows), `repr()` (what the REPL shows, with
/// quotes), durations, and tables. Secrets are always `********`.
public enum Formatter {
    /// The text `print` and `str()` produce.
    public static func str(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return repr(v)
    }

    /// The text the REPL shows: strings quoted, containers expanded. A list or map inside itself
    /// shows as `[...]` / `{...}`, and very large values are cut short with `...`.
    public static func repr(_ v: Value, depth: Int = 0) -> String {
        var state = ReprState()
        var out = ""
        repr(v, depth: depth, into: &out, &state)
        return out
    }

    /// `str(v)` for a running script: the work (containers visited, bytes written) is charged
    /// to the step limit as it goes, so that a value holding the same big list many times
    /// cannot print for minutes under a limit.
    static func str(_ v: Value, vm: Meter) throws -> String {
        if case .string(let s) = v { return s }
        return try repr(v, vm: vm)
    }

    /// `repr(v)`, charged to the step limit as `str(_:vm:)` is.
    static func repr(_ v: Value, vm: Meter) throws -> String {
        switch v {
        case .list, .map: break
        case .string(let s):
            try vm.charge(Cost.scan(s.utf8.count))
            return scalar(v)
        default: return scalar(v)
        }
        var state = ReprState()
        state.vm = vm
        var out = ""
        repr(v, depth: 0, into: &out, &state)
        state.chargeText(out)
        if let e = state.error { throw e }
        return out
    }

    /// Containers being printed (to spot cycles), how many more values may be printed, and
    /// what is charged to the step limit (with a VM).
    private struct ReprState {
        var open: [ObjectIdentifier] = []
        var budget = 100_000
        var vm: Meter?
        var charged = 0
        var error: Error?

        /// Charges the work; at the step limit, ends the printing (the caller throws the error).
        mutating func charge(_ steps: Int) {
            guard let vm, error == nil else { return }
            do { try vm.charge(steps) } catch { self.error = error; budget = -1 }
        }

        /// Charges the text written since the last charge (strings are quoted byte by byte).
        mutating func chargeText(_ out: String) {
            guard vm != nil else { return }
            let n = out.utf8.count
            charge(Cost.scan(n - charged))
            charged = n
        }
    }

    private static func repr(_ v: Value, depth: Int, into out: inout String, _ state: inout ReprState) {
        state.budget -= 1
        if depth > 20 || state.budget < 0 { out += "..."; return }
        switch v {
        case .list(let l):
            let id = ObjectIdentifier(l)
            if state.open.contains(id) { out += "[...]"; return }
            if state.vm != nil { state.charge(Cost.values(l.items.count)); state.chargeText(out) }
            state.open.append(id)
            out += "["
            for (i, x) in l.items.enumerated() {
                if i > 0 { out += ", " }
                if state.budget < 0 { out += "..."; break }
                repr(x, depth: depth + 1, into: &out, &state)
            }
            out += "]"
            state.open.removeLast()
        case .map(let m):
            let id = ObjectIdentifier(m)
            if state.open.contains(id) { out += "{...}"; return }
            if m.entries.isEmpty { out += "{}"; return }
            if state.vm != nil { state.charge(Cost.values(m.entries.count)); state.chargeText(out) }
            state.open.append(id)
            out += "{"
            for (i, (k, x)) in m.entries.enumerated() {
                if i > 0 { out += ", " }
                if state.budget < 0 { out += "..."; break }
                out += key(k) + ": "
                repr(x, depth: depth + 1, into: &out, &state)
            }
            out += "}"
            state.open.removeLast()
        default:
            out += scalar(v)
            if state.vm != nil, out.utf8.count - state.charged > 1 << 16 { state.chargeText(out) }
        }
    }

    private static func scalar(_ v: Value) -> String {
        switch v {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let f): return float(f)
        case .string(let s): return quote(s)
        case .duration(let d): return duration(d)
        case .range(let a, let b): return "\(a)..<\(b)"
        case .list, .map: return repr(v)
        case .function(let f): return "<fn \(f.proto.name.isEmpty ? "anonymous" : f.proto.name)>"
        case .builtin(let f): return "<builtin \(f.name)>"
        case .secret: return SecretRef.masked
        case .error(let e): return "error(\(e.code.map { quote($0) + ", " } ?? "")\(quote(e.message)))"
        case .object(let o): return o.nativeType.describe?(o) ?? "<\(o.nativeType.name)>"
        }
    }

    static func key(_ k: MapKey) -> String {
        switch k {
        case .string(let s):
            if let f = s.unicodeScalars.first, f == "_" || CharacterSet.letters.contains(f),
               s.unicodeScalars.allSatisfy({ $0 == "_" || CharacterSet.alphanumerics.contains($0) }), s.unicodeScalars.allSatisfy({ $0.isASCII }),
               Keyword(rawValue: s) == nil {
                return s
            }
            return quote(s)
        case .int(let i): return String(i)
        case .bool(let b): return "[\(b)]"
        }
    }

    public static func float(_ f: Double) -> String {
        if f.isNaN { return "nan" }
        if f.isInfinite { return f > 0 ? "inf" : "-inf" }
        if f == f.rounded(), abs(f) < 1e16 { return String(format: "%.1f", f) }
        return "\(f)"
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "$": out += "\\$"
            default:
                if ch.value < 0x20 { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    /// `1h30m`, `45s`, `250ms`.
    public static func duration(_ nanos: Int64) -> String {
        if nanos == 0 { return "0s" }
        var n = nanos.magnitude
        let sign = nanos < 0 ? "-" : ""
        if n % 1_000_000_000 != 0 {
            if n < 1_000 { return "\(sign)\(n)ns" }
            if n < 1_000_000 { return sign + trim(Double(n) / 1e3) + "us" }
            if n < 1_000_000_000 { return sign + trim(Double(n) / 1e6) + "ms" }
            return sign + trim(Double(n) / 1e9) + "s"
        }
        n /= 1_000_000_000
        var parts = ""
        let d = n / 86_400, h = n % 86_400 / 3600, m = n % 3600 / 60, s = n % 60
        if d > 0 { parts += "\(d)d" }
        if h > 0 { parts += "\(h)h" }
        if m > 0 { parts += "\(m)m" }
        if s > 0 { parts += "\(s)s" }
        return sign + parts
    }

    private static func trim(_ d: Double) -> String {
        var s = String(format: "%.3f", d)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
