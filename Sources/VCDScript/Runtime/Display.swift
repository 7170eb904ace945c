import Documents

/// How values print in each output format: text (repr), tables for lists of maps and objects,
/// JSON and YAML.
public enum Display {
    public static func render(_ v: Value, format: OutputFormat, ctx: CallContext?) -> String {
        (try? render(v, format: format, ctx: ctx, charged: false)) ?? Formatter.repr(v)
    }

    /// `render`, with the work charged to the step limit when `charged` (for `print`): the
    /// step-limit error (or Ctrl-C) is thrown, other failures fall back as `render` does.
    static func render(_ v: Value, format: OutputFormat, ctx: CallContext?, charged: Bool) throws -> String {
        let vm = charged ? ctx?.meter : nil
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
        func repr() throws -> String { if let vm { return try Formatter.repr(v, vm: vm) }; return Formatter.repr(v) }
        /// Errors that end the script are not turned into a fallback.
        func stops(_ e: Error) -> Bool { (e as? ScriptError).map { $0.kind == .limit || $0.kind == .cancelled } ?? false }
        switch format {
        case .text, .table:
            if let t = try table(v, ctx: ctx, vm: vm) { return t }
            return try repr()
        case .json:
            do { return try JSONText.encode(v, indent: 2, ctx: ctx) } catch where !stops(error) || vm == nil { return try repr() }
        case .yaml:
            let doc: JSONValue
            do { doc = try JSONText.toJSON(v, ctx: ctx, depth: 0) } catch where !stops(error) || vm == nil { return try repr() }
            let text = (try? YAMLText.encode(doc))?.trimmingTrailingNewline
            if let vm, let text { try vm.charge(Cost.yaml(text.utf8.count)) }
            return try text ?? repr()
        }
    }

    /// A table when the value is a non-empty list of maps or of objects with columns.
    public static func table(_ v: Value, ctx: CallContext?) -> String? {
        (try? table(v, ctx: ctx, vm: nil)) ?? nil
    }

    /// `table`, with the rows and cells charged to the step limit when `vm` is given.
    static func table(_ v: Value, ctx: CallContext?, vm: Meter?) throws -> String? {
        // With an output width, cells are cut to fit the table in it (TableLayout); without, each at 60.
        let width = ctx?.interpreter.options.outputWidth
        let cut = width == nil
        var rows: [Value]
        var itemColumns: [String]? = nil
        switch v {
        case .list(let l): rows = l.items
        case .object(let o):
            guard let it = o.nativeType.iterate, let ctx, let items = try? it(o, ctx) else { return nil }
            rows = items
            itemColumns = o.nativeType.itemColumns
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
                try vm?.charge(Cost.values(m.entries.count))
                for (k, x) in m.entries {
                    let key = Formatter.str(k.value)
                    if !columns.contains(key) { columns.append(key) }
                    r[key] = try cell(x, vm: vm, cut: cut)
                }
                cells.append(r)
            case .object(let o) where !o.nativeType.columns.isEmpty:
                guard let ctx else { return nil }
                var r: [String: String] = [:]
                let shown = itemColumns ?? o.nativeType.columns
                try vm?.charge(Cost.values(shown.count))
                for c in shown {
                    if !columns.contains(c) { columns.append(c) }
                    let value = (try? o.nativeType.properties[c]?.get(o, ctx)).flatMap { $0 }
                    r[c] = try value.map { try cell($0, vm: vm, cut: cut) } ?? ""
                }
                cells.append(r)
            default:
                return nil
            }
        }
        var widths = columns.map { $0.count }
        for r in cells { for (i, c) in columns.enumerated() { widths[i] = max(widths[i], r[c]?.count ?? 0) } }
        if let width, width > 0 { widths = TableLayout.fit(widths, headers: columns.map(\.count), in: width) }
        func line(_ values: [String]) -> String {
            values.enumerated().map { TableLayout.cut($0.element, to: widths[$0.offset]).padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces
        }
        var out = [line(columns.map { $0.uppercased() })]
        for r in cells { out.append(line(columns.map { r[$0] ?? "" })) }
        let text = out.joined(separator: "\n")
        try vm?.charge(Cost.bytes(text.utf8.count))
        return text
    }

    /// A value as one table cell: on one line, and cut at 60 characters when `cut`.
    static func cell(_ v: Value, depth: Int = 0, vm: Meter?, cut: Bool = true) throws -> String {
        switch v {
        case .null: return "-"
        case .list(let l) where depth < 3:
            try vm?.charge(Cost.values(l.items.count))
            return try l.items.map { try cell($0, depth: depth + 1, vm: vm, cut: cut) }.joined(separator: ",")
        default:
            let s = try vm.map { try Formatter.str(v, vm: $0) } ?? Formatter.str(v)
            let line = s.replacingOccurrences(of: "\n", with: " ")
            return cut ? TableLayout.cut(line, to: 60) : line
        }
    }
}

extension String {
    var trimmingTrailingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
