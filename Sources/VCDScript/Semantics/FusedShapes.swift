/// Small expression shapes that the compiler computes inside the closure that uses them (a
/// call's argument, a guard's condition) instead of compiling them to closures of their own.
/// Each closure call costs a prologue, a context-unpacking thunk and a `Value` returned through
/// memory; for `fib(n - 1)` or `if n < 2 { return n }` that was most of the work. Every shape
/// has a fallback: when the local is not an integer or the arithmetic overflows, the shape's
/// ordinary compiled closure runs, so errors and their locations stay exactly those of the
/// general path.

/// `local`, `local + k` or `local - k`: a plain (uncaptured) local of the current function and
/// an integer literal.
struct SlotOffset {
    let slot: Int
    let k: Int
    let subtract: Bool

    /// The shape of `e`, if it is one of these.
    static func of(_ e: Expr) -> SlotOffset? {
        if let slot = Compiler.plainLocalSlot(e) { return SlotOffset(slot: slot, k: 0, subtract: false) }
        guard let b = e as? BinaryExpr, b.op == .add || b.op == .sub, let slot = Compiler.plainLocalSlot(b.left),
              let lit = b.right as? LiteralExpr, case .int(let k) = lit.value else { return nil }
        return SlotOffset(slot: slot, k: k, subtract: b.op == .sub)
    }

    /// The integer value, or nil when the local holds something else or the result overflows
    /// (the caller then runs the general code, which reports it).
    @inline(__always)
    func int(_ f: Frame) -> Int? {
        guard case .int(let x) = f.base[slot] else { return nil }
        let (r, o) = subtract ? x.subtractingReportingOverflow(k) : x.addingReportingOverflow(k)
        return o ? nil : r
    }
}

/// `local <op> k`: a plain local compared with an integer literal (`n < 2`, `i == 0`).
struct SlotComparison {
    let slot: Int
    let op: BinaryOp
    let k: Int
    /// The operator's range, for the error of a comparison that is not of integers.
    let range: SourceRange

    static func of(_ e: Expr) -> SlotComparison? {
        guard let b = e as? BinaryExpr, let slot = Compiler.plainLocalSlot(b.left),
              let lit = b.right as? LiteralExpr, case .int(let k) = lit.value,
              [.lt, .le, .gt, .ge, .eq, .ne].contains(b.op) else { return nil }
        return SlotComparison(slot: slot, op: b.op, k: k, range: b.opRange)
    }

    /// The comparison's truth: in place for an integer, by the general operator otherwise.
    @inline(__always)
    func test(_ f: Frame) throws -> Bool {
        if case .int(let x) = f.base[slot] {
            switch op {
            case .lt: return x < k
            case .le: return x <= k
            case .gt: return x > k
            case .ge: return x >= k
            case .eq: return x == k
            default: return x != k
            }
        }
        return try SlotComparison.slowTest(op, f.base[slot], k, range, f)
    }

    /// Static, with the parts it needs: a method of the struct took it in memory, and the
    /// whole struct was copied to the stack on every test.
    @inline(never)
    private static func slowTest(_ op: BinaryOp, _ x: Value, _ k: Int, _ range: SourceRange, _ f: Frame) throws -> Bool {
        try Ops.binary(op, x, .int(k), at: range, vm: f.meter).isTruthy
    }
}

/// A function body that starts with `if local <op> k { return local2 }`: the guard is tested
/// and the local returned in place, and `rest` (the remaining body) runs otherwise. An object,
/// so that the body's closure captures one pointer (see `LeanCall`).
final class GuardReturningLocal {
    let test: SlotComparison
    let slot: Int
    let rest: Eval

    init(test: SlotComparison, slot: Int, rest: @escaping Eval) {
        self.test = test
        self.slot = slot
        self.rest = rest
    }

    @inline(__always)
    func run(_ f: Frame) throws -> Value {
        if try test.test(f) { return f.base[slot] }
        return try rest(f)
    }
}

/// The two operand closures of a binary operator, its operator and where it is, as one object
/// captured by the operator's closure (see `LeanCall`).
final class BinaryOperands {
    let left: Eval
    let right: Eval
    let op: BinaryOp
    let range: SourceRange

    init(left: @escaping Eval, right: @escaping Eval, op: BinaryOp, range: SourceRange) {
        self.left = left
        self.right = right
        self.op = op
        self.range = range
    }

    @inline(never)
    func general(_ l: Value, _ r: Value, _ f: Frame) throws -> Value {
        try Ops.binary(op, l, r, at: range, vm: f.meter)
    }
}
