import CloudWire
import Documents
import Foundation

/// Read access to the simulated world: the committed state, or a write transaction's view of it.
protocol StateView: AnyObject {
    func get(_ id: String) -> StoredObject?
    /// Objects of `kind` in insertion order.
    func all(_ kind: String) -> [StoredObject]
    /// Objects of `kind` whose parent is `parentId`, in insertion order (indexed: NAT rules of one
    /// gateway are found without scanning every rule).
    func children(_ kind: String, of parentId: String) -> [StoredObject]
    /// The parsed bodies of those children only: copying whole `StoredObject`s of thousands of NAT
    /// rules on every write was most of a NAT create under perf.
    func childJSONs(_ kind: String, of parentId: String) -> [JSONValue]
    func meta(_ key: String) -> String?
}

extension StateView {
    /// The object `id` if it is of `kind`.
    func get(_ id: String, kind: String) -> StoredObject? {
        guard let o = get(id), o.kind == kind else { return nil }
        return o
    }
    /// The first object of `kind` named `name` (optionally under `parentId`).
    func named(_ kind: String, _ name: String, parent: String? = nil) -> StoredObject? {
        all(kind).first { $0.name == name && (parent == nil || $0.parentId == parent) }
    }
}

/// The committed world, in memory. The store is the truth on disk; this mirror serves every read
/// without touching SQLite. Guarded by the simulator's reader-writer lock.
final class WorldState: StateView {
    private(set) var objects: [String: StoredObject] = [:]
    private(set) var kindIndex: [String: [String]] = [:]
    /// "parent|kind" → ids.
    private(set) var childIndex: [String: [String]] = [:]
    private(set) var metaValues: [String: String] = [:]
    private(set) var lastSeq: Int64 = 0
    /// Where committed Kubernetes changes are announced (watch history); nil for a world nobody watches.
    let watchHub: KubeWatchHub?

    init(objects: [StoredObject], meta: [String: String], watchHub: KubeWatchHub? = nil) {
        self.watchHub = watchHub
        for o in objects { insertOrReplace(o) }
        metaValues = meta
    }

    func get(_ id: String) -> StoredObject? { objects[id] }
    func all(_ kind: String) -> [StoredObject] { (kindIndex[kind] ?? []).compactMap { objects[$0] } }
    func children(_ kind: String, of parentId: String) -> [StoredObject] {
        (childIndex["\(parentId)|\(kind)"] ?? []).compactMap { objects[$0] }
    }
    func childIDs(_ kind: String, of parentId: String) -> [String] { childIndex["\(parentId)|\(kind)"] ?? [] }
    func childJSONs(_ kind: String, of parentId: String) -> [JSONValue] {
        (childIndex["\(parentId)|\(kind)"] ?? []).compactMap { objects[$0]?.json }
    }
    func meta(_ key: String) -> String? { metaValues[key] }
    func ids(_ kind: String) -> [String] { kindIndex[kind] ?? [] }

    func nextSeq() -> Int64 { lastSeq + 1 }

    fileprivate func insertOrReplace(_ o: StoredObject) {
        if let old = objects[o.id] {
            // A change of parent (an RDE upgraded to a newer type version) moves the child index entry.
            if old.parentId != o.parentId {
                if let p = old.parentId { childIndex["\(p)|\(o.kind)"]?.removeAll { $0 == o.id } }
                if let p = o.parentId { childIndex["\(p)|\(o.kind)", default: []].append(o.id) }
            }
        } else {
            kindIndex[o.kind, default: []].append(o.id)
            if let p = o.parentId { childIndex["\(p)|\(o.kind)", default: []].append(o.id) }
        }
        objects[o.id] = o
        lastSeq = max(lastSeq, o.seq)
    }

    fileprivate func remove(_ id: String) {
        guard let o = objects.removeValue(forKey: id) else { return }
        kindIndex[o.kind]?.removeAll { $0 == id }
        if let p = o.parentId { childIndex["\(p)|\(o.kind)"]?.removeAll { $0 == id } }
    }

    /// Applies a committed transaction. Every commit passes here (requests, controllers, cluster
    /// commands), which makes it the one place where Kubernetes watch events become visible: only
    /// once their transaction is in SQLite, never for one that was abandoned.
    func apply(_ tx: WriteTx) {
        if tx.wiped { objects = [:]; kindIndex = [:]; childIndex = [:]; metaValues = [:] }
        for id in tx.order {
            if let change = tx.changes[id] {
                if let o = change { insertOrReplace(o) } else { remove(id) }
            }
        }
        for (k, v) in tx.metaChanges { metaValues[k] = v }
        watchHub?.publish(tx)
    }
}

/// A write in progress: changes are kept aside and become visible to others only once SQLite has
/// committed them, so a handler that throws halfway leaves nothing behind.
final class WriteTx: StateView {
    let base: WorldState
    /// id → new object, or nil for a deletion.
    fileprivate(set) var changes: [String: StoredObject?] = [:]
    fileprivate(set) var order: [String] = []
    fileprivate(set) var metaChanges: [String: String] = [:]
    fileprivate(set) var wiped = false
    /// Kubernetes object changes of this transaction in resourceVersion order (`KubeStore.put` and
    /// `remove` add them); published to watches when the transaction is applied, dropped with it otherwise.
    var kubeEvents: [KubeWatchEvent] = []
    private var seq: Int64
    let now: Double

    init(base: WorldState, now: Double) {
        self.base = base
        self.seq = base.lastSeq
        self.now = now
    }

    var isEmpty: Bool { order.isEmpty && metaChanges.isEmpty && !wiped }

    func get(_ id: String) -> StoredObject? {
        if let c = changes[id] { return c }
        return wiped ? nil : base.get(id)
    }

    func all(_ kind: String) -> [StoredObject] {
        var out: [StoredObject] = []
        if !wiped { for id in base.ids(kind) { if let o = get(id) { out.append(o) } } }
        var fresh: [StoredObject] = []
        for id in order where wiped || base.get(id) == nil {
            if let c = changes[id], let o = c, o.kind == kind { fresh.append(o) }
        }
        return out + fresh.sorted { $0.seq < $1.seq }
    }

    func children(_ kind: String, of parentId: String) -> [StoredObject] {
        var out: [StoredObject] = []
        if !wiped { for id in base.childIDs(kind, of: parentId) { if let o = get(id), o.parentId == parentId { out.append(o) } } }
        var fresh: [StoredObject] = []
        // New objects, and existing ones moved under this parent in this transaction.
        for id in order where wiped || base.get(id)?.parentId != parentId {
            if let c = changes[id], let o = c, o.kind == kind, o.parentId == parentId { fresh.append(o) }
        }
        return out + fresh.sorted { $0.seq < $1.seq }
    }

    func childJSONs(_ kind: String, of parentId: String) -> [JSONValue] {
        if changes.isEmpty && !wiped { return base.childJSONs(kind, of: parentId) }
        var out: [JSONValue] = []
        if !wiped {
            for id in base.childIDs(kind, of: parentId) {
                if let c = changes[id] { if let o = c, o.parentId == parentId { out.append(o.json) } } else if let j = base.objects[id]?.json { out.append(j) }
            }
        }
        var fresh: [StoredObject] = []
        for id in order where wiped || base.get(id)?.parentId != parentId {
            if let c = changes[id], let o = c, o.kind == kind, o.parentId == parentId { fresh.append(o) }
        }
        return out + fresh.sorted { $0.seq < $1.seq }.map(\.json)
    }

    func meta(_ key: String) -> String? { metaChanges[key] ?? (wiped ? nil : base.meta(key)) }

    private func record(_ id: String, _ o: StoredObject?) {
        if changes[id] == nil { order.append(id) }
        changes[id] = .some(o)
    }

    /// Adds a new object whose body is `value` encoded as JSON.
    @discardableResult
    func insert<T: Encodable>(kind: String, id: String, parent: String? = nil, org: String? = nil, name: String, _ value: T) throws -> StoredObject {
        let body = try JSONEncoder.vcd().encode(value)
        seq += 1
        let o = StoredObject(kind: kind, id: id, parentId: parent, orgId: org, name: name, body: body,
                             json: try JSONValue.parse(body), version: 1, seq: seq, created: now, updated: now)
        record(id, o)
        return o
    }

    /// Replaces the body of an existing object (and its name), bumping its version.
    @discardableResult
    func update<T: Encodable>(_ old: StoredObject, name: String? = nil, parent: String? = nil, _ value: T) throws -> StoredObject {
        var o = old
        if let parent { o.parentId = parent }
        o.body = try JSONEncoder.vcd().encode(value)
        o.json = try JSONValue.parse(o.body)
        o.name = name ?? old.name
        o.version += 1
        o.updated = now
        record(o.id, o)
        return o
    }

    /// Adds a new object whose body is `document` written in its own key order (Foundation's
    /// encoder, which `insert(kind:…_:)` uses, keeps none): for bodies a client wrote, such as a
    /// defined entity's, that must come back as they were sent.
    @discardableResult
    func insert(kind: String, id: String, parent: String? = nil, org: String? = nil, name: String, document: JSONValue) -> StoredObject {
        seq += 1
        let o = StoredObject(kind: kind, id: id, parentId: parent, orgId: org, name: name, body: document.jsonData(),
                             json: document, version: 1, seq: seq, created: now, updated: now)
        record(id, o)
        return o
    }

    /// Replaces the body of an existing object with `document`, in its key order (see `insert(…document:)`).
    @discardableResult
    func update(_ old: StoredObject, name: String? = nil, parent: String? = nil, document: JSONValue) -> StoredObject {
        var o = old
        if let parent { o.parentId = parent }
        o.body = document.jsonData()
        o.json = document
        o.name = name ?? old.name
        o.version += 1
        o.updated = now
        record(o.id, o)
        return o
    }

    func delete(_ id: String) { record(id, nil) }

    func setMeta(_ key: String, _ value: String) { metaChanges[key] = value }

    /// Forgets every change made so far in this transaction (a failed task changes nothing).
    func rollback() {
        changes = [:]
        order = []
        metaChanges = [:]
        kubeEvents = []
        seq = base.lastSeq
    }

    /// Empties the world (reset); later inserts in this transaction rebuild it.
    func wipe() {
        wiped = true
        changes = [:]
        order = []
        metaChanges = [:]
        kubeEvents = []
        seq = 0
    }

    /// The rows to write.
    var upserts: [StoredObject] { order.compactMap { changes[$0] ?? nil } }
    var deletions: [String] {
        order.filter { if case .some(.none) = changes[$0] { return true }; return false }
    }
}
