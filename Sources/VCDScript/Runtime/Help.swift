/// The text `help(x)` prints.
enum Help {
    static func text(for v: Value, interpreter: Interpreter) -> String {
        switch v {
        case .null:
            return """
            vcdscript \(vcdscriptVersion): help(x) documents a function, a type or an object; dir(x) lists its members.
            Builtins: \(interpreter.builtins.names.sorted().joined(separator: " "))
            """
        case .builtin(let f):
            var out = f.signature
            if !f.doc.isEmpty { out += "\n  " + f.doc }
            for p in f.params ?? [] where !p.doc.isEmpty { out += "\n  \(p.name): \(p.doc)" }
            return out
        case .function(let c):
            return "\(c.proto.displayName)(\(c.proto.paramNames.joined(separator: ", "))) — defined at \(c.proto.range)"
        case .object(let o):
            if let m = o as? ModuleObject { return "module \(m.module.name): \(m.module.globals.names.joined(separator: ", "))" }
            let t = o.nativeType
            var out = t.name + (t.doc.isEmpty ? "" : ": " + t.doc)
            if !t.properties.isEmpty {
                out += "\nproperties:"
                for p in t.properties.values { out += "\n  \(p.name)\(p.set == nil ? "" : " (settable)")" + (p.doc.isEmpty ? "" : " — \(p.doc)") }
            }
            if !t.methods.isEmpty {
                out += "\nmethods:"
                for m in t.methods.values { out += "\n  \(m.signature)" + (m.doc.isEmpty ? "" : " — \(m.doc)") }
            }
            return out
        default:
            var out = "\(v.typeName)"
            let props = Members.properties(of: v)
            if !props.isEmpty { out += "\nproperties: " + props.joined(separator: ", ") }
            if let table = BuiltinMethods.table(for: v) {
                out += "\nmethods:"
                for m in table.values.sorted(by: { $0.name < $1.name }) { out += "\n  \(m.signature) — \(m.doc)" }
            }
            return out
        }
    }
}
