extension Display {
    /// One host object as a small table of its fields (FIELD, VALUE), for the REPL's auto-print:
    /// the fields that make it up as data (`dataFields`, else its table columns), without the
    /// collections it leads to (`vdc.gateways`), which are ways on rather than data. Nil for
    /// collections, types that show themselves (`display`) and objects without such fields.
    static func fieldTable(_ v: Value, ctx: CallContext) -> String? {
        guard case .object(let o) = v, o.nativeType.iterate == nil, o.nativeType.display == nil else { return nil }
        let t = o.nativeType
        let names = t.dataFields ?? t.columns
        guard !names.isEmpty else { return nil }
        var rows: [Value] = []
        for name in names {
            guard let p = t.properties[name], let value = try? p.get(o, ctx) else { continue }
            if case .object(let x) = value, x.nativeType.iterate != nil { continue }
            rows.append(.map(MapRef([("field", .string(name)), ("value", value)])))
        }
        guard !rows.isEmpty else { return nil }
        return (try? table(.list(ListRef(rows)), ctx: ctx, vm: nil)) ?? nil
    }
}
