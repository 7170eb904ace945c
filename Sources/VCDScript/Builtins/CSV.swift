import Foundation

/// `csv`: comma-separated values as RFC 4180 writes them: a field holding the delimiter, a quote
/// or a line break is quoted, its quotes doubled. Written here rather than taken from a package
/// (CSV.swift and SwiftCSV are on the machine): the format is small, and this way every error
/// names the line, and the step limit is charged as the text is read.
enum CSV {
    static let namespace: NativeObject = {
        let t = NativeType(name: "csv", doc: "CSV (RFC 4180): csv.encode(rows, header:) and csv.decode(text, header: true).")
        t.method("encode", params: [
            Parameter("rows", doc: "a list of maps (one column per key) or of lists"),
            Parameter("header", default: .null, doc: "the column names, in order; for maps, default: their keys in order of appearance"),
            Parameter("delimiter", default: .string(","), doc: "one character: \",\", \";\", \"\\t\""),
        ], doc: "The rows as CSV text, a header line first when there is one; lines end with \\n.") { _, a, ctx in
            let rows = try a.list(0).items
            let delimiter = try delimiterOf(a, 2)
            var header: [String]? = nil
            switch a[1] {
            case .null: break
            case .list(let l):
                header = try l.items.map { v in
                    guard case .string(let s) = v else { throw ScriptError(.type, "csv.encode(): each name in header must be a string, not \(v.typeName)") }
                    return s
                }
            case let v: throw ScriptError(.type, "csv.encode(): header must be a list of column names, not \(v.typeName)")
            }
            let maps = rows.allSatisfy { if case .map = $0 { return true }; return false }
            if maps, header == nil {
                var seen = Set<String>(), names: [String] = []
                for case .map(let m) in rows {
                    for k in m.entries.keys { let n = keyText(k); if seen.insert(n).inserted { names.append(n) } }
                }
                header = names
            }
            var lines: [String] = []
            if let header, !header.isEmpty { lines.append(header.map { quote($0, delimiter) }.joined(separator: String(delimiter))) }
            for (i, row) in rows.enumerated() {
                let fields: [Value]
                switch row {
                case .map(let m): fields = (header ?? []).map { m[$0] ?? .null }
                case .list(let l): fields = l.items
                case let v: throw ScriptError(.type, "csv.encode(): row \(i + 1) must be a map or a list, not \(v.typeName)", hint: "csv.encode([{name: \"a\", ip: \"10.0.0.1\"}])")
                }
                if !maps, let header, fields.count != header.count {
                    throw ScriptError(.value, "csv.encode(): row \(i + 1) has \(fields.count) fields, the header has \(header.count)")
                }
                try ctx.charge(Cost.values(fields.count))
                let texts = try fields.enumerated().map { (j, f) in
                    try quote(fieldText(f, row: i + 1, column: header.flatMap { j < $0.count ? $0[j] : nil } ?? String(j + 1), ctx: ctx), delimiter)
                }
                lines.append(texts.joined(separator: String(delimiter)))
            }
            let out = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
            try ctx.charge(Cost.bytes(out.utf8.count))
            return .string(out)
        }
        t.method("decode", params: [
            Parameter("text"),
            Parameter("header", default: .bool(true), doc: "true: the first line names the columns and each row is a map; false: each row is a list"),
            Parameter("delimiter", default: .string(","), doc: "one character"),
        ], doc: "The rows of a CSV text: maps keyed by the header line (or lists with header: false), fields as strings. Blank lines are skipped; \\r\\n and \\n both end a line.") { _, a, ctx in
            let text = try a.string(0)
            let delimiter = try delimiterOf(a, 2)
            try ctx.charge(Cost.chars(text.utf8.count))
            let records = try parse(text, delimiter: delimiter)
            try ctx.charge(Cost.entries(records.reduce(0) { $0 + $1.fields.count }))
            guard try a.bool(1) else { return .list(ListRef(records.map { .list(ListRef($0.fields.map { .string($0) })) })) }
            guard let head = records.first else { return .list(ListRef()) }
            var seen = Set<String>()
            for n in head.fields where !seen.insert(n).inserted {
                throw ScriptError(.value, "csv.decode(): the header names column \(Formatter.quote(n)) twice (line \(head.line))", hint: "rename one, or read rows as lists with header: false")
            }
            return .list(ListRef(try records.dropFirst().map { r in
                guard r.fields.count == head.fields.count else {
                    throw ScriptError(.value, "csv.decode(): line \(r.line) has \(r.fields.count) field\(r.fields.count == 1 ? "" : "s"), the header has \(head.fields.count)",
                                      hint: "a field holding the delimiter must be in double quotes")
                }
                return .map(MapRef(Array(zip(head.fields, r.fields.map { Value.string($0) }))))
            }))
        }
        return NativeObject(type: t)
    }()

    private static func delimiterOf(_ a: Arguments, _ i: Int) throws -> Character {
        let d = try a.string(i)
        guard d.count == 1, let c = d.first, c != "\"", c != "\n", c != "\r" else {
            throw ScriptError(.value, "\(a.function)(): delimiter must be one character other than a quote or a line break, not \(Formatter.quote(d))")
        }
        return c
    }

    private static func keyText(_ k: MapKey) -> String {
        switch k { case .string(let s): return s; case .int(let i): return String(i); case .bool(let b): return String(b) }
    }

    /// One field as text: nil is empty, a secret stays hidden, a list or map is refused (a CSV
    /// field holds one value).
    private static func fieldText(_ v: Value, row: Int, column: String, ctx: CallContext) throws -> String {
        switch v {
        case .null: return ""
        case .string(let s): return s
        case .list, .map:
            throw ScriptError(.type, "csv.encode(): row \(row), column \(column) is a \(v.typeName); a CSV field holds one value",
                              hint: "join it into one string first, e.g. xs.join(\" \")")
        default: return try Formatter.str(v, vm: ctx.meter)
        }
    }

    /// Quoted when it must be: it holds the delimiter, a quote or a line break, or starts or ends
    /// with a space (which readers may trim).
    static func quote(_ s: String, _ delimiter: Character) -> String {
        let must = s.contains { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || s.first == " " || s.last == " "
        guard must else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    struct Record { var fields: [String]; var line: Int }

    /// The records of a CSV text, each with the line it starts on.
    static func parse(_ text: String, delimiter: Character) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, wasQuoted = false, afterQuote = false
        var wasQuotedEmpty = false  // the line's first field was quoted: `""` alone is a record, not a blank line
        var it = text.makeIterator()
        func endField() { fields.append(field); field = ""; wasQuoted = false; afterQuote = false }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuotedEmpty) { records.append(Record(fields: fields, line: recordLine)) }
            fields = []
        }
        while let c = it.next() {
            if inQuotes {
                if c == "\"" { inQuotes = false; afterQuote = true; continue }
                if c == "\n" || c == "\r\n" || c == "\r" { line += 1 }
                field.append(c)
                continue
            }
            if afterQuote {
                if c == "\"" { field.append("\""); inQuotes = true; afterQuote = false; continue }  // "" inside quotes
                if c != delimiter && c != "\n" && c != "\r\n" && c != "\r" {
                    throw ScriptError(.value, "csv.decode(): line \(line): \(Formatter.quote(String(c))) after a closing quote",
                                      hint: "a quote inside a quoted field is written twice: \"say \"\"hi\"\"\"")
                }
            }
            switch c {
            case "\"" where field.isEmpty && !wasQuoted:
                inQuotes = true; wasQuoted = true
                if fields.isEmpty { wasQuotedEmpty = true }
            case delimiter:
                endField()
            case "\n", "\r\n", "\r":
                endRecord()
                wasQuotedEmpty = false
                line += 1
                recordLine = line
            default:
                if c == "\"" {
                    throw ScriptError(.value, "csv.decode(): line \(line): a quote inside an unquoted field",
                                      hint: "quote the whole field and double the quote: \"say \"\"hi\"\"\"")
                }
                field.append(c)
            }
        }
        if inQuotes { throw ScriptError(.value, "csv.decode(): the quoted field that starts on line \(recordLine) is never closed", hint: "end it with a double quote") }
        if !field.isEmpty || !fields.isEmpty || afterQuote { endRecord() }
        return records
    }
}
