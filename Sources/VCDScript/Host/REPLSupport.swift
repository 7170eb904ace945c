/// What the REPL needs from the language beyond `evaluateREPL` and `peek`: parameter names of
/// methods of built-in kinds (they are not values, so `peek` cannot return them) and running a
/// whole file in the session.
extension Interpreter {
    /// The parameter names of `receiver.name(...)`: methods of strings, lists and maps, and of
    /// host objects. Nil when the receiver has no such method.
    public func parameterNames(ofMethod name: String, on receiver: Value) -> [String]? {
        if case .object(let o) = receiver {
            if let module = o as? ModuleObject {
                switch module.module.globals[name] {
                case .function(let c)?: return c.parameterNames
                case .builtin(let f)?: return f.params?.map(\.name)
                default: return nil
                }
            }
            return o.nativeType.methods[name].map { $0.params.map(\.name) }
        }
        return BuiltinMethods.table(for: receiver)?[name].map { $0.params.map(\.name) }
    }

    /// Runs a file's text in the REPL session's module (`.load`): its top-level names stay
    /// visible, and redeclaring a session name is allowed. Diagnostics carry `name`.
    @discardableResult
    public func runInSession(source: String, name: String) throws -> Value {
        try execute(source: source, name: name, in: main, allowRedeclare: true)
    }
}

extension Interpreter {
    /// A host object (a gateway, a VM) as a table of its fields, FIELD and VALUE: how the REPL shows
    /// a single object, where `print` and `str` keep the one-line `<gateway gw-capvcd>`. Nil for
    /// any other value.
    public func renderFields(_ value: Value) -> String? {
        Display.fieldTable(value, ctx: CallContext(vm: currentVM, range: nil))
    }
}
