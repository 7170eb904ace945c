/// `value.name`: map keys, properties of lists, strings, errors and durations, members of
/// host objects and modules.
enum Members {
    /// The member names a value offers, for `dir()`, completion and "did you mean".
    static func names(of v: Value) -> [String] {
        switch v {
        case .map(let m):
            let keys = m.entries.keys.compactMap { k -> String? in if case .string(let s) = k { return s }; return nil }
            return keys + BuiltinMethods.map.keys.sorted()
        case .object(let o):
            if let module = o as? ModuleObject { return module.module.globals.names.filter { !$0.hasPrefix("_") } }
            return o.nativeType.memberNames
        default:
            let props = properties(of: v)
            return props + (BuiltinMethods.table(for: v)?.keys.sorted() ?? [])
        }
    }

    static func properties(of v: Value) -> [String] {
        switch v {
        case .list: return ["count", "first", "last", "isEmpty"]
        case .string: return ["count", "isEmpty"]
        case .error: return ["message", "code", "kind", "hint", "location", "traceback"]
        case .duration: return ["seconds", "milliseconds", "minutes"]
        case .range: return ["lower", "upper", "count"]
        default: return []
        }
    }

    static func unknownMember(_ v: Value, _ name: String, at range: SourceRange?) -> ScriptError {
        if case .null = v {
            return ScriptError(.type, "cannot read .\(name) of nil", at: range, hint: "the value is nil; use ?.\(name) to get nil instead")
        }
        let candidates = names(of: v)
        let e: ScriptError
        if case .map = v {
            e = ScriptError(.key, "no key \"\(name)\" in the map", at: range, hint: "use .get(\"\(name)\") or ?? for keys that may be missing")
        } else {
            e = ScriptError(.name, "\(v.typeName) has no member \(name)", at: range,
                            hint: candidates.isEmpty ? nil : "dir(x) lists the members")
        }
        e.suggestion = Spelling.closest(to: name, in: candidates)
        return e
    }

    /// The error for `x.name` on a value not known yet that stands for a kind without that
    /// member; nil when the member exists or the kind is not known.
    static func memberOfUnknown(_ o: NativeObject, _ name: String, at range: SourceRange?) -> ScriptError? {
        guard let kind = o.nativeType.standsFor, has(kind, name) == false else { return nil }
        let e = ScriptError(.name, "\(kind.name) has no member \(name)", at: range,
                            hint: "the value is known only after apply; it will be a \(kind.name)")
        e.suggestion = Spelling.closest(to: name, in: names(of: kind))
        return e
    }

    /// What member `name` of a value of kind `kind` is, where the kind fixes it.
    static func partType(of kind: StaticType?, _ name: String) -> StaticType? {
        switch (kind, name) {
        case (.list(let e)?, "first"), (.list(let e)?, "last"): return e
        case (.list?, "count"), (.string?, "count"): return .int
        case (.list?, "isEmpty"), (.string?, "isEmpty"): return .bool
        default: return nil
        }
    }

    static func get(_ v: Value, _ name: String, at range: SourceRange?, vm: VM) throws -> Value {
        switch v {
        case .map(let m):
            if let x = m.entries[.string(name)] { return x }
            // The suggestion looks at every key.
            try Ops.charge(Meter(vm), Cost.suggestion(m.entries.count), at: range)
            throw unknownMember(v, name, at: range)
        case .object(let o):
            if let module = o as? ModuleObject {
                if let x = module.module.globals[name] { return x }
                throw unknownMember(v, name, at: range)
            }
            if let p = o.nativeType.properties[name] {
                return try Calls.runNative(vm: vm, range: range) { try p.get(o, CallContext(vm: vm, range: range)) }
            }
            if let m = o.nativeType.methods[name] {
                // A bound method, so that `let f = obj.method` works.
                return .builtin(NativeFunction("\(o.nativeType.name).\(name)", params: m.params, variadic: m.variadic, doc: m.doc) { a, ctx in
                    try m.body(o, a, ctx)
                })
            }
            // A part of a value not known yet is not known yet either (`gw.allocatedIPs.first`),
            // if the kind of value it stands for has that member.
            if o.nativeType.undecidable != nil {
                if let e = memberOfUnknown(o, name, at: range) { throw e }
                return o.nativeType.derive?(partType(of: o.nativeType.standsFor, name)) ?? v
            }
            throw unknownMember(v, name, at: range)
        case .list(let l):
            switch name {
            case "count": return .int(l.items.count)
            case "first": return l.items.first ?? .null
            case "last": return l.items.last ?? .null
            case "isEmpty": return .bool(l.items.isEmpty)
            default: break
            }
        case .string(let s):
            switch name {
            case "count":
                try Ops.charge(Meter(vm), Cost.chars(s.utf8.count), at: range)
                return .int(TextBuilding.characterCount(s))
            case "isEmpty": return .bool(s.isEmpty)
            default: break
            }
        case .error(let e):
            switch name {
            case "message": return .string(e.message)
            case "code": return e.code.map { .string($0) } ?? .null
            case "kind": return .string(e.kind.rawValue)
            case "hint": return e.hint.map { .string($0) } ?? .null
            case "location": return e.range.map { .string($0.description) } ?? .null
            case "traceback": return .list(ListRef(e.traceback.reversed().map { .string("\($0.range?.description ?? "?") in \($0.function)") }))
            case "value": return e.payload ?? .null
            default: break
            }
        case .duration(let d):
            switch name {
            case "seconds": return .float(Double(d) / 1e9)
            case "milliseconds": return .int(Int(d / 1_000_000))
            case "minutes": return .float(Double(d) / 6e10)
            default: break
            }
        case .range(let a, let b):
            switch name {
            case "lower": return .int(a)
            case "upper": return .int(b)
            case "count":
                guard let n = Ops.rangeCount(a, b) else { throw Ops.rangeTooLarge(a, b, at: range) }
                return .int(n)
            default: break
            }
        default:
            break
        }
        if BuiltinMethods.table(for: v)?[name] != nil {
            throw ScriptError(.type, "\(name) is a method of \(v.typeName): call it as .\(name)(...)", at: range)
        }
        throw unknownMember(v, name, at: range)
    }

    static func set(_ v: Value, _ name: String, _ x: Value, at range: SourceRange?, vm: VM) throws {
        switch v {
        case .map(let m):
            if m.frozen { throw Ops.frozenError(at: range) }
            m.entries[.string(name)] = x
        case .object(let o):
            guard let p = o.nativeType.properties[name] else { throw unknownMember(v, name, at: range) }
            guard let setter = p.set else {
                throw ScriptError(.type, "\(o.nativeType.name).\(name) is read-only", at: range)
            }
            _ = try Calls.runNative(vm: vm, range: range) { try setter(o, x, CallContext(vm: vm, range: range)); return .null }
        case .null:
            throw ScriptError(.type, "cannot set .\(name) on nil", at: range)
        default:
            throw ScriptError(.type, "cannot set members on a \(v.typeName)", at: range)
        }
    }
}
