import Foundation

/// Operators on values: arithmetic with overflow checks, comparisons, equality, `in`, indexing.
enum Ops {
    /// The largest string `*`, `repeat` and the padding methods make in one step (64 MiB). One
    /// native step cannot be interrupted, so it must stay short: a gigabyte took seconds, and the
    /// next native (a decoder, a regex) as long again.
    static let maxRepeatedBytes = 1 << 26

    static func typeError(_ op: BinaryOp, _ a: Value, _ b: Value, at range: SourceRange?) -> ScriptError {
        if let e = a.undecidableError(at: range) ?? b.undecidableError(at: range) { return e }
        var hint: String? = nil
        if op == .add, case .string = a { hint = "to join text and a \(b.typeName), use interpolation: \"...${x}\" or str(x)" }
        else if op == .add, case .string = b { hint = "to join text and a \(a.typeName), use interpolation: \"${x}...\" or str(x)" }
        else if case .null = a { hint = "the left side is nil" } else if case .null = b { hint = "the right side is nil" }
        let verb: String
        switch op {
        case .add: verb = "add"
        case .sub: verb = "subtract"
        case .mul: verb = "multiply"
        case .div: verb = "divide"
        case .mod: verb = "take the remainder of"
        default: verb = "compare"
        }
        return ScriptError(.type, "cannot \(verb) \(a.typeName) and \(b.typeName) (operator \(op.rawValue))", at: range, hint: hint)
    }

    static func overflow(_ op: BinaryOp, at range: SourceRange?) -> ScriptError {
        ScriptError(.arithmetic, "integer overflow in \(op.rawValue)", at: range,
                    hint: "integers are 64-bit (largest 9223372036854775807); use floats for larger numbers")
    }

    /// `vm`, when given, is charged for work in proportion to the operands' size (see `Cost`).
    static func binary(_ op: BinaryOp, _ a: Value, _ b: Value, at range: SourceRange?, vm: Meter?) throws -> Value {
        switch op {
        case .add, .sub, .mul, .div, .mod: return try arithmetic(op, a, b, at: range, vm: vm)
        case .eq: return .bool(try equal(a, b, at: range, vm: vm))
        case .ne: return .bool(!(try equal(a, b, at: range, vm: vm)))
        case .lt: return .bool(try compare(a, b, op, at: range, vm: vm) < 0)
        case .le: return .bool(try compare(a, b, op, at: range, vm: vm) <= 0)
        case .gt: return .bool(try compare(a, b, op, at: range, vm: vm) > 0)
        case .ge: return .bool(try compare(a, b, op, at: range, vm: vm) >= 0)
        case .in: return .bool(try contains(b, a, at: range, vm: vm))
        case .notIn: return .bool(!(try contains(b, a, at: range, vm: vm)))
        case .and: return try a.truth(at: range) ? b : a
        case .or: return try a.truth(at: range) ? a : b
        case .coalesce: if case .null = a { return b }; return a
        }
    }

    static func arithmetic(_ op: BinaryOp, _ a: Value, _ b: Value, at range: SourceRange?, vm: Meter?) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let r: (Int, Bool)
            switch op {
            case .add: r = x.addingReportingOverflow(y)
            case .sub: r = x.subtractingReportingOverflow(y)
            case .mul: r = x.multipliedReportingOverflow(by: y)
            case .div:
                if y == 0 { throw ScriptError(.arithmetic, "division by zero", at: range) }
                r = x.dividedReportingOverflow(by: y)
            case .mod:
                if y == 0 { throw ScriptError(.arithmetic, "division by zero (in %)", at: range) }
                r = x.remainderReportingOverflow(dividingBy: y)
            default: throw typeError(op, a, b, at: range)
            }
            if r.1 { throw overflow(op, at: range) }
            return .int(r.0)
        case (.int, .float), (.float, .int), (.float, .float):
            let x = a.asDouble!, y = b.asDouble!
            switch op {
            case .add: return .float(x + y)
            case .sub: return .float(x - y)
            case .mul: return .float(x * y)
            case .div:
                if y == 0 { throw ScriptError(.arithmetic, "division by zero", at: range) }
                return .float(x / y)
            case .mod:
                if y == 0 { throw ScriptError(.arithmetic, "division by zero (in %)", at: range) }
                return .float(x.truncatingRemainder(dividingBy: y))
            default: throw typeError(op, a, b, at: range)
            }
        case (.string(let x), .string(let y)) where op == .add:
            try charge(vm, Cost.bytes(x.utf8.count + y.utf8.count), at: range)
            return .string(x + y)
        case (.string(let s), .int(let n)) where op == .mul:
            // The empty string repeated any number of times is empty: no loop over n.
            if s.isEmpty, n >= 0 { return .string("") }
            guard n >= 0, n.multipliedReportingOverflow(by: max(1, s.utf8.count)).overflow == false, n * s.utf8.count <= Ops.maxRepeatedBytes else {
                throw ScriptError(.value, "cannot repeat a string \(n) times", at: range,
                                  hint: "a string made by repetition or padding may hold at most \(Ops.maxRepeatedBytes) bytes")
            }
            try charge(vm, Cost.repeated(n) + Cost.bytes(n * s.utf8.count), at: range)
            return .string(String(repeating: s, count: n))
        case (.list(let x), .list(let y)) where op == .add:
            try charge(vm, Cost.items(x.items.count + y.items.count), at: range)
            return .list(ListRef(x.items + y.items))
        case (.map(let x), .map(let y)) where op == .add:
            try charge(vm, Cost.hashed(x.entries.count + y.entries.count), at: range)
            var merged = x.entries
            for (k, v) in y.entries { merged[k] = v }
            return .map(MapRef(merged))
        case (.duration(let x), .duration(let y)):
            switch op {
            case .add:
                let r = x.addingReportingOverflow(y); if r.overflow { throw overflow(op, at: range) }; return .duration(r.partialValue)
            case .sub:
                let r = x.subtractingReportingOverflow(y); if r.overflow { throw overflow(op, at: range) }; return .duration(r.partialValue)
            case .div:
                if y == 0 { throw ScriptError(.arithmetic, "division by a zero duration", at: range) }
                return .float(Double(x) / Double(y))
            default: throw typeError(op, a, b, at: range)
            }
        case (.duration(let x), .int(let n)), (.int(let n), .duration(let x)):
            switch op {
            case .mul:
                let r = x.multipliedReportingOverflow(by: Int64(n)); if r.overflow { throw overflow(op, at: range) }; return .duration(r.partialValue)
            case .div where { if case .duration = a { return true }; return false }():
                if n == 0 { throw ScriptError(.arithmetic, "division by zero", at: range) }
                let r = x.dividedReportingOverflow(by: Int64(n)); if r.overflow { throw overflow(op, at: range) }; return .duration(r.partialValue)
            default: throw typeError(op, a, b, at: range)
            }
        case (.duration(let x), .float(let n)), (.float(let n), .duration(let x)):
            if op == .mul {
                guard let d = nanoseconds(Double(x) * n) else { throw overflow(op, at: range) }
                return .duration(d)
            }
            if op == .div, case .duration = a {
                if n == 0 { throw ScriptError(.arithmetic, "division by zero", at: range) }
                guard let d = nanoseconds(Double(x) / n) else { throw overflow(op, at: range) }
                return .duration(d)
            }
            throw typeError(op, a, b, at: range)
        default:
            throw typeError(op, a, b, at: range)
        }
    }

    /// Charges work to the step limit; the limit error points at the operator.
    @inline(__always)
    static func charge(_ vm: Meter?, _ steps: Int, at range: SourceRange?) throws {
        guard let vm else { return }
        do { try vm.charge(steps) } catch let e as ScriptError {
            if e.range == nil { e.range = range }
            throw e
        }
    }

    /// A float number of nanoseconds as a duration, or nil when it is not finite or too large.
    static func nanoseconds(_ d: Double) -> Int64? {
        guard d.isFinite, d > -9.2e18, d < 9.2e18 else { return nil }
        return Int64(d.rounded())
    }

    static func negate(_ v: Value, at range: SourceRange?) throws -> Value {
        switch v {
        case .int(let i):
            if i == Int.min { throw overflow(.sub, at: range) }
            return .int(-i)
        case .float(let f): return .float(-f)
        case .duration(let d):
            if d == Int64.min { throw overflow(.sub, at: range) }
            return .duration(-d)
        default: throw ScriptError(.type, "cannot negate a \(v.typeName)", at: range)
        }
    }

    /// Lists and maps nested deeper than this (or containing themselves) cannot be compared.
    static let maxCompareDepth = 500

    static func tooDeep(at range: SourceRange?) -> ScriptError {
        ScriptError(.value, "cannot compare values nested more than \(maxCompareDepth) levels deep", at: range,
                    hint: "a list or map that contains itself cannot be compared with another")
    }

    /// Structural equality for lists and maps, identity for functions and objects; 1 == 1.0.
    static func equal(_ a: Value, _ b: Value, at range: SourceRange? = nil, vm: Meter? = nil, depth: Int = 0) throws -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.int(let x), .float(let y)), (.float(let y), .int(let x)): return Double(x) == y
        case (.string(let x), .string(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        case (.range(let a1, let b1), .range(let a2, let b2)): return a1 == a2 && b1 == b2
        case (.list(let x), .list(let y)):
            if x === y { return true }
            guard x.items.count == y.items.count else { return false }
            if depth >= maxCompareDepth { throw tooDeep(at: range) }
            try charge(vm, Cost.visited(x.items.count), at: range)
            for (p, q) in zip(x.items, y.items) where !(try equal(p, q, at: range, vm: vm, depth: depth + 1)) { return false }
            return true
        case (.map(let x), .map(let y)):
            if x === y { return true }
            guard x.entries.count == y.entries.count else { return false }
            if depth >= maxCompareDepth { throw tooDeep(at: range) }
            try charge(vm, Cost.visited(x.entries.count), at: range)
            for (k, v) in x.entries {
                guard let w = y.entries[k], try equal(v, w, at: range, vm: vm, depth: depth + 1) else { return false }
            }
            return true
        case (.function(let x), .function(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x === y
        case (.secret(let x), .secret(let y)): return x === y
        case (.error(let x), .error(let y)): return x === y
        case (.object(let x), .object(let y)):
            if let e = a.undecidableError(at: range) ?? b.undecidableError(at: range) { throw e }
            return x === y
        default:
            if let e = a.undecidableError(at: range) ?? b.undecidableError(at: range) { throw e }
            return false
        }
    }

    /// -1, 0 or 1; errors for values that have no order.
    static func compare(_ a: Value, _ b: Value, _ op: BinaryOp = .lt, at range: SourceRange?, vm: Meter?, depth: Int = 0) throws -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.int, .float), (.float, .int), (.float, .float):
            let x = a.asDouble!, y = b.asDouble!
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.duration(let x), .duration(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.list(let x), .list(let y)):
            if x === y { return 0 }
            if depth >= maxCompareDepth { throw tooDeep(at: range) }
            try charge(vm, Cost.visited(min(x.items.count, y.items.count)), at: range)
            for (p, q) in zip(x.items, y.items) {
                let c = try compare(p, q, op, at: range, vm: vm, depth: depth + 1)
                if c != 0 { return c }
            }
            return x.items.count < y.items.count ? -1 : (x.items.count > y.items.count ? 1 : 0)
        default:
            throw typeError(op, a, b, at: range)
        }
    }

    /// `needle in haystack`.
    static func contains(_ haystack: Value, _ needle: Value, at range: SourceRange?, vm: Meter? = nil) throws -> Bool {
        switch haystack {
        case .list(let l):
            try charge(vm, Cost.compared(l.items.count), at: range)
            return try l.items.contains { try equal($0, needle, at: range, vm: vm) }
        case .map(let m):
            guard let k = needle.mapKey else { return false }
            return m.entries[k] != nil
        case .string(let s):
            guard case .string(let n) = needle else {
                throw ScriptError(.type, "`in` on a string needs a string on the left, not \(needle.typeName)", at: range)
            }
            try charge(vm, Cost.scan(s.utf8.count), at: range)
            return s.contains(n)
        case .range(let a, let b):
            guard case .int(let n) = needle else { return false }
            return n >= a && n < b
        case .object(let o):
            guard let c = o.nativeType.contains else {
                throw ScriptError(.type, "`in` is not supported by \(o.nativeType.name)", at: range)
            }
            guard let vm else { throw ScriptError(.host, "`in` on \(o.nativeType.name) needs a running interpreter", at: range) }
            return try c(o, needle, CallContext(vm: vm.vm, range: range))
        case .null:
            throw ScriptError(.type, "cannot look for a value in nil", at: range)
        default:
            throw ScriptError(.type, "`in` needs a list, map, string or range on the right, not \(haystack.typeName)", at: range)
        }
    }

    /// Normalises a possibly negative index; nil when out of range.
    /// The number of integers in `a..<b`, or nil when it does not fit in an int.
    static func rangeCount(_ a: Int, _ b: Int) -> Int? {
        guard b > a else { return 0 }
        let (n, o) = b.subtractingReportingOverflow(a)
        return o ? nil : n
    }

    static func rangeTooLarge(_ a: Int, _ b: Int, at range: SourceRange?) -> ScriptError {
        ScriptError(.value, "the range \(a)..<\(b) has more items than an int can count", at: range)
    }

    static func normalize(_ i: Int, count: Int) -> Int? {
        let j = i < 0 ? count + i : i
        return j >= 0 && j < count ? j : nil
    }

    static func sliceBounds(_ a: Int, _ b: Int, count: Int) -> Range<Int> {
        let lo = max(0, min(count, a < 0 ? count + a : a))
        let hi = max(lo, min(count, b < 0 ? count + b : b))
        return lo..<hi
    }

    static func index(_ o: Value, _ i: Value, at range: SourceRange?, vm: Meter?) throws -> Value {
        switch (o, i) {
        case (.list(let l), .int(let n)):
            guard let j = normalize(n, count: l.items.count) else {
                throw ScriptError(.index, "index \(n) is out of range for a list of \(l.items.count) item\(l.items.count == 1 ? "" : "s")", at: range,
                                  hint: l.items.isEmpty ? "the list is empty" : "valid indexes are 0 to \(l.items.count - 1) (or -1 for the last)")
            }
            return l.items[j]
        case (.list(let l), .range(let a, let b)):
            let bounds = sliceBounds(a, b, count: l.items.count)
            try charge(vm, Cost.items(bounds.count), at: range)
            return .list(ListRef(Array(l.items[bounds])))
        case (.string(let s), .int(let n)):
            try charge(vm, Cost.chars(s.utf8.count), at: range)
            let chars = Array(s)
            guard let j = normalize(n, count: chars.count) else {
                throw ScriptError(.index, "index \(n) is out of range for a string of \(chars.count) character\(chars.count == 1 ? "" : "s")", at: range)
            }
            return .string(String(chars[j]))
        case (.string(let s), .range(let a, let b)):
            try charge(vm, Cost.chars(s.utf8.count), at: range)
            let chars = Array(s)
            return .string(String(chars[sliceBounds(a, b, count: chars.count)]))
        case (.map(let m), _):
            guard let k = i.mapKey else { throw ScriptError(.type, "a \(i.typeName) cannot be a map key", at: range) }
            guard let v = m.entries[k] else {
                // The suggestion looks at every key.
                try charge(vm, Cost.suggestion(m.entries.count), at: range)
                let keys = m.entries.keys.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
                let e = ScriptError(.key, "no key \(Formatter.repr(i)) in the map", at: range,
                                    hint: "use .get(key) or ?? for keys that may be missing")
                if case .string(let s) = i { e.suggestion = Spelling.closest(to: s, in: keys) }
                throw e
            }
            return v
        case (.range(let a, let b), .int(let n)):
            guard let count = rangeCount(a, b) else { throw rangeTooLarge(a, b, at: range) }
            guard let j = normalize(n, count: count) else { throw ScriptError(.index, "index \(n) is out of range", at: range) }
            return .int(a + j)
        case (.null, _):
            throw ScriptError(.type, "cannot index nil", at: range, hint: "the value is nil")
        case (.list, _), (.string, _):
            throw ScriptError(.type, "\(o.typeName) indexes must be integers or ranges, not \(i.typeName)", at: range)
        default:
            // An element of a value not known yet is not known yet either (`gw.allocatedIPs[0]`).
            if case .object(let x) = o, x.nativeType.undecidable != nil {
                // A slice is of the same kind; an element of a list is of the list's item kind.
                if case .range = i { return o }
                if case .list(let e)? = x.nativeType.standsFor { return x.nativeType.derive?(e) ?? o }
                return x.nativeType.derive?(nil) ?? o
            }
            throw ScriptError(.type, "a \(o.typeName) cannot be indexed", at: range)
        }
    }

    static func setIndex(_ o: Value, _ i: Value, _ v: Value, at range: SourceRange?) throws {
        switch (o, i) {
        case (.list(let l), .int(let n)):
            if l.frozen { throw frozenError(at: range) }
            guard let j = normalize(n, count: l.items.count) else {
                throw ScriptError(.index, "index \(n) is out of range for a list of \(l.items.count) items", at: range, hint: "use .append(x) to add at the end")
            }
            l.items[j] = v
        case (.map(let m), _):
            if m.frozen { throw frozenError(at: range) }
            guard let k = i.mapKey else { throw ScriptError(.type, "a \(i.typeName) cannot be a map key", at: range) }
            m.entries[k] = v
        default:
            throw ScriptError(.type, "cannot assign into a \(o.typeName) by index", at: range)
        }
    }

    static func frozenError(at range: SourceRange?) -> ScriptError {
        ScriptError(.value, "cannot change a frozen value", at: range, hint: "freeze() made it read-only; copy it with list(x) or map(x)")
    }
}

extension Value {
    var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let f): return f
        default: return nil
        }
    }
}
