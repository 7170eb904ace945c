import OrderedCollections

/// A type the host adds to the language: a gateway, a VM, a collection of NAT rules. It declares
/// properties, methods with named parameters, documentation (for `help()`, `dir()` and REPL
/// completion), iteration, and how it renders in a table.
public final class NativeType {
    public let name: String
    public var doc: String
    public private(set) var properties: OrderedDictionary<String, NativeProperty> = [:]
    public private(set) var methods: OrderedDictionary<String, NativeMethod> = [:]
    /// What `for x in obj` yields; nil if the type is not iterable.
    public var iterate: ((NativeObject, CallContext) throws -> [Value])?
    /// Properties shown as columns when a list of these objects prints as a table.
    public var columns: [String] = []
    /// For a collection (an iterable type): the columns of the table it prints as, when they are
    /// not its items' own (a view over many parents adds the parent: `org.vms` shows each VM's vApp).
    public var itemColumns: [String]?
    /// The properties that make up the object as data (its wire fields): what `json.encode`,
    /// `-o json` / `-o yaml` and `o.fields()` show. Nil: the table columns (else every property).
    public var dataFields: [String]?
    /// A one-line text for `str()` and table cells; defaults to `<type name>`.
    public var describe: ((NativeObject) -> String)?
    /// How a value of this type shows on its own in text output (the REPL's auto-print, `-o
    /// table`), when a line is not enough: a tree for a cluster. nil: `describe`, or the table of
    /// its items for a collection.
    public var display: ((NativeObject, CallContext) throws -> String)?
    /// `x in obj`; nil if the type does not support it.
    public var contains: ((NativeObject, Value, CallContext) throws -> Bool)?
    /// Set for types whose instances stand for a value not known yet (a plan's "known after
    /// apply"). They print and can be passed on, but deciding on one — a condition, `not`, `and`,
    /// `or`, a comparison, arithmetic — is a script error with this message and hint, because the
    /// script would take a branch the real run may not take.
    public var undecidable: (message: String, hint: String)?
    /// For an undecidable type: the kind of value it stands for (a string, a list…), when known.
    /// Its members are checked against that kind, so that `gw.allocatedIPs.frist` is an error in a
    /// plan as it would be in the real run; nil lets every member through.
    public var standsFor: StaticType?
    /// For an undecidable type: makes the not-yet-known value that a part of it is (`.first` of a
    /// list of strings stands for a string; the result of a method, for anything). nil: the part
    /// is the value itself.
    public var derive: ((StaticType?) -> Value)?
    /// What its properties and methods give back, by member name, where the host declares it:
    /// what `vcdscript check` follows (`cloud.org(x)` is an org). Undeclared members check nothing.
    public var memberTypes: [String: StaticType] = [:]
    /// What `for x in obj` yields, for `vcdscript check`; nil when undeclared.
    public var elementType: StaticType?

    public init(name: String, doc: String = "") {
        self.name = name
        self.doc = doc
    }

    /// Declares a read-only or settable property.
    public func property(_ name: String, doc: String = "", get: @escaping (NativeObject, CallContext) throws -> Value,
                         set: ((NativeObject, Value, CallContext) throws -> Void)? = nil) {
        properties[name] = NativeProperty(name: name, doc: doc, get: get, set: set)
    }

    /// Declares a method with named parameters.
    public func method(_ name: String, params: [Parameter] = [], variadic: Bool = false, doc: String = "",
                       _ body: @escaping (NativeObject, Arguments, CallContext) throws -> Value) {
        let binding = PositionalBinding(qualifiedName: "\(self.name).\(name)", params: params, variadic: variadic)
        methods[name] = NativeMethod(name: name, params: params, variadic: variadic, doc: doc, body: body, binding: binding)
    }

    /// Every member name, properties first, for `dir()` and completion.
    public var memberNames: [String] { Array(properties.keys) + Array(methods.keys) }
}

public struct NativeProperty {
    public let name: String
    public let doc: String
    public let get: (NativeObject, CallContext) throws -> Value
    public let set: ((NativeObject, Value, CallContext) throws -> Void)?
}

public struct NativeMethod {
    public let name: String
    public let params: [Parameter]
    public let variadic: Bool
    public let doc: String
    public let body: (NativeObject, Arguments, CallContext) throws -> Value
    /// Binds the common call (arguments by position) without the general binder.
    let binding: PositionalBinding

    public var signature: String { Parameter.signature(name, params, variadic: variadic) }

    /// The arguments of a call of this method, bound to its parameters.
    func arguments(_ positional: [Value], named: [(name: String, value: Value)]) throws -> Arguments {
        if let bound = binding.bind(positional, named: named) { return bound }
        return try Arguments.bind(function: binding.qualifiedName, params: params, variadic: variadic, positional: positional, named: named)
    }
}

/// An instance of a host type. Hosts subclass it to carry their state.
open class NativeObject {
    public let nativeType: NativeType
    public init(type: NativeType) { self.nativeType = type }
}
