/// A call by name of a top-level function with one or two positional arguments, as one object:
/// the compiled closure captures only this node, so that calling it passes one pointer instead
/// of unpacking a context of seven captured values into registers and stack slots on every
/// call (the thunk and the stack-passed arguments cost about 60 instructions per call of
/// bench/fib.vs).
///
/// When the name is a top-level `fn` of a script (never declared again) that is lean
/// (`GlobalStore.lean`), its code is taken from the store and borrowed, so that the call counts
/// no reference at all, and its arguments go straight into their stack slots. Anything else
/// takes `general`.
final class LeanCall {
    let store: GlobalStore
    let index: Int
    let site: CallSite
    let general: Eval
    let c0: Code, c1: Code?
    let s0: SlotOffset?, s1: SlotOffset?

    init(store: GlobalStore, index: Int, site: CallSite, general: @escaping Eval, args: [Code], shapes: [SlotOffset?]) {
        self.store = store
        self.index = index
        self.site = site
        self.general = general
        c0 = args[0]
        c1 = args.count > 1 ? args[1] : nil
        s0 = shapes[0]
        s1 = shapes.count > 1 ? shapes[1] : nil
    }

    @inline(__always)
    private func takes(_ u: Unmanaged<CompiledFunction>, _ n: Int) -> Bool { u._withUnsafeGuaranteedRef { $0.paramCount == n } }

    /// An argument that is a local plus or minus a literal (`n - 1`) is computed in place.
    @inline(__always)
    private func argument(_ f: Frame, _ shape: SlotOffset?, _ code: Code) throws -> Value {
        if let shape, let x = shape.int(f) { return .int(x) }
        return try code.run(f)
    }

    /// Enters `u` with its arguments, already evaluated (their own calls left `sp` where it
    /// was), all in this function: no closure of its own for the call. The VM is borrowed
    /// (`Unmanaged._withUnsafeGuaranteedRef`) only in short stretches that call nothing, each
    /// inlined here; a local made from `f.vm` (strong or unowned(unsafe)) and used across a call
    /// was retained per call. The uncommon cases (stack to grow, recursion limit, the step
    /// meter's check every 1024 steps) take `Calls.invoke`, which reports them.
    @inline(__always)
    private func enter(_ u: Unmanaged<CompiledFunction>, _ f: Frame, _ a0: consuming Value, _ a1: consuming Value?) throws -> Value {
        let vmu = Unmanaged.passUnretained(f.vm)
        let slots = u._withUnsafeGuaranteedRef { $0.slotCount }
        let (base, stack): (Int, UnsafeMutablePointer<Value>) = vmu._withUnsafeGuaranteedRef { vm in
            let base = vm.sp
            let top = base &+ slots
            if vm.depth >= vm.maxCallDepth || top > vm.capacity || (vm.steps &+ 1) & 1023 == 0 { return (-1, vm.stack) }
            vm.sp = top
            vm.depth &+= 1
            vm.steps &+= 1
            return (base, vm.stack)
        }
        if base < 0 { return try enterSlowly(u, f, a0, a1) }
        // Slots at or above `sp` hold no references (see `VM.push`): initialised, not assigned.
        (stack + base).initialize(to: a0)
        if let a1 { (stack + base + 1).initialize(to: a1) }
        var result: Value
        do {
            result = try u._withUnsafeGuaranteedRef { try $0.body(Frame(leanAt: stack + base, from: f)) }
        } catch {
            throw failed(error, u, f, base)
        }
        vmu._withUnsafeGuaranteedRef { vm in
            vm.pop(to: base)
            vm.depth &-= 1
            if vm.signal == .returned {
                swap(&result, &vm.returnValue)
                vm.returnValue = .null
                vm.signal = .none
            }
        }
        return result
    }

    /// The body threw: its frame is popped, and a script error gets the callee's and this
    /// call's lines in its traceback.
    @inline(never)
    private func failed(_ error: Error, _ u: Unmanaged<CompiledFunction>, _ f: Frame, _ base: Int) -> Error {
        let vm = f.vm
        vm.pop(to: base)
        vm.depth -= 1
        guard let e = error as? ScriptError else { return error }
        vm.signal = .none
        if e.traceback.isEmpty { e.traceback.append(TraceFrame(function: u.takeUnretainedValue().displayName, range: e.range)) }
        return Errors.addFrame(e, function: site.caller, range: site.range)
    }

    /// The general entry, for the cases `enter` leaves out (it checks and reports them).
    @inline(never)
    private func enterSlowly(_ u: Unmanaged<CompiledFunction>, _ f: Frame, _ a0: Value, _ a1: Value?) throws -> Value {
        let vm = f.vm
        let p = u.takeUnretainedValue()
        let base = vm.sp
        let argc = a1 == nil ? 1 : 2
        if base + argc > vm.capacity, !vm.grow(to: base + argc) { throw Errors.stackOverflow(at: site.range) }
        vm.push(a0, at: base)
        if let a1 { vm.push(a1, at: base + 1) }
        do {
            return try Calls.invoke(p, captured: nil, base: base, argc: argc, vm: vm)
        } catch let e as ScriptError {
            throw Errors.addFrame(e, function: site.caller, range: site.range)
        }
    }

    /// The call, for the one or two arguments it has.
    @inline(__always)
    func call(_ f: Frame) throws -> Value {
        if c1 == nil { return try call1(f) }
        return try call2(f)
    }

    /// The call as a compiled closure.
    var eval: Eval {
        if c1 == nil { return { [self] f in try self.call1(f) } }
        return { [self] f in try self.call2(f) }
    }

    /// `name(a)`.
    func call1(_ f: Frame) throws -> Value {
        guard let u = store.lean[index], takes(u, 1) else { return try general(f) }
        return try enter(u, f, try argument(f, s0, c0), nil)
    }

    /// `name(a, b)`.
    func call2(_ f: Frame) throws -> Value {
        guard let u = store.lean[index], takes(u, 2) else { return try general(f) }
        let a0 = try argument(f, s0, c0)
        return try enter(u, f, a0, try argument(f, s1, c1.unsafelyUnwrapped))
    }
}
