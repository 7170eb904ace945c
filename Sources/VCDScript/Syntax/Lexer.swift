/// Turns source bytes into tokens. Newlines are tokens (they end statements) except inside `(...)`
/// and `[...]`. Errors are collected, and lexing goes on, so that one run reports them all.
struct Lexer {
    let file: SourceFile
    private let b: [UInt8]
    private var i: Int
    private let end: Int
    private(set) var tokens: [Token] = []
    private(set) var errors: [ScriptError] = []
    /// Open brackets: newlines inside `(` and `[` are not statement ends.
    private var brackets: [UInt8] = []

    init(file: SourceFile, start: Int = 0, end: Int? = nil) {
        self.file = file
        self.b = file.bytes
        self.i = start
        self.end = end ?? file.bytes.count
    }

    static let maxBracketDepth = 256

    mutating func run() {
        var space = true
        while true {
            space = skipSpaceAndComments() || space
            guard i < end else { break }
            let start = i
            let c = b[i]
            if c == UInt8(ascii: "\n") {
                i += 1
                if brackets.last != UInt8(ascii: "(") && brackets.last != UInt8(ascii: "[") {
                    emit(.newline, start, space)
                }
                space = true
                continue
            }
            if isDigit(c) {
                lexNumber(space)
            } else if isIdentStart(c) {
                while i < end, isIdentPart(b[i]) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                if let kw = Keyword(rawValue: word) { emit(.keyword(kw), start, space) } else { emit(.identifier(word), start, space) }
            } else if c == UInt8(ascii: "\"") {
                lexString(space)
            } else if c == UInt8(ascii: "'") {
                lexRawString(space)
            } else {
                lexPunct(space)
            }
            space = false
        }
        emit(.eof, end, true)
    }

    private mutating func emit(_ kind: TokenKind, _ start: Int, _ space: Bool) {
        tokens.append(Token(kind: kind, start: start, end: i, spaceBefore: space))
    }

    private mutating func error(_ message: String, _ start: Int, _ stop: Int, hint: String? = nil) {
        errors.append(ScriptError(.syntax, message, at: SourceRange(file: file, start: start, end: stop), hint: hint, compileTime: true))
    }

    /// Skips blanks and `#` comments; returns whether anything was skipped.
    private mutating func skipSpaceAndComments() -> Bool {
        let start = i
        while i < end {
            let c = b[i]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
                i += 1
            } else if c == UInt8(ascii: "#") {
                while i < end, b[i] != UInt8(ascii: "\n") { i += 1 }
            } else if c == UInt8(ascii: "\\"), i + 1 < end, b[i + 1] == UInt8(ascii: "\n") {
                i += 2 // explicit line continuation
            } else {
                break
            }
        }
        return i > start
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
    private func isIdentStart(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 }
    private func isIdentPart(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }

    private mutating func lexNumber(_ space: Bool) {
        let start = i
        // 0o600 (file modes) and 0b1010: digits of their radix, `_` allowed between them.
        if b[i] == UInt8(ascii: "0"), i + 1 < end, let (radix, name) = [(UInt8(ascii: "o"), (8, "octal")), (UInt8(ascii: "O"), (8, "octal")),
                                                                      (UInt8(ascii: "b"), (2, "binary")), (UInt8(ascii: "B"), (2, "binary"))]
            .first(where: { $0.0 == b[i + 1] })?.1 {
            i += 2
            let digitsStart = i
            while i < end, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
            let text = String(decoding: b[digitsStart..<i], as: UTF8.self).replacingOccurrences(of: "_", with: "")
            if !text.isEmpty, let v = Int(text, radix: radix) { emit(.int(v), start, space) } else {
                error("\(name) literal \(file.text(start..<i)) is not valid: use the digits 0 to \(radix - 1) after 0\(name == "octal" ? "o" : "b")", start, i)
                emit(.int(0), start, space)
            }
            return
        }
        if b[i] == UInt8(ascii: "0"), i + 1 < end, b[i + 1] == UInt8(ascii: "x") || b[i + 1] == UInt8(ascii: "X") {
            i += 2
            let digitsStart = i
            while i < end, isHex(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
            let text = String(decoding: b[digitsStart..<i], as: UTF8.self).replacingOccurrences(of: "_", with: "")
            if let v = Int(text, radix: 16) { emit(.int(v), start, space) } else {
                error("hexadecimal literal \(file.text(start..<i)) is not a valid 64-bit integer", start, i)
                emit(.int(0), start, space)
            }
            return
        }
        while i < end, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        var isFloat = false
        if i + 1 < end, b[i] == UInt8(ascii: "."), isDigit(b[i + 1]) {
            isFloat = true
            i += 1
            while i < end, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        }
        if i < end, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < end, b[j] == UInt8(ascii: "+") || b[j] == UInt8(ascii: "-") { j += 1 }
            if j < end, isDigit(b[j]) {
                isFloat = true
                i = j
                while i < end, isDigit(b[i]) { i += 1 }
            }
        }
        let text = String(decoding: b[start..<i], as: UTF8.self).replacingOccurrences(of: "_", with: "")
        // A unit right after the digits makes a duration.
        let unitStart = i
        while i < end, isIdentPart(b[i]) { i += 1 }
        let unit = String(decoding: b[unitStart..<i], as: UTF8.self)
        if !unit.isEmpty {
            let scale: Double?
            switch unit {
            case "ns": scale = 1
            case "us": scale = 1_000
            case "ms": scale = 1_000_000
            case "s": scale = 1_000_000_000
            case "m": scale = 60_000_000_000
            case "h": scale = 3_600_000_000_000
            case "d": scale = 86_400_000_000_000
            default: scale = nil
            }
            guard let scale, let value = Double(text) else {
                error("unknown number suffix \"\(unit)\"", unitStart, i,
                      hint: "durations take one of the units ms, s, m, h, d (for example 30s or 5m); otherwise put a space between the number and the name")
                emit(.int(0), start, space)
                return
            }
            let nanos = value * scale
            guard nanos.isFinite, abs(nanos) < 9.2e18 else {
                error("duration \(file.text(start..<i)) is too large", start, i)
                emit(.duration(0), start, space)
                return
            }
            emit(.duration(Int64(nanos.rounded())), start, space)
            return
        }
        if isFloat {
            emit(.float(Double(text) ?? 0), start, space)
        } else if let v = Int(text) {
            emit(.int(v), start, space)
        } else {
            error("integer literal \(text) does not fit in 64 bits", start, i, hint: "the largest integer is 9223372036854775807; use a float (add .0) for larger numbers")
            // After a minus sign this is the smallest integer: the parser drops the error then.
            emit(.int(text == "9223372036854775808" ? Int.min : 0), start, space)
        }
    }

    /// Reads a `\` escape at `i` (pointing after the backslash) and appends it.
    private mutating func escape(into out: inout [UInt8], stringStart: Int) {
        guard i < end else { return }
        let c = b[i]
        i += 1
        switch c {
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "0"): out.append(0)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"), UInt8(ascii: "'"): out.append(c)
        case UInt8(ascii: "u"):
            // \u{1F600}
            if i < end, b[i] == UInt8(ascii: "{") {
                let s = i + 1
                var j = s
                while j < end, isHex(b[j]) { j += 1 }
                if j < end, b[j] == UInt8(ascii: "}"), let code = UInt32(String(decoding: b[s..<j], as: UTF8.self), radix: 16),
                   let scalar = Unicode.Scalar(code) {
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i = j + 1
                    return
                }
            }
            error("invalid unicode escape; write it as \\u{1F600}", i - 2, i)
        default:
            error("unknown escape \\\(Character(Unicode.Scalar(c)))", i - 2, i,
                  hint: "the escapes are \\n \\t \\r \\0 \\\" \\\\ \\$ and \\u{...}; write \\\\ for a backslash")
        }
    }

    private mutating func lexString(_ space: Bool) {
        let start = i
        let triple = i + 2 < end && b[i + 1] == UInt8(ascii: "\"") && b[i + 2] == UInt8(ascii: "\"")
        i += triple ? 3 : 1
        var parts: [StringPart] = []
        var buf: [UInt8] = []
        var closed = false
        while i < end {
            let c = b[i]
            if triple {
                if c == UInt8(ascii: "\""), i + 2 < end, b[i + 1] == UInt8(ascii: "\""), b[i + 2] == UInt8(ascii: "\"") {
                    i += 3; closed = true; break
                }
            } else if c == UInt8(ascii: "\"") {
                i += 1; closed = true; break
            } else if c == UInt8(ascii: "\n") {
                break
            }
            if c == UInt8(ascii: "\\") {
                i += 1
                escape(into: &buf, stringStart: start)
            } else if c == UInt8(ascii: "$"), i + 1 < end, b[i + 1] == UInt8(ascii: "{") {
                if !buf.isEmpty { parts.append(.text(String(decoding: buf, as: UTF8.self))); buf.removeAll() }
                let codeStart = i + 2
                guard let close = matchingBrace(from: codeStart) else {
                    error("unterminated ${ in string", i, min(i + 2, end), hint: "close the interpolation with }")
                    i = end
                    break
                }
                parts.append(.code(String(decoding: b[codeStart..<close], as: UTF8.self), offset: codeStart))
                i = close + 1
            } else {
                buf.append(c)
                i += 1
            }
        }
        if !closed {
            error("unterminated string", start, min(i, end), hint: triple ? "close it with \"\"\"" : "close it with \" on the same line, or use \"\"\" for text over several lines")
            // A """ string still open at the end of the input goes on: the REPL reads more lines.
            if triple, i >= end { errors.last?.atEndOfInput = true }
        }
        if !buf.isEmpty { parts.append(.text(String(decoding: buf, as: UTF8.self))) }
        if triple { parts = Lexer.dedent(parts) }
        if parts.allSatisfy({ if case .text = $0 { return true } else { return false } }) {
            let text = parts.map { if case .text(let t) = $0 { return t } else { return "" } }.joined()
            emit(.string(text), start, space)
        } else {
            emit(.interpolated(parts), start, space)
        }
    }

    /// Multi-line strings drop the newline after the opening quotes and the indentation of the
    /// closing line, so that they can be indented with the code around them.
    static func dedent(_ parts: [StringPart]) -> [StringPart] {
        guard case .text(var first)? = parts.first else { return parts }
        var out = parts
        if first.hasPrefix("\n") { first.removeFirst() } else if first.hasPrefix("\r\n") { first.removeFirst(2) }
        out[0] = .text(first)
        // Indentation: the spaces after the last newline, when the string ends with only blanks.
        guard case .text(let last)? = out.last, let nl = last.lastIndex(of: "\n") else { return out }
        let tail = last[last.index(after: nl)...]
        guard tail.allSatisfy({ $0 == " " || $0 == "\t" }) else { return out }
        let indent = String(tail)
        out[out.count - 1] = .text(String(last[..<last.index(after: nl)]))
        if indent.isEmpty { return trimFinalNewline(out) }
        var result: [StringPart] = []
        var atLineStart = true
        for part in out {
            switch part {
            case .code:
                result.append(part); atLineStart = false
            case .text(let t):
                var s = ""
                var rest = Substring(t)
                while !rest.isEmpty {
                    if atLineStart, rest.hasPrefix(indent) { rest = rest.dropFirst(indent.count) }
                    if let nl = rest.firstIndex(of: "\n") {
                        s += rest[...nl]; rest = rest[rest.index(after: nl)...]; atLineStart = true
                    } else {
                        s += rest; rest = ""; atLineStart = false
                    }
                }
                result.append(.text(s))
            }
        }
        return trimFinalNewline(result)
    }

    private static func trimFinalNewline(_ parts: [StringPart]) -> [StringPart] {
        guard case .text(var t)? = parts.last, t.hasSuffix("\n") else { return parts }
        var out = parts
        t.removeLast()
        out[out.count - 1] = .text(t)
        return out
    }

    /// The index of the `}` closing an interpolation that starts at `from`, skipping nested
    /// braces and strings.
    private func matchingBrace(from: Int) -> Int? {
        var depth = 0
        var j = from
        while j < end {
            let c = b[j]
            if c == UInt8(ascii: "\n") && false { return nil }
            if c == UInt8(ascii: "{") { depth += 1 } else if c == UInt8(ascii: "}") {
                if depth == 0 { return j }
                depth -= 1
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                let q = c
                j += 1
                while j < end, b[j] != q, b[j] != UInt8(ascii: "\n") {
                    if b[j] == UInt8(ascii: "\\") { j += 1 }
                    j += 1
                }
            }
            j += 1
        }
        return nil
    }

    private mutating func lexRawString(_ space: Bool) {
        let start = i
        i += 1
        let s = i
        while i < end, b[i] != UInt8(ascii: "'"), b[i] != UInt8(ascii: "\n") { i += 1 }
        if i < end, b[i] == UInt8(ascii: "'") {
            let text = String(decoding: b[s..<i], as: UTF8.self)
            i += 1
            emit(.string(text), start, space)
        } else {
            error("unterminated raw string", start, i, hint: "close it with ' on the same line")
            emit(.string(String(decoding: b[s..<i], as: UTF8.self)), start, space)
        }
    }

    private static let punctuation: [String] = [
        "..<", "...", "?.", "??", "|>", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "->", "=>",
        "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "+", "-", "*", "/", "%", "=", "<", ">", "?", "!", "@",
    ]

    private mutating func lexPunct(_ space: Bool) {
        let start = i
        for p in Lexer.punctuation {
            let u = Array(p.utf8)
            if i + u.count <= end, Array(b[i..<(i + u.count)]) == u {
                i += u.count
                switch p {
                case "(", "[", "{":
                    brackets.append(u[0])
                case ")", "]", "}":
                    if !brackets.isEmpty { brackets.removeLast() }
                default: break
                }
                emit(.punct(p), start, space)
                return
            }
        }
        // Not ours: skip one whole UTF-8 character.
        i += 1
        while i < end, b[i] & 0xC0 == 0x80 { i += 1 }
        let ch = String(decoding: b[start..<i], as: UTF8.self)
        var hint: String? = nil
        if ch == "&" { hint = "use `and` for logical and" } else if ch == "|" { hint = "use `or` for logical or, or |> to pipe" }
        else if ch == "`" { hint = "strings use \" or '" }
        error("unexpected character \"\(ch)\"", start, i, hint: hint)
    }
}
