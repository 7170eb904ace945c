import Foundation
import Documents

/// Script values as JSON documents and back, through the one JSON model (`Documents.JSONValue`):
/// maps keep their order both ways.
public enum JSONText {
    /// A value as a JSON document; secrets become `********`, durations text, ranges a pair, map
    /// keys text. With a call context, the work (containers visited, string bytes) is charged to
    /// the step limit as it goes: a value holding the same list many times costs what it expands to.
    public static func toJSON(_ v: Value, ctx: CallContext?, depth: Int) throws -> JSONValue {
        if depth > 100 { throw ScriptError(.value, "the value is nested too deeply (or refers to itself)") }
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let f):
            guard f.isFinite else { throw ScriptError(.value, "JSON has no \(Formatter.float(f))") }
            return .double(f)
        case .string(let s):
            try ctx?.charge(Cost.scan(s.utf8.count))
            return .string(s)
        case .duration(let d): return .string(Formatter.duration(d))
        case .range(let a, let b): return .array([.int(a), .int(b)])
        case .list(let l):
            try ctx?.charge(Cost.values(l.items.count))
            return .array(try l.items.map { try toJSON($0, ctx: ctx, depth: depth + 1) })
        case .map(let m):
            try ctx?.charge(Cost.values(m.entries.count))
            var out = JSONObject(minimumCapacity: m.entries.count)
            for (k, x) in m.entries {
                let key: String
                switch k { case .string(let s): key = s; case .int(let i): key = String(i); case .bool(let b): key = String(b) }
                out[key] = try toJSON(x, ctx: ctx, depth: depth + 1)
            }
            return .object(out)
        case .secret: return .string(SecretRef.masked)
        case .error(let e): return ["code": e.code.map(JSONValue.string) ?? .null, "kind": .string(e.kind.rawValue), "message": .string(e.message)]
        case .function, .builtin: return .string(Formatter.repr(v))
        case .object(let o):
            guard let ctx, !o.nativeType.properties.isEmpty else { return .string(Formatter.repr(v)) }
            var out = JSONObject()
            let names = o.nativeType.dataFields ?? (o.nativeType.columns.isEmpty ? Array(o.nativeType.properties.keys) : o.nativeType.columns)
            for name in names {
                guard let p = o.nativeType.properties[name] else { continue }
                out[name] = try toJSON(try p.get(o, ctx), ctx: ctx, depth: depth + 1)
            }
            return .object(out)
        }
    }

    /// A value as JSON text, `indent` spaces a level (0: one line).
    public static func encode(_ v: Value, indent: Int, ctx: CallContext?) throws -> String {
        try toJSON(v, ctx: ctx, depth: 0).jsonText(indent: indent)
    }

    /// The value of a JSON text (integers stay integers, maps keep their order).
    public static func decode(_ text: String) throws -> Value {
        do {
            return value(try JSONReader.parse(text))
        } catch let e as JSONSyntaxError {
            throw ScriptError(.value, e.description, hint: "check quotes, commas and brackets")
        }
    }

    /// A JSON document as a script value.
    public static func value(_ j: JSONValue) -> Value {
        switch j {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .float(d)
        case .string(let s): return .string(s)
        case .array(let a): return .list(ListRef(a.map(value)))
        case .object(let o):
            let m = MapRef()
            for (k, x) in o { m.entries[.string(k)] = value(x) }
            return .map(m)
        }
    }
}

/// Script values as YAML and back, through the one YAML bridge (`Documents.YAMLReader` and
/// `YAMLWriter`), with YAML 1.2's core schema.
public enum YAMLText {
    /// One document as YAML text.
    public static func encode(_ doc: JSONValue) throws -> String {
        do { return try YAMLWriter.text(doc) } catch { throw ScriptError(.value, "cannot encode as YAML: \(error)") }
    }

    /// Several documents separated by `---`.
    public static func encode(documents: [JSONValue]) throws -> String {
        do { return try YAMLWriter.text(documents: documents) } catch { throw ScriptError(.value, "cannot encode as YAML: \(error)") }
    }

    /// The documents of a YAML text. With a VM, the values made are charged to the step limit
    /// as they are made: an alias repeats what its anchor holds, so a short text can stand for
    /// a huge value. Map keys keep their type (`1: a` has the integer key 1).
    static func decodeAll(_ text: String, vm: Meter? = nil) throws -> [Value] {
        let builder = YAMLBuilder<Value>(
            scalar: { JSONText.value($0.json) },
            sequence: { .list(ListRef($0)) },
            mapping: { pairs in
                let out = MapRef()
                for (k, v) in pairs {
                    let key = k.value
                    let text = try key.mapKey == nil ? (vm.map { try Formatter.str(key, vm: $0) } ?? Formatter.str(key)) : ""
                    out.entries[key.mapKey ?? .string(text)] = v
                }
                return .map(out)
            })
        var budget: ((Int) throws -> Void)? = nil
        if let vm { budget = { n in try vm.charge(Cost.visited(n)) } }
        do {
            return try YAMLReader.documents(text, schema: .core, budget: budget, builder: builder)
        } catch let e as YAMLSyntaxError {
            // libyaml quotes the offending line; keep long ones readable.
            let text = e.description.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.count > 160 ? String($0.prefix(157)) + "..." : String($0) }.joined(separator: "\n")
            throw ScriptError(.value, "invalid YAML: \(text)", hint: "check the indentation and the colons")
        }
    }
}
