/// The kinds of token the lexer produces.
enum TokenKind: Equatable {
    case int(Int)
    case float(Double)
    /// A duration literal, in nanoseconds.
    case duration(Int64)
    /// A string without interpolation (raw strings, and plain strings with no `${`).
    case string(String)
    /// A string with `${...}` parts.
    case interpolated([StringPart])
    case identifier(String)
    case keyword(Keyword)
    case punct(String)
    case newline
    case eof
}

/// One piece of an interpolated string: literal text, or the source of an embedded expression
/// with the byte offset where that source starts in the file.
enum StringPart: Equatable {
    case text(String)
    case code(String, offset: Int)
}

/// Reserved words.
enum Keyword: String, CaseIterable {
    case `let`, `var`, `fn`, `return`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`
    case `try`, `catch`, `throw`, `import`, `as`, `and`, `or`, `not`, `nil`, `true`, `false`, `defer`
}

/// A token and where it is.
struct Token {
    let kind: TokenKind
    let start: Int
    let end: Int
    /// True when whitespace or a comment came right before it (a `(` after a space does not
    /// continue a call across lines; `-` binds differently; both need to know).
    let spaceBefore: Bool
}
