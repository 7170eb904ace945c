import Foundation
import VCDScript

/// Tab completion: names at the start of a word, members after `.`, named arguments after `(`
/// and `,` inside a call of a known function (those not given yet), and live names inside the
/// string argument of a cloud lookup (`cloud.org("<Tab>`, `vdc.gateways.get("<Tab>`).
struct Completer {
    let interpreter: Interpreter

    /// Methods completion may call while it reads a receiver (`cloud.org("xav_lab").<Tab>`): the
    /// cloud's lookups by name, which only read. Any other call is never made on Tab.
    static let lookups: Set<String> = ["org", "vdc", "vapp", "gateway", "network", "catalog", "template", "vm", "get", "find"]

    /// The candidates for the word before the cursor. `context` is the text of earlier lines of a
    /// multi-line input (strings and brackets may span lines); `line` is the current line up to
    /// the cursor.
    func candidates(context: String, line: String) -> (word: String, items: [String])? {
        candidatesWithReceiver(context: context, line: line).map { ($0.word, $0.items) }
    }

    /// As `candidates`, plus the receiver's value when completing members.
    private func candidatesWithReceiver(context: String, line: String) -> (word: String, items: [String], receiver: Value?)? {
        let text = Array(context + line)
        let scan = Scan(text)
        if scan.inString || scan.inComment { return nil }
        var start = text.count
        while start > 0, isIdentChar(text[start - 1]) { start -= 1 }
        let word = String(text[start...])
        if let first = word.first, first.isNumber { return nil }
        let before = start - 1 >= 0 ? text[start - 1] : nil

        // Members after `.` (not after `..`, the range operator).
        if before == ".", !(start >= 2 && text[start - 2] == ".") {
            var receiver = receiverText(text, end: start - 1)
            if receiver.hasSuffix("?") { receiver.removeLast() }
            guard !receiver.isEmpty, let value = peekReceiver(receiver) else { return (word, [], nil) }
            let names = unique(interpreter.memberNames(of: value))
                .filter { $0.hasPrefix(word) && (!$0.hasPrefix("_") || word.hasPrefix("_")) }
            return (word, names.sorted(), value)
        }

        // Named arguments at the start of an argument of a call.
        var items: [String] = []
        if let open = scan.openBrackets.last, text[open] == "(" {
            var p = start - 1
            while p >= 0, text[p] == " " || text[p] == "\t" || text[p] == "\n" { p -= 1 }
            if p >= 0, text[p] == "(" || text[p] == "," {
                let callee = receiverText(text, end: open)
                if var params = parameterNames(callee) {
                    // Those the call already has, by name or by position, are not offered again.
                    let given = GivenArguments(text, from: open + 1, to: p)
                    params = Array(params.dropFirst(given.positional)).filter { !given.named.contains($0) }
                    // Parameter names first: when one matches, only they are offered.
                    items = params.filter { $0.hasPrefix(word) }.map { $0 + ": " }
                    if word.isEmpty || !items.isEmpty { return (word, items, nil) }
                }
            }
        }

        if word.isEmpty { return nil }
        var names = interpreter.visibleNames + Interpreter.keywords
        names = unique(names).filter { $0.hasPrefix(word) && ($0 != "_" || word == "_") }
        if !word.hasPrefix("_") { names = names.filter { !$0.hasPrefix("_") } }
        return (word, items + names.sorted(), nil)
    }

    /// What Tab does: insert the rest of a unique candidate, or the common prefix of several,
    /// or list them.
    func action(context: String, line: String) -> CompletionAction {
        let text = Array(context + line)
        if let live = LiveNames(completer: self).completion(text) { return live }
        guard let (word, items, receiver) = candidatesWithReceiver(context: context, line: line) else {
            // Tab on an empty line or after spaces indents.
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return .insert("    ") }
            return .none
        }
        if items.isEmpty { return .none }
        if items.count == 1 {
            // A function or method gets its "(" too.
            let rest = String(items[0].dropFirst(word.count))
            return .insert(rest + (isCallable(items[0], on: receiver) ? "(" : ""))
        }
        let common = commonPrefix(items)
        if common.count > word.count { return .insert(String(common.dropFirst(word.count))) }
        return .list(items)
    }

    // MARK: helpers

    /// True when `name` (a global, or a member of `receiver`) is a function or method.
    private func isCallable(_ name: String, on receiver: Value?) -> Bool {
        guard let receiver else {
            guard !Interpreter.keywords.contains(name), let v = interpreter.peek(name) else { return false }
            switch v {
            case .function, .builtin: return true
            default: return false
            }
        }
        // A map key shadows the method of the same name.
        if case .map(let m) = receiver, m[name] != nil { return false }
        return interpreter.parameterNames(ofMethod: name, on: receiver) != nil
    }

    func peekReceiver(_ text: String) -> Value? {
        if let v = interpreter.peek(text, lookups: Self.lookups) { return v }
        // Literals peek cannot evaluate (interpolated strings, lists with calls): their kind is enough.
        switch text.first {
        case "\"", "'": return .string("")
        default: break
        }
        if text.hasPrefix("["), text.hasSuffix("]") { return interpreter.peek("[]") }
        if text.hasPrefix("{"), text.hasSuffix("}") { return interpreter.peek("{}") }
        return nil
    }

    /// The parameter names of the function a call's callee text names, if known.
    func parameterNames(_ callee: String) -> [String]? {
        guard !callee.isEmpty, !Interpreter.keywords.contains(callee) else { return nil }
        if let v = interpreter.peek(callee) {
            switch v {
            case .builtin(let f): return f.params?.map(\.name)
            case .function(let c): return c.parameterNames
            default: break
            }
        }
        // `receiver.method`: methods of strings, lists and maps are not values.
        let chars = Array(callee)
        var i = chars.count
        while i > 0, isIdentChar(chars[i - 1]) { i -= 1 }
        guard let (receiver, method) = splitMethod(callee), let r = peekReceiver(receiver) else { return nil }
        return interpreter.parameterNames(ofMethod: method, on: r)
    }

    /// `receiver.method` split at its last dot (a `?.` loses its `?`); nil for a plain name.
    func splitMethod(_ callee: String) -> (receiver: String, method: String)? {
        let chars = Array(callee)
        var i = chars.count
        while i > 0, isIdentChar(chars[i - 1]) { i -= 1 }
        guard i > 1, i < chars.count, chars[i - 1] == "." else { return nil }
        var receiver = String(chars[..<(i - 1)])
        if receiver.hasSuffix("?") { receiver.removeLast() }
        return (receiver, String(chars[i...]))
    }

    /// The expression text that ends at `end` (exclusive): names, dots, indexes, calls and
    /// literals, scanning back over balanced brackets and strings.
    func receiverText(_ text: [Character], end: Int) -> String {
        var i = end
        while i > 0 {
            let c = text[i - 1]
            if isIdentChar(c) || c == "." || c == "?" {
                i -= 1
            } else if c == "]" || c == ")" || c == "}" {
                guard let open = matchingOpen(text, close: i - 1) else { break }
                i = open
            } else if c == "\"" || c == "'" {
                guard let open = stringStart(text, quoteAt: i - 1) else { break }
                i = open
            } else {
                break
            }
        }
        // A leading `?` or `.` is not part of an expression.
        while i < end, text[i] == "." || text[i] == "?" { i += 1 }
        return String(text[i..<end])
    }

    private func matchingOpen(_ text: [Character], close: Int) -> Int? {
        var depth = 0
        var i = close
        while i >= 0 {
            let c = text[i]
            if c == "\"" || c == "'" {
                guard let s = stringStart(text, quoteAt: i) else { return nil }
                i = s - 1
                continue
            }
            if c == "]" || c == ")" || c == "}" { depth += 1 }
            if c == "[" || c == "(" || c == "{" {
                depth -= 1
                if depth == 0 { return i }
            }
            i -= 1
        }
        return nil
    }

    private func stringStart(_ text: [Character], quoteAt q: Int) -> Int? {
        let quote = text[q]
        var i = q - 1
        while i >= 0 {
            if text[i] == quote {
                var backslashes = 0
                var j = i - 1
                while j >= 0, text[j] == "\\" { backslashes += 1; j -= 1 }
                if backslashes % 2 == 0 { return i }
            }
            i -= 1
        }
        return nil
    }

    private func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    func commonPrefix(_ items: [String]) -> String {
        guard var prefix = items.first else { return "" }
        for item in items.dropFirst() {
            while !item.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}

func isIdentChar(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }

/// A forward scan of input text: whether it ends inside a string or comment, and where the
/// brackets still open are.
struct Scan {
    var inString = false
    var inComment = false
    var openBrackets: [Int] = []
    /// Where the string the text ends in opens (its quote), and whether it is a `"""` string.
    var stringStart: Int? = nil
    var stringTriple = false

    init(_ text: [Character]) {
        var i = 0
        var quote: Character? = nil
        var triple = false
        while i < text.count {
            let c = text[i]
            if inComment {
                if c == "\n" { inComment = false }
                i += 1
                continue
            }
            if let q = quote {
                if c == "\\" && q == "\"" { i += 2; continue }
                if c == q {
                    if triple {
                        if i + 2 < text.count, text[i + 1] == q, text[i + 2] == q { quote = nil; i += 3; continue }
                    } else {
                        quote = nil
                    }
                }
                i += 1
                continue
            }
            switch c {
            case "#": inComment = true
            case "\"", "'":
                stringStart = i
                if c == "\"", i + 2 < text.count, text[i + 1] == "\"", text[i + 2] == "\"" {
                    quote = c; triple = true; i += 3; continue
                }
                quote = c; triple = false
            case "(", "[", "{": openBrackets.append(i)
            case ")", "]", "}": if !openBrackets.isEmpty { openBrackets.removeLast() }
            default: break
            }
            i += 1
        }
        inString = quote != nil
        stringTriple = inString && triple
        if !inString { stringStart = nil }
    }
}
