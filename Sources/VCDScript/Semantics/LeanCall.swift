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

    @inline(__always)
    private func enter(_ vm: VM, _ u: Unmanaged<CompiledFunction>, _ base: Int) throws -> Value {
        do {
            return try u._withUnsafeGuaranteedRef { try Calls.enterLean($0, base: base, vm: vm) }
        } catch let e as ScriptError {
            throw Errors.addFrame(e, function: site.caller, range: site.range)
        }
    }

    // The VM is borrowed for the whole call (`Unmanaged._withUnsafeGuaranteedRef`): a local made
    // from `f.vm` (strong or unowned(unsafe)) and used across the argument's evaluation was
    // retained per call, and so was `f.vm` borrowed in short stretches around the body's call.

    /// `name(a)`.
    func call1(_ f: Frame) throws -> Value {
        guard let u = store.lean[index], takes(u, 1) else { return try general(f) }
        return try Unmanaged.passUnretained(f.vm)._withUnsafeGuaranteedRef { vm in
            // The argument's own calls leave `sp` where it was: its slot is known before.
            let base = vm.sp
            if base >= vm.capacity, !vm.grow(to: base + 1) { throw Errors.stackOverflow(at: site.range) }
            vm.push(try argument(f, s0, c0), at: base)
            return try enter(vm, u, base)
        }
    }

    /// `name(a, b)`.
    func call2(_ f: Frame) throws -> Value {
        guard let u = store.lean[index], takes(u, 2) else { return try general(f) }
        return try Unmanaged.passUnretained(f.vm)._withUnsafeGuaranteedRef { vm in
            let base = vm.sp
            if base + 1 >= vm.capacity, !vm.grow(to: base + 2) { throw Errors.stackOverflow(at: site.range) }
            vm.push(try argument(f, s0, c0), at: base)
            do { vm.push(try argument(f, s1, c1.unsafelyUnwrapped), at: base + 1) } catch { vm.pop(to: base); throw error }
            return try enter(vm, u, base)
        }
    }
}
