import CloudWire
import Foundation

/// One resource request being answered: the cluster, the types it serves, the type addressed and
/// the target. Dispatches on method and shape (collection, object, status subresource).
struct KubeRequest {
    let ctx: RequestContext
    let cluster: KubeClusterRecord
    let catalog: KubeCatalog
    let r: KubeResource
    let target: KubeTarget

    var clusterName: String { cluster.name }
    var method: String { ctx.request.method }
    /// `dryRun=All`: everything is checked and answered, nothing is stored.
    var dryRun: Bool { ctx.request.query("dryRun") == "All" }

    static func answer(_ ctx: RequestContext, cluster: KubeClusterRecord, catalog: KubeCatalog, target: KubeTarget) throws -> HTTPResponseMessage {
        guard let r = catalog.find(group: target.group, version: target.version, plural: target.plural) else { throw KubeError.noSuchPath }
        // A namespaced path to a cluster-scoped type, or an object of a namespaced type without its
        // namespace, is a path the apiserver does not serve.
        if target.namespace != nil && !r.namespaced { throw KubeError.noSuchPath }
        if r.namespaced && target.name != nil && target.namespace == nil { throw KubeError.noSuchPath }
        let req = KubeRequest(ctx: ctx, cluster: cluster, catalog: catalog, r: r, target: target)
        if target.watchPath {
            guard req.method == "GET", target.subresource == nil else { throw KubeError.noSuchPath }
            return try req.watch(name: target.name)
        }
        if target.subresource == "scale", let spec = r.scale, let name = target.name { return try req.answerScale(name, spec) }
        if let sub = target.subresource { return try req.answerSubresource(sub) }
        if let name = target.name { return try req.answerObject(name) }
        return try req.answerCollection()
    }

    /// `METHOD group/plural`, as the apiserver names what was asked in a 405.
    private var what: String { "\(method) \(r.qualified)" }

    /// `.../{name}/scale`: read or write the replicas.
    private func answerScale(_ name: String, _ spec: KubeScaleSpec) throws -> HTTPResponseMessage {
        switch method {
        case "GET": return KubeJSON.response(try scaleObject(name, spec))
        case "PUT", "PATCH": return try rescale(name, spec)
        default: throw KubeError.methodNotAllowed(method, "\(what)/scale")
        }
    }

    /// `.../{name}/status`, on types that have it; any other subresource is not served.
    private func answerSubresource(_ sub: String) throws -> HTTPResponseMessage {
        guard sub == "status", r.hasStatus, let name = target.name else { throw KubeError.noSuchPath }
        switch method {
        case "GET": return try get(name)
        case "PUT": return try update(name, statusOnly: true)
        case "PATCH": return try patch(name, statusOnly: true)
        default: throw KubeError.methodNotAllowed(method, "\(what)/status")
        }
    }

    /// `.../{name}`: one object.
    private func answerObject(_ name: String) throws -> HTTPResponseMessage {
        switch method {
        case "GET" where KubeWatchRequest.asked(ctx.request): return try watch(name: name)
        case "GET": return try get(name)
        case "PUT": return try update(name, statusOnly: false)
        case "PATCH": return try patch(name, statusOnly: false)
        case "DELETE": return try delete(name)
        default: throw KubeError.methodNotAllowed(method, what)
        }
    }

    /// `.../{plural}`: the collection (list or watch, create, delete them all).
    private func answerCollection() throws -> HTTPResponseMessage {
        switch method {
        case "GET": return try list()
        case "POST":
            if r.namespaced && target.namespace == nil { throw KubeError.methodNotAllowed(method, what) }
            return try create()
        case "DELETE" where r.verbs.contains("deletecollection"): return try deleteCollection()
        default: throw KubeError.methodNotAllowed(method, what)
        }
    }

    /// The namespace of an object path ("" for cluster-scoped types).
    var namespace: String { r.namespaced ? (target.namespace ?? "") : "" }

    /// An object as served at the requested version (`KubeResource.present`).
    func present(_ o: JSONValue) -> JSONValue { r.present(o) }

    func existing(_ name: String) throws -> StoredObject {
        guard let o = KubeStore.get(ctx.state, cluster: clusterName, r, namespace: namespace, name: name) else {
            throw KubeError.notFound(r, name)
        }
        return o
    }

    // MARK: Reads

    func get(_ name: String) throws -> HTTPResponseMessage {
        let o = present(try existing(name).json)
        if target.subresource == nil, let v = KubeTable.requested(ctx.request) { return KubeJSON.response(table([o], version: v)) }
        return KubeJSON.response(o)
    }

    /// `objects` as a `Table` (kubectl's server-side printing).
    func table(_ objects: [JSONValue], version: String) -> JSONValue {
        var crd: JSONValue? = nil
        if r.custom {
            crd = KubeStore.get(ctx.state, cluster: clusterName, KubeBuiltins.crds, namespace: "", name: "\(r.plural).\(r.group)")?.json
        }
        return KubeTable.table(r, crd: crd, objects: objects, version: version, resourceVersion: KubeStore.currentRV(ctx.state, cluster: clusterName),
                               includeObject: ctx.request.query("includeObject"), now: ctx.now)
    }

    /// What the request selects (`labelSelector`, `fieldSelector`, the path's namespace).
    func selection(name: String? = nil) throws -> KubeSelection {
        try KubeSelection(ctx.request, namespace: target.namespace, name: name, custom: r.custom)
    }

    /// Objects of the collection that pass `labelSelector` and `fieldSelector`.
    func selected() throws -> [JSONValue] {
        let s = try selection()
        return KubeStore.list(ctx.state, cluster: clusterName, r, namespace: target.namespace).map(\.json).filter(s.matches)
    }

    /// A list (`limit`/`continue` paged), or with `watch=1|true` a watch (`KubeRequest.watch`).
    func list() throws -> HTTPResponseMessage {
        if KubeWatchRequest.asked(ctx.request) { return try watch(name: nil) }
        var items = try selected().map(present)
        var meta: [String: JSONValue] = ["resourceVersion": .string(KubeStore.currentRV(ctx.state, cluster: clusterName))]
        var offset = 0
        if let c = ctx.request.query("continue"), !c.isEmpty {
            guard let d = Data(base64Encoded: c), let n = Int(String(decoding: d, as: UTF8.self)), n >= 0 else {
                throw KubeError.badRequest("continue key is not valid: \(c)")
            }
            offset = min(n, items.count)
        }
        items = Array(items.dropFirst(offset))
        if let l = ctx.request.query("limit").flatMap(Int.init), l > 0, items.count > l {
            meta["continue"] = .string(Data(String(offset + l).utf8).base64EncodedString())
            meta["remainingItemCount"] = .int(items.count - l)
            items = Array(items.prefix(l))
        }
        if let v = KubeTable.requested(ctx.request), case .object(var t) = table(items, version: v) {
            t["metadata"] = .object(meta)
            return KubeJSON.response(.object(t))
        }
        return KubeJSON.response(.object([
            "kind": .string("\(r.kind)List"), "apiVersion": .string(r.apiVersion),
            "metadata": .object(meta), "items": .array(items),
        ]))
    }

    // MARK: Bodies

    /// The request body as a JSON object, or a protobuf one of a type `KubeProto` knows. Other
    /// formats are refused (415).
    func bodyObject() throws -> JSONValue {
        let type = ctx.request.headers["Content-Type"] ?? ""
        guard !ctx.request.body.isEmpty else { throw KubeError.badRequest("the request has no body; send the object as JSON") }
        if type.contains("protobuf") {
            do { return try KubeProto.decode(ctx.request.body) } catch let e as KubeProto.Undecodable {
                throw KubeError.unsupportedMediaType("\(type): \(e.why)", accepted: ["application/json"])
            }
        }
        guard let v = try? JSONValue.parse(ctx.request.body) else {
            // Protobuf, CBOR and YAML bodies are not decoded: 415 tells clients to send JSON.
            if !type.isEmpty && !type.contains("json") { throw KubeError.unsupportedMediaType(type, accepted: ["application/json"]) }
            throw KubeError.badRequest("the body is not valid JSON (Content-Type \(type.isEmpty ? "none" : type))")
        }
        guard case .object = v else { throw KubeError.badRequest("the body must be a JSON object (an API object with apiVersion, kind and metadata)") }
        return v
    }
}
