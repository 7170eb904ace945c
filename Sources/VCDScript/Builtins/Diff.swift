/// `diff(a, b, only:)`: the fields in which two pieces of data differ. Maps compare by their keys;
/// host objects by their data fields (`NativeType.dataFields`, what `o.fields()` and `json.encode`
/// show), so a live object compares with the map a desired-state document decodes to. The language
/// knows no cloud: any host type that declares data fields takes part.
enum Diff {
    static let functions: [NativeFunction] = [
        NativeFunction("diff", params: [Parameter("left"), Parameter("right"),
                                        Parameter("only", default: .null, doc: "field names (dotted for nested ones) to compare; default every field")],
                       doc: "The fields in which left and right (maps or objects) differ, as a list of maps {field, left, right}; nested fields have dotted names; a field missing on one side is nil there. Empty when they are equal.") { a, ctx in
            var only: [String]?
            switch a[2] {
            case .null: only = nil
            case .list(let l):
                only = try l.items.map { v -> String in
                    guard case .string(let s) = v else { throw ScriptError(.type, "diff(): only must be a list of field names, not a list holding \(v.typeName)") }
                    return s
                }
            default:
                throw ScriptError(.type, "diff(): only must be a list of field names, not \(a[2].typeName)", hint: "e.g. only: [\"dns\", \"pool\"], or only: keys(desired)")
            }
            for (i, side) in ["left", "right"].enumerated() {
                let v = a[i]
                if case .null = v { continue }
                if fields(of: v) == nil {
                    if let e = v.undecidableError(at: ctx.range) { throw e }
                    throw ScriptError(.type, "diff() compares maps and objects with fields, but its \(side) side is \(v.typeName)",
                                      hint: "to compare two plain values use ==; diff({x: a}, {x: b}) names the field")
                }
            }
            var w = Walker(ctx: ctx, only: only)
            try w.walk("", a[0], a[1], depth: 0)
            return .list(ListRef(w.out.map { .map(MapRef([("field", .string($0.0)), ("left", $0.1), ("right", $0.2)])) }))
        },
    ]

    /// The fields of a value seen as data: a map's entries, a host object's data fields (read
    /// lazily, so that `only` spares the others). Nil for anything else, a leaf.
    struct Fields {
        let names: [String]
        let get: (String) throws -> Value?
    }

    static func fields(of v: Value, ctx: CallContext? = nil) -> Fields? {
        switch v {
        case .map(let m):
            var index: [String: MapKey] = [:]
            var names: [String] = []
            for k in m.entries.keys {
                let name = Formatter.key(k)
                if index[name] == nil { names.append(name) }
                index[name] = k
            }
            return Fields(names: names) { n in index[n].flatMap { m.entries[$0] } }
        case .object(let o):
            guard o.nativeType.undecidable == nil, let data = o.nativeType.dataFields else { return nil }
            let names = data.filter { o.nativeType.properties[$0] != nil }
            return Fields(names: names) { n in
                guard let ctx, names.contains(n), let p = o.nativeType.properties[n] else { return nil }
                return try p.get(o, ctx)
            }
        default:
            return nil
        }
    }

    struct Walker {
        let ctx: CallContext
        let only: [String]?
        var out: [(String, Value, Value)] = []

        /// Whether the field at `path` is compared: it is named in `only`, lies under a name there,
        /// or leads to one (`spec` when only names `spec.replicas`).
        func wanted(_ path: String) -> Bool {
            guard let only else { return true }
            return only.contains { $0 == path || path.hasPrefix($0 + ".") || $0.hasPrefix(path + ".") }
        }

        mutating func walk(_ path: String, _ a: Value, _ b: Value, depth: Int) throws {
            if depth > 100 { throw ScriptError(.value, "diff(): the values are nested too deeply (or refer to themselves)") }
            let top = path.isEmpty
            let fa = fields(of: a, ctx: ctx) ?? (top && isNil(a) ? Fields(names: []) { _ in nil } : nil)
            let fb = fields(of: b, ctx: ctx) ?? (top && isNil(b) ? Fields(names: []) { _ in nil } : nil)
            if let fa, let fb {
                var names = fa.names
                let seen = Set(names)
                names += fb.names.filter { !seen.contains($0) }
                try ctx.charge(Cost.visited(names.count))
                for name in names {
                    let p = top ? name : path + "." + name
                    guard wanted(p) else { continue }
                    try walk(p, try fa.get(name) ?? .null, try fb.get(name) ?? .null, depth: depth + 1)
                }
                return
            }
            if try !same(a, b, depth: depth) { out.append((path, a, b)) }
        }

        func isNil(_ v: Value) -> Bool { if case .null = v { return true }; return false }

        /// Equality of leaves: lists item by item as data, objects without data fields by identity
        /// or else by their text (`<natRules of edge gateway gw>`, `10.0.0.0/8`), the rest as `==`.
        func same(_ a: Value, _ b: Value, depth: Int) throws -> Bool {
            if let e = a.undecidableError(at: ctx.range) ?? b.undecidableError(at: ctx.range) { throw e }
            switch (a, b) {
            case (.list(let x), .list(let y)):
                if x === y { return true }
                guard x.items.count == y.items.count else { return false }
                try ctx.charge(Cost.visited(x.items.count))
                for (p, q) in zip(x.items, y.items) where !(try equalData(p, q, depth: depth + 1)) { return false }
                return true
            case (.object(let x), .object(let y)):
                if x === y { return true }
                return x.nativeType === y.nativeType && Formatter.repr(a) == Formatter.repr(b)
            default:
                return try Ops.equal(a, b, at: ctx.range, vm: ctx.meter)
            }
        }

        /// Two values with no difference at all (for the items of lists).
        func equalData(_ a: Value, _ b: Value, depth: Int) throws -> Bool {
            var inner = Walker(ctx: ctx, only: nil)
            if fields(of: a) != nil, fields(of: b) != nil {
                try inner.walk("item", a, b, depth: depth)
                return inner.out.isEmpty
            }
            return try same(a, b, depth: depth)
        }
    }
}
