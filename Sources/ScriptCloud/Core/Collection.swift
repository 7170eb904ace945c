import Foundation
import Provisioning
import VCDScript

/// A uniform collection: `for x in c`, `.list()`, `.count`, `.names`, `.get(name)`, `.find(name)`,
/// `.where(fn)`, `.ensure(name: …)`, `.delete(name)`. What it holds is given by closures; the
/// `ensure` parameters and docs come from the collection's type.
class CloudCollection: NativeObject {
    let elementKind: String
    let listItems: () throws -> [Value]
    let findItem: ((String) throws -> Value?)?
    let ensureItem: ((Arguments) throws -> Value)?
    let deleteItem: ((String) throws -> Bool)?
    let scope: String
    /// The engine behind it, for collection-specific methods.
    var engine: Engine?
    /// The hint when `get` finds nothing in an empty collection (default: create it with ensure).
    var emptyHint: ((String) -> String)?

    init(type: NativeType, elementKind: String, scope: String, list: @escaping () throws -> [Value], find: ((String) throws -> Value?)? = nil,
         ensure: ((Arguments) throws -> Value)? = nil, delete: ((String) throws -> Bool)? = nil) {
        self.elementKind = elementKind
        self.listItems = list
        self.findItem = find
        self.ensureItem = ensure
        self.deleteItem = delete
        self.scope = scope
        super.init(type: type)
    }

    static func name(of v: Value, ctx: CallContext) -> String? {
        guard case .object(let o) = v, let p = o.nativeType.properties["name"], let n = try? p.get(o, ctx), case .string(let s) = n else { return nil }
        return s
    }

    /// The element named `name`, or an error with "did you mean".
    func get(_ name: String, ctx: CallContext) throws -> Value {
        if let v = try find(name, ctx: ctx) { return v }
        let names = try host(ctx) { try listItems() }.compactMap { CloudCollection.name(of: $0, ctx: ctx) }
        let e = ScriptError(.key, "no \(elementKind) named \(name) in \(scope)",
                            hint: names.isEmpty ? (emptyHint?(name) ?? "there is none yet; create it with .ensure(name: \"\(name)\", ...)") : "known: \(names.prefix(10).joined(separator: ", "))")
        e.suggestion = Collections.closest(name, names)
        e.code = HostFailureKind.notFound.rawValue  // `catch NOT_FOUND` takes it, as it takes a 404
        throw e
    }

    func find(_ name: String, ctx: CallContext) throws -> Value? {
        if let findItem { return try host(ctx) { try findItem(name) } }
        return try host(ctx) { try listItems() }.first { Self.name(of: $0, ctx: ctx) == name }
    }
}

enum Collections {
    /// Builds the type of one kind of collection (`natRules`, `gateways`, ...).
    static func type(_ name: String, element: String, doc: String, ensureParams: [Parameter]?, ensureDoc: String = "",
                     columns: [String] = [], itemColumns: [String]? = nil) -> NativeType {
        let t = NativeType(name: name, doc: doc)
        t.itemColumns = itemColumns
        t.property("count", of: CloudCollection.self, doc: "How many \(element)s there are.") { o, ctx in
            .int(try host(ctx) { try o.listItems() }.count)
        }
        t.property("names", of: CloudCollection.self, doc: "Their names.") { o, ctx in
            let items = try host(ctx) { try o.listItems() }
            return .list(items.map { V.s(CloudCollection.name(of: $0, ctx: ctx)) })
        }
        t.method("list", of: CloudCollection.self, doc: "Every \(element), as a list (prints as a table).") { o, _, ctx in
            .list(try host(ctx) { try o.listItems() })
        }
        t.method("get", of: CloudCollection.self, params: [Parameter("name")], doc: "The \(element) named `name`; an error (with \"did you mean\") if there is none.") { o, a, ctx in
            try o.get(try a.string(0), ctx: ctx)
        }
        t.method("find", of: CloudCollection.self, params: [Parameter("name")], doc: "The \(element) named `name`, or nil.") { o, a, ctx in
            try o.find(try a.string(0), ctx: ctx) ?? .null
        }
        t.method("where", of: CloudCollection.self, params: [Parameter("fn")], doc: "The \(element)s for which fn(x) is true.") { o, a, ctx in
            let fn = try a.callable(0)
            let items = try host(ctx) { try o.listItems() }
            return .list(try items.filter { try ctx.call(fn, [$0]).isTruthy })
        }
        if let ensureParams {
            t.method("ensure", of: CloudCollection.self, params: ensureParams, doc: ensureDoc.isEmpty
                     ? "Creates the \(element) if missing, updates it if different, else does nothing; prints + created / ~ updated (fields) / = unchanged and returns it."
                     : ensureDoc) { c, a, ctx in
                guard let ensure = c.ensureItem else { throw ScriptError(.host, "\(c.elementKind)s cannot be created here") }
                return try host(ctx) { try ensure(a) }
            }
            t.method("delete", of: CloudCollection.self, params: [Parameter("name")], doc: "Deletes the \(element) if it exists (missing is fine) and waits for the task; true if it existed.") { c, a, ctx in
                guard let del = c.deleteItem else { throw ScriptError(.host, "\(c.elementKind)s cannot be deleted here") }
                let name = try a.string(0)
                return .bool(try host(ctx) { try del(name) })
            }
        }
        t.iterate(as: CloudCollection.self) { o, ctx in try host(ctx) { try o.listItems() } }
        t.describe(as: CloudCollection.self) { o in "<\(name) of \(o.scope)>" }
        CloudTypes.register(t)
        return t
    }

    static func closest(_ name: String, _ names: [String]) -> String? {
        func distance(_ a: String, _ b: String) -> Int {
            let x = Array(a.lowercased()), y = Array(b.lowercased())
            var prev = Array(0...y.count)
            for i in 1...max(1, x.count) where !x.isEmpty {
                var cur = [i] + Array(repeating: 0, count: y.count)
                for j in 1...max(1, y.count) where !y.isEmpty {
                    cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                }
                prev = cur
            }
            return prev[y.count]
        }
        let best = names.map { ($0, distance(name, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }
}
