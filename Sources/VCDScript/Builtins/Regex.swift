import Foundation

/// `re`: regular expressions (ICU syntax, through Foundation's `NSRegularExpression`, which works
/// the same on Linux and macOS). A match is a map `{text, start, end, groups, named}`: `start` and
/// `end` count characters, as `s[i]` does; `groups` holds the numbered groups (nil when a group
/// took no part), `named` the `(?<name>...)` ones.
enum RegexBuiltins {
    static let namespace: NativeObject = {
        let t = NativeType(name: "re", doc: "Regular expressions: re.match, re.find, re.findAll, re.replace, re.split. Flags go in the pattern: (?i) ignores case, (?m) makes ^ and $ match at each line.")
        t.method("match", params: [Parameter("pattern"), Parameter("text")],
                 doc: "The match when the whole text matches the pattern, else nil (for checking a value: re.match(\"[a-z0-9-]+\", name)).") { _, a, ctx in
            let (_, text) = try prepare(a, ctx)
            // The whole text, not its longest or first prefix: `a|ab` matches "ab".
            let whole = try compile("\\A(?:" + (try a.string(0)) + ")\\z", function: a.function)
            guard let m = try firstMatch(whole, text, ctx, options: []) else { return .null }
            return matchValue(m, in: text, names: groupNames(a, 0))
        }
        t.method("find", params: [Parameter("pattern"), Parameter("text")], doc: "The first match anywhere in the text, or nil.") { _, a, ctx in
            let (re, text) = try prepare(a, ctx)
            guard let m = try firstMatch(re, text, ctx, options: []) else { return .null }
            return matchValue(m, in: text, names: groupNames(a, 0))
        }
        t.method("findAll", params: [Parameter("pattern"), Parameter("text")], doc: "Every match, in order, as a list.") { _, a, ctx in
            let (re, text) = try prepare(a, ctx)
            let names = groupNames(a, 0)
            let ms = try allMatches(re, text, ctx, limit: 0)
            try ctx.charge(Cost.entries(ms.count))
            return .list(ListRef(ms.map { matchValue($0, in: text, names: names) }))
        }
        t.method("replace", params: [Parameter("pattern"), Parameter("text"), Parameter("with", doc: "text with $1, $2 for groups (\\\\$ for a dollar), or a function of the match"),
                                     Parameter("count", default: .int(0), doc: "the most replacements; 0: all")],
                 doc: "The text with matches replaced: re.replace(\"v(\\\\d+)\", s, \"version $1\"), or with: fn(m) { upper(m.text) }.") { _, a, ctx in
            let (re, text) = try prepare(a, ctx)
            let count = try a.int(3)
            guard count >= 0 else { throw ScriptError(.value, "re.replace(): count must not be negative, not \(count)") }
            let ms = try allMatches(re, text, ctx, limit: count)
            try ctx.charge(Cost.entries(ms.count))
            let ns = text as NSString
            var out = "", last = 0
            let names = groupNames(a, 0)
            for m in ms {
                out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
                switch a[2] {
                case .string(let template): out += re.replacementString(for: m, in: text, offset: 0, template: template)
                case .function, .builtin:
                    let v = try ctx.call(a[2], [matchValue(m, in: text, names: names)])
                    guard case .string(let s) = v else {
                        throw ScriptError(.type, "re.replace(): the function must return a string, not \(v.typeName)", hint: "return str(...) of what you made")
                    }
                    out += s
                case let v: throw ScriptError(.type, "re.replace(): with must be a string or a function, not \(v.typeName)")
                }
                last = m.range.location + m.range.length
            }
            out += ns.substring(from: last)
            try ctx.charge(Cost.bytes(out.utf8.count))
            return .string(out)
        }
        t.method("split", params: [Parameter("pattern"), Parameter("text"), Parameter("limit", default: .int(0), doc: "the most parts; 0: no limit")],
                 doc: "The pieces of the text between matches: re.split(\"\\\\s*,\\\\s*\", \"a, b ,c\").") { _, a, ctx in
            let (re, text) = try prepare(a, ctx)
            let limit = try a.int(2)
            guard limit >= 0 else { throw ScriptError(.value, "re.split(): limit must not be negative, not \(limit)") }
            let ms = try allMatches(re, text, ctx, limit: limit > 0 ? limit - 1 : 0).filter { $0.range.length > 0 }
            let ns = text as NSString
            var parts: [Value] = [], last = 0
            for m in ms {
                parts.append(.string(ns.substring(with: NSRange(location: last, length: m.range.location - last))))
                last = m.range.location + m.range.length
            }
            parts.append(.string(ns.substring(from: last)))
            try ctx.charge(Cost.entries(parts.count))
            return .list(ListRef(parts))
        }
        t.method("escape", params: [Parameter("text")], doc: "The text with every character that means something in a pattern escaped.") { _, a, ctx in
            let text = try a.string(0)
            try ctx.charge(Cost.chars(text.utf8.count))
            return .string(NSRegularExpression.escapedPattern(for: text))
        }
        return NativeObject(type: t)
    }()

    /// Compiled patterns, by text: a loop calling re.find with the same pattern compiles it once.
    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [String: NSRegularExpression] = [:]

    static func compile(_ pattern: String, function: String) throws -> NSRegularExpression {
        cacheLock.lock()
        if let re = cache[pattern] { cacheLock.unlock(); return re }
        cacheLock.unlock()
        let re: NSRegularExpression
        // Foundation refuses an empty pattern; it matches the empty text everywhere, as elsewhere.
        do { re = try NSRegularExpression(pattern: pattern.isEmpty ? "(?:)" : pattern) } catch {
            throw ScriptError(.value, "\(function)(): \(Formatter.quote(String(pattern.prefix(80)))) is not a valid regular expression",
                              hint: "check the brackets and escapes: a backslash is written \\\\ in a \"...\" string, or use a raw '...' string")
        }
        cacheLock.lock()
        if cache.count >= 256 { cache.removeAll() }
        cache[pattern] = re
        cacheLock.unlock()
        return re
    }

    private static func prepare(_ a: Arguments, _ ctx: CallContext) throws -> (NSRegularExpression, String) {
        let pattern = try a.string(0)
        let text = try a.string(1)
        try ctx.charge(Cost.chars(pattern.utf8.count) + Cost.chars(text.utf8.count))
        return (try compile(pattern, function: a.function), text)
    }

    /// The names of the pattern's `(?<name>...)` groups, in order.
    private static func groupNames(_ a: Arguments, _ i: Int) -> [String] {
        guard case .string(let p) = a[i], p.contains("(?<") else { return [] }
        var names: [String] = []
        var rest = p[...]
        while let r = rest.range(of: "(?<") {
            rest = rest[r.upperBound...]
            guard let first = rest.first, first != "=", first != "!", let end = rest.firstIndex(of: ">") else { continue }
            names.append(String(rest[..<end]))
        }
        return names
    }

    private static func firstMatch(_ re: NSRegularExpression, _ text: String, _ ctx: CallContext, options: NSRegularExpression.MatchingOptions) throws -> NSTextCheckingResult? {
        try allMatches(re, text, ctx, limit: 1, options: options).first
    }

    /// Steps charged for one progress report of a long search.
    static let progressCost = 500

    /// The matches, at most `limit` (0: all). Long searches report progress: Ctrl-C and the
    /// step limit stop them there.
    private static func allMatches(_ re: NSRegularExpression, _ text: String, _ ctx: CallContext, limit: Int,
                                   options: NSRegularExpression.MatchingOptions = []) throws -> [NSTextCheckingResult] {
        var out: [NSTextCheckingResult] = []
        var stopped: Error?
        let ns = text as NSString
        re.enumerateMatches(in: text, options: options.union(.reportProgress), range: NSRange(location: 0, length: ns.length)) { m, _, stop in
            if let m {
                out.append(m)
                if limit > 0 && out.count >= limit { stop.pointee = true }
            } else {
                // ICU reports progress every few thousand steps of its matcher (measured: one report
                // per 250-500 µs of matching): charged as such, a backtracking pattern such as
                // (a+)+$ stops at the step limit instead of running for minutes.
                do { try ctx.charge(Self.progressCost); try ctx.checkInterrupt() } catch { stopped = error; stop.pointee = true }
            }
        }
        if let stopped { throw stopped }
        return out
    }

    /// A match as a script map.
    static func matchValue(_ m: NSTextCheckingResult, in text: String, names: [String]) -> Value {
        let ns = text as NSString
        func sub(_ r: NSRange) -> Value { r.location == NSNotFound ? .null : .string(ns.substring(with: r)) }
        /// A UTF-16 offset as a count of characters, as `s[i]` indexes.
        func chars(_ utf16: Int) -> Int {
            let idx = String.Index(utf16Offset: utf16, in: text)
            return text.distance(from: text.startIndex, to: idx)
        }
        var groups: [Value] = []
        if m.numberOfRanges > 1 { for g in 1..<m.numberOfRanges { groups.append(sub(m.range(at: g))) } }
        var named: [(String, Value)] = []
        for n in names { named.append((n, sub(m.range(withName: n)))) }
        return .map(MapRef([
            ("text", sub(m.range)), ("start", .int(chars(m.range.location))), ("end", .int(chars(m.range.location + m.range.length))),
            ("groups", .list(ListRef(groups))), ("named", .map(MapRef(named))),
        ]))
    }
}
