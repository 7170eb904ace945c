import CloudWire
import Foundation

/// The built-in types the cluster's own controllers read and write.
enum KubeTypes {
    static func builtin(_ plural: String) -> KubeResource { KubeBuiltins.all.first { $0.plural == plural }! }
    static let pods = builtin("pods")
    static let nodes = builtin("nodes")
    static let services = builtin("services")
    static let endpoints = builtin("endpoints")
    static let namespaces = builtin("namespaces")
    static let deployments = builtin("deployments")
    static let replicaSets = builtin("replicasets")
    static let daemonSets = builtin("daemonsets")
    static let statefulSets = builtin("statefulsets")
    static let jobs = builtin("jobs")
    static let storageClasses = builtin("storageclasses")
}

/// Writing objects inside a controller transaction with the apiserver's bookkeeping (uid,
/// creationTimestamp, generation, resourceVersion), and never rewriting an unchanged object, so
/// that a pass with nothing to do leaves every resourceVersion as it was.
enum KubeObjectWriter {
    @discardableResult
    static func create(_ tx: WriteTx, _ cluster: String, _ r: KubeResource, _ input: JSONValue) throws -> JSONValue {
        var o = input
        KubeMeta.setTop(&o, "apiVersion", .string(r.apiVersion))
        KubeMeta.setTop(&o, "kind", .string(r.kind))
        if !r.namespaced { KubeMeta.set(&o, "namespace", nil) }
        KubeMeta.set(&o, "uid", .string(UUID().uuidString.lowercased()))
        KubeMeta.set(&o, "creationTimestamp", .string(KubeMeta.timestamp(tx.now)))
        if r.tracksGeneration { KubeMeta.set(&o, "generation", .int(1)) }
        return try KubeStore.put(tx, cluster: cluster, r, o)
    }

    /// Stores `new` unless it equals `old`; returns what is stored.
    @discardableResult
    static func save(_ tx: WriteTx, _ cluster: String, _ r: KubeResource, old: JSONValue, _ new: JSONValue) throws -> JSONValue {
        if old == new { return old }
        return try KubeStore.put(tx, cluster: cluster, r, new)
    }

    static func remove(_ tx: WriteTx, _ cluster: String, _ r: KubeResource, _ o: JSONValue) throws {
        if let s = KubeStore.get(tx, cluster: cluster, r, namespace: KubeMeta.namespace(o), name: KubeMeta.name(o)) {
            try KubeStore.remove(tx, cluster: cluster, s)
        }
    }
}

/// Reading the fields controllers act on.
enum KubeFields {
    static func int(_ v: JSONValue?) -> Int? {
        switch v {
        case .int(let i)?: return i
        case .double(let d)?: return Int(d)
        case .string(let s)?: return Int(s)
        default: return nil
        }
    }

    static func array(_ v: JSONValue?) -> [JSONValue] {
        if case .array(let a)? = v { return a }
        return []
    }

    static func strings(_ v: JSONValue?) -> [String: String] {
        if case .object(let o)? = v { return Dictionary(uniqueKeysWithValues: o.compactMap { m in m.value.scalarText.map { (m.key, $0) } }) }
        return [:]
    }

    static func uid(_ o: JSONValue) -> String { KubeMeta.field(o, "uid")?.stringValue ?? "" }
    static func generation(_ o: JSONValue) -> Int { int(KubeMeta.field(o, "generation")) ?? 1 }
    static func deleting(_ o: JSONValue) -> Bool { KubeMeta.field(o, "deletionTimestamp") != nil }
    static func annotations(_ o: JSONValue) -> [String: String] { strings(KubeMeta.field(o, "annotations")) }

    static func setAnnotation(_ o: inout JSONValue, _ key: String, _ value: String?) {
        var a = annotations(o).mapValues { JSONValue.string($0) }
        a[key] = value.map { .string($0) }
        KubeMeta.set(&o, "annotations", a.isEmpty ? nil : .object(a))
    }

    /// Sets `status` to `fields` (members whose value is nil are left out).
    static func withStatus(_ o: JSONValue, _ fields: [String: JSONValue?]) -> JSONValue {
        var out = o
        KubeMeta.setTop(&out, "status", .object(fields.compactMapValues { $0 }))
        return out
    }

    /// An int32 status member the Go types mark `omitempty`: left out when zero.
    static func omitZero(_ n: Int) -> JSONValue? { n == 0 ? nil : .int(n) }

    /// The owner reference a controller puts on what it makes.
    static func controllerRef(_ owner: JSONValue, _ r: KubeResource) -> JSONValue {
        .object(["apiVersion": .string(r.apiVersion), "kind": .string(r.kind), "name": .string(KubeMeta.name(owner)),
                 "uid": .string(uid(owner)), "controller": .bool(true), "blockOwnerDeletion": .bool(true)])
    }

    static func ownerRefs(_ o: JSONValue) -> [JSONValue] { array(KubeMeta.field(o, "ownerReferences")) }

    /// The uid of the controller owning `o`, if any.
    static func controllerUID(_ o: JSONValue) -> String? {
        ownerRefs(o).first { $0["controller"] == .bool(true) }?["uid"]?.stringValue
    }

    /// A condition whose `lastTransitionTime` (and `lastUpdateTime` for the apps types) is kept
    /// from the previous one when its status did not change, so recomputing the same conditions
    /// changes nothing.
    static func condition(_ type: String, _ ok: Bool, reason: String, message: String, previous: [JSONValue], now: Double,
                          updateTime: Bool = false, probeTime: Bool = false) -> JSONValue {
        let status = ok ? "True" : "False"
        let t = JSONValue.string(KubeMeta.timestamp(now))
        let prev = previous.first { $0["type"]?.stringValue == type }
        var c: [String: JSONValue] = ["type": .string(type), "status": .string(status), "lastTransitionTime": t]
        if !reason.isEmpty { c["reason"] = .string(reason) }
        if !message.isEmpty { c["message"] = .string(message) }
        if updateTime { c["lastUpdateTime"] = t }
        if probeTime { c["lastProbeTime"] = .null }
        guard let prev, prev["status"]?.stringValue == status else { return .object(c) }
        c["lastTransitionTime"] = prev["lastTransitionTime"] ?? t
        if prev["reason"] == c["reason"] && prev["message"] == c["message"] {
            if updateTime { c["lastUpdateTime"] = prev["lastUpdateTime"] ?? t }
        }
        return .object(c)
    }
}

/// `spec.selector` of the apps types and the node selectors of the scheduler.
enum KubeObjectSelector {
    /// A `LabelSelector` object (`matchLabels`, `matchExpressions` with In, NotIn, Exists,
    /// DoesNotExist). An empty selector matches everything; a missing one nothing.
    static func matches(_ selector: JSONValue?, _ labels: [String: String]) -> Bool {
        guard let selector, case .object = selector else { return false }
        for (k, v) in KubeFields.strings(selector["matchLabels"]) where labels[k] != v { return false }
        return KubeFields.array(selector["matchExpressions"]).allSatisfy { expression($0, labels[$0["key"]?.stringValue ?? ""]) }
    }

    /// One `matchExpressions` requirement against the value of its key (nil when absent); also
    /// the node-affinity operators Gt and Lt.
    static func expression(_ e: JSONValue, _ value: String?) -> Bool {
        let values = KubeFields.array(e["values"]).compactMap(\.scalarText)
        switch e["operator"]?.stringValue ?? "" {
        case "In": return value.map(values.contains) ?? false
        case "NotIn": return !(value.map(values.contains) ?? false)
        case "Exists": return value != nil
        case "DoesNotExist": return value == nil
        case "Gt": return (value.flatMap(Int.init) ?? .min) > (values.first.flatMap(Int.init) ?? .max)
        case "Lt": return (value.flatMap(Int.init) ?? .max) < (values.first.flatMap(Int.init) ?? .min)
        default: return false
        }
    }

    /// The selector as `kubectl` and `status.selector` write it (`a=b,c in (d)`).
    static func text(_ selector: JSONValue?) -> String {
        var parts = KubeFields.strings(selector?["matchLabels"]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for e in KubeFields.array(selector?["matchExpressions"]) {
            let k = e["key"]?.stringValue ?? "", vs = KubeFields.array(e["values"]).compactMap(\.scalarText).sorted().joined(separator: ",")
            switch e["operator"]?.stringValue ?? "" {
            case "In": parts.append("\(k) in (\(vs))")
            case "NotIn": parts.append("\(k) notin (\(vs))")
            case "Exists": parts.append(k)
            case "DoesNotExist": parts.append("!\(k)")
            default: break
            }
        }
        return parts.joined(separator: ",")
    }
}

/// Names and hashes the controllers give what they make.
enum KubeNames {
    /// The alphabet of generated names (no vowels, no look-alike digits), as the apiserver uses.
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    /// A five-character suffix for `<owner>-xxxxx` names, derived from `seed` (deterministic:
    /// the same state gives the same names).
    static func suffix(_ seed: String, length: Int = 5) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in seed.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        var out = ""
        for _ in 0..<length {
            out.append(alphabet[Int(h % UInt64(alphabet.count))])
            h = h / UInt64(alphabet.count) &* 0x9e3779b97f4a7c15 &+ 1
        }
        return out
    }

    /// `pod-template-hash` / `controller-revision-hash`: a 32-bit FNV-1a of the template (walked
    /// with sorted keys, plus the collision count), written in decimal and each digit mapped into
    /// the alphabet, which gives values shaped like the real controllers' (`5d5b8f5c7b`).
    static func templateHash(_ template: JSONValue, collisionCount: Int = 0) -> String {
        var h: UInt32 = 0x811c9dc5
        feed(template, &h)
        if collisionCount > 0 { for b in String(collisionCount).utf8 { h = (h ^ UInt32(b)) &* 0x01000193 } }
        return String(String(h).utf8.map { alphabet[Int($0) % alphabet.count] })
    }

    /// Feeds a value to the hash without encoding it first (a tag per type, strings with their
    /// length, object members by sorted key), so equal values hash alike and hashing is cheap.
    private static func feed(_ v: JSONValue, _ h: inout UInt32) {
        func byte(_ b: UInt8) { h = (h ^ UInt32(b)) &* 0x01000193 }
        func text(_ s: String) {
            for b in String(s.utf8.count).utf8 { byte(b) }
            byte(0x3a)
            for b in s.utf8 { byte(b) }
        }
        switch v {
        case .null: byte(0x6e)
        case .bool(let b): byte(b ? 0x74 : 0x66)
        case .int(let i): byte(0x69); text(String(i))
        case .double(let d): byte(0x64); text(String(d))
        case .string(let s): byte(0x73); text(s)
        case .array(let a):
            byte(0x5b)
            for x in a { feed(x, &h) }
            byte(0x5d)
        case .object(let o):
            byte(0x7b)
            for k in o.keys.sorted() { text(k); feed(o[k]!, &h) }
            byte(0x7d)
        }
    }

    /// `<prefix><suffix>` not used by any of `taken`.
    static func fresh(_ prefix: String, seed: String, taken: Set<String>) -> String {
        var i = 0
        while true {
            let name = prefix + suffix("\(seed)/\(i)")
            if !taken.contains(name) { return name }
            i += 1
        }
    }

    /// The image reference as the container runtime reports it: registry and tag made explicit
    /// (`nginx` → `docker.io/library/nginx:latest`).
    static func fullImage(_ image: String) -> String {
        var ref = image
        let first = ref.split(separator: "/").first.map(String.init) ?? ""
        let hasRegistry = ref.contains("/") && (first.contains(".") || first.contains(":") || first == "localhost")
        if !hasRegistry { ref = (ref.contains("/") ? "docker.io/" : "docker.io/library/") + ref }
        let last = ref.split(separator: "/").last.map(String.init) ?? ""
        if !last.contains(":") && !ref.contains("@") { ref += ":latest" }
        return ref
    }
}
