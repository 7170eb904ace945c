/// A local variable of a function (or of the top level's blocks).
final class LocalVar {
    let name: String
    let mutable: Bool
    let declRange: SourceRange
    /// Its slot in the frame on the value stack.
    let slot: Int
    /// Set when an inner function refers to it: it then lives in a cell of the function's
    /// `CellFrame` (so that the closure and the function share it).
    var captured = false
    var cellIndex = -1
    init(name: String, mutable: Bool, declRange: SourceRange, slot: Int) {
        self.name = name; self.mutable = mutable; self.declRange = declRange; self.slot = slot
    }
}

/// What the compiler needs to know about a function, found by the resolver.
final class FunctionInfo {
    var slotCount = 0
    /// Captured locals, by cell index.
    var cellVars: [LocalVar] = []
    /// The function keeps a `CellFrame` per call: it owns captured locals, or inner functions
    /// reach through it to outer ones.
    var needsCellFrame = false
    var hasDefer = false
    var params: [LocalVar] = []
}

/// One global variable of a module (top-level `let`, `var`, `fn`, `import`, or host-predeclared).
struct GlobalInfo {
    let name: String
    var mutable: Bool
    var declRange: SourceRange?
}

/// Binds every name to a slot before anything runs: locals to frame slots (or cells when an
/// inner function captures them), top-level names to module globals, the rest to builtins.
/// Reports unknown names with "did you mean", assignments to `let`, `break` outside loops.
struct Resolver {
    private final class Scope {
        let info: FunctionInfo
        let parent: Scope?
        var blocks: [[String: LocalVar]] = [[:]]
        var loopDepth = 0
        let isTopLevel: Bool
        init(info: FunctionInfo, parent: Scope?, isTopLevel: Bool) {
            self.info = info; self.parent = parent; self.isTopLevel = isTopLevel
        }
    }

    private var scope: Scope
    private let globals: GlobalTable
    private let builtins: BuiltinTable
    /// The REPL may declare a global name again; a script may not.
    private let allowRedeclare: Bool
    private(set) var errors: [ScriptError] = []

    init(program: Program, globals: GlobalTable, builtins: BuiltinTable, allowRedeclare: Bool) {
        self.globals = globals
        self.builtins = builtins
        self.allowRedeclare = allowRedeclare
        scope = Scope(info: program.info, parent: nil, isTopLevel: true)
    }

    /// Resolves a program. Top-level declarations become globals, declared before any body is
    /// resolved, so that functions may call functions defined further down.
    static func resolve(_ program: Program, globals: GlobalTable, builtins: BuiltinTable, allowRedeclare: Bool) throws {
        var r = Resolver(program: program, globals: globals, builtins: builtins, allowRedeclare: allowRedeclare)
        r.declareGlobals(program.statements)
        for s in program.statements { r.stmt(s) }
        r.finish(r.scope)
        if !r.errors.isEmpty { throw ScriptErrors(r.errors) }
    }

    private mutating func error(_ kind: ErrorKind, _ message: String, at range: SourceRange, hint: String? = nil, suggestion: String? = nil) {
        errors.append(ScriptError(kind, message, at: range, hint: hint, suggestion: suggestion, compileTime: true))
    }

    private mutating func declareGlobals(_ stmts: [Stmt]) {
        var seen: [String: SourceRange] = [:]
        for s in stmts {
            let name: String, range: SourceRange, mutable: Bool
            switch s {
            case let l as LetStmt: (name, range, mutable) = (l.name, l.nameRange, l.mutable)
            case let f as FnStmt: (name, range, mutable) = (f.function.name, f.nameRange, false)
            case let i as ImportStmt: (name, range, mutable) = (i.alias, i.range, false)
            case let p as ParamStmt: (name, range, mutable) = (p.binding, p.nameRange, false)
            default: continue
            }
            if let prev = seen[name] ?? (allowRedeclare ? nil : globals.declRange(of: name)) {
                error(.name, "\(name) is already defined at line \(prev.line)", at: range,
                      hint: "pick another name, or assign to it (declare it with var)")
                continue
            }
            if !allowRedeclare, globals.isPredeclared(name) {
                error(.name, "\(name) is already defined by the host", at: range, hint: "pick another name")
                continue
            }
            seen[name] = range
            let index = globals.declare(name, mutable: mutable, range: range)
            switch s {
            case let l as LetStmt: l.target = .global(index)
            case let f as FnStmt: f.target = .global(index)
            case let i as ImportStmt: i.target = .global(index)
            case let p as ParamStmt: p.target = .global(index)
            default: break
            }
        }
    }

    /// Gives captured locals their cell indexes once the whole function is known.
    private func finish(_ s: Scope) {
        // Cells are assigned lazily in `capture`; nothing else to do, but keep the hook.
        _ = s
    }

    // MARK: scopes

    private mutating func declareLocal(_ name: String, mutable: Bool, range: SourceRange) -> LocalVar {
        if let prev = scope.blocks[scope.blocks.count - 1][name] {
            error(.name, "\(name) is already declared in this block, at line \(prev.declRange.line)", at: range,
                  hint: "use another name, or assign to the existing variable")
        }
        let v = LocalVar(name: name, mutable: mutable, declRange: range, slot: scope.info.slotCount)
        scope.info.slotCount += 1
        scope.blocks[scope.blocks.count - 1][name] = v
        return v
    }

    private mutating func withBlock(_ body: (inout Resolver) -> Void) {
        scope.blocks.append([:])
        body(&self)
        scope.blocks.removeLast()
    }

    private func capture(_ v: LocalVar, in owner: Scope) {
        if !v.captured {
            v.captured = true
            v.cellIndex = owner.info.cellVars.count
            owner.info.cellVars.append(v)
        }
    }

    private mutating func lookup(_ name: String) -> Binding? {
        var s: Scope? = scope
        var depth = 0
        var chain: [Scope] = []
        while let cur = s {
            for block in cur.blocks.reversed() {
                if let v = block[name] {
                    if depth == 0 { return .local(v) }
                    capture(v, in: cur)
                    cur.info.needsCellFrame = true
                    for between in chain.dropFirst() { between.info.needsCellFrame = true }
                    return .outer(v, depth: depth)
                }
            }
            chain.append(cur)
            s = cur.parent
            depth += 1
        }
        if let g = globals.index(of: name) { return .global(g) }
        if let b = builtins.index(of: name) { return .builtin(b) }
        return nil
    }

    private func visibleNames() -> [String] {
        var names: [String] = []
        var s: Scope? = scope
        while let cur = s {
            for b in cur.blocks { names.append(contentsOf: b.keys) }
            s = cur.parent
        }
        return names + globals.names + builtins.names + Keyword.allCases.map(\.rawValue)
    }

    // MARK: statements

    private mutating func block(_ b: BlockStmt) {
        withBlock { r in for s in b.statements { r.stmt(s) } }
    }

    private mutating func stmt(_ s: Stmt) {
        switch s {
        case let e as ExprStmt:
            expr(e.expr)
        case let l as LetStmt:
            expr(l.value)
            if case .global = l.target { return }
            l.target = .local(declareLocal(l.name, mutable: l.mutable, range: l.nameRange))
        case let f as FnStmt:
            if case .global = f.target { function(f.function); return }
            f.target = .local(declareLocal(f.function.name, mutable: false, range: f.nameRange))
            function(f.function)
        case let a as AssignStmt:
            expr(a.value)
            if let id = a.target as? IdentExpr {
                expr(id)
                checkAssignable(id)
            } else {
                expr(a.target)
            }
        case let b as BlockStmt:
            block(b)
        case let w as WhileStmt:
            expr(w.condition)
            scope.loopDepth += 1
            block(w.body)
            scope.loopDepth -= 1
        case let f as ForStmt:
            expr(f.iterable)
            withBlock { r in
                f.firstVar = r.declareLocal(f.first, mutable: false, range: f.range)
                if let second = f.second { f.secondVar = r.declareLocal(second, mutable: false, range: f.range) }
                r.scope.loopDepth += 1
                r.block(f.body)
                r.scope.loopDepth -= 1
            }
        case let j as JumpStmt:
            if scope.loopDepth == 0 {
                error(.syntax, "\(j.kind == .break ? "break" : "continue") outside a loop", at: j.range,
                      hint: "break and continue work inside for and while loops (not across a fn boundary)")
            }
        case let r as ReturnStmt:
            if let v = r.value { expr(v) }
        case let t as ThrowStmt:
            expr(t.value)
        case let t as TryStmt:
            block(t.body)
            for c in t.clauses {
                for code in c.codes where !CatchCodes.known.contains(code.name) {
                    // A script's own codes (error("MINE", ...)) are fine; one a letter or two away
                    // from a cloud kind is a typo that would silently catch nothing.
                    if let near = Spelling.closest(to: code.name, in: CatchCodes.known) {
                        error(.name, "unknown error code \(code.name)", at: code.range,
                              hint: "the codes of cloud errors are \(CatchCodes.known.joined(separator: ", "))", suggestion: near)
                    }
                }
                withBlock { r in
                    if let name = c.errorName { c.errorVar = r.declareLocal(name, mutable: false, range: c.range) }
                    r.block(c.handler)
                }
            }
        case let d as DeferStmt:
            scope.info.hasDefer = true
            // Resolved as a nested function: `break` inside cannot leave the surrounding loop,
            // and the locals it uses become cells that each iteration declares afresh.
            function(d.function)
        case let i as ImportStmt:
            if case .global = i.target { return }
            error(.syntax, "import is only allowed at the top level of a file", at: i.range, hint: "move the import to the top of the file")
        case let p as ParamStmt:
            if let d = p.defaultValue { expr(d) }
            if let c = p.check { expr(c) }
            if case .global = p.target { return }
            error(.syntax, "param is only allowed at the top level of a file", at: p.range, hint: "declare the script's parameters at its top, before the code that uses them")
        default:
            break
        }
    }

    private mutating func checkAssignable(_ id: IdentExpr) {
        switch id.binding {
        case .local(let v), .outer(let v, _):
            if !v.mutable {
                error(.name, "cannot assign to \(id.name): it is declared with let", at: id.range,
                      hint: "declare it with var at line \(v.declRange.line) to change it")
            }
        case .global(let g):
            if !globals.isMutable(g) {
                error(.name, "cannot assign to \(id.name): it is a constant", at: id.range,
                      hint: globals.isPredeclared(id.name) ? "it is provided by the host" : "declare it with var to change it")
            }
        case .builtin:
            error(.name, "cannot assign to the builtin \(id.name)", at: id.range, hint: "declare your own variable with let or var")
        case .unresolved:
            break
        }
    }

    // MARK: expressions

    private mutating func function(_ f: FunctionExpr) {
        let inner = Scope(info: f.info, parent: scope, isTopLevel: false)
        let saved = scope
        scope = inner
        for i in f.params.indices {
            if let d = f.params[i].defaultValue { expr(d) }
            let v = declareLocal(f.params[i].name, mutable: true, range: f.params[i].range)
            f.params[i].variable = v
            f.info.params.append(v)
        }
        // The body shares the parameters' block, so `let x` cannot silently shadow parameter x.
        for s in f.body.statements { stmt(s) }
        scope = saved
    }

    private mutating func expr(_ e: Expr) {
        switch e {
        case is LiteralExpr:
            break
        case let i as InterpolationExpr:
            for case .expr(let x) in i.parts { expr(x) }
        case let f as FormatExpr:
            expr(f.value)
        case let l as ListExpr:
            l.items.forEach { expr($0) }
        case let m as MapExpr:
            for (k, v) in m.entries { expr(k); expr(v) }
        case let id as IdentExpr:
            if let b = lookup(id.name) {
                id.binding = b
            } else {
                let suggestion = Spelling.closest(to: id.name, in: visibleNames())
                var hint: String? = nil
                if ["null", "None", "nil"].contains(id.name) { hint = "the empty value is nil" }
                else if ["True", "False"].contains(id.name) { hint = "booleans are true and false" }
                else if ["function", "def", "func"].contains(id.name) { hint = "functions are declared with fn" }
                else if ["elif", "elsif"].contains(id.name) { hint = "write else if" }
                error(.name, "unknown name \(id.name)", at: id.range, hint: hint, suggestion: suggestion)
            }
        case let u as UnaryExpr:
            expr(u.operand)
        case let b as BinaryExpr:
            expr(b.left); expr(b.right)
        case let r as RangeExpr:
            expr(r.lower); expr(r.upper)
        case let m as MemberExpr:
            expr(m.object)
        case let i as IndexExpr:
            expr(i.object); expr(i.index)
        case let c as CallExpr:
            expr(c.callee)
            c.args.forEach { expr($0) }
            c.named.forEach { expr($0.value) }
        case let f as FunctionExpr:
            function(f)
        case let i as IfExpr:
            expr(i.condition)
            block(i.then)
            if let o = i.otherwise { block(o) }
        default:
            break
        }
    }
}
