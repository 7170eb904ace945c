/// Turns a resolved syntax tree into nested Swift closures (`Eval`). Locals are stack slots or
/// cells, globals are array indexes: no name is looked up while the program runs. Hot shapes
/// (integer arithmetic and comparisons against a local or a literal, calls of script functions
/// with positional arguments) get their own closures.
struct Compiler {
    let globals: GlobalStore
    let builtins: BuiltinTable
    unowned let module: Module
    /// The function being compiled, for tracebacks.
    var functionName: String = "<script>"

    // MARK: programs and functions

    /// Compiles a program: top-level `fn` declarations are made before anything else runs.
    func compile(program: Program) -> (hoisted: [(index: Int, proto: CompiledFunction)], body: Eval) {
        var hoisted: [(Int, CompiledFunction)] = []
        for s in program.statements {
            if let f = s as? FnStmt, case .global(let i) = f.target { hoisted.append((i, function(f.function))) }
        }
        let body = statements(program.statements)
        return (hoisted, body)
    }

    func function(_ f: FunctionExpr) -> CompiledFunction {
        let required = f.params.filter { $0.defaultValue == nil }.count
        var inner = self
        inner.functionName = f.name.isEmpty ? "<fn>" : f.name
        let defaults = f.params.map { p in p.defaultValue.map { Code(inner.expr($0)) } }
        // A `return x` that ends the body is just the body's value: no signal to set and clear.
        var body = f.body.statements
        if let last = body.last as? ReturnStmt, let value = last.value, !Compiler.containsReturnSignal(value) {
            body[body.count - 1] = ExprStmt(value)
        }
        return CompiledFunction(name: f.name, info: f.info, paramNames: f.params.map(\.name), requiredCount: required, range: f.range,
                                defaults: defaults, body: inner.functionBody(body[...]))
    }

    /// A function body. Leading guards `if cond { return x }` return their value directly (the
    /// body's value is the function's result), with no return signal to set and clear.
    func functionBody(_ stmts: ArraySlice<Stmt>) -> Eval {
        guard stmts.count >= 2, let e = stmts.first as? ExprStmt, let i = e.expr as? IfExpr, i.otherwise == nil,
              i.then.statements.count == 1, let r = i.then.statements[0] as? ReturnStmt, let valueExpr = r.value,
              !Compiler.containsReturnSignal(valueExpr) else {
            return statements(Array(stmts))
        }
        let rest = functionBody(stmts.dropFirst())
        // `if n < 2 { return n }`: the comparison and the returned local read in place, in the
        // body's own closure (no closure call for either).
        if let c = SlotComparison.of(i.condition), let slot = Compiler.plainLocalSlot(valueExpr) {
            let node = GuardReturningLocal(test: c, slot: slot, rest: rest)
            return { f in try node.run(f) }
        }
        if let c = SlotComparison.of(i.condition) {
            let value = expr(valueExpr)
            return { f in
                if try c.test(f) { return try value(f) }
                return try rest(f)
            }
        }
        let cond = condition(i.condition)
        let value = expr(valueExpr)
        return { f in
            if try cond(f) { return try value(f) }
            return try rest(f)
        }
    }

    // MARK: variables

    func load(_ v: LocalVar, depth: Int) -> Eval {
        if depth == 0 {
            if v.captured {
                let c = v.cellIndex
                return { f in f.cells.unsafelyUnwrapped.boxes[c].value }
            }
            let s = v.slot
            return { f in f.base[s] }
        }
        let c = v.cellIndex
        switch depth {
        case 1: return { f in f.captured.unsafelyUnwrapped.boxes[c].value }
        case 2: return { f in f.captured.unsafelyUnwrapped.parent.unsafelyUnwrapped.boxes[c].value }
        default:
            return { f in
                var frame = f.captured.unsafelyUnwrapped
                for _ in 1..<depth { frame = frame.parent.unsafelyUnwrapped }
                return frame.boxes[c].value
            }
        }
    }

    typealias Store = (Frame, Value) -> Void

    func store(_ v: LocalVar, depth: Int) -> Store {
        if depth == 0 {
            if v.captured {
                let c = v.cellIndex
                return { f, x in f.cells.unsafelyUnwrapped.boxes[c].value = x }
            }
            let s = v.slot
            return { f, x in f.base[s] = x }
        }
        let c = v.cellIndex
        return { f, x in
            var frame = f.captured.unsafelyUnwrapped
            for _ in 1..<depth { frame = frame.parent.unsafelyUnwrapped }
            frame.boxes[c].value = x
        }
    }

    /// Stores the value of a declaration that runs (again): a captured local gets a fresh box,
    /// so that closures made before keep the variable they saw.
    func declare(_ v: LocalVar) -> Store {
        guard v.captured else { return store(v, depth: 0) }
        let c = v.cellIndex
        return { f, x in f.cells.unsafelyUnwrapped.boxes[c] = Box(x) }
    }

    func storeTarget(_ t: DeclTarget) -> Store {
        switch t {
        case .local(let v): return declare(v)
        case .global(let i):
            let g = globals
            return { _, x in g.values[i] = x }
        case .none:
            return { _, _ in }
        }
    }

    // MARK: statements

    func statements(_ stmts: [Stmt]) -> Eval {
        var compiled: [Code] = []
        for s in stmts {
            // Top-level functions were hoisted; their statement does nothing.
            if let f = s as? FnStmt, case .global = f.target { continue }
            compiled.append(Code(stmt(s)))
        }
        return Compiler.sequence(compiled)
    }

    /// Runs closures in order, stopping when one leaves a signal; the value is the last one's.
    /// Small counts capture each closure directly: closures kept in an array are called through
    /// reabstraction thunks, which cost a measurable share of every call.
    static func sequence(_ compiled: [Code]) -> Eval {
        switch compiled.count {
        case 0: return { _ in .null }
        case 1: return compiled[0].run
        case 2:
            let a = compiled[0].run, b = compiled[1].run
            return { f in
                _ = try a(f)
                if f.vm.signal != .none { return .null }
                return try b(f)
            }
        case 3:
            let a = compiled[0].run, b = compiled[1].run, c = compiled[2].run
            return { f in
                _ = try a(f)
                if f.vm.signal != .none { return .null }
                _ = try b(f)
                if f.vm.signal != .none { return .null }
                return try c(f)
            }
        default:
            let head = sequence(Array(compiled[0..<3]))
            let tail = sequence(Array(compiled[3...]))
            return { f in
                _ = try head(f)
                if f.vm.signal != .none { return .null }
                return try tail(f)
            }
        }
    }

    func block(_ b: BlockStmt) -> Eval { statements(b.statements) }

    func stmt(_ s: Stmt) -> Eval {
        switch s {
        case let e as ExprStmt:
            // `if cond { return x }`, the guard at the top of so many functions, in one closure.
            if let i = e.expr as? IfExpr, i.otherwise == nil, i.then.statements.count == 1,
               let r = i.then.statements[0] as? ReturnStmt, let valueExpr = r.value, !Compiler.containsReturnSignal(valueExpr) {
                let cond = condition(i.condition)
                let value = expr(valueExpr)
                return { f in
                    if try cond(f) {
                        var v = try value(f)
                        swap(&v, &f.vm.returnValue)
                        f.vm.signal = .returned
                    }
                    return .null
                }
            }
            return expr(e.expr)
        case let l as LetStmt:
            let value = expr(l.value)
            if case .local(let v) = l.target, !v.captured {
                let slot = v.slot
                return { f in f.base[slot] = try value(f); return .null }
            }
            let st = storeTarget(l.target)
            return { f in st(f, try value(f)); return .null }
        case let fs as FnStmt:
            let proto = function(fs.function)
            if case .local(let v) = fs.target, v.captured {
                // The function may call itself: its box exists before the closure captures it.
                let c = v.cellIndex
                return { f in
                    let box = Box(.null)
                    f.cells.unsafelyUnwrapped.boxes[c] = box
                    box.value = .function(Closure(proto: proto, captured: f.cells.unsafelyUnwrapped.snapshot()))
                    return .null
                }
            }
            let st = storeTarget(fs.target)
            return { f in st(f, .function(Closure(proto: proto, captured: f.cells?.snapshot()))); return .null }
        case let a as AssignStmt:
            return assign(a)
        case let b as BlockStmt:
            return block(b)
        case let w as WhileStmt:
            return whileLoop(w)
        case let fo as ForStmt:
            return forLoop(fo)
        case let j as JumpStmt:
            let sig: Signal = j.kind == .break ? .breakLoop : .continueLoop
            return { f in f.vm.signal = sig; return .null }
        case let r as ReturnStmt:
            guard let valueExpr = r.value else {
                return { f in f.vm.returnValue = .null; f.vm.signal = .returned; return .null }
            }
            let value = expr(valueExpr)
            return { f in
                let v = try value(f)
                // A nested return inside the value (if-expression) already set the signal.
                if f.vm.signal == .returned { return .null }
                var moved = v
                swap(&moved, &f.vm.returnValue)
                f.vm.signal = .returned
                return .null
            }
        case let t as ThrowStmt:
            let value = expr(t.value)
            let range = t.range
            return { f in throw try Errors.thrown(try value(f), at: range, vm: f.meter) }
        case let t as TryStmt:
            return tryCatch(t)
        case let d as DeferStmt:
            let proto = function(d.function)
            let range = d.range, owner = functionName
            return { f in
                // The closure is made now, with the cells current now; it runs when the function ends.
                let deferred = Closure(proto: proto, captured: f.cells?.snapshot())
                f.vm.defers.append((f, { f in
                    do {
                        return try Calls.callValue(.function(deferred), args: [], named: [], vm: f.vm, range: range)
                    } catch let e as ScriptError {
                        throw Errors.addFrame(e, function: owner, range: range)
                    }
                }))
                return .null
            }
        case let i as ImportStmt:
            let st = storeTarget(i.target)
            let module = self.module
            let range = i.range
            let path = i.path
            return { f in st(f, try module.interpreter.importModule(path, from: module, at: range, vm: f.vm)); return .null }
        case let p as ParamStmt:
            return parameter(p)
        default:
            let range = s.range
            return { _ in throw ScriptError(.syntax, "unsupported statement", at: range) }
        }
    }

    private func assign(_ a: AssignStmt) -> Eval {
        let value = expr(a.value)
        let op: BinaryOp?
        switch a.op {
        case .set: op = nil
        case .add: op = .add
        case .sub: op = .sub
        case .mul: op = .mul
        case .div: op = .div
        case .mod: op = .mod
        }
        let range = a.range
        switch a.target {
        case let id as IdentExpr:
            let st: Store, ld: Eval
            switch id.binding {
            case .local(let v): st = store(v, depth: 0); ld = load(v, depth: 0)
            case .outer(let v, let d): st = store(v, depth: d); ld = load(v, depth: d)
            case .global(let i):
                let g = globals
                st = { _, x in g.values[i] = x }; ld = { _ in g.values[i] }
            default:
                return { _ in throw ScriptError(.name, "cannot assign to \(id.name)", at: range) }
            }
            guard let op else { return { f in st(f, try value(f)); return .null } }
            // i += 1 on a plain local slot: the loop counter case.
            if case .local(let v) = id.binding, !v.captured, op == .add {
                let slot = v.slot
                return { f in
                    let rhs = try value(f)
                    if case .int(let x) = f.base[slot], case .int(let y) = rhs {
                        let (r, o) = x.addingReportingOverflow(y)
                        if !o { f.base[slot] = .int(r); return .null }
                    }
                    f.base[slot] = try Ops.binary(op, f.base[slot], rhs, at: range, vm: f.meter)
                    return .null
                }
            }
            // total += x on a global (a script's top-level variable): integers added in place.
            if case .global(let i) = id.binding, op == .add {
                let g = globals
                return { f in
                    // The variable is read before the right side runs, as in the general path;
                    // an integer is read without copying the value.
                    if case .int(let x) = g.values[i] {
                        let rhs = try value(f)
                        if case .int(let y) = rhs {
                            let (r, o) = x.addingReportingOverflow(y)
                            if !o { g.values[i] = .int(r); return .null }
                        }
                        g.values[i] = try Ops.binary(op, .int(x), rhs, at: range, vm: f.meter)
                        return .null
                    }
                    let lhs = g.values[i]
                    g.values[i] = try Ops.binary(op, lhs, try value(f), at: range, vm: f.meter)
                    return .null
                }
            }
            return { f in st(f, try Ops.binary(op, try ld(f), try value(f), at: range, vm: f.meter)); return .null }
        case let ix as IndexExpr:
            let object = expr(ix.object), index = expr(ix.index)
            return { f in
                let o = try object(f), i = try index(f)
                var v = try value(f)
                if let op { v = try Ops.binary(op, try Ops.index(o, i, at: range, vm: f.meter), v, at: range, vm: f.meter) }
                try Ops.setIndex(o, i, v, at: range)
                return .null
            }
        case let m as MemberExpr:
            let object = expr(m.object)
            let name = m.name
            return { f in
                let o = try object(f)
                var v = try value(f)
                if let op { v = try Ops.binary(op, try Members.get(o, name, at: range, vm: f.vm), v, at: range, vm: f.meter) }
                try Members.set(o, name, v, at: range, vm: f.vm)
                return .null
            }
        default:
            return { _ in throw ScriptError(.syntax, "cannot assign to this expression", at: range) }
        }
    }

    /// Handles the signal a loop body left: returns true when the loop must stop.
    @inline(__always)
    static func loopShouldExit(_ vm: VM) -> Bool {
        switch vm.signal {
        case .none: return false
        case .continueLoop: vm.signal = .none; return false
        case .breakLoop: vm.signal = .none; return true
        case .returned: return true
        }
    }

    private func whileLoop(_ w: WhileStmt) -> Eval {
        let cond = condition(w.condition)
        let body = block(w.body)
        let range = w.condition.range
        return { f in
            let vm = f.vm
            while try cond(f) {
                _ = try body(f)
                if vm.signal != .none, Compiler.loopShouldExit(vm) { break }
                vm.steps &+= 1
                if vm.steps & 1023 == 0 { try vm.checkInterrupt(at: range) }
            }
            return .null
        }
    }

    private func forLoop(_ fo: ForStmt) -> Eval {
        let body = block(fo.body)
        let setFirst = declare(fo.firstVar!)
        let setSecond = fo.secondVar.map { declare($0) }
        let range = fo.iterable.range
        // for i in a..<b: no range value is made.
        if let r = fo.iterable as? RangeExpr, setSecond == nil {
            let lower = expr(r.lower), upper = expr(r.upper)
            let inclusive = r.inclusive
            let plainSlot: Int? = fo.firstVar!.captured ? nil : fo.firstVar!.slot
            return { f in
                let vm = f.vm
                guard case .int(let a) = try lower(f), case .int(var b) = try upper(f) else {
                    throw ScriptError(.type, "range bounds must be integers", at: range)
                }
                if inclusive {
                    if b == Int.max { throw ScriptError(.arithmetic, "range end is too large", at: range) }
                    b += 1
                }
                var i = a
                while i < b {
                    if let s = plainSlot { f.base[s] = .int(i) } else { setFirst(f, .int(i)) }
                    _ = try body(f)
                    if vm.signal != .none, Compiler.loopShouldExit(vm) { break }
                    vm.steps &+= 1
                    if vm.steps & 1023 == 0 { try vm.checkInterrupt(at: range) }
                    i += 1
                }
                return .null
            }
        }
        let iterable = expr(fo.iterable)
        return { f in
            let vm = f.vm
            let seq = try iterable(f)
            // Each step binds the variables and runs the body; false stops the loop.
            func step(_ a: Value, _ b: Value?) throws -> Bool {
                if let setSecond, let b { setFirst(f, a); setSecond(f, b) } else { setFirst(f, a) }
                _ = try body(f)
                if vm.signal != .none, Compiler.loopShouldExit(vm) { return false }
                vm.steps &+= 1
                if vm.steps & 1023 == 0 { try vm.checkInterrupt(at: range) }
                return true
            }
            switch seq {
            case .list(let l):
                var i = 0
                while i < l.items.count {
                    if try !step(setSecond == nil ? l.items[i] : .int(i), setSecond == nil ? nil : l.items[i]) { break }
                    i += 1
                }
            case .map(let m):
                // The keys are copied first (the body may change the map).
                try Ops.charge(f.meter, Cost.compared(m.entries.count), at: range)
                for key in Array(m.entries.keys) {
                    guard let v = m.entries[key] else { continue }
                    if try !step(key.value, setSecond == nil ? nil : v) { break }
                }
            case .range(let a, let b):
                var i = a
                while i < b {
                    if try !step(setSecond == nil ? .int(i) : .int(i - a), setSecond == nil ? nil : .int(i)) { break }
                    i += 1
                }
            case .string(let s):
                for (i, ch) in s.enumerated() {
                    if try !step(setSecond == nil ? .string(String(ch)) : .int(i), setSecond == nil ? nil : .string(String(ch))) { break }
                }
            case .object(let o):
                guard let it = o.nativeType.iterate else {
                    throw ScriptError(.type, "cannot iterate over \(o.nativeType.name)", at: range)
                }
                let items = try it(o, CallContext(vm: vm, range: range))
                for (i, x) in items.enumerated() {
                    if try !step(setSecond == nil ? x : .int(i), setSecond == nil ? nil : x) { break }
                }
            case .null:
                throw ScriptError(.type, "cannot iterate over nil", at: range, hint: "the value is nil; check it first or use ?? [] to loop over nothing")
            default:
                throw ScriptError(.type, "cannot iterate over a \(seq.typeName)", at: range,
                                  hint: "for loops take lists, maps, strings, ranges and collections")
            }
            return .null
        }
    }

    private func tryCatch(_ t: TryStmt) -> Eval {
        let body = block(t.body)
        let clauses = t.clauses.map { c in
            (codes: Set(c.codes.map(\.name)), handler: block(c.handler), setError: c.errorVar.map { declare($0) })
        }
        return { f in
            let vm = f.vm
            let sp = vm.sp, depth = vm.depth
            do {
                return try body(f)
            } catch let e as ScriptError where e.kind != .cancelled && e.kind != .limit {
                // The first clause that names the error's code (or names none) takes it; when
                // none does, the error goes on as it came, traceback and all.
                guard let c = clauses.first(where: { $0.codes.isEmpty || e.code.map($0.codes.contains) == true }) else { throw e }
                vm.pop(to: sp)
                vm.depth = depth
                // Defers registered in the try block belong to this function (callees ran their
                // own on the way out): they stay, and run when the function ends.
                vm.signal = .none
                c.setError?(f, .error(e))
                return try c.handler(f)
            }
        }
    }

    /// A condition: fast when it is a comparison of integers.
    func condition(_ e: Expr) -> (Frame) throws -> Bool {
        // `local < 2` and friends: compare in place, without making a bool value first.
        if let c = SlotComparison.of(e) { return { f in try c.test(f) } }
        let value = expr(e)
        let range = e.range
        return { f in try value(f).truth(at: range) }
    }

    /// True if evaluating `e` could itself execute a `return` (an if-expression holding one), in
    /// which case a final `return e` must keep its signal handling.
    static func containsReturnSignal(_ e: Expr) -> Bool {
        switch e {
        case is IfExpr: return true
        case let b as BinaryExpr: return containsReturnSignal(b.left) || containsReturnSignal(b.right)
        case let u as UnaryExpr: return containsReturnSignal(u.operand)
        case let c as CallExpr: return containsReturnSignal(c.callee) || c.args.contains(where: containsReturnSignal) || c.named.contains { containsReturnSignal($0.value) }
        case let m as MemberExpr: return containsReturnSignal(m.object)
        case let i as IndexExpr: return containsReturnSignal(i.object) || containsReturnSignal(i.index)
        case let l as ListExpr: return l.items.contains(where: containsReturnSignal)
        case let m as MapExpr: return m.entries.contains { containsReturnSignal($0.key) || containsReturnSignal($0.value) }
        case let i as InterpolationExpr:
            return i.parts.contains { if case .expr(let x) = $0 { return containsReturnSignal(x) }; return false }
        case let f as FormatExpr: return containsReturnSignal(f.value)
        default: return false
        }
    }

    /// The slot of an expression that is a plain (uncaptured) local of the current function.
    static func plainLocalSlot(_ e: Expr) -> Int? {
        guard let id = e as? IdentExpr, case .local(let v) = id.binding, !v.captured else { return nil }
        return v.slot
    }
}
