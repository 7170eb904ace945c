import Foundation

/// A format spec, as in `"${x:>8}"`, `"{:.2f}".format(x)` and `format(x, ",d")`: Python's
/// mini-language, `[[fill]align][sign][0][width][,|_][.precision][type]`.
///
/// * align: `<` left, `>` right, `^` centre; numbers go right and everything else left by default.
/// * sign: `+` always, `-` only when negative (the default), ` ` a space for a positive number.
/// * `0`: pads a number with zeros after its sign.
/// * `,` or `_`: groups the digits of a number by thousands.
/// * `.precision`: digits after the point for a number (`${3.14159:.2}` is `3.14`, unlike
///   Python's significant digits: a runbook wants two decimals); the most characters of text.
/// * type: `d` integer, `f` fixed point, `e` exponent, `%` percent, `x X o b` hexadecimal, octal,
///   binary, `s` text.
struct FormatSpec: Equatable {
    var fill: Character = " "
    var align: Character? = nil
    var sign: Character = "-"
    var zeroPad = false
    var width = 0
    var grouping: Character? = nil
    var precision: Int? = nil
    var type: Character? = nil

    /// The widest a spec may make a value: more is a mistake, not a layout.
    static let maxWidth = 10_000
    static let maxPrecision = 100

    /// Reads a spec, or says what is wrong with it.
    static func parse(_ text: String) throws -> FormatSpec {
        var spec = FormatSpec()
        var cs = Array(text)
        var i = 0
        func bad(_ why: String) -> ScriptError {
            ScriptError(.value, "bad format spec \(Formatter.quote(text)): \(why)",
                        hint: "a spec reads [[fill]align][sign][0][width][,][.precision][type], e.g. >8, <20, ^10, 08.2f, ,d, .1%")
        }
        let aligns: Set<Character> = ["<", ">", "^"]
        if cs.count >= 2, aligns.contains(cs[1]) { spec.fill = cs[0]; spec.align = cs[1]; i = 2 }
        else if let c = cs.first, aligns.contains(c) { spec.align = c; i = 1 }
        if i < cs.count, "+- ".contains(cs[i]) { spec.sign = cs[i]; i += 1 }
        if i < cs.count, cs[i] == "0" { spec.zeroPad = true; i += 1 }
        var digits = ""
        while i < cs.count, cs[i].isASCII, cs[i].isNumber { digits.append(cs[i]); i += 1 }
        if !digits.isEmpty {
            guard let w = Int(digits), w <= maxWidth else { throw bad("the width is more than \(maxWidth)") }
            spec.width = w
        }
        if i < cs.count, cs[i] == "," || cs[i] == "_" { spec.grouping = cs[i]; i += 1 }
        if i < cs.count, cs[i] == "." {
            i += 1
            var p = ""
            while i < cs.count, cs[i].isASCII, cs[i].isNumber { p.append(cs[i]); i += 1 }
            guard !p.isEmpty else { throw bad("a . must be followed by the number of digits") }
            guard let n = Int(p), n <= maxPrecision else { throw bad("the precision is more than \(maxPrecision)") }
            spec.precision = n
        }
        if i < cs.count, "dfe%xXobs".contains(cs[i]) { spec.type = cs[i]; i += 1 }
        if i < cs.count {
            cs = Array(cs[i...])
            throw bad("\(Formatter.quote(String(cs))) is not understood")
        }
        return spec
    }

    /// `value` laid out as the spec says; `vm` is charged for the text made.
    func apply(_ value: Value, vm: Meter) throws -> String {
        let body: String
        var isNumber = true
        switch (value, type) {
        case (.int(let n), nil):
            body = precision == nil ? integer(n) : number(Double(n), "f")
        case (.int(let n), "d"), (.int(let n), "x"), (.int(let n), "X"), (.int(let n), "o"), (.int(let n), "b"):
            body = integer(n)
        case (.int(let n), "f"), (.int(let n), "e"), (.int(let n), "%"):
            body = number(Double(n), type!)
        case (.float(let x), nil):
            body = number(x, precision == nil ? "g" : "f")
        case (.float(let x), "f"), (.float(let x), "e"), (.float(let x), "%"):
            body = number(x, type!)
        case (.float, let t?) where t != "s":
            throw ScriptError(.value, "format spec type \(t) does not apply to a float",
                              hint: t == "d" ? "round it first: int(round(x)), or .0f" : "use f, e or %, or int(x) first")
        default:
            if let t = type, t != "s" {
                throw ScriptError(.value, "format spec type \(t) is for numbers, not a \(value.typeName)",
                                  hint: "drop the \(t), or convert the value first: int(x), float(x)")
            }
            isNumber = false
            var s = try Formatter.str(value, vm: vm)
            if let p = precision, s.count > p { s = String(s.prefix(p)) }
            body = s
        }
        return pad(body, isNumber: isNumber)
    }

    private func signed(_ negative: Bool, _ digits: String) -> String {
        if negative { return "-" + digits }
        switch sign {
        case "+": return "+" + digits
        case " ": return " " + digits
        default: return digits
        }
    }

    private func integer(_ n: Int) -> String {
        let magnitude = n.magnitude
        var digits: String
        switch type {
        case "x": digits = String(magnitude, radix: 16)
        case "X": digits = String(magnitude, radix: 16, uppercase: true)
        case "o": digits = String(magnitude, radix: 8)
        case "b": digits = String(magnitude, radix: 2)
        default: digits = String(magnitude); digits = group(digits)
        }
        return signed(n < 0, digits)
    }

    private func number(_ x: Double, _ t: Character) -> String {
        guard x.isFinite else { return signed(x < 0, x.isNaN ? "nan" : "inf") }
        let m = abs(x)
        var digits: String
        switch t {
        case "e": digits = String(format: "%.\(precision ?? 6)e", m)
        case "%": digits = String(format: "%.\(precision ?? 0)f", m * 100); digits = groupWhole(digits) + "%"
        case "g": digits = Formatter.float(m); digits = groupWhole(digits)
        default: digits = String(format: "%.\(precision ?? 6)f", m); digits = groupWhole(digits)
        }
        // -0.00 reads as a negative number that is not: drop the sign of a zero.
        let negative = x < 0 && digits.contains(where: { $0 != "0" && $0 != "." && $0.isNumber })
        return signed(negative, digits)
    }

    /// Groups the whole part of a decimal number.
    private func groupWhole(_ s: String) -> String {
        guard grouping != nil else { return s }
        let cut = s.firstIndex { !$0.isNumber } ?? s.endIndex
        return group(String(s[..<cut])) + s[cut...]
    }

    private func group(_ digits: String) -> String {
        guard let g = grouping, digits.count > 3 else { return digits }
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0, (digits.count - k) % 3 == 0 { out.append(g) }
            out.append(c)
        }
        return out
    }

    private func pad(_ body: String, isNumber: Bool) -> String {
        let n = body.count
        guard width > n else { return body }
        let missing = width - n
        if zeroPad && isNumber && align == nil {
            // Zeros go after the sign: -0042.
            if let f = body.first, "+- ".contains(f) { return String(f) + String(repeating: "0", count: missing) + body.dropFirst() }
            return String(repeating: "0", count: missing) + body
        }
        let fillChar = zeroPad && align == nil ? Character("0") : fill
        let fillStr = String(fillChar)
        switch align ?? (isNumber ? ">" : "<") {
        case ">": return String(repeating: fillStr, count: missing) + body
        case "^":
            let left = missing / 2
            return String(repeating: fillStr, count: left) + body + String(repeating: fillStr, count: missing - left)
        default: return body + String(repeating: fillStr, count: missing)
        }
    }
}

extension FormatSpec {
    /// Where `${...}` code ends and its spec begins: the first `:` outside brackets and strings
    /// (`${x:>8}`; the colons of `${f(a: 1)}` and `${ {a: 1}.a }` are inside brackets). Nil: none.
    static func specColon(in code: String) -> String.Index? {
        var depth = 0
        var i = code.startIndex
        while i < code.endIndex {
            let c = code[i]
            switch c {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            case "\"", "'":
                i = skipString(code, from: i)
                continue
            case ":" where depth == 0: return i
            default: break
            }
            i = code.index(after: i)
        }
        return nil
    }

    /// The index after the string literal that starts at `i` (escapes and nested `${}` skipped).
    private static func skipString(_ code: String, from start: String.Index) -> String.Index {
        let quote = code[start]
        var i = code.index(after: start)
        while i < code.endIndex {
            let c = code[i]
            if quote == "\"" && c == "\\" {
                i = code.index(after: i)
                if i < code.endIndex { i = code.index(after: i) }
                continue
            }
            if quote == "\"" && c == "$", code.index(after: i) < code.endIndex, code[code.index(after: i)] == "{" {
                // Nested interpolation: skip to its matching brace, strings inside included.
                var depth = 0
                var j = code.index(after: i)
                while j < code.endIndex {
                    let d = code[j]
                    if d == "\"" || d == "'" { j = skipString(code, from: j); continue }
                    if d == "{" { depth += 1 }
                    if d == "}" { depth -= 1; if depth == 0 { break } }
                    j = code.index(after: j)
                }
                i = j < code.endIndex ? code.index(after: j) : j
                continue
            }
            if c == quote { return code.index(after: i) }
            i = code.index(after: i)
        }
        return i
    }
}
