import Foundation
import CloudClient
import CloudWire

/// One Kubernetes cluster as the engine drives it: the API client (one kubeconfig context) and the
/// run's mutation gate, shared with the VCD engine so that `--plan` and the change list cover both.
/// The kinds (`Kinds/Kube*.swift`) build on it through `KubeObjects`.
public final class KubeEngine: @unchecked Sendable {
    public let client: KubeClient
    public let gate: MutationGate
    /// How long `delete` waits for an object to be gone (finalizers), in seconds.
    public var deleteTimeout: Double = 120
    /// Seconds between two reads while waiting.
    public var pollInterval: Double = 0.25
    /// The clock waits read and pass on (the wall clock; the embedded simulator's own clock for its
    /// simulated clusters, where a wait moves simulated time on instead of sleeping).
    public var clock: WaitClock = WallClock.shared

    public init(client: KubeClient, gate: MutationGate) {
        self.client = client
        self.gate = gate
    }

    public var isPlan: Bool { gate.isPlan }
    /// The namespace of the kubeconfig's context.
    public var namespace: String { client.namespace }

    /// The objects of one resource in `namespace` (nil: cluster-scoped, or every namespace).
    public func objects(_ r: KubeResource, namespace: String?) -> KubeObjects {
        KubeObjects(kube: self, resource: r, namespace: r.namespaced ? namespace : nil)
    }

    public static let fieldManager = "vcdscript"
}

/// A change to send to a live object: the fields that differ (for the `~` line) and the patch.
public struct KubeUpdate {
    public var fields: [String]
    public var patch: JSONValue
    public var contentType: String
    /// Before and after of the fields the diff knows (a secret's data never: its values stay out of plans).
    public var values: [Change.FieldValues]
    public init(fields: [String], values: [Change.FieldValues] = [], patch: JSONValue, contentType: String = KubePatchType.strategic) {
        self.fields = fields
        self.values = values
        self.patch = patch
        self.contentType = contentType
    }
}

public enum KubePatchType {
    public static let strategic = "application/strategic-merge-patch+json"
    public static let merge = "application/merge-patch+json"
    public static let apply = "application/apply-patch+yaml"
}

/// The uniform operations on the objects of one resource (list, find, ensure, delete), as the
/// VCD kinds have them: every write goes through the gate; `ensure` is create if missing, update
/// only the given fields when they differ, else `= unchanged` with no request sent.
public struct KubeObjects {
    public let kube: KubeEngine
    public let resource: KubeResource
    /// nil for cluster-scoped resources (and for listing every namespace).
    public let namespace: String?

    public init(kube: KubeEngine, resource: KubeResource, namespace: String?) {
        self.kube = kube
        self.resource = resource
        self.namespace = namespace
    }

    var client: KubeClient { kube.client }
    /// `deployment`, `configmap`, ...: the kind in change lines.
    public var kindName: String { resource.kind.lowercased() }

    /// `default/web` for namespaced objects, `web` otherwise.
    public func label(_ name: String) -> String { namespace.map { "\($0)/\(name)" } ?? name }

    public func list() throws -> [JSONValue] {
        let l = try client.send("GET", resource.path(namespace: namespace), what: "list \(resource.plural)\(namespace.map { " in namespace \($0)" } ?? "")")
        guard case .array(let items)? = l["items"] else { return [] }
        // Lists leave kind and apiVersion out of their items.
        return items.map { item in
            guard case .object(var o) = item else { return item }
            if o["kind"] == nil { o["kind"] = .string(resource.kind) }
            if o["apiVersion"] == nil { o["apiVersion"] = .string(resource.apiVersion) }
            return .object(o)
        }
    }

    public func find(_ name: String) throws -> JSONValue? {
        try client.getIfPresent(resource.path(namespace: namespace, name: name), what: "read \(kindName) \(label(name))")
    }

    /// The object, or an error naming the ones there are.
    public func require(_ name: String) throws -> JSONValue {
        if let o = try find(name) { return o }
        let names = try list().compactMap { $0["metadata"]?["name"]?.stringValue }
        throw EngineError.notFound("no \(kindName) named \(name)\(namespace.map { " in namespace \($0)" } ?? "")",
                          hint: names.isEmpty ? "there is none yet" : "known: \(names.prefix(10).joined(separator: ", "))")
    }

    /// Create-or-update: `create` builds the full object when it is missing; `diff` compares the
    /// live one with the spec and answers nil when equal, else the patch of the differing fields.
    /// A create that finds the object made meanwhile (`AlreadyExists`), or an update the server
    /// refuses as stale (`Conflict`), is decided once more from a fresh read.
    public func ensure(_ name: String, create: () throws -> JSONValue, diff: (JSONValue) throws -> KubeUpdate?) throws -> Ensured<JSONValue> {
        guard !name.isEmpty else { throw EngineError("a \(kindName) needs a name", hint: "ensure(name: \"…\")") }
        do {
            return try ensureOnce(name, create: create, diff: diff)
        } catch let e as KubeError where e.reason == "AlreadyExists" || e.reason == "Conflict" {
            return try ensureOnce(name, create: create, diff: diff)
        }
    }

    func ensureOnce(_ name: String, create: () throws -> JSONValue, diff: (JSONValue) throws -> KubeUpdate?) throws -> Ensured<JSONValue> {
        if let live = try find(name) {
            guard let u = try diff(live) else {
                kube.gate.unchanged(kind: kindName, name: label(name))
                return Ensured(live, Change(.unchanged, kind: kindName, name: label(name)))
            }
            let change = Change(.update, kind: kindName, name: label(name), fields: u.fields, values: u.values)
            let path = resource.path(namespace: namespace, name: name)
            let updated = try kube.gate.mutate(change) {
                try client.send("PATCH", path, body: u.patch, contentType: u.contentType, what: "update \(kindName) \(label(name))")
            }
            // Plan mode: the object as the patch would leave it.
            return Ensured(updated ?? KubeJSONPath.merged(live, u.patch), change)
        }
        // A name the apiserver would refuse is refused here, in its words, before anything is sent
        // (the same in apply and under --plan).
        if let why = KubeNameRules.problem(name, group: resource.group, plural: resource.plural) {
            throw KubeError(status: 422, reason: "Invalid", message: KubeNameRules.message(kind: resource.kind, group: resource.group, name: name, why: why),
                            operation: "create \(kindName) \(label(name))")
        }
        let body = try create()
        let change = Change(.create, kind: kindName, name: label(name))
        let created = try kube.gate.mutate(change) {
            try client.send("POST", resource.path(namespace: namespace), body: body, what: "create \(kindName) \(label(name))")
        }
        guard let created else { return Ensured(body, change, planned: true) }
        return Ensured(created, change)
    }

    /// Deletes the object if it exists (missing is fine) and waits until it is gone (finalizers
    /// may hold it); true if it existed.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard try find(name) != nil else { return false }
        let path = resource.path(namespace: namespace, name: name)
        try kube.gate.mutate(Change(.delete, kind: kindName, name: label(name))) {
            do {
                try client.send("DELETE", path, what: "delete \(kindName) \(label(name))")
            } catch let e as KubeError where e.reason == "NotFound" {
                return  // deleted meanwhile: fine
            }
            try waitGone(name)
        }
        return true
    }

    /// Polls until the object is gone, or fails after `deleteTimeout` naming its finalizers.
    func waitGone(_ name: String) throws {
        let deadline = kube.clock.now() + kube.deleteTimeout
        // Soon at first (most deletions end within a read or two), then every poll interval.
        var pauses = PollBackoff(first: kube.pollInterval / 5, maximum: kube.pollInterval)
        while true {
            guard let o = try find(name) else { return }
            if kube.clock.now() >= deadline {
                var finalizers: [String] = []
                if case .array(let f)? = o["metadata"]?["finalizers"] { finalizers = f.compactMap(\.stringValue) }
                throw EngineError("\(kindName) \(label(name)) is still there \(String(format: "%g", kube.deleteTimeout)) s after its deletion"
                                  + (finalizers.isEmpty ? "" : " (finalizers: \(finalizers.joined(separator: ", ")))"),
                                  hint: finalizers.isEmpty ? "the cluster is slow to delete it; look at it with kubectl describe"
                                                           : "a controller must remove those finalizers; is it running? (kubectl get \(resource.plural) \(name) -o yaml)",
                                  kind: .timeout)
            }
            try kube.clock.pause(min(pauses.next(), max(0.001, deadline - kube.clock.now())), waitingFor: "\(kindName) \(label(name)) to be deleted", at: client.server)
        }
    }
}

/// Helpers for reading and comparing objects.
public enum KubeJSONPath {
    /// `metadata.labels` and other string maps.
    public static func stringMap(_ v: JSONValue?) -> [String: String] {
        guard case .object(let o)? = v else { return [:] }
        var out: [String: String] = [:]
        for (k, x) in o { if let s = x.scalarText { out[k] = s } }
        return out
    }

    public static func object(_ m: [String: String]) -> JSONValue { .object(m.mapValues { .string($0) }) }

    /// The keys of `spec` whose values differ in `live` (a subset check).
    public static func differingKeys(_ spec: [String: String], _ live: [String: String]) -> [String] {
        spec.keys.sorted().filter { live[$0] != spec[$0] }
    }

    /// `patch` merged into `object`, as the server would (near enough to show a plan): maps merge,
    /// null removes, lists of maps with names merge by name, other lists are replaced; `$patch`
    /// directives are dropped.
    public static func merged(_ object: JSONValue, _ patch: JSONValue) -> JSONValue {
        switch (object, patch) {
        case (.object(var o), .object(let p)):
            for (k, v) in p where !k.hasPrefix("$") {
                if v == .null { o.removeValue(forKey: k) } else { o[k] = o[k].map { merged($0, v) } ?? merged(.object([:]), v) }
            }
            return .object(o)
        case (.array(let a), .array(let p)):
            let items = p.filter { $0["$patch"] == nil }
            guard !items.isEmpty, items.allSatisfy({ $0["name"]?.stringValue != nil }) else { return .array(items.map { merged(.object([:]), $0) }) }
            var out = a
            for x in items {
                if let i = out.firstIndex(where: { $0["name"] == x["name"] }) { out[i] = merged(out[i], x) } else { out.append(x) }
            }
            return .array(out)
        case (.object, _), (.array, _), (_, .object), (_, .array):
            // Different shapes: the patch's, with its directives dropped.
            if case .object = patch { return merged(.object([:]), patch) }
            if case .array = patch { return merged(.array([]), patch) }
            return patch
        default:
            return patch
        }
    }

    /// `a.b.c` set in an object, creating maps on the way.
    public static func set(_ o: inout JSONValue, _ path: [String], _ v: JSONValue) {
        guard let first = path.first else { o = v; return }
        var m: JSONObject
        if case .object(let x) = o { m = x } else { m = [:] }
        var child = m[first] ?? .object([:])
        set(&child, Array(path.dropFirst()), v)
        m[first] = child
        o = .object(m)
    }

    /// The dotted paths where `spec` (a manifest) says something `live` does not: every scalar and
    /// list of the spec must be equal in live; maps are compared key by key. Lists of maps of the
    /// same length compare element by element (defaults the server added stay out of the way).
    public static func differences(_ spec: JSONValue, _ live: JSONValue?, path: String = "") -> [String] {
        switch spec {
        case .object(let s):
            var out: [String] = []
            for k in s.keys.sorted() {
                out += differences(s[k]!, live?[k], path: path.isEmpty ? k : "\(path).\(k)")
            }
            return out
        case .array(let a):
            guard case .array(let l)? = live, l.count == a.count else { return [path] }
            for (x, y) in zip(a, l) where !differences(x, y).isEmpty { return [path] }
            return []
        case .null:
            return live == nil || live == .null ? [] : [path]
        default:
            // Quantities only where Kubernetes keeps them (resources, capacities, storage requests).
            let quantities = ["resources", "capacity", "storage", "hard", "limits", "requests"].contains { path.contains($0) }
            return sameScalar(spec, live, quantities: quantities) ? [] : [path]
        }
    }

    /// Equal scalars, as the server gives them back: `1` and `"1"`, and resource quantities in
    /// their canonical form (`cpu: 0.5` comes back as `"500m"`, `1024Mi` as `"1Gi"`).
    static func sameScalar(_ spec: JSONValue, _ live: JSONValue?, quantities: Bool) -> Bool {
        guard let live else { return false }
        if spec == live { return true }
        guard let a = spec.scalarText, let b = live.scalarText else { return false }
        if a == b, spec.stringValue == nil || live.stringValue == nil { return true }
        if quantities, let x = KubeQuantity.value(a), let y = KubeQuantity.value(b) { return abs(x - y) <= 1e-9 * max(1, abs(x)) }
        return false
    }
}
