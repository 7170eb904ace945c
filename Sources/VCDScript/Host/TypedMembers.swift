/// The typed side of the host API: a host declares a member together with the class of the
/// objects it works on (`t.property("name", of: Gateway.self) { g, _ in .string(g.name) }`), so
/// the compiler checks the member's body and no host code force-casts a `NativeObject`. Should an
/// object of another class ever carry the type (a host bug), the member is a script error that
/// names it, never a crash of the interpreter.

extension NativeObject {
    /// This object as the host class `O` that the member `member` of its type works on; a
    /// `.type` script error naming the member and both classes when it is another class.
    public func receiver<O: NativeObject>(as expected: O.Type, for member: String) throws -> O {
        if let object = self as? O { return object }
        throw ScriptError(.type, "\(nativeType.name).\(member) works on \(O.self) objects, not on this \(Swift.type(of: self))",
                          hint: "the host program gave this object a type meant for another class: report it with the script that shows it")
    }
}

extension NativeType {
    /// Declares a read-only or settable property of objects of host class `O`.
    public func property<O: NativeObject>(_ name: String, of objectClass: O.Type, doc: String = "",
                                          get: @escaping (O, CallContext) throws -> Value,
                                          set: ((O, Value, CallContext) throws -> Void)? = nil) {
        let typedSet = set.map { set in
            { (o: NativeObject, v: Value, ctx: CallContext) throws in try set(o.receiver(as: O.self, for: name), v, ctx) }
        }
        property(name, doc: doc, get: { o, ctx in try get(o.receiver(as: O.self, for: name), ctx) }, set: typedSet)
    }

    /// Declares a method, with named parameters, of objects of host class `O`.
    public func method<O: NativeObject>(_ name: String, of objectClass: O.Type, params: [Parameter] = [], variadic: Bool = false,
                                        doc: String = "", _ body: @escaping (O, Arguments, CallContext) throws -> Value) {
        method(name, params: params, variadic: variadic, doc: doc) { o, a, ctx in
            try body(o.receiver(as: O.self, for: name), a, ctx)
        }
    }

    /// Sets what `for x in obj` yields, for objects of host class `O`.
    public func iterate<O: NativeObject>(as objectClass: O.Type, _ items: @escaping (O, CallContext) throws -> [Value]) {
        iterate = { o, ctx in try items(o.receiver(as: O.self, for: "iteration"), ctx) }
    }

    /// Sets how objects of host class `O` show on their own in text output (see `display`).
    public func display<O: NativeObject>(as objectClass: O.Type, _ text: @escaping (O, CallContext) throws -> String) {
        display = { o, ctx in try text(o.receiver(as: O.self, for: "display"), ctx) }
    }

    /// Sets the one-line text of objects of host class `O`; an object of another class shows as
    /// `<type name>` (describing cannot fail).
    public func describe<O: NativeObject>(as objectClass: O.Type, _ text: @escaping (O) -> String) {
        let typeName = name
        describe = { o in (o as? O).map(text) ?? "<\(typeName)>" }
    }
}
