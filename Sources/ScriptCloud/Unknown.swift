import Foundation

/// The value of a field that exists only after apply (plan mode: the id, status or addresses of an
/// object still to be created). It prints as "(known after apply)" and can be passed to other
/// `ensure` calls, but a script that branches or computes on it gets an error: the plan would
/// otherwise follow a path that the real run may not take.
final class UnknownValue: NativeObject {
    static let type: NativeType = {
        let t = NativeType(name: "unknown", doc: "A value known only after apply (plan mode).")
        t.describe = { _ in knownAfterApply }
        t.undecidable = (
            message: "this value is known only after apply: the plan cannot decide on it",
            hint: "run without --plan, or make the decision depend on values the plan knows (names, specs), not on ids or addresses of objects still to be created")
        return t
    }()

    static let shared = UnknownValue()

    private init() { super.init(type: Self.type) }

    /// True for the unknown value.
    static func isUnknown(_ v: Value) -> Bool {
        if case .object(let o) = v { return o === shared }
        return false
    }
}
