/// Calling functions: script closures on the value stack, natives with bound arguments, and
/// methods of every value kind.
enum Calls {
    /// Runs a script closure whose `argc` arguments are already on the stack at `base`.
    /// With `given`, every parameter has a stack slot and the ones not given take their defaults.
    static func invoke(_ c: Closure, base: Int, argc: Int, vm: VM, given: [Bool]? = nil) throws -> Value {
        try invoke(c.proto, captured: c.captured, base: base, argc: argc, vm: vm, given: given)
    }

    /// `invoke` for a function's code and the cells it closes over.
    static func invoke(_ p: CompiledFunction, captured: CellFrame?, base: Int, argc: Int, vm: VM, given: [Bool]? = nil) throws -> Value {
        vm.depth += 1
        if vm.depth > vm.maxCallDepth {
            vm.depth -= 1
            vm.pop(to: base)
            throw ScriptError(.recursion, "recursion is too deep (more than \(vm.maxCallDepth) nested calls, in \(p.displayName))",
                              hint: "check that the recursion has a base case that is reached")
        }
        let top = base + p.slotCount
        if top > vm.capacity, !vm.grow(to: top) {
            vm.depth -= 1
            vm.pop(to: base)
            throw Errors.stackOverflow(at: nil)
        }
        vm.sp = top
        vm.steps &+= 1
        if vm.steps & 1023 == 0 {
            do { try vm.checkInterrupt() } catch { vm.pop(to: base); vm.depth -= 1; throw error }
        }
        let cells: CellFrame? = p.needsCellFrame ? CellFrame(count: p.cellCount, parent: captured) : nil
        let frame = Frame(base: vm.stack + base, cells: cells, captured: captured, vm: vm)
        defer {
            vm.pop(to: base)
            vm.depth -= 1
        }
        do {
            if argc < p.paramCount || given != nil {
                // Defaults are evaluated in order in the callee's frame; they may use earlier
                // parameters, so captured ones are moved into their cells as they are known.
                for i in 0..<p.paramCount {
                    let missing = i >= argc || given?[i] == false
                    if missing, let d = p.defaults[i] { frame.base[i] = try d.run(frame) }
                    if let cells, let (_, cell) = p.capturedParams.first(where: { $0.slot == i }) { cells.boxes[cell].value = frame.base[i] }
                }
            } else if let cells, !p.capturedParams.isEmpty {
                for (slot, cell) in p.capturedParams { cells.boxes[cell].value = frame.base[slot] }
            }
            var result: Value
            if p.hasDefer {
                let mark = vm.defers.count
                do {
                    result = try p.body(frame)
                } catch {
                    try vm.runDefers(from: mark, pending: error)
                    throw error
                }
                if vm.signal == .returned { swap(&result, &vm.returnValue); vm.returnValue = .null; vm.signal = .none }
                try vm.runDefers(from: mark, pending: nil)
                return result
            }
            result = try p.body(frame)
            if vm.signal == .returned {
                // swap: no copy of the value, so no retain and release.
                swap(&result, &vm.returnValue)
                vm.returnValue = .null
                vm.signal = .none
            }
            return result
        } catch let e as ScriptError {
            vm.signal = .none
            if e.traceback.isEmpty { e.traceback.append(TraceFrame(function: p.displayName, range: e.range)) }
            throw e
        }
    }

    /// The lean call: a lean function (`GlobalStore.lean`: no cells, no defers, nothing
    /// captured) given exactly its parameters by position, which are on the stack at `base`.
    /// `p` is borrowed from the caller (`Unmanaged._withUnsafeGuaranteedRef`), so that its body is
    /// called without counting a reference to the code or to the closure context of its body.
    @inline(__always)
    static func enterLean(_ p: CompiledFunction, base: Int, vm: VM) throws -> Value {
        vm.depth += 1
        let top = base + p.slotCount
        if vm.depth > vm.maxCallDepth || top > vm.capacity {
            vm.depth -= 1
            return try invoke(p, captured: nil, base: base, argc: p.paramCount, vm: vm)
        }
        vm.sp = top
        vm.steps &+= 1
        if vm.steps & 1023 == 0 {
            do { try vm.checkInterrupt() } catch { vm.pop(to: base); vm.depth -= 1; throw error }
        }
        var result: Value
        do {
            result = try p.body(Frame(base: vm.stack + base, cells: nil, captured: nil, vm: vm))
        } catch let e as ScriptError {
            vm.pop(to: base); vm.depth -= 1
            vm.signal = .none
            if e.traceback.isEmpty { e.traceback.append(TraceFrame(function: p.displayName, range: e.range)) }
            throw e
        } catch {
            vm.pop(to: base); vm.depth -= 1
            throw error
        }
        vm.pop(to: base); vm.depth -= 1
        if vm.signal == .returned {
            swap(&result, &vm.returnValue)
            vm.returnValue = .null
            vm.signal = .none
        }
        return result
    }

    /// Calls any callable value with positional and named arguments.
    static func callValue(_ fv: Value, args: [Value], named: [(name: String, value: Value)], vm: VM,
                          range: SourceRange?, calleeName: String? = nil) throws -> Value {
        switch fv {
        case .function(let c):
            let p = c.proto
            var values = args
            if args.count > p.paramNames.count {
                throw ScriptError(.argument, "\(p.displayName)() takes \(p.paramNames.count) argument\(p.paramNames.count == 1 ? "" : "s"), but \(args.count) were given",
                                  at: range, hint: "its parameters are: \(p.paramNames.joined(separator: ", "))")
            }
            var given = [Bool](repeating: false, count: p.paramNames.count)
            for i in 0..<args.count { given[i] = true }
            values += [Value](repeating: .null, count: p.paramNames.count - args.count)
            for (name, v) in named {
                guard let i = p.paramNames.firstIndex(of: name) else {
                    let e = ScriptError(.argument, "\(p.displayName)() has no parameter named \(name)", at: range,
                                        hint: "its parameters are: \(p.paramNames.joined(separator: ", "))")
                    e.suggestion = Spelling.closest(to: name, in: p.paramNames)
                    throw e
                }
                if given[i] { throw ScriptError(.argument, "\(p.displayName)(): argument \(name) is given twice", at: range) }
                values[i] = v
                given[i] = true
            }
            // Missing arguments take their defaults in the callee; a missing required one is an error.
            var argc = p.paramNames.count
            for i in 0..<p.paramNames.count where !given[i] {
                if p.defaults[i] == nil {
                    throw ScriptError(.argument, "\(p.displayName)() is missing argument \(p.paramNames[i])", at: range,
                                      hint: "it takes: \(p.paramNames.joined(separator: ", "))")
                }
            }
            // Missing trailing parameters take their defaults in the callee; a gap (a later one
            // given by name) needs the callee to know which ones were given.
            var gaps = false
            if let firstMissing = given.firstIndex(of: false) {
                if given[firstMissing...].contains(true) { gaps = true } else { argc = firstMissing }
            }
            let base = vm.sp
            if base + max(argc, p.slotCount) > vm.capacity, !vm.grow(to: base + max(argc, p.slotCount)) { throw Errors.stackOverflow(at: range) }
            for i in 0..<argc { vm.stack[base + i] = values[i] }
            vm.sp = base + argc
            return try invoke(c, base: base, argc: argc, vm: vm, given: gaps ? given : nil)
        case .builtin(let nf):
            let a: Arguments
            do {
                if let params = nf.params {
                    a = try Arguments.bind(function: nf.name, params: params, variadic: nf.variadic, keywords: nf.keywords, positional: args, named: named)
                } else {
                    a = Arguments.raw(function: nf.name, positional: args, named: named)
                }
            } catch let e as ScriptError {
                if e.range == nil { e.range = range }
                throw e
            }
            return try runNative(vm: vm, range: range) { try nf.body(a, CallContext(vm: vm, range: range)) }
        case .null:
            throw ScriptError(.type, "\(calleeName ?? "the value") is nil, not a function", at: range)
        default:
            throw ScriptError(.type, "a \(fv.typeName) is not callable", at: range,
                              hint: calleeName.map { "\($0) holds a \(fv.typeName)" })
        }
    }

    /// Runs native code: errors other than script errors become host faults (exit code 70).
    @inline(__always)
    static func runNative(vm: VM, range: SourceRange?, _ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let e as ScriptError {
            if e.range == nil { e.range = range }
            throw e
        } catch let exit as ExitRequest {
            throw exit // exit(code) ends the script with its code; it is not a fault
        } catch {
            throw ScriptError(.host, "\(error)", at: range)
        }
    }

    /// `receiver.name(args)`.
    static func callMethod(_ receiver: Value, _ name: String, args: [Value], named: [(name: String, value: Value)],
                           vm: VM, range: SourceRange) throws -> Value {
        let ctx = CallContext(vm: vm, range: range)
        switch receiver {
        case .object(let o):
            if let module = o as? ModuleObject {
                guard let v = module.module.globals[name] else { throw Members.unknownMember(receiver, name, at: range) }
                return try callValue(v, args: args, named: named, vm: vm, range: range, calleeName: name)
            }
            if let m = o.nativeType.methods[name] {
                let a: Arguments
                do {
                    a = try m.arguments(args, named: named)
                } catch let e as ScriptError { e.range = e.range ?? range; throw e }
                return try runNative(vm: vm, range: range) { try m.body(o, a, ctx) }
            }
            if o.nativeType.properties[name] != nil {
                let v = try Members.get(receiver, name, at: range, vm: vm)
                return try callValue(v, args: args, named: named, vm: vm, range: range, calleeName: name)
            }
            // Derived from a value not known yet: also not known yet (`ip.split(".")`).
            if o.nativeType.undecidable != nil {
                if let e = Members.memberOfUnknown(o, name, at: range) { throw e }
                return o.nativeType.derive?(nil) ?? receiver
            }
            throw Members.unknownMember(receiver, name, at: range)
        case .map(let m):
            if let method = BuiltinMethods.map[name] {
                return try BuiltinMethods.call(method, receiver, args: args, named: named, ctx: ctx)
            }
            if let v = m.entries[.string(name)] {
                return try callValue(v, args: args, named: named, vm: vm, range: range, calleeName: name)
            }
            // The suggestion looks at every key.
            try Ops.charge(Meter(vm), Cost.suggestion(m.entries.count), at: range)
            throw Members.unknownMember(receiver, name, at: range)
        default:
            if let table = BuiltinMethods.table(for: receiver), let method = table[name] {
                return try BuiltinMethods.call(method, receiver, args: args, named: named, ctx: ctx)
            }
            throw Members.unknownMember(receiver, name, at: range)
        }
    }
}
