import Foundation
import CloudWire
import Provisioning
import VCDScript

/// A script object standing for one engine object: the wire value, the engine, where it lives,
/// and whether it exists yet (plan mode: objects still to be created are "known after apply").
final class Ref<T>: NativeObject {
    let engine: Engine
    var value: T
    let planned: Bool
    let vdc: Vdc?
    let gateway: EdgeGateway?

    init(_ type: NativeType, engine: Engine, value: T, planned: Bool = false, vdc: Vdc? = nil, gateway: EdgeGateway? = nil) {
        self.engine = engine
        self.value = value
        self.planned = planned
        self.vdc = vdc
        self.gateway = gateway
        super.init(type: type)
    }
}

/// One property of a cloud type: name, doc, whether it is known before the object exists.
struct Field<T> {
    let name: String
    let doc: String
    let knownBeforeApply: Bool
    let get: (Ref<T>, CallContext) throws -> Value
    init(_ name: String, _ doc: String, known: Bool = true, _ get: @escaping (Ref<T>, CallContext) throws -> Value) {
        self.name = name
        self.doc = doc
        self.knownBeforeApply = known
        self.get = get
    }
}

/// The registry of cloud types, for help, completion and `docs/types.md`.
public enum CloudTypes {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered: [NativeType] = []

    static func register(_ t: NativeType) {
        lock.lock(); defer { lock.unlock() }
        if !registered.contains(where: { $0.name == t.name }) { registered.append(t) }
    }

    /// Every registered type, in registration order (forces the lazy definitions first).
    public static var all: [NativeType] {
        _ = Types.everything
        lock.lock(); defer { lock.unlock() }
        // Once every type is built with all its members: what they give back (`Signatures`).
        if !declared {
            registered.forEach(Signatures.declare)
            declared = true
        }
        return registered
    }
    nonisolated(unsafe) private static var declared = false

    /// `docs/types.md`, generated from the registered help text.
    public static func markdown() -> String {
        var out = "# Built-in cloud types\n\n"
        out += "Generated from the help text the types register (`help(x)` shows the same); a test checks that this file matches.\n"
        out += "Every collection has the same members: iterate, `list()`, `count`, `names`, `get(name)`, `find(name)`, `where(fn)`, and where the\n"
        out += "objects can be made here `ensure(name: …)` and `delete(name)`. `ensure` prints `+ created`, `~ updated (fields)` or `= unchanged`.\n"
        for t in all {
            out += "\n## `\(t.name)`\n\n\(t.doc)\n"
            if !t.columns.isEmpty { out += "\nTable columns: \(t.columns.map { "`\($0)`" }.joined(separator: ", ")).\n" }
            if let items = t.itemColumns { out += "\nPrints as a table with columns \(items.map { "`\($0)`" }.joined(separator: ", ")).\n" }
            if !t.properties.isEmpty {
                out += "\n| property | meaning |\n|---|---|\n"
                for p in t.properties.values { out += "| `\(p.name)`\(p.set == nil ? "" : " (settable)") | \(p.doc.replacingOccurrences(of: "|", with: "\\|")) |\n" }
            }
            if !t.methods.isEmpty {
                out += "\n| method | meaning |\n|---|---|\n"
                for m in t.methods.values { out += "| `\(m.signature)` | \(m.doc.replacingOccurrences(of: "|", with: "\\|")) |\n" }
            }
        }
        return out
    }
}

/// Declares a cloud type with its fields, methods added by the caller.
func defineType<T>(_ name: String, doc: String, columns: [String], fields: [Field<T>], nameOf: @escaping (T) -> String?) -> NativeType {
    let t = NativeType(name: name, doc: doc)
    for f in fields {
        t.property(f.name, of: Ref<T>.self, doc: f.doc) { r, ctx in
            if r.planned && !f.knownBeforeApply { return UnknownValue.standing(for: r.nativeType.memberTypes[f.name]) }
            return try f.get(r, ctx)
        }
    }
    t.columns = columns
    t.dataFields = fields.map(\.name)
    t.method("fields", of: Ref<T>.self, doc: "Every field of it as a map (name → value, ints as ints): what json.encode and -o json show.") { r, _, ctx in
        let m = MapRef()
        for f in fields { m.entries[.string(f.name)] = (r.planned && !f.knownBeforeApply) ? UnknownValue.standing(for: r.nativeType.memberTypes[f.name]) : try f.get(r, ctx) }
        return .map(m)
    }
    t.describe(as: Ref<T>.self) { o in "<\(name) \(nameOf(o.value) ?? "")>" }
    CloudTypes.register(t)
    return t
}

