import Foundation

/// `json`, `yaml` and `base64`: objects whose methods encode and decode.
enum Namespaces {
    static let json: NativeObject = {
        let t = NativeType(name: "json", doc: "JSON: json.encode(value, indent: 2) and json.decode(text).")
        t.method("encode", params: [Parameter("value"), Parameter("indent", default: .int(0))], doc: "The value as JSON text (secrets as ********).") { _, a, ctx in
            let indent = try a.int(1)
            guard (0...16).contains(indent) else { throw ScriptError(.value, "json.encode(): indent must be between 0 and 16, not \(indent)") }
            return .string(try JSONText.encode(a[0], indent: indent, ctx: ctx))
        }
        t.method("decode", params: [Parameter("text")], doc: "The value of a JSON text.") { _, a, ctx in
            let text = try a.string(0)
            try ctx.charge(Cost.json(text.utf8.count))
            return try JSONText.decode(text)
        }
        return NativeObject(type: t)
    }()

    static let yaml: NativeObject = {
        let t = NativeType(name: "yaml", doc: "YAML: yaml.encode(value), yaml.decode(text), yaml.decodeAll(text) for multi-document files.")
        t.method("encode", params: [Parameter("value")], doc: "The value as YAML text (a list of documents with all: true).") { _, a, ctx in
            let text = try YAMLText.encode(try JSONText.toJSON(a[0], ctx: ctx, depth: 0))
            try ctx.charge(Cost.yaml(text.utf8.count))
            return .string(text)
        }
        t.method("encodeAll", params: [Parameter("documents")], doc: "Several documents separated by ---.") { _, a, ctx in
            let docs = try a.list(0).items.map { try JSONText.toJSON($0, ctx: ctx, depth: 0) }
            let text = try YAMLText.encode(documents: docs)
            try ctx.charge(Cost.yaml(text.utf8.count))
            return .string(text)
        }
        t.method("decode", params: [Parameter("text")], doc: "The value of a single-document YAML text.") { _, a, ctx in
            let text = try a.string(0)
            try ctx.charge(Cost.yaml(text.utf8.count))
            let docs = try YAMLText.decodeAll(text, vm: ctx.meter)
            if docs.count > 1 { throw ScriptError(.value, "the YAML text has \(docs.count) documents", hint: "use yaml.decodeAll for multi-document files") }
            return docs.first ?? .null
        }
        t.method("decodeAll", params: [Parameter("text")], doc: "The documents of a multi-document YAML text, as a list.") { _, a, ctx in
            let text = try a.string(0)
            try ctx.charge(Cost.yaml(text.utf8.count))
            return .list(ListRef(try YAMLText.decodeAll(text, vm: ctx.meter)))
        }
        return NativeObject(type: t)
    }()

    static let base64: NativeObject = {
        let t = NativeType(name: "base64", doc: "Base64: base64.encode(text), base64.decode(text).")
        t.method("encode", params: [Parameter("text")], doc: "The base64 encoding of the text's UTF-8 bytes.") { _, a, ctx in
            switch a[0] {
            case .secret(let s):
                let clear = s.reveal()
                try ctx.charge(Cost.scan(clear.utf8.count))
                return .secret(SecretRef(Data(clear.utf8).base64EncodedString()))
            default:
                let text = try a.string(0)
                try ctx.charge(Cost.scan(text.utf8.count))
                return .string(Data(text.utf8).base64EncodedString())
            }
        }
        t.method("decode", params: [Parameter("text")], doc: "The text whose base64 encoding is given.") { _, a, ctx in
            if case .secret(let s) = a[0] {
                let clear = s.reveal()
                try ctx.charge(Cost.chars(clear.utf8.count))
                guard let d = Data(base64Encoded: clear) else { throw ScriptError(.value, "the secret is not valid base64") }
                return .secret(SecretRef(String(decoding: d, as: UTF8.self)))
            }
            let raw = try a.string(0)
            try ctx.charge(Cost.chars(raw.utf8.count))
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let d = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                throw ScriptError(.value, "not valid base64 text")
            }
            guard let s = String(data: d, encoding: .utf8) else { throw ScriptError(.value, "the decoded bytes are not UTF-8 text") }
            return .string(s)
        }
        return NativeObject(type: t)
    }()
}
