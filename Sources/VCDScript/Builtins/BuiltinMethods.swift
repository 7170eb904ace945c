import Foundation

/// A method of a built-in value kind (string, list, map). A class: the compiled call sites hold
/// one and pass it along without copying (and counting) its fields.
final class ValueMethod {
    let name: String
    let params: [Parameter]
    let variadic: Bool
    let doc: String
    let body: (Value, Arguments, CallContext) throws -> Value
    /// For a method of exactly one required parameter: its body taking that argument directly,
    /// so that a call with one positional argument builds no argument array (`body` calls it).
    let unary: ((Value, Value, CallContext) throws -> Value)?
    /// `type.name`, for messages; made once with the table rather than on every call.
    var qualifiedName = ""
    /// Binds the common call (arguments by position) without the general binder; made with the table.
    var binding: PositionalBinding?

    init(name: String, params: [Parameter], variadic: Bool, doc: String,
         body: @escaping (Value, Arguments, CallContext) throws -> Value,
         unary: ((Value, Value, CallContext) throws -> Value)? = nil) {
        self.name = name
        self.params = params
        self.variadic = variadic
        self.doc = doc
        self.body = body
        self.unary = unary
    }

    var signature: String { Parameter.signature(name, params, variadic: variadic) }
}

/// The methods of strings, lists and maps.
enum BuiltinMethods {
    static func table(for v: Value) -> [String: ValueMethod]? {
        switch v {
        case .string: return string
        case .list: return list
        case .map: return map
        default: return nil
        }
    }

    static func call(_ m: ValueMethod, _ receiver: Value, args: [Value], named: [(name: String, value: Value)], ctx: CallContext) throws -> Value {
        let a: Arguments
        if let bound = m.binding?.bind(args, named: named) {
            a = bound
        } else {
            do {
                a = try Arguments.bind(function: m.qualifiedName, params: m.params, variadic: m.variadic, positional: args, named: named)
            } catch let e as ScriptError { e.range = e.range ?? ctx.range; throw e }
        }
        return try Calls.runNative(vm: ctx.vm, range: ctx.range) { try m.body(receiver, a, ctx) }
    }

    private static func make(_ typeName: String, _ list: [ValueMethod]) -> [String: ValueMethod] {
        Dictionary(uniqueKeysWithValues: list.map { m in
            m.qualifiedName = "\(typeName).\(m.name)"
            m.binding = PositionalBinding(qualifiedName: m.qualifiedName, params: m.params, variadic: m.variadic)
            return (m.name, m)
        })
    }

    private static func m(_ name: String, _ params: [Parameter] = [], variadic: Bool = false, _ doc: String,
                          _ body: @escaping (Value, Arguments, CallContext) throws -> Value) -> ValueMethod {
        ValueMethod(name: name, params: params, variadic: variadic, doc: doc, body: body)
    }

    private static func m(_ name: String, _ doc: String, _ body: @escaping (Value, Arguments, CallContext) throws -> Value) -> ValueMethod {
        ValueMethod(name: name, params: [], variadic: false, doc: doc, body: body)
    }

    /// A method of one required parameter, written once as a function of that argument.
    private static func u(_ name: String, _ param: Parameter, _ doc: String,
                          _ body: @escaping (Value, Value, CallContext) throws -> Value) -> ValueMethod {
        ValueMethod(name: name, params: [param], variadic: false, doc: doc, body: { v, a, ctx in try body(v, a[0], ctx) }, unary: body)
    }

    private static func s(_ v: Value) -> String { if case .string(let s) = v { return s }; return "" }
    private static func l(_ v: Value) -> ListRef { if case .list(let l) = v { return l }; return ListRef() }
    private static func mp(_ v: Value) -> MapRef { if case .map(let m) = v { return m }; return MapRef() }

    /// The number of fill characters for padding to `width`; past `Ops.maxRepeatedBytes` it is an
    /// error, as for `*` on strings, rather than a string cut short.
    private static func padding(_ count: Int, width: Int) throws -> Int {
        guard count <= Ops.maxRepeatedBytes else {
            throw ScriptError(.value, "cannot pad a string to \(width) characters",
                              hint: "a string made by repetition or padding may hold at most \(Ops.maxRepeatedBytes) bytes")
        }
        return count
    }

    private static func mutableList(_ v: Value, _ ctx: CallContext) throws -> ListRef {
        let list = l(v)
        if list.frozen { throw Ops.frozenError(at: ctx.range) }
        return list
    }

    // MARK: strings

    static let string: [String: ValueMethod] = make("string", [
        m("upper", "The string in upper case.") { v, _, ctx in try ctx.charge(Cost.scan(s(v).utf8.count)); return .string(s(v).uppercased()) },
        m("lower", "The string in lower case.") { v, _, ctx in try ctx.charge(Cost.scan(s(v).utf8.count)); return .string(s(v).lowercased()) },
        m("trim", [Parameter("chars", default: .null, doc: "characters to remove; blanks by default")], "Removes blanks (or the given characters) at both ends.") { v, a, ctx in
            let chars = try a.optionalString(0)
            try ctx.charge(Cost.chars(s(v).utf8.count + (chars?.utf8.count ?? 0)))
            let set = chars.map { CharacterSet(charactersIn: $0) } ?? .whitespacesAndNewlines
            return .string(s(v).trimmingCharacters(in: set))
        },
        m("trimStart", "Removes leading blanks.") { v, _, ctx in
            try ctx.charge(Cost.bytes(s(v).utf8.count))
            return .string(String(s(v).drop { $0.isWhitespace }))
        },
        m("trimEnd", "Removes trailing blanks.") { v, _, ctx in
            try ctx.charge(Cost.bytes(s(v).utf8.count))
            var t = s(v); while t.last?.isWhitespace == true { t.removeLast() }; return .string(t)
        },
        m("split", [Parameter("separator", default: .null, doc: "splits on runs of blanks when nil"), Parameter("limit", default: .int(-1))],
          "Splits into a list of strings.") { v, a, ctx in
            let str = s(v)
            let limit = try a.int(1)
            try ctx.charge(Cost.chars(str.utf8.count))
            guard let sep = try a.optionalString(0) else {
                let parts = str.split(whereSeparator: { $0.isWhitespace })
                try ctx.charge(Cost.entries(parts.count))
                return .list(ListRef(parts.map { .string(String($0)) }))
            }
            if sep.isEmpty { throw ScriptError(.value, "split(): the separator is empty", at: ctx.range, hint: "use chars() to get the characters") }
            var parts = str.components(separatedBy: sep)
            try ctx.charge(Cost.entries(parts.count))
            if limit >= 0, limit < parts.count - 1 {
                let head = Array(parts[0..<limit])
                parts = head + [parts[limit...].joined(separator: sep)]
            }
            return .list(ListRef(parts.map { .string($0) }))
        },
        m("lines", "The lines of the text, without their newlines.") { v, _, ctx in
            try ctx.charge(Cost.chars(s(v).utf8.count))
            // "\r\n" is one Character in Swift: compare with both.
            let parts = s(v).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            try ctx.charge(Cost.entries(parts.count))
            return .list(ListRef(parts.map { .string(String($0)) }))
        },
        m("chars", "The characters, as a list of strings.") { v, _, ctx in
            try ctx.charge(Cost.chars(s(v).utf8.count))
            return .list(ListRef(s(v).map { .string(String($0)) }))
        },
        u("join", Parameter("items"), "Joins the items of a list with this string between them.") { v, x, ctx in
            guard case .list(let list) = x else { throw ScriptError(.type, "string.join(): argument items must be a list, not \(x.typeName)") }
            let items = list.items
            try ctx.charge(Cost.entries(items.count))
            let text = try TextBuilding.joined(items, separator: s(v), vm: ctx.meter)
            try ctx.charge(Cost.bytes(text.utf8.count))
            return .string(text)
        },
        m("contains", [Parameter("text")], "True if the text occurs in the string.") { v, a, ctx in
            try ctx.charge(Cost.scan(s(v).utf8.count))
            return .bool(s(v).contains(try a.string(0)))
        },
        m("startsWith", [Parameter("prefix")], "True if the string begins with prefix.") { v, a, ctx in
            let prefix = try a.string(0)
            try ctx.charge(Cost.scan(min(prefix.utf8.count, s(v).utf8.count)))
            return .bool(s(v).hasPrefix(prefix))
        },
        m("endsWith", [Parameter("suffix")], "True if the string ends with suffix.") { v, a, ctx in
            let suffix = try a.string(0)
            try ctx.charge(Cost.scan(min(suffix.utf8.count, s(v).utf8.count)))
            return .bool(s(v).hasSuffix(suffix))
        },
        m("replace", [Parameter("old"), Parameter("new")], "Replaces every occurrence of old with new.") { v, a, ctx in
            let old = try a.string(0)
            if old.isEmpty { throw ScriptError(.value, "replace(): old is empty", at: ctx.range) }
            try ctx.charge(Cost.chars(s(v).utf8.count))
            let text = s(v).replacingOccurrences(of: old, with: try a.string(1))
            try ctx.charge(Cost.bytes(text.utf8.count))
            return .string(text)
        },
        m("indexOf", [Parameter("text")], "The index of the first occurrence, or -1.") { v, a, ctx in
            let str = s(v), t = try a.string(0)
            try ctx.charge(Cost.scan(str.utf8.count))
            guard let r = str.range(of: t) else { return .int(-1) }
            return .int(str.distance(from: str.startIndex, to: r.lowerBound))
        },
        m("repeat", [Parameter("times")], "The string repeated.") { v, a, ctx in try Ops.arithmetic(.mul, v, a[0], at: ctx.range, vm: ctx.meter) },
        m("padLeft", [Parameter("width"), Parameter("fill", default: .string(" "))], "Pads on the left to width characters.") { v, a, ctx in
            let str = s(v), w = try a.int(0), fill = try a.string(1)
            try ctx.charge(Cost.chars(str.utf8.count))
            let chars = TextBuilding.characterCount(str)
            guard chars < w, let ch = fill.first else { return v }
            let n = try padding(w - chars, width: w)
            try ctx.charge(Cost.repeated(n) + Cost.bytes(n * ch.utf8.count + str.utf8.count))
            return .string(String(repeating: ch, count: n) + str)
        },
        m("padRight", [Parameter("width"), Parameter("fill", default: .string(" "))], "Pads on the right to width characters.") { v, a, ctx in
            let str = s(v), w = try a.int(0), fill = try a.string(1)
            try ctx.charge(Cost.chars(str.utf8.count))
            let chars = TextBuilding.characterCount(str)
            guard chars < w, let ch = fill.first else { return v }
            let n = try padding(w - chars, width: w)
            try ctx.charge(Cost.repeated(n) + Cost.bytes(n * ch.utf8.count + str.utf8.count))
            return .string(str + String(repeating: ch, count: n))
        },
        m("reversed", "The characters in reverse order.") { v, _, ctx in
            try ctx.charge(Cost.chars(s(v).utf8.count))
            return .string(String(s(v).reversed()))
        },
        m("format", [], variadic: true, "Fills {} placeholders with the arguments in order: \"{} of {}\".format(1, 2); {:spec} lays one out: \"{:>8} {:.2}\".format(name, ratio).") { v, a, ctx in
            try ctx.charge(Cost.chars(s(v).utf8.count))
            var out = "", idx = 0
            var chars = s(v)[...]
            while let c = chars.first {
                chars = chars.dropFirst()
                if c == "{", chars.first == "}" || chars.first == ":" {
                    var spec: FormatSpec? = nil
                    if chars.first == ":" {
                        guard let close = chars.firstIndex(of: "}") else {
                            throw ScriptError(.value, "format(): a {: placeholder is not closed with }", at: ctx.range, hint: "write {:>8}")
                        }
                        spec = try FormatSpec.parse(String(chars[chars.index(after: chars.startIndex)..<close]))
                        chars = chars[close...]
                    }
                    chars = chars.dropFirst()
                    guard idx < a.rest.count else {
                        throw ScriptError(.argument, "format(): more {} placeholders than arguments (\(a.rest.count))", at: ctx.range)
                    }
                    if let spec {
                        try ctx.charge(Cost.repeated(spec.width))
                        out += try spec.apply(a.rest[idx], vm: ctx.meter)
                    } else {
                        out += try Formatter.str(a.rest[idx], vm: ctx.meter)
                    }
                    idx += 1
                } else if c == "{", chars.first == "{" { chars = chars.dropFirst(); out.append("{") }
                else if c == "}", chars.first == "}" { chars = chars.dropFirst(); out.append("}") }
                else { out.append(c) }
            }
            try ctx.charge(Cost.bytes(out.utf8.count))
            return .string(out)
        },
    ])

    // MARK: lists

    static let list: [String: ValueMethod] = make("list", [
        u("append", Parameter("item"), "Adds an item at the end.") { v, x, ctx in try mutableList(v, ctx).items.append(x); return .null },
        m("extend", [Parameter("items")], "Adds every item of another list at the end.") { v, a, ctx in
            let other = try a.list(0).items
            try ctx.charge(Cost.compared(other.count))
            try mutableList(v, ctx).items.append(contentsOf: other); return .null
        },
        m("insert", [Parameter("index"), Parameter("item")], "Inserts an item before index.") { v, a, ctx in
            let list = try mutableList(v, ctx)
            let i = try a.int(0)
            let j = max(0, min(list.items.count, i < 0 ? list.items.count + i : i))
            try ctx.charge(Cost.items(list.items.count - j))
            list.items.insert(a[1], at: j); return .null
        },
        m("pop", [Parameter("index", default: .int(-1))], "Removes and returns an item (the last by default).") { v, a, ctx in
            let list = try mutableList(v, ctx)
            guard let j = Ops.normalize(try a.int(0), count: list.items.count) else {
                throw ScriptError(.index, list.items.isEmpty ? "pop() from an empty list" : "pop(): index out of range", at: ctx.range)
            }
            try ctx.charge(Cost.items(list.items.count - j))
            return list.items.remove(at: j)
        },
        m("remove", [Parameter("item")], "Removes the first item equal to the argument; true if one was found.") { v, a, ctx in
            let list = try mutableList(v, ctx)
            try ctx.charge(Cost.compared(list.items.count))
            guard let j = try list.items.firstIndex(where: { try Ops.equal($0, a[0], at: ctx.range, vm: ctx.meter) }) else { return .bool(false) }
            list.items.remove(at: j); return .bool(true)
        },
        m("clear", "Removes every item.") { v, _, ctx in
            let list = try mutableList(v, ctx)
            try ctx.charge(Cost.items(list.items.count))
            list.items.removeAll(); return .null
        },
        m("contains", [Parameter("item")], "True if an equal item is in the list.") { v, a, ctx in
            try ctx.charge(Cost.compared(l(v).items.count))
            return .bool(try l(v).items.contains { try Ops.equal($0, a[0], at: ctx.range, vm: ctx.meter) })
        },
        m("indexOf", [Parameter("item")], "The index of the first equal item, or -1.") { v, a, ctx in
            try ctx.charge(Cost.compared(l(v).items.count))
            return .int(try l(v).items.firstIndex { try Ops.equal($0, a[0], at: ctx.range, vm: ctx.meter) } ?? -1)
        },
        m("map", [Parameter("fn")], "A new list with fn applied to each item.") { v, a, ctx in
            let f = try a.callable(0)
            try ctx.charge(Cost.items(l(v).items.count))
            return .list(ListRef(try l(v).items.map { try ctx.call(f, [$0]) }))
        },
        m("filter", [Parameter("fn")], "A new list of the items for which fn returns true.") { v, a, ctx in
            let f = try a.callable(0)
            try ctx.charge(Cost.items(l(v).items.count))
            return .list(ListRef(try l(v).items.filter { try ctx.call(f, [$0]).isTruthy }))
        },
        m("find", [Parameter("fn")], "The first item for which fn returns true, or nil.") { v, a, ctx in
            let f = try a.callable(0)
            return try l(v).items.first { try ctx.call(f, [$0]).isTruthy } ?? .null
        },
        m("reduce", [Parameter("fn"), Parameter("initial", default: .null)], "Folds the list: fn(accumulator, item).") { v, a, ctx in
            let f = try a.callable(0)
            var items = l(v).items[...]
            var acc: Value
            if a.has("initial") { acc = a[1] } else {
                guard let first = items.first else { throw ScriptError(.value, "reduce() of an empty list with no initial value", at: ctx.range) }
                acc = first; items = items.dropFirst()
            }
            for x in items { acc = try ctx.call(f, [acc, x]) }
            return acc
        },
        m("each", [Parameter("fn")], "Calls fn on each item.") { v, a, ctx in
            let f = try a.callable(0)
            for x in l(v).items { _ = try ctx.call(f, [x]) }
            return .null
        },
        m("any", [Parameter("fn", default: .null)], "True if fn (or truthiness) holds for some item.") { v, a, ctx in
            if case .null = a[0] { try ctx.charge(Cost.items(l(v).items.count)); return .bool(l(v).items.contains { $0.isTruthy }) }
            let f = try a.callable(0)
            return .bool(try l(v).items.contains { try ctx.call(f, [$0]).isTruthy })
        },
        m("all", [Parameter("fn", default: .null)], "True if fn (or truthiness) holds for every item.") { v, a, ctx in
            if case .null = a[0] { try ctx.charge(Cost.items(l(v).items.count)); return .bool(l(v).items.allSatisfy { $0.isTruthy }) }
            let f = try a.callable(0)
            return .bool(try l(v).items.allSatisfy { try ctx.call(f, [$0]).isTruthy })
        },
        m("join", [Parameter("separator", default: .string(""))], "The items as text, joined with the separator.") { v, a, ctx in
            let items = l(v).items
            try ctx.charge(Cost.entries(items.count))
            let text = try TextBuilding.joined(items, separator: try a.string(0), vm: ctx.meter)
            try ctx.charge(Cost.bytes(text.utf8.count))
            return .string(text)
        },
        m("sort", [Parameter("key", default: .null), Parameter("reverse", default: .bool(false))], "Sorts the list in place.") { v, a, ctx in
            let list = try mutableList(v, ctx)
            list.items = try sortedItems(list.items, a, ctx, call: "xs.sort"); return .null
        },
        m("sorted", [Parameter("key", default: .null), Parameter("reverse", default: .bool(false))], "A sorted copy.") { v, a, ctx in
            .list(ListRef(try sortedItems(l(v).items, a, ctx, call: "xs.sorted")))
        },
        m("reversed", "A copy in reverse order.") { v, _, ctx in
            try ctx.charge(Cost.items(l(v).items.count))
            return .list(ListRef(l(v).items.reversed()))
        },
        m("copy", "A shallow copy.") { v, _, ctx in
            try ctx.charge(Cost.items(l(v).items.count))
            return .list(ListRef(l(v).items))
        },
        m("unique", "A copy without repeated items, first occurrences kept.") { v, _, ctx in
            var out: [Value] = []
            // Each item is compared with those kept so far: charged as it goes.
            for x in l(v).items {
                try ctx.charge(Cost.visited(out.count))
                if !(try out.contains(where: { try Ops.equal($0, x, at: ctx.range, vm: ctx.meter) })) { out.append(x) }
            }
            return .list(ListRef(out))
        },
    ])

    /// `call` names the sort as the script wrote it (`sorted(xs`, `xs.sort`), for the hint of
    /// an error: objects have no order of their own, a key function gives them one.
    static func sortedItems(_ items: [Value], _ a: Arguments, _ ctx: CallContext, call: String) throws -> [Value] {
        let reverse = try a.bool(1)
        try ctx.charge(Cost.sort(items.count))
        var keyed: [(Value, Value)]
        let byKey: Bool
        if case .null = a[0] { keyed = items.map { ($0, $0) }; byKey = false } else {
            let f = try a.callable(0)
            keyed = try items.map { (try ctx.call(f, [$0]), $0) }
            byKey = true
        }
        try keyed.sort { x, y in
            do {
                let c = try Ops.compare(x.0, y.0, at: ctx.range, vm: ctx.meter)
                return reverse ? c > 0 : c < 0
            } catch let e as ScriptError where e.kind == .type && e.hint == nil {
                guard case .object(let o) = x.0, o.nativeType.undecidable == nil, case .object = y.0 else { throw e }
                let open = call.hasSuffix(")") ? String(call.dropLast()) + ", " : call + "("
                e.hint = byKey
                    ? "the key function returned \(o.nativeType.name) objects; return one of their fields: \(open)key: fn(o) { o.name })"
                    : "sort objects by a field: \(open)key: fn(o) { o.name })"
                throw e
            }
        }
        return keyed.map(\.1)
    }

    // MARK: maps

    static let map: [String: ValueMethod] = make("map", [
        m("keys", "The keys, in insertion order.") { v, _, ctx in
            try ctx.charge(Cost.compared(mp(v).entries.count))
            return .list(ListRef(mp(v).entries.keys.map(\.value)))
        },
        m("values", "The values, in insertion order.") { v, _, ctx in
            try ctx.charge(Cost.compared(mp(v).entries.count))
            return .list(ListRef(Array(mp(v).entries.values)))
        },
        m("items", "[key, value] pairs.") { v, _, ctx in
            try ctx.charge(Cost.entries(mp(v).entries.count))
            return .list(ListRef(mp(v).entries.map { .list(ListRef([$0.key.value, $0.value])) }))
        },
        m("get", [Parameter("key"), Parameter("default", default: .null)], "The value for key, or the default.") { v, a, _ in
            guard let k = a[0].mapKey else { return a[1] }
            return mp(v).entries[k] ?? a[1]
        },
        u("has", Parameter("key"), "True if the key is present.") { v, x, _ in
            guard let k = x.mapKey else { return .bool(false) }
            return .bool(mp(v).entries[k] != nil)
        },
        u("remove", Parameter("key"), "Removes a key; returns its value or nil.") { v, x, ctx in
            let m = mp(v)
            if m.frozen { throw Ops.frozenError(at: ctx.range) }
            guard let k = x.mapKey else { return .null }
            return m.entries.removeValue(forKey: k) ?? .null
        },
        m("merge", [Parameter("other")], "A new map with the other map's entries over this one's.") { v, a, ctx in
            try Ops.arithmetic(.add, v, .map(try a.map(0)), at: ctx.range, vm: ctx.meter)
        },
        m("copy", "A shallow copy.") { v, _, ctx in
            try ctx.charge(Cost.items(mp(v).entries.count))
            return .map(MapRef(mp(v).entries))
        },
        m("clear", "Removes every entry.") { v, _, ctx in
            let m = mp(v)
            if m.frozen { throw Ops.frozenError(at: ctx.range) }
            try ctx.charge(Cost.items(m.entries.count))
            m.entries.removeAll(); return .null
        },
    ])
}
