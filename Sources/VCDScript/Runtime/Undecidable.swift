/// Values a host marks as not known yet (`NativeType.undecidable`): they may flow through a script,
/// but nothing may decide on them. Checked only where a decision is made, and only after the fast
/// paths for ordinary values, so scripts that never see one pay nothing measurable.
extension Value {
    /// The error for deciding on this value, or nil when it is an ordinary value.
    @inline(__always)
    func undecidableError(at range: SourceRange?) -> ScriptError? {
        guard case .object(let o) = self, let u = o.nativeType.undecidable else { return nil }
        return ScriptError(.value, u.message, at: range, hint: u.hint)
    }

    /// Truth for a decision (`if`, `while`, `not`, `and`, `or`): `isTruthy`, except that a value
    /// not known yet is an error.
    @inline(__always)
    func truth(at range: SourceRange?) throws -> Bool {
        if case .object = self, let e = undecidableError(at: range) { throw e }
        return isTruthy
    }
}
