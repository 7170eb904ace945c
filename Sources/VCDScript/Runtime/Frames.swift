/// The storage of one captured local: the function and the closures made while the variable
/// is in scope share it.
final class Box {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// The captured locals of one function call. A declaration that runs again (in a loop body)
/// gets a fresh box, and a closure keeps the boxes that were current when it was made: each
/// iteration's closures see their own loop variable, while variables declared outside the loop
/// stay shared.
final class CellFrame {
    var boxes: ContiguousArray<Box>
    /// The enclosing call's cells, reached by closures nested more than one level deep.
    let parent: CellFrame?
    init(count: Int, parent: CellFrame?) {
        boxes = ContiguousArray((0..<count).map { _ in Box(.null) })
        self.parent = parent
    }
    private init(boxes: ContiguousArray<Box>, parent: CellFrame?) {
        self.boxes = boxes
        self.parent = parent
    }
    /// What a closure made now captures.
    func snapshot() -> CellFrame { CellFrame(boxes: boxes, parent: parent) }
}

/// A compiled function: what every closure made from one `fn` shares.
final class CompiledFunction {
    let name: String
    let paramNames: [String]
    /// `paramNames.count`, kept apart so that the call path does not touch the array.
    let paramCount: Int
    /// Default value expressions, evaluated in the callee's frame (they may use earlier parameters).
    let defaults: [Code?]
    let slotCount: Int
    let cellCount: Int
    let needsCellFrame: Bool
    /// (slot, cell) pairs: captured parameters are moved into their cells on entry.
    let capturedParams: [(slot: Int, cell: Int)]
    let hasDefer: Bool
    /// A `let`, so that calls borrow it instead of retaining its context each time.
    let body: Eval
    let range: SourceRange
    /// Which parameters have defaults: the number of required ones.
    var requiredCount: Int

    init(name: String, info: FunctionInfo, paramNames: [String], requiredCount: Int, range: SourceRange,
         defaults: [Code?], body: @escaping Eval) {
        self.name = name
        self.defaults = defaults
        self.body = body
        self.paramNames = paramNames
        self.paramCount = paramNames.count
        self.slotCount = info.slotCount
        self.cellCount = info.cellVars.count
        self.needsCellFrame = info.needsCellFrame
        self.capturedParams = info.params.filter(\.captured).map { ($0.slot, $0.cellIndex) }
        self.hasDefer = info.hasDefer
        self.range = range
        self.requiredCount = requiredCount
    }

    var displayName: String { name.isEmpty ? "<fn>" : name }
}

/// A function value written in vcdscript: its code and the cells it closes over.
public final class Closure {
    let proto: CompiledFunction
    let captured: CellFrame?
    init(proto: CompiledFunction, captured: CellFrame?) {
        self.proto = proto
        self.captured = captured
    }
    /// The function's name, or empty for an anonymous function.
    public var name: String { proto.name }
    public var parameterNames: [String] { proto.paramNames }
}

/// What compiled code sees of the current call: its slots on the value stack, its own cells,
/// the cells it closes over, and the thread's VM. Passed by value; it holds no strong references
/// that need counting on the hot path except the optional cell frames.
struct Frame {
    let base: UnsafeMutablePointer<Value>
    let cells: CellFrame?
    let captured: CellFrame?
    unowned(unsafe) let vm: VM

    /// The VM's step meter, for operators that charge their work.
    var meter: Meter { @inline(__always) get { Meter(vm) } }
}

/// A compiled expression or statement. Statements return `.null` (or their value, for
/// expression statements, so that a block's last expression is its value).
typealias Eval = (Frame) throws -> Value

/// How control leaves a statement other than by falling through.
enum Signal: UInt8 {
    case none, breakLoop, continueLoop, returned
}

/// A compiled closure in a box. Closures kept directly in arrays (or optionals) are stored at a
/// generic abstraction and called through a reabstraction thunk each time; a class property of
/// the concrete function type is not, so arrays hold these boxes instead.
final class Code {
    let run: Eval
    init(_ run: @escaping Eval) { self.run = run }
}

extension Frame {
    /// The frame of a lean callee (nothing captured, no cells) at `base`, on the caller's VM.
    /// The VM is copied from field to field, so that no reference to it is counted.
    @inline(__always)
    init(leanAt base: UnsafeMutablePointer<Value>, from caller: Frame) {
        self.base = base
        cells = nil
        captured = nil
        vm = caller.vm
    }
}
