import CloudWire
import Foundation

/// Create, update, patch and delete, with the apiserver's bookkeeping: `uid`,
/// `creationTimestamp`, `resourceVersion` (stale on update → 409 Conflict), `generation`,
/// status subresources, finalizers, namespace existence and cascading namespace/CRD deletion.
extension KubeRequest {
    var tx: WriteTx { ctx.write }

    /// The namespace must exist before objects are created in it (the NamespaceLifecycle check).
    func requireNamespace() throws {
        guard r.namespaced else { return }
        if KubeStore.get(ctx.state, cluster: clusterName, KubeBuiltins.namespaces, namespace: "", name: namespace) == nil {
            throw KubeError.notFound(KubeBuiltins.namespaces, namespace)
        }
    }

    /// Checks `apiVersion`/`kind` of a body against the type addressed, and fills them when absent.
    func checkType(_ o: inout JSONValue) throws {
        if let k = o["kind"]?.stringValue, !k.isEmpty, k != r.kind {
            throw KubeError.badRequest("the kind in the data (\(k)) does not match the expected kind (\(r.kind)) of \(r.qualified)")
        }
        if let v = o["apiVersion"]?.stringValue, !v.isEmpty, v != r.apiVersion,
           !(r.custom && v.hasPrefix(r.group + "/")) {
            throw KubeError.badRequest("the API version in the data (\(v)) does not match the expected API version (\(r.apiVersion))")
        }
        KubeMeta.setTop(&o, "apiVersion", .string(r.apiVersion))
        KubeMeta.setTop(&o, "kind", .string(r.kind))
        if case .object = o["metadata"] ?? .null {} else if o["metadata"] != nil {
            throw KubeError.badRequest("metadata must be an object")
        }
        if r.namespaced {
            let ns = KubeMeta.namespace(o)
            if !ns.isEmpty && ns != namespace {
                throw KubeError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            KubeMeta.set(&o, "namespace", .string(namespace))
        } else {
            KubeMeta.set(&o, "namespace", nil)
        }
    }

    func invalidName(_ name: String, _ why: String) -> KubeError {
        KubeError.invalid(kind: r.kind, group: r.group, name: name, field: "metadata.name", value: name, why: why)
    }

    // MARK: Create

    func create() throws -> HTTPResponseMessage {
        var o = try bodyObject()
        try checkType(&o)
        try requireNamespace()
        var name = KubeMeta.name(o)
        if name.isEmpty, let prefix = KubeMeta.field(o, "generateName")?.stringValue, !prefix.isEmpty {
            let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
            name = prefix + String((0..<5).map { _ in alphabet.randomElement()! })
            KubeMeta.set(&o, "name", .string(name))
        }
        guard !name.isEmpty else { throw invalidName("", "name or generateName is required") }
        if let why = r.nameProblem(name) { throw invalidName(name, why) }
        if KubeStore.get(ctx.state, cluster: clusterName, r, namespace: namespace, name: name) != nil {
            throw KubeError.alreadyExists(r, name)
        }
        for key in ["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"] { KubeMeta.set(&o, key, nil) }
        KubeMeta.set(&o, "uid", .string(UUID().uuidString.lowercased()))
        KubeMeta.set(&o, "creationTimestamp", .string(KubeMeta.timestamp(ctx.now)))
        if r.tracksGeneration { KubeMeta.set(&o, "generation", .int(1)) }
        // With a status subresource, status is the controllers' to write: a create drops it.
        if r.hasStatus { KubeMeta.setTop(&o, "status", nil) }
        try admit(&o, old: nil)
        let stored = dryRun ? o : try KubeStore.put(tx, cluster: clusterName, r, o)
        return KubeJSON.response(present(stored), status: 201)
    }

    /// Type-specific defaults and checks (what the apiserver's strategies and the few controllers
    /// whose effect clients wait for would do at once).
    func admit(_ o: inout JSONValue, old: JSONValue?) throws {
        switch (r.group, r.plural) {
        case ("", "namespaces"):
            if o["spec"]?["finalizers"] == nil { KubeMeta.setTop(&o, "spec", .object(["finalizers": .array([.string("kubernetes")])])) }
            if old == nil || o["status"]?["phase"] == nil { KubeMeta.setTop(&o, "status", .object(["phase": .string("Active")])) }
            var labels = KubeMeta.labels(o).mapValues { JSONValue.string($0) }
            labels["kubernetes.io/metadata.name"] = .string(KubeMeta.name(o))
            KubeMeta.set(&o, "labels", .object(labels))
        case ("", "secrets"):
            // `stringData` is write-only: merged into `data` as base64, as the apiserver does.
            var data: JSONObject = [:]
            if case .object(let d)? = o["data"] { data = d }
            if case .object(let sd)? = o["stringData"] {
                for (k, v) in sd { data[k] = .string(Data((v.stringValue ?? "").utf8).base64EncodedString()) }
            }
            KubeMeta.setTop(&o, "stringData", nil)
            if !data.isEmpty { KubeMeta.setTop(&o, "data", .object(data)) }
            if o["type"] == nil { KubeMeta.setTop(&o, "type", .string("Opaque")) }
        case ("", "services"):
            if o["spec"]?["type"] == nil { o = KubePatch.merge(o, .object(["spec": .object(["type": .string("ClusterIP")])])) }
            KubeServiceIPs.assign(&o, old: old, state: ctx.state, cluster: cluster)
        case ("apiextensions.k8s.io", "customresourcedefinitions"):
            try KubeCRDs.validate(o)
            if let old, KubeCRDs.storageKey(old) != KubeCRDs.storageKey(o) {
                throw KubeError.invalid(kind: r.kind, group: r.group, name: KubeMeta.name(o), field: "spec.names.plural",
                                        value: o["spec"]?["names"]?["plural"]?.stringValue ?? "", why: "field is immutable")
            }
            KubeCRDs.establish(&o, old: old, now: ctx.now)
        default: break
        }
    }

    // MARK: Update

    func update(_ name: String, statusOnly: Bool) throws -> HTTPResponseMessage {
        var o = try bodyObject()
        try checkType(&o)
        let bodyName = KubeMeta.name(o)
        if !bodyName.isEmpty && bodyName != name {
            throw KubeError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        KubeMeta.set(&o, "name", .string(name))
        return try replace(name, with: o, statusOnly: statusOnly)
    }

    /// Stores `new` in place of the current object: a stale `resourceVersion` is a conflict; what
    /// the server owns (uid, creation time, generation, and status or everything but status) is kept.
    func replace(_ name: String, with input: JSONValue, statusOnly: Bool, created: Bool = false) throws -> HTTPResponseMessage {
        let oldObj = try existing(name)
        let old = oldObj.json
        var o = input
        if let rv = KubeMeta.field(o, "resourceVersion")?.stringValue, !rv.isEmpty,
           rv != KubeMeta.field(old, "resourceVersion")?.stringValue {
            throw KubeError.conflict(r, name)
        }
        if statusOnly {
            // Through /status the spec stays. A custom resource takes only its status; a built-in
            // type also takes the changes to its metadata, as their status strategies keep the
            // old spec only (the cloud provider's service controller adds and removes its
            // `service.kubernetes.io/load-balancer-cleanup` finalizer through services/status).
            var kept = old
            KubeMeta.setTop(&kept, "status", o["status"])
            if !r.custom, case .object(let meta)? = o["metadata"] {
                for key in ["labels", "annotations", "finalizers", "ownerReferences"] { KubeMeta.set(&kept, key, meta[key]) }
            }
            o = kept
        } else if r.hasStatus {
            KubeMeta.setTop(&o, "status", old["status"])
        }
        for key in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
            KubeMeta.set(&o, key, KubeMeta.field(old, key))
        }
        if r.tracksGeneration, Self.specPart(o) != Self.specPart(old) {
            let g = KubeMeta.field(old, "generation").flatMap { if case .int(let i) = $0 { return i }; return nil } ?? 0
            KubeMeta.set(&o, "generation", .int(g + 1))
        }
        try admit(&o, old: old)
        KubeMeta.set(&o, "resourceVersion", KubeMeta.field(old, "resourceVersion"))
        // The last finalizer gone from an object being deleted: it goes now.
        if KubeMeta.field(o, "deletionTimestamp") != nil, Self.finalizers(o).isEmpty {
            if !dryRun { try KubeStore.remove(tx, cluster: clusterName, oldObj) }
            return KubeJSON.response(present(o))
        }
        // An update that changes nothing keeps its resourceVersion, as the apiserver does.
        if o == old || dryRun { return KubeJSON.response(present(o), status: created ? 201 : 200) }
        return KubeJSON.response(present(try KubeStore.put(tx, cluster: clusterName, r, o)), status: created ? 201 : 200)
    }

    /// Everything but metadata and status: what bumps `generation`.
    static func specPart(_ o: JSONValue) -> JSONValue {
        guard case .object(var top) = o else { return o }
        for k in ["metadata", "status", "apiVersion", "kind"] { top.removeValue(forKey: k) }
        return .object(top)
    }

    static func finalizers(_ o: JSONValue) -> [String] {
        if case .array(let a)? = KubeMeta.field(o, "finalizers") { return a.compactMap(\.stringValue) }
        return []
    }

    // MARK: Patch

    func patch(_ name: String, statusOnly: Bool) throws -> HTTPResponseMessage {
        let type = (ctx.request.headers["Content-Type"] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard KubePatch.accepted.contains(type) else { throw KubeError.unsupportedMediaType(type, accepted: KubePatch.accepted) }
        guard let patch = try? JSONValue.parse(ctx.request.body) else {
            if type == KubePatch.applyType {
                throw KubeError.unsupportedMediaType(type + " (YAML text)", accepted: ["application/apply-patch+yaml with a JSON body"])
            }
            throw KubeError.badRequest("the patch is not valid JSON")
        }
        let current = KubeStore.get(ctx.state, cluster: clusterName, r, namespace: namespace, name: name)
        if current == nil && type == KubePatch.applyType && !statusOnly {
            // Server-side apply of an absent object creates it.
            var o = patch
            try checkType(&o)
            KubeMeta.set(&o, "name", .string(name))
            return try createParsed(o)
        }
        guard let current else { throw KubeError.notFound(r, name) }
        var patched: JSONValue
        switch type {
        case KubePatch.jsonPatchType: patched = try KubePatch.jsonPatch(current.json, patch)
        case KubePatch.strategicType:
            guard !r.custom else {
                throw KubeError.unsupportedMediaType(type, accepted: [KubePatch.jsonPatchType, KubePatch.mergeType, KubePatch.applyType])
            }
            patched = KubePatch.strategic(current.json, patch)
        default:
            guard case .object = patch else { throw KubeError.badRequest("a merge patch must be a JSON object") }
            patched = KubePatch.merge(current.json, patch)
        }
        guard case .object = patched else { throw KubeError.badRequest("the patch does not leave an object") }
        if KubeMeta.name(patched) != name {
            throw KubeError.invalid(kind: r.kind, group: r.group, name: name, field: "metadata.name", value: KubeMeta.name(patched), why: "field is immutable")
        }
        try checkType(&patched)
        return try replace(name, with: patched, statusOnly: statusOnly)
    }

    /// Creates a parsed object (server-side apply of an absent object).
    private func createParsed(_ input: JSONValue) throws -> HTTPResponseMessage {
        var o = input
        try requireNamespace()
        let name = KubeMeta.name(o)
        if let why = r.nameProblem(name) { throw invalidName(name, why) }
        KubeMeta.set(&o, "uid", .string(UUID().uuidString.lowercased()))
        KubeMeta.set(&o, "creationTimestamp", .string(KubeMeta.timestamp(ctx.now)))
        KubeMeta.set(&o, "resourceVersion", nil)
        if r.tracksGeneration { KubeMeta.set(&o, "generation", .int(1)) }
        if r.hasStatus { KubeMeta.setTop(&o, "status", nil) }
        try admit(&o, old: nil)
        let stored = dryRun ? o : try KubeStore.put(tx, cluster: clusterName, r, o)
        return KubeJSON.response(present(stored), status: 201)
    }

    // MARK: Delete

    func delete(_ name: String) throws -> HTTPResponseMessage {
        let obj = try existing(name)
        if let opts = try? JSONValue.parse(ctx.request.body), let pre = opts["preconditions"] {
            if let rv = pre["resourceVersion"]?.stringValue, rv != KubeMeta.field(obj.json, "resourceVersion")?.stringValue {
                throw KubeError(409, "Conflict", "Operation cannot be fulfilled on \(r.qualified) \"\(name)\": Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(KubeMeta.field(obj.json, "resourceVersion")?.stringValue ?? "")",
                                details: KubeError.detailsOf(r, name: name))
            }
            if let uid = pre["uid"]?.stringValue, uid != KubeMeta.field(obj.json, "uid")?.stringValue {
                throw KubeError(409, "Conflict", "Operation cannot be fulfilled on \(r.qualified) \"\(name)\": Precondition failed: UID in precondition: \(uid), UID in object meta: \(KubeMeta.field(obj.json, "uid")?.stringValue ?? "")",
                                details: KubeError.detailsOf(r, name: name))
            }
        }
        var o = obj.json
        // Finalizers hold the object (marked with deletionTimestamp) until their owners remove them.
        if !Self.finalizers(o).isEmpty {
            if KubeMeta.field(o, "deletionTimestamp") == nil {
                KubeMeta.set(&o, "deletionTimestamp", .string(KubeMeta.timestamp(ctx.now)))
                KubeMeta.set(&o, "deletionGracePeriodSeconds", .int(0))
                if r.tracksGeneration, case .int(let g)? = KubeMeta.field(o, "generation") { KubeMeta.set(&o, "generation", .int(g + 1)) }
                if !dryRun { o = try KubeStore.put(tx, cluster: clusterName, r, o) }
            }
            return KubeJSON.response(present(o))
        }
        if r.group.isEmpty && r.plural == "namespaces" && ["default", "kube-system", "kube-public"].contains(name) {
            throw KubeError(403, "Forbidden", "namespaces \"\(name)\" is forbidden: this namespace may not be deleted",
                            details: KubeError.detailsOf(r, name: name))
        }
        if !dryRun, KubeGarbageCollector.orphans(ctx.request) { try KubeGarbageCollector.orphan(tx, cluster: clusterName, owner: obj.json) }
        if !dryRun { try cascade(obj) }
        if r.group.isEmpty && r.plural == "namespaces" {
            // Namespaces are removed at once here (no namespace controller); answered as Terminating.
            KubeMeta.set(&o, "deletionTimestamp", .string(KubeMeta.timestamp(ctx.now)))
            KubeMeta.setTop(&o, "status", .object(["phase": .string("Terminating")]))
        }
        if r.returnsDeleted { return KubeJSON.response(present(o)) }
        var details = KubeError.detailsOf(r, name: name)
        details["uid"] = KubeMeta.field(o, "uid")
        return KubeJSON.response(KubeJSON.success(details: details))
    }

    /// Removes an object and what lives under it: a namespace's objects, a CRD's custom resources.
    func cascade(_ obj: StoredObject) throws {
        if r.group.isEmpty && r.plural == "namespaces" {
            var seen = Set<String>()
            for t in catalog.resources where t.namespaced && seen.insert(t.storageKey).inserted {
                for child in KubeStore.list(tx, cluster: clusterName, t, namespace: obj.name) { try KubeStore.remove(tx, cluster: clusterName, child) }
            }
        }
        if r.plural == "customresourcedefinitions", let key = KubeCRDs.storageKey(obj.json) {
            for child in tx.children(Kind.kubeObject, of: "k8s/\(clusterName)/\(key)") { try KubeStore.remove(tx, cluster: clusterName, child) }
        }
        try KubeStore.remove(tx, cluster: clusterName, obj)
    }

    func deleteCollection() throws -> HTTPResponseMessage {
        var deleted: [JSONValue] = []
        for o in try selected() {
            guard let obj = KubeStore.get(tx, cluster: clusterName, r, namespace: KubeMeta.namespace(o), name: KubeMeta.name(o)) else { continue }
            if !dryRun { try cascade(obj) }
            deleted.append(present(o))
        }
        return KubeJSON.response(.object([
            "kind": .string("\(r.kind)List"), "apiVersion": .string(r.apiVersion),
            "metadata": .object(["resourceVersion": .string(KubeStore.currentRV(tx, cluster: clusterName))]), "items": .array(deleted),
        ]))
    }
}
