/// The part of `vcdscript check` that follows values: after the resolver has bound every name,
/// it infers what it can of each value's type from what hosts declare (`StaticType` on native
/// types' members, methods and functions) and checks member names, method names and named
/// arguments against the declarations, with "did you mean".
///
/// It never guesses: a value whose type it cannot know (a function parameter, a `var`, a map's
/// entry, anything undeclared) checks nothing, so a script that runs is never reported.
final class TypeChecker {
    /// What the checker knows about a value.
    enum Known {
        case value(StaticType)
        /// An imported module: its top-level names and what is known of them.
        case module(ModuleSummary)
        /// A script function, for its parameter names.
        case function(FunctionExpr)
        /// A native function, for its parameters and declared result.
        case native(NativeFunction)
    }

    /// A checked module as its importers see it.
    final class ModuleSummary {
        let name: String
        var names: [String] = []
        var known: [String: Known] = [:]
        init(name: String) { self.name = name }
    }

    /// The parameters a call is checked against.
    private struct Signature {
        let function: String
        let names: [String]
        let required: [Bool]
        let variadic: Bool
        let keywords: [String]
        /// A script function (its messages are worded as the interpreter words them).
        var script = false
    }

    private let types: [String: NativeType]
    private let builtins: BuiltinTable
    private let globals: GlobalTable
    private let importSummary: (ImportStmt) -> ModuleSummary?
    private var locals: [ObjectIdentifier: Known] = [:]
    private var globalKnown: [Int: Known] = [:]
    private var deferred: [FunctionExpr] = []
    private(set) var errors: [ScriptError] = []

    init(types: [String: NativeType], builtins: BuiltinTable, globals: GlobalTable, importSummary: @escaping (ImportStmt) -> ModuleSummary?) {
        self.types = types
        self.builtins = builtins
        self.globals = globals
        self.importSummary = importSummary
    }

    /// Checks a resolved program and returns what its importers may know of its globals.
    func check(_ program: Program, name: String) -> ModuleSummary {
        for s in program.statements { stmt(s, topLevel: true) }
        // Top-level functions last: the globals they use are known by then.
        while !deferred.isEmpty {
            let f = deferred.removeFirst()
            function(f)
        }
        let summary = ModuleSummary(name: name)
        summary.names = globals.names
        for n in globals.names {
            if let i = globals.index(of: n), let k = globalKnown[i] { summary.known[n] = k }
        }
        return summary
    }

    private func error(_ kind: ErrorKind, _ message: String, at range: SourceRange, hint: String? = nil, suggestion: String? = nil) {
        errors.append(ScriptError(kind, message, at: range, hint: hint, suggestion: suggestion, compileTime: true))
    }

    // MARK: statements

    private func declare(_ target: DeclTarget, _ known: Known?) {
        guard let known else { return }
        switch target {
        // Only constants: a `var` may later hold anything.
        case .local(let v) where !v.mutable: locals[ObjectIdentifier(v)] = known
        case .global(let i) where !globals.isMutable(i): globalKnown[i] = known
        default: break
        }
    }

    private func stmt(_ s: Stmt, topLevel: Bool = false) {
        switch s {
        case let e as ExprStmt:
            _ = expr(e.expr)
        case let l as LetStmt:
            declare(l.target, expr(l.value))
        case let f as FnStmt:
            declare(f.target, .function(f.function))
            if topLevel { deferred.append(f.function) } else { function(f.function) }
        case let a as AssignStmt:
            _ = expr(a.value)
            _ = expr(a.target)
        case let b as BlockStmt:
            b.statements.forEach { stmt($0) }
        case let w as WhileStmt:
            _ = expr(w.condition)
            stmt(w.body)
        case let f as ForStmt:
            let iterable = expr(f.iterable)
            if f.second == nil, let v = f.firstVar, let element = element(of: iterable) { locals[ObjectIdentifier(v)] = .value(element) }
            stmt(f.body)
        case let r as ReturnStmt:
            if let v = r.value { _ = expr(v) }
        case let t as ThrowStmt:
            _ = expr(t.value)
        case let t as TryStmt:
            stmt(t.body)
            for c in t.clauses { stmt(c.handler) }
        case let d as DeferStmt:
            function(d.function)
        case let i as ImportStmt:
            if let summary = importSummary(i) { declare(i.target, .module(summary)) }
        default:
            break
        }
    }

    private func function(_ f: FunctionExpr) {
        for p in f.params { if let d = p.defaultValue { _ = expr(d) } }
        f.body.statements.forEach { stmt($0) }
    }

    /// What `for x in it` gives.
    private func element(of k: Known?) -> StaticType? {
        guard case .value(let t)? = k else { return nil }
        switch t {
        case .list(let e): return e
        case .native(let n): return types[n]?.elementType
        default: return nil
        }
    }

    // MARK: expressions

    private func known(_ binding: Binding) -> Known? {
        switch binding {
        case .local(let v), .outer(let v, _): return locals[ObjectIdentifier(v)]
        case .global(let i): return globalKnown[i]
        case .builtin(let i):
            switch builtins.values[i] {
            case .object(let o) where !(o is ModuleObject): return .value(.native(o.nativeType.name))
            case .builtin(let f): return .native(f)
            default: return nil
            }
        case .unresolved: return nil
        }
    }

    @discardableResult
    private func expr(_ e: Expr) -> Known? {
        switch e {
        case let l as LiteralExpr:
            switch l.value {
            case .string: return .value(.string)
            case .int: return .value(.int)
            case .float: return .value(.float)
            case .bool: return .value(.bool)
            case .duration: return .value(.duration)
            default: return nil
            }
        case let f as FormatExpr:
            _ = expr(f.value)
            return .value(.string)
        case let i as InterpolationExpr:
            for case .expr(let x) in i.parts { expr(x) }
            return .value(.string)
        case let l as ListExpr:
            let items = l.items.map { expr($0) }
            var element: StaticType? = nil
            if case .value(let first)? = items.first, items.allSatisfy({ if case .value(let t)? = $0 { return t == first }; return false }) { element = first }
            return .value(.list(element))
        case let m as MapExpr:
            for (k, v) in m.entries { expr(k); expr(v) }
            return .value(.map)
        case let id as IdentExpr:
            return known(id.binding)
        case let u as UnaryExpr:
            expr(u.operand)
            return nil
        case let b as BinaryExpr:
            let l = expr(b.left), r = expr(b.right)
            if b.op == .add, case .value(.string)? = l, case .value(.string)? = r { return .value(.string) }
            return nil
        case let r as RangeExpr:
            expr(r.lower); expr(r.upper)
            return nil
        case let m as MemberExpr:
            return member(m, of: expr(m.object))
        case let i as IndexExpr:
            let o = expr(i.object)
            let index = expr(i.index)
            if case .value(.list(let element))? = o, case .value(.int)? = index, let element { return .value(element) }
            return nil
        case let c as CallExpr:
            return call(c)
        case let f as FunctionExpr:
            function(f)
            return .function(f)
        case let i as IfExpr:
            expr(i.condition)
            stmt(i.then)
            if let o = i.otherwise { stmt(o) }
            return nil
        default:
            return nil
        }
    }

    /// `object.name`, read (not called).
    private func member(_ m: MemberExpr, of object: Known?) -> Known? {
        guard let object else { return nil }
        switch object {
        case .module(let summary):
            guard summary.names.contains(m.name) else { unknownMember(m.name, on: "module \(summary.name)", candidates: summary.names.filter { !$0.hasPrefix("_") }, at: m.nameRange); return nil }
            return summary.known[m.name]
        case .value(.native(let n)):
            guard let t = types[n] else { return nil }
            if t.properties[m.name] != nil { return t.memberTypes[m.name].map { .value($0) } }
            if t.methods[m.name] != nil { return nil }
            unknownMember(m.name, on: n, candidates: t.memberNames, at: m.nameRange)
            return nil
        case .value(let t):
            guard let has = Members.has(t, m.name) else { return nil }
            if !has { unknownMember(m.name, on: t.name, candidates: Members.names(of: t), at: m.nameRange); return nil }
            switch (t, m.name) {
            case (.list(let e), "first"), (.list(let e), "last"): return e.map { .value($0) }
            case (_, "count"): return .value(.int)
            case (_, "isEmpty"): return .value(.bool)
            default: return nil
            }
        case .function, .native:
            return nil
        }
    }

    private func unknownMember(_ name: String, on owner: String, candidates: [String], at range: SourceRange) {
        error(.name, "\(owner) has no member \(name)", at: range, hint: candidates.isEmpty ? nil : "dir(x) lists the members",
              suggestion: Spelling.closest(to: name, in: candidates))
    }

    private func call(_ c: CallExpr) -> Known? {
        c.args.forEach { expr($0) }
        c.named.forEach { expr($0.value) }
        if let m = c.callee as? MemberExpr {
            let object = expr(m.object)
            switch object {
            case .value(.native(let n))?:
                guard let t = types[n] else { return nil }
                if let method = t.methods[m.name] {
                    check(c, against: Signature(function: "\(n).\(m.name)", names: method.params.map(\.name),
                                                required: method.params.map { $0.defaultValue == nil }, variadic: method.variadic, keywords: []))
                    return t.memberTypes[m.name].map { .value($0) }
                }
                if t.properties[m.name] != nil { return nil }
                unknownMember(m.name, on: n, candidates: t.memberNames, at: m.nameRange)
                return nil
            case .module(let summary)?:
                guard summary.names.contains(m.name) else {
                    unknownMember(m.name, on: "module \(summary.name)", candidates: summary.names.filter { !$0.hasPrefix("_") }, at: m.nameRange)
                    return nil
                }
                return callee(summary.known[m.name], c, name: m.name)
            case .value(let t)?:
                guard let has = Members.has(t, m.name) else { return nil }
                if !has { unknownMember(m.name, on: t.name, candidates: Members.names(of: t), at: m.nameRange); return nil }
                // A string's or a list's own methods (`s.split(sep:)`), as the run binds them.
                if let sample = t.sample, let method = BuiltinMethods.table(for: sample)?[m.name] {
                    check(c, against: Signature(function: method.qualifiedName, names: method.params.map(\.name),
                                                required: method.params.map { $0.defaultValue == nil }, variadic: method.variadic, keywords: []))
                }
                return nil
            default:
                return nil
            }
        }
        let f = expr(c.callee)
        return callee(f, c, name: (c.callee as? IdentExpr)?.name)
    }

    /// Checks a call of a function value whose declaration is known.
    private func callee(_ f: Known?, _ c: CallExpr, name: String?) -> Known? {
        switch f {
        case .function(let fn)?:
            check(c, against: Signature(function: fn.name.isEmpty ? (name ?? "fn") : fn.name, names: fn.params.map(\.name),
                                        required: fn.params.map { $0.defaultValue == nil }, variadic: false, keywords: [], script: true))
            return nil
        case .native(let nf)?:
            if let params = nf.params {
                check(c, against: Signature(function: nf.name, names: params.map(\.name), required: params.map { $0.defaultValue == nil },
                                            variadic: nf.variadic, keywords: nf.keywords))
            }
            return nf.returns.map { .value($0) }
        default:
            return nil
        }
    }

    /// Named arguments must name parameters; positional ones must fit; required ones must be given.
    /// The messages are the ones the call would fail with at run time.
    private func check(_ c: CallExpr, against s: Signature) {
        if !s.variadic, c.args.count > s.names.count {
            error(.argument, "\(s.function)() takes \(s.script ? "" : "at most ")\(s.names.count) argument\(s.names.count == 1 ? "" : "s"), but \(c.args.count) were given",
                  at: c.range, hint: s.names.isEmpty && !s.script ? nil : "its parameters are: \(s.names.joined(separator: ", "))")
            return
        }
        var given = s.names.indices.map { $0 < c.args.count }
        var unknown = false
        for a in c.named {
            if let i = s.names.firstIndex(of: a.name) { given[i] = true; continue }
            if s.keywords.contains(a.name) { continue }
            let all = s.names + s.keywords
            error(.argument, "\(s.function)() has no parameter named \(a.name)", at: a.nameRange,
                  hint: all.isEmpty ? "it takes no named arguments" : "its parameters are: \(all.joined(separator: ", "))",
                  suggestion: Spelling.closest(to: a.name, in: all))
            unknown = true
        }
        // A misspelt name usually is the missing one: one message is enough.
        if unknown { return }
        for (i, name) in s.names.enumerated() where s.required[i] && !given[i] {
            error(.argument, "\(s.function)() is missing argument \(name)", at: c.range,
                  hint: s.script ? "it takes: \(s.names.joined(separator: ", "))"
                                 : "call it as \(s.function)(\(s.names.indices.filter { s.required[$0] }.map { "\(s.names[$0]): ..." }.joined(separator: ", ")))")
        }
    }
}
