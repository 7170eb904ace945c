import Foundation

/// The execution state of one thread running vcdscript: its value stack, the control signal
/// register, call depth, and the deferred blocks waiting for their function to end.
final class VM {
    let stack: UnsafeMutablePointer<Value>
    /// Slots that are initialised (all `.null` above `sp`). Grows on demand up to `limit`, so
    /// that a short script does not pay for touching the whole stack.
    private(set) var capacity: Int
    let limit: Int
    let maxCallDepth: Int
    var sp = 0
    var signal: Signal = .none
    var returnValue: Value = .null
    var depth = 0
    var steps = 0
    var defers: [(frame: Frame, body: Eval)] = []
    unowned(unsafe) let interpreter: Interpreter

    init(interpreter: Interpreter, capacity: Int = 1 << 20) {
        self.interpreter = interpreter
        self.limit = capacity
        self.maxCallDepth = interpreter.options.maxCallDepth
        self.capacity = min(capacity, 4096)
        stack = UnsafeMutablePointer<Value>.allocate(capacity: capacity)
        stack.initialize(repeating: .null, count: self.capacity)
    }

    deinit {
        stack.deinitialize(count: capacity)
        stack.deallocate()
    }

    /// Makes room for `needed` slots; false when the stack is at its limit.
    @inline(never)
    func grow(to needed: Int) -> Bool {
        guard needed <= limit else { return false }
        let newCapacity = min(limit, max(needed, capacity * 2))
        (stack + capacity).initialize(repeating: .null, count: newCapacity - capacity)
        capacity = newCapacity
        return true
    }

    /// Called at loop back-edges and calls every 1024 steps: Ctrl-C, the step limit, a deadline.
    @inline(never)
    func checkInterrupt() throws {
        try interpreter.checkInterrupt(blocks: 1)
    }

    /// `checkInterrupt()` at a loop's back-edge: the error points at the loop.
    @inline(never)
    func checkInterrupt(at range: SourceRange) throws {
        do { try interpreter.checkInterrupt(blocks: 1) } catch let e as ScriptError {
            if e.range == nil { e.range = range }
            throw e
        }
    }

    /// Charges native work to the step limit: `n` steps (see `Cost`), counted as loop
    /// iterations and calls are. When the count passes a multiple of 1024 the host is asked,
    /// as at a loop back-edge, and the step limit is checked for every 1024 passed.
    @inline(__always)
    func charge(_ n: Int) throws {
        let before = steps
        steps = before &+ min(max(n, 0), Cost.maxCharge)
        if before >> 10 != steps >> 10 { try chargeCheck(from: before) }
    }

    @inline(never)
    private func chargeCheck(from before: Int) throws {
        try interpreter.checkInterrupt(blocks: (steps >> 10) &- (before >> 10))
    }

    /// Pushes `v` into slot `i`, which must be `sp` (checked against `capacity` by the caller).
    /// Every slot at or above `sp` holds a value without references (`pop` clears them, new
    /// slots are `.null`), so the slot is initialized without destroying what it held.
    @inline(__always)
    func push(_ v: __owned Value, at i: Int) {
        (stack + i).initialize(to: v)
        sp = i + 1
    }

    /// Clears slots `from..<to` (dropping references) and pops the stack back to `from`.
    @inline(__always)
    func pop(to from: Int) {
        var i = from
        while i < sp {
            // Only references need dropping; scalars may stay (every slot is written before it
            // is read), which spares a destroy call per slot on every return.
            switch stack[i] {
            case .null, .bool, .int, .float, .duration, .range: break
            default: stack[i] = .null
            }
            i += 1
        }
        sp = from
    }

    /// Runs the deferred blocks registered since `mark`, newest first.
    func runDefers(from mark: Int, pending: Error?) throws {
        var firstError: Error? = nil
        let savedSignal = signal
        let savedReturn = returnValue
        while defers.count > mark {
            let d = defers.removeLast()
            signal = .none
            do { _ = try d.body(d.frame) } catch { if firstError == nil { firstError = error } }
        }
        signal = savedSignal
        returnValue = savedReturn
        if pending == nil, let firstError { throw firstError }
    }
}

/// Charges work to a VM's step count (`VM.charge`, at the rates of `Cost`). It holds the VM
/// without counting a reference, so that handing it along the operator paths (`Ops`) costs
/// nothing where nothing is charged: a strong `VM` argument made from a frame's unowned one
/// cost a retain and a release per operation (+18% on bench/loop.vs).
struct Meter {
    unowned(unsafe) let vm: VM
    @inline(__always) init(_ vm: VM) { self.vm = vm }
    @inline(__always) func charge(_ n: Int) throws { try vm.charge(n) }
}

/// What a native function or method may use of the interpreter: calling script functions back
/// (for `map`, `filter`, `wait`), printing, and the call site for errors.
public struct CallContext {
    unowned(unsafe) let vm: VM
    /// Where the call was made.
    public let range: SourceRange?

    init(vm: VM, range: SourceRange?) {
        self.vm = vm
        self.range = range
    }

    public var interpreter: Interpreter { vm.interpreter }

    /// The step meter, for the operator paths natives share with the compiled code.
    var meter: Meter { @inline(__always) get { Meter(vm) } }

    /// Calls a script or native function with positional and named arguments.
    public func call(_ function: Value, _ args: [Value], named: [(name: String, value: Value)] = []) throws -> Value {
        // A script function counts its call as a step; a native one is charged a step here, so
        // that `xs.map(len)` costs what `xs.map(fn(x) { len(x) })` does.
        if case .builtin = function { try vm.charge(1) }
        return try Calls.callValue(function, args: args, named: named, vm: vm, range: range)
    }

    /// Checks for Ctrl-C and deadlines; long-running natives call it while they wait. Waiting
    /// is not charged to the step limit.
    public func checkInterrupt() throws { try vm.interpreter.checkInterrupt(blocks: 0, force: true) }

    /// Charges `steps` of native work to the step limit (a limited script stops here with the
    /// step-limit error, at the call's line). Natives charge in proportion to their work, with
    /// the rates of `Cost`: `try ctx.charge(Cost.bytes(text.utf8.count))`.
    public func charge(_ steps: Int) throws { try vm.charge(steps) }
}
