/// The error codes `catch` and `retry(on:)` name: what a host's errors carry as `err.code` (the
/// kinds of cloud failure), and the rule that tells a code from a variable name in `catch X { }`.
public enum CatchCodes {
    /// The codes a host's errors carry (`err.code`), and `wait()`'s TIMEOUT. A `catch` naming a
    /// code close to one of these but not equal is a typo, reported before the script runs.
    public static let known = ["NOT_FOUND", "FORBIDDEN", "CONFLICT", "BUSY", "TIMEOUT", "UNAVAILABLE", "INVALID", "AUTH"]

    /// Written as a code: two or more capitals, digits or underscores, starting with a capital
    /// (`BUSY`, `NOT_FOUND`, `E2`). `catch err` names the error; `catch BUSY` takes that code.
    static func looksLikeCode(_ name: String) -> Bool {
        guard name.count >= 2, let f = name.unicodeScalars.first, ("A"..."Z").contains(f) else { return false }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
