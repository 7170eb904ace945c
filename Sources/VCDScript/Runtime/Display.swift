/// How values print in each output format: text (repr), tables for lists of maps and objects,
/// JSON and YAML.
public enum Display {
    public static func render(_ v: Value, format: OutputFormat, ctx: CallContext?) -> String {
        var v = v
        // A collection (iterable, no columns of its own) shows as its items in JSON and YAML.
        if format == .json || format == .yaml, case .object(let o) = v, o.nativeType.columns.isEmpty,
           let it = o.nativeType.iterate, let ctx, let items = try? it(o, ctx) {
            v = .list(ListRef(items))
        }
        if format == .text || format == .table, case .object(let o) = v, let show = o.nativeType.display, let ctx,
           let text = try? show(o, ctx) {
            return text
        }
        switch format {
        case .text:
            if let t = table(v, ctx: ctx) { return t }
            return Formatter.repr(v)
        case .table:
            return table(v, ctx: ctx) ?? Formatter.repr(v)
        case .json:
            return (try? JSONText.encode(v, indent: 2, ctx: ctx)) ?? Formatter.repr(v)
        case .yaml:
            guard let any = try? JSONText.toAny(v, ctx: ctx, depth: 0) else { return Formatter.repr(v) }
            return (try? Yams.serialize(node: YAMLText.node(any)))?.trimmingTrailingNewline ?? Formatter.repr(v)
        }
    }

    /// A table when the value is a non-empty list of maps or of objects with columns.
    public static func table(_ v: Value, ctx: CallContext?) -> String? {
        var rows: [Value]
        switch v {
        case .list(let l): rows = l.items
        case .object(let o):
            guard let it = o.nativeType.iterate, let ctx, let items = try? it(o, ctx) else { return nil }
            rows = items
            if rows.isEmpty { return "(none)" }
        default: return nil
        }
        guard !rows.isEmpty else { return nil }
        var columns: [String] = []
        var cells: [[String: String]] = []
        for row in rows {
            switch row {
            case .map(let m):
                var r: [String: String] = [:]
                for (k, x) in m.entries {
                    let key = Formatter.str(k.value)
                    if !columns.contains(key) { columns.append(key) }
                    r[key] = cell(x)
                }
                cells.append(r)
            case .object(let o) where !o.nativeType.columns.isEmpty:
                guard let ctx else { return nil }
                var r: [String: String] = [:]
                for c in o.nativeType.columns {
                    if !columns.contains(c) { columns.append(c) }
                    r[c] = (try? o.nativeType.properties[c]?.get(o, ctx)).flatMap { $0 }.map { cell($0) } ?? ""
                }
                cells.append(r)
            default:
                return nil
            }
        }
        var widths = columns.map { $0.count }
        for r in cells { for (i, c) in columns.enumerated() { widths[i] = max(widths[i], r[c]?.count ?? 0) } }
        func line(_ values: [String]) -> String {
            values.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces
        }
        var out = [line(columns.map { $0.uppercased() })]
        for r in cells { out.append(line(columns.map { r[$0] ?? "" })) }
        return out.joined(separator: "\n")
    }

    static func cell(_ v: Value, depth: Int = 0) -> String {
        switch v {
        case .null: return "-"
        case .list(let l) where depth < 3: return l.items.map { cell($0, depth: depth + 1) }.joined(separator: ",")
        default:
            let s = Formatter.str(v)
            return s.count > 60 ? String(s.prefix(57)) + "..." : s.replacingOccurrences(of: "\n", with: " ")
        }
    }
}

import Yams

extension String {
    var trimmingTrailingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
