import Foundation

/// The arguments a call being typed already has, so that completion does not offer their
/// parameters again: how many are positional, and the names of the named ones.
struct GivenArguments {
    private(set) var positional = 0
    private(set) var named: Set<String> = []

    /// Reads the arguments in `text[from..<to]`: the inside of a call's parentheses up to the comma
    /// before the argument being typed. Commas inside brackets and strings do not separate.
    init(_ text: [Character], from: Int, to: Int) {
        guard from < to else { return }
        var segments: [String] = []
        var current = ""
        var depth = 0
        var quote: Character? = nil
        var i = from
        while i < to {
            let c = text[i]
            if let q = quote {
                current.append(c)
                if c == "\\" && i + 1 < to { current.append(text[i + 1]); i += 2; continue }
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
                current.append(c)
            } else if c == "(" || c == "[" || c == "{" {
                depth += 1
                current.append(c)
            } else if c == ")" || c == "]" || c == "}" {
                depth -= 1
                current.append(c)
            } else if c == "," && depth == 0 {
                segments.append(current)
                current = ""
            } else {
                current.append(c)
            }
            i += 1
        }
        segments.append(current)
        for segment in segments {
            let s = segment.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !s.isEmpty else { continue }
            if let name = Self.argumentName(s) { named.insert(name) } else { positional += 1 }
        }
    }

    /// `name` for an argument written `name: value`; nil for a positional one.
    private static func argumentName(_ s: String) -> String? {
        let chars = Array(s)
        var i = 0
        while i < chars.count, isIdentChar(chars[i]) { i += 1 }
        guard i > 0, !chars[0].isNumber else { return nil }
        var j = i
        while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
        guard j < chars.count, chars[j] == ":" else { return nil }
        return String(chars[..<i])
    }
}
