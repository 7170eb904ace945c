/// Thrown inside a postfix chain when `?.` meets nil; the outermost node of the chain turns it
/// into nil, so that `a?.b.c` is nil when `a` is (the whole rest of the chain is skipped).
struct NilChain: Error {}

extension Compiler {
    /// True if a postfix chain (members, indexes, calls) holds a `?.` anywhere below `e`.
    static func chainHasOptional(_ e: Expr) -> Bool {
        switch e {
        case let m as MemberExpr: return m.optional || chainHasOptional(m.object)
        case let i as IndexExpr: return chainHasOptional(i.object)
        case let c as CallExpr: return chainHasOptional(c.callee)
        default: return false
        }
    }

    /// The object part of a chain node: compiled without the nil-catching wrapper, which only
    /// the outermost node of the chain gets.
    func chainPart(_ e: Expr) -> Eval {
        if e is MemberExpr || e is IndexExpr || e is CallExpr { return chainNode(e) }
        return expr(e)
    }

    func expr(_ e: Expr) -> Eval {
        if (e is MemberExpr || e is IndexExpr || e is CallExpr) {
            let node = chainNode(e)
            guard Compiler.chainHasOptional(e) else { return node }
            return { f in
                do { return try node(f) } catch is NilChain { return .null }
            }
        }
        return plainExpr(e)
    }

    /// Members, indexes and calls.
    func chainNode(_ e: Expr) -> Eval {
        switch e {
        case let c as CallExpr:
            return call(c)
        case let m as MemberExpr:
            let object = chainPart(m.object)
            let name = m.name, range = m.nameRange, optional = m.optional
            return { f in
                let o = try object(f)
                if optional, case .null = o { throw NilChain() }
                return try Members.get(o, name, at: range, vm: f.vm)
            }
        case let i as IndexExpr:
            let object = chainPart(i.object), index = expr(i.index)
            let range = i.range
            return { f in
                let o = try object(f), i = try index(f)
                // `obj["field"]` reads a field of a host object, as `obj.field` does.
                if case .object(let x) = o, !(x is ModuleObject), case .string(let name) = i, x.nativeType.properties[name] != nil {
                    return try Members.get(o, name, at: range, vm: f.vm)
                }
                return try Ops.index(o, i, at: range, vm: f.meter)
            }
        default:
            return plainExpr(e)
        }
    }

    private func plainExpr(_ e: Expr) -> Eval {
        switch e {
        case let l as LiteralExpr:
            let v = l.value
            return { _ in v }
        case let id as IdentExpr:
            return ident(id)
        case let b as BinaryExpr:
            return binary(b)
        case let u as UnaryExpr:
            let operand = expr(u.operand)
            let range = u.range
            switch u.op {
            case .not: return { f in .bool(!(try operand(f).truth(at: range))) }
            case .negate: return { f in try Ops.negate(try operand(f), at: range) }
            }
        case let r as RangeExpr:
            let lower = expr(r.lower), upper = expr(r.upper)
            let inclusive = r.inclusive, range = r.range
            return { f in
                guard case .int(let a) = try lower(f), case .int(let b) = try upper(f) else {
                    throw ScriptError(.type, "range bounds must be integers", at: range)
                }
                if inclusive {
                    if b == Int.max { throw ScriptError(.arithmetic, "range end is too large", at: range) }
                    return .range(a, b + 1)
                }
                return .range(a, b)
            }
        case let l as ListExpr:
            let items = l.items.map { Code(expr($0)) }
            return { f in
                var out: [Value] = []
                out.reserveCapacity(items.count)
                for i in items { out.append(try i.run(f)) }
                return .list(ListRef(out))
            }
        case let m as MapExpr:
            let entries = m.entries.map { (Code(expr($0.key)), Code(expr($0.value)), $0.key.range) }
            let count = entries.count
            return { f in
                let map = MapRef(OrderedMap(minimumCapacity: count))
                for (k, v, r) in entries {
                    let key = try k.run(f)
                    guard let mk = key.mapKey else {
                        throw ScriptError(.type, "a \(key.typeName) cannot be a map key", at: r, hint: "map keys are strings, ints or bools")
                    }
                    map.entries[mk] = try v.run(f)
                }
                return .map(map)
            }
        case let s as InterpolationExpr:
            // Text parts stay text (no closure to call, no value to copy); every part is written
            // into one buffer (TextBuilding.interpolate).
            let parts: [InterpolationPart] = s.parts.map { p in
                switch p {
                case .text(let t): return .text(t)
                case .expr(let x): return .code(Code(expr(x)))
                }
            }
            let range = s.range
            return { f in try TextBuilding.interpolate(parts, in: f, at: range) }
        case let x as FormatExpr:
            let value = expr(x.value), spec = x.spec, range = x.range
            return { f in
                let v = try value(f)
                do {
                    let out = try spec.apply(v, vm: f.meter)
                    try Ops.charge(f.meter, Cost.repeated(spec.width), at: range)
                    return .string(out)
                } catch let e as ScriptError {
                    if e.range == nil { e.range = range }
                    throw e
                }
            }
        case let fn as FunctionExpr:
            let proto = function(fn)
            return { f in .function(Closure(proto: proto, captured: f.cells?.snapshot())) }
        case let i as IfExpr:
            let cond = condition(i.condition)
            let then = block(i.then)
            if let o = i.otherwise {
                let otherwise = block(o)
                return { f in try cond(f) ? try then(f) : try otherwise(f) }
            }
            return { f in try cond(f) ? try then(f) : .null }
        default:
            let range = e.range
            return { _ in throw ScriptError(.syntax, "unsupported expression", at: range) }
        }
    }

    /// A value that is not a string, as interpolation shows it; the step-limit error points at
    /// the interpolation.
    @inline(never)
    static func interpolated(_ v: Value, vm: Meter, at range: SourceRange) throws -> String {
        do { return try Formatter.str(v, vm: vm) } catch let e as ScriptError {
            if e.range == nil { e.range = range }
            throw e
        }
    }

    private func ident(_ id: IdentExpr) -> Eval {
        switch id.binding {
        case .local(let v): return load(v, depth: 0)
        case .outer(let v, let d): return load(v, depth: d)
        case .global(let i):
            let g = globals
            return { _ in g.values[i] }
        case .builtin(let i):
            let b = builtins
            return { _ in b.values[i] }
        case .unresolved:
            let range = id.range, name = id.name
            return { _ in throw ScriptError(.name, "unknown name \(name)", at: range) }
        }
    }

    private func binary(_ b: BinaryExpr) -> Eval {
        // `f(a) + g(b)`, `f(a) - g(b)`: both calls are entered directly, without their closures.
        var leanPair: (LeanCall, LeanCall)? = nil
        if b.op == .add || b.op == .sub, let lc = b.left as? CallExpr, let rc = b.right as? CallExpr,
           Compiler.isLeanCallShape(lc), Compiler.isLeanCallShape(rc), let l = leanCall(lc), let r = leanCall(rc) {
            leanPair = (l, r)
        }
        // Not `leanPair?.0.eval ?? expr(...)`: a closure that passes through an optional is
        // reabstracted, and every call of it then goes through two thunks (+7% on bench/maps.vs).
        let left: Eval, right: Eval
        if let (l, r) = leanPair { left = l.eval; right = r.eval } else { left = expr(b.left); right = expr(b.right) }
        let range = b.opRange
        switch b.op {
        case .and:
            return { f in let l = try left(f); return try l.truth(at: range) ? try right(f) : l }
        case .or:
            return { f in let l = try left(f); return try l.truth(at: range) ? l : try right(f) }
        case .coalesce:
            return { f in let l = try left(f); if case .null = l { return try right(f) }; return l }
        default:
            break
        }
        let op = b.op
        if op == .in || op == .notIn {
            let negate = op == .notIn
            return { f in .bool(try Ops.contains(try right(f), try left(f), at: range, vm: f.meter) != negate) }
        }
        // Integer fast paths; anything else falls back to the general operator.
        if let lit = b.right as? LiteralExpr, case .int(let k) = lit.value, let slot = Compiler.plainLocalSlot(b.left) {
            switch op {
            case .add:
                return { f in
                    if case .int(let x) = f.base[slot] { let (r, o) = x.addingReportingOverflow(k); if !o { return .int(r) } }
                    return try Ops.binary(op, f.base[slot], .int(k), at: range, vm: f.meter)
                }
            case .sub:
                return { f in
                    if case .int(let x) = f.base[slot] { let (r, o) = x.subtractingReportingOverflow(k); if !o { return .int(r) } }
                    return try Ops.binary(op, f.base[slot], .int(k), at: range, vm: f.meter)
                }
            default: break
            }
        }
        if let lit = b.right as? LiteralExpr, case .int(let k) = lit.value {
            switch op {
            case .add:
                return { f in
                    let l = try left(f)
                    if case .int(let x) = l { let (r, o) = x.addingReportingOverflow(k); if !o { return .int(r) } }
                    return try Ops.binary(op, l, .int(k), at: range, vm: f.meter)
                }
            case .sub:
                return { f in
                    let l = try left(f)
                    if case .int(let x) = l { let (r, o) = x.subtractingReportingOverflow(k); if !o { return .int(r) } }
                    return try Ops.binary(op, l, .int(k), at: range, vm: f.meter)
                }
            case .lt:
                return { f in let l = try left(f); if case .int(let x) = l { return .bool(x < k) }; return try Ops.binary(op, l, .int(k), at: range, vm: f.meter) }
            case .le:
                return { f in let l = try left(f); if case .int(let x) = l { return .bool(x <= k) }; return try Ops.binary(op, l, .int(k), at: range, vm: f.meter) }
            case .gt:
                return { f in let l = try left(f); if case .int(let x) = l { return .bool(x > k) }; return try Ops.binary(op, l, .int(k), at: range, vm: f.meter) }
            case .ge:
                return { f in let l = try left(f); if case .int(let x) = l { return .bool(x >= k) }; return try Ops.binary(op, l, .int(k), at: range, vm: f.meter) }
            case .eq:
                return { f in let l = try left(f); if case .int(let x) = l { return .bool(x == k) }; return try Ops.binary(op, l, .int(k), at: range, vm: f.meter) }
            case .mod where k != 0 && k != -1: // Int.min % -1 overflows: the general path reports it
                return { f in let l = try left(f); if case .int(let x) = l { return .int(x % k) }; return try Ops.binary(op, l, .int(k), at: range, vm: f.meter) }
            default: break
            }
        }
        if let (l, r) = leanPair {
            let node = BinaryOperands(left: left, right: right, op: op, range: range)
            if op == .add {
                return { f in
                    let x = try l.call(f), y = try r.call(f)
                    if case .int(let i) = x, case .int(let j) = y { let (s, o) = i.addingReportingOverflow(j); if !o { return .int(s) } }
                    return try node.general(x, y, f)
                }
            }
            return { f in
                let x = try l.call(f), y = try r.call(f)
                if case .int(let i) = x, case .int(let j) = y { let (s, o) = i.subtractingReportingOverflow(j); if !o { return .int(s) } }
                return try node.general(x, y, f)
            }
        }
        // Both sides general: the closures capture one object (`BinaryOperands`).
        let node = BinaryOperands(left: left, right: right, op: op, range: range)
        switch op {
        case .add:
            return { f in
                let l = try node.left(f), r = try node.right(f)
                if case .int(let x) = l, case .int(let y) = r { let (s, o) = x.addingReportingOverflow(y); if !o { return .int(s) } }
                return try node.general(l, r, f)
            }
        case .sub:
            return { f in
                let l = try node.left(f), r = try node.right(f)
                if case .int(let x) = l, case .int(let y) = r { let (s, o) = x.subtractingReportingOverflow(y); if !o { return .int(s) } }
                return try node.general(l, r, f)
            }
        case .mul:
            return { f in
                let l = try node.left(f), r = try node.right(f)
                if case .int(let x) = l, case .int(let y) = r { let (s, o) = x.multipliedReportingOverflow(by: y); if !o { return .int(s) } }
                return try node.general(l, r, f)
            }
        case .lt:
            return { f in
                let l = try node.left(f), r = try node.right(f)
                if case .int(let x) = l, case .int(let y) = r { return .bool(x < y) }
                return try node.general(l, r, f)
            }
        default:
            return { f in try Ops.binary(op, try left(f), try right(f), at: range, vm: f.meter) }
        }
    }

    private func call(_ c: CallExpr) -> Eval {
        if Compiler.isLeanCallShape(c), let node = leanCall(c) { return node.eval }
        return generalCall(c)
    }

    /// A call by name of a global with one or two positional arguments, which takes `LeanCall`.
    static func isLeanCallShape(_ e: Expr) -> Bool {
        guard let c = e as? CallExpr, c.named.isEmpty, c.args.count == 1 || c.args.count == 2,
              let id = c.callee as? IdentExpr, case .global = id.binding else { return false }
        return true
    }

    /// The node of a call of `isLeanCallShape`, for the operators that call it directly.
    func leanCall(_ c: CallExpr) -> LeanCall? {
        guard Compiler.isLeanCallShape(c), let id = c.callee as? IdentExpr, case .global(let index) = id.binding else { return nil }
        let args = c.args.map { Code(expr($0)) }
        return LeanCall(store: globals, index: index, site: CallSite(range: c.range, caller: functionName),
                        general: generalCall(c, args: args), args: args, shapes: c.args.map(SlotOffset.of))
    }

    /// Any call but those `LeanCall` takes; `args`: the positional arguments, compiled.
    private func generalCall(_ c: CallExpr, args compiledArgs: [Code]? = nil) -> Eval {
        let args = compiledArgs ?? c.args.map { Code(expr($0)) }
        let named = c.named.map { ($0.name, Code(expr($0.value))) }
        let range = c.range
        let caller = functionName
        let argc = args.count

        // Evaluates the arguments into arrays (the general path).
        func evalArgs(_ f: Frame) throws -> ([Value], [(name: String, value: Value)]) {
            var pos: [Value] = []
            pos.reserveCapacity(args.count)
            for a in args { pos.append(try a.run(f)) }
            var nm: [(name: String, value: Value)] = []
            for (n, a) in named { nm.append((n, try a.run(f))) }
            return (pos, nm)
        }

        if let m = c.callee as? MemberExpr {
            let object = chainPart(m.object)
            let name = m.name, optional = m.optional
            // The built-in method of each value kind is looked up once, here, not per call.
            let stringMethod = BuiltinMethods.string[name], listMethod = BuiltinMethods.list[name], mapMethod = BuiltinMethods.map[name]
            if argc == 1, named.isEmpty {
                return methodCall1(object, name: name, optional: optional, argument: args[0], range: range, caller: caller,
                                   methods: (stringMethod, listMethod, mapMethod))
            }
            return { f in
                let o = try object(f)
                if optional, case .null = o { throw NilChain() }
                let (pos, nm) = try evalArgs(f)
                do {
                    let method: ValueMethod?
                    switch o {
                    case .string: method = stringMethod
                    case .list: method = listMethod
                    case .map: method = mapMethod
                    default: method = nil
                    }
                    if let method {
                        return try BuiltinMethods.call(method, o, args: pos, named: nm, ctx: CallContext(vm: f.vm, range: range))
                    }
                    return try Calls.callMethod(o, name, args: pos, named: nm, vm: f.vm, range: range)
                } catch let e as ScriptError {
                    throw Errors.addFrame(e, function: caller, range: range)
                }
            }
        }

        let callee = chainPart(c.callee)
        let calleeName = (c.callee as? IdentExpr)?.name
        let push = Compiler.pushArguments(args, range: range)
        var globalIndex = -1
        if let id = c.callee as? IdentExpr, case .global(let g) = id.binding { globalIndex = g }
        let globalStore = globals
        // Any callee: a script function given exactly its parameters by position goes on the
        // stack; anything else takes arrays.
        let generic: Eval = { f in
            let fv = globalIndex >= 0 ? globalStore.values[globalIndex] : try callee(f)
            let vm = f.vm
            // Fast path: a script function called with exactly its parameters, by position.
            if named.isEmpty, case .function(let clo) = fv, clo.proto.paramCount == argc {
                let base = vm.sp
                do {
                    try push(f)
                } catch {
                    vm.pop(to: base)
                    throw error
                }
                do {
                    return try Calls.invoke(clo, base: base, argc: argc, vm: vm)
                } catch let e as ScriptError {
                    throw Errors.addFrame(e, function: caller, range: range)
                }
            }
            let (pos, nm) = try evalArgs(f)
            do {
                return try Calls.callValue(fv, args: pos, named: nm, vm: vm, range: range, calleeName: calleeName)
            } catch let e as ScriptError {
                throw Errors.addFrame(e, function: caller, range: range)
            }
        }
        if compiledArgs == nil, globalIndex >= 0, named.isEmpty, argc == 0 {
            return topLevelFunctionCall0(globalIndex, range: range, caller: caller, general: generic)
        }
        return generic
    }

    /// `x.name(arg)`: a method call with one positional argument. The argument is evaluated
    /// without an array; a built-in method of one parameter takes it directly (`unary`), any
    /// other method gets it in a one-item array, as in the general path.
    private func methodCall1(_ object: @escaping Eval, name: String, optional: Bool, argument: Code, range: SourceRange,
                             caller: String, methods: (string: ValueMethod?, list: ValueMethod?, map: ValueMethod?)) -> Eval {
        let site = CallSite(range: range, caller: caller)
        return { f in
            let o = try object(f)
            if optional, case .null = o { throw NilChain() }
            let x = try argument.run(f)
            do {
                let method: ValueMethod?
                switch o {
                case .string: method = methods.string
                case .list: method = methods.list
                case .map: method = methods.map
                default: method = nil
                }
                let ctx = CallContext(vm: f.vm, range: site.range)
                if let method {
                    if let unary = method.unary {
                        return try Calls.runNative(vm: f.vm, range: site.range) { try unary(o, x, ctx) }
                    }
                    return try BuiltinMethods.call(method, o, args: [x], named: [], ctx: ctx)
                }
                return try Calls.callMethod(o, name, args: [x], named: [], vm: f.vm, range: site.range)
            } catch let e as ScriptError {
                throw Errors.addFrame(e, function: site.caller, range: site.range)
            }
        }
    }

    /// A call by name of a global with no arguments: a lean function (`GlobalStore.lean`) is
    /// borrowed and entered directly, anything else takes `general`.
    private func topLevelFunctionCall0(_ index: Int, range: SourceRange, caller: String, general: @escaping Eval) -> Eval {
        let store = globals
        let site = CallSite(range: range, caller: caller)
        return { f in
            guard let u = store.lean[index], u._withUnsafeGuaranteedRef({ $0.paramCount == 0 }) else { return try general(f) }
            return try Unmanaged.passUnretained(f.vm)._withUnsafeGuaranteedRef { vm in
                do {
                    return try u._withUnsafeGuaranteedRef { try Calls.enterLean($0, base: vm.sp, vm: vm) }
                } catch let e as ScriptError {
                    throw Errors.addFrame(e, function: site.caller, range: site.range)
                }
            }
        }
    }

    /// Evaluates arguments onto the value stack. One closure per small arity, for the same
    /// reason as `Compiler.sequence`.
    static func pushArguments(_ args: [Code], range: SourceRange) -> (Frame) throws -> Void {
        @inline(__always)
        func push(_ vm: VM, _ v: Value) throws {
            if vm.sp >= vm.capacity, !vm.grow(to: vm.sp + 1) { throw Errors.stackOverflow(at: range) }
            vm.stack[vm.sp] = v
            vm.sp += 1
        }
        switch args.count {
        case 0: return { _ in }
        case 1:
            let a = args[0].run
            return { f in try push(f.vm, try a(f)) }
        case 2:
            let a = args[0].run, b = args[1].run
            return { f in try push(f.vm, try a(f)); try push(f.vm, try b(f)) }
        case 3:
            let a = args[0].run, b = args[1].run, c = args[2].run
            return { f in try push(f.vm, try a(f)); try push(f.vm, try b(f)); try push(f.vm, try c(f)) }
        default:
            let head = pushArguments(Array(args[0..<3]), range: range)
            let tail = pushArguments(Array(args[3...]), range: range)
            return { f in try head(f); try tail(f) }
        }
    }
}
