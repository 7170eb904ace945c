import CloudWire
import Foundation

/// The query parameters of a watch (`GET …?watch=true`), checked as the apiserver checks them.
struct KubeWatchRequest {
    /// Where the stream starts.
    enum Start: Equatable {
        /// The current objects as `ADDED` events first (`resourceVersion` unset or "0", or
        /// `sendInitialEvents=true`), then a `BOOKMARK` marking their end when `sendInitialEvents` asked for it.
        case initialEvents(endBookmark: Bool)
        /// Only what changes from now on (`sendInitialEvents=false` without a resourceVersion).
        case now
        /// Every event after this resourceVersion.
        case after(Int)
    }

    var start: Start
    /// `resourceVersion` when a number: initial events must be at least that fresh.
    var notOlderThan: Int?
    var bookmarks: Bool
    /// Seconds the stream stays open.
    var timeout: Double

    /// `watch=true|1` (the apiserver reads it as a Go bool).
    static func asked(_ request: HTTPRequestMessage) -> Bool {
        request.query("watch").flatMap(parseBool) == true
    }

    /// Go's `strconv.ParseBool`, which the apiserver uses for query flags.
    static func parseBool(_ s: String) -> Bool? {
        switch s {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: return nil
        }
    }

    /// Without `timeoutSeconds` the apiserver picks between one and two `--min-request-timeout`s
    /// (1800 s by default), so that many watches do not end at once; so does the simulator.
    static func defaultTimeout() -> Double { Double.random(in: 1800...3600) }

    init(_ request: HTTPRequestMessage) throws {
        func flag(_ name: String) throws -> Bool? {
            guard let v = request.query(name) else { return nil }
            guard let b = Self.parseBool(v) else { throw KubeError.badRequest("invalid boolean value for \(name): \"\(v)\"") }
            return b
        }
        func invalid(_ why: String) -> KubeError {
            KubeError(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: \(why)",
                      details: ["kind": .string("ListOptions"), "group": .string("meta.k8s.io"), "name": .string("")])
        }
        bookmarks = try flag("allowWatchBookmarks") ?? false
        let initial = try flag("sendInitialEvents")
        let match = request.query("resourceVersionMatch").flatMap { $0.isEmpty ? nil : $0 }
        if let t = request.query("timeoutSeconds") {
            guard let n = Int(t), n >= 0 else { throw KubeError.badRequest("invalid value for timeoutSeconds: \"\(t)\"") }
            timeout = n > 0 ? Double(n) : Self.defaultTimeout()
        } else {
            timeout = Self.defaultTimeout()
        }
        var rv: Int? = nil
        if let text = request.query("resourceVersion"), !text.isEmpty {
            guard let n = Int(text), n >= 0 else { throw KubeError.badRequest("invalid resource version \"\(text)\"") }
            rv = n
        }
        notOlderThan = rv.flatMap { $0 > 0 ? $0 : nil }
        // The apiserver's ListOptions checks for watches.
        switch initial {
        case nil:
            if match != nil { throw invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided") }
            if let n = notOlderThan { start = .after(n) } else { start = .initialEvents(endBookmark: false) }
        case let send?:
            if match != "NotOlderThan" {
                throw invalid("resourceVersionMatch: Unsupported value: \"\(match ?? "")\": supported values: \"NotOlderThan\"")
            }
            if !bookmarks { throw invalid("allowWatchBookmarks: Required value: sendInitialEvents requires setting allowWatchBookmarks to true") }
            if send { start = .initialEvents(endBookmark: true) } else if let n = notOlderThan { start = .after(n) } else { start = .now }
        }
    }
}

/// An open watch: what it selects, how it presents objects (as GET does, or as `Table` rows),
/// and how far it has read its cluster's history (`cursor`). In-process, a watch ends with its
/// first answer; `SimulatorServer` keeps reading it (`KubeWatchStream`).
final class KubeWatch: @unchecked Sendable {
    let cluster: String
    let resource: KubeResource
    let selection: KubeSelection
    let bookmarks: Bool
    /// Seconds the stream stays open (`timeoutSeconds`).
    let timeout: Double
    private let hub: KubeWatchHub
    private let log: KubeWatchHub.ClusterLog
    private let tableVersion: String?
    private let includeObject: String?
    /// The type's CRD (printer columns of `Table` rows), as it was when the watch opened.
    private let crd: JSONValue?
    private let clock: VirtualClock
    /// The resourceVersion up to which this watch has seen the history.
    private(set) var cursor: Int

    init(cluster: String, resource: KubeResource, selection: KubeSelection, bookmarks: Bool, timeout: Double, hub: KubeWatchHub,
         log: KubeWatchHub.ClusterLog, tableVersion: String?, includeObject: String?, crd: JSONValue?, clock: VirtualClock, cursor: Int) {
        self.cluster = cluster
        self.resource = resource
        self.selection = selection
        self.bookmarks = bookmarks
        self.timeout = timeout
        self.hub = hub
        self.log = log
        self.tableVersion = tableVersion
        self.includeObject = includeObject
        self.crd = crd
        self.clock = clock
        self.cursor = cursor
    }

    /// One event as the wire carries it: a JSON object and a newline.
    static func line(_ type: String, _ object: JSONValue) -> Data {
        var d = KubeJSON.encode(.object(["type": .string(type), "object": object]))
        d.append(0x0A)
        return d
    }

    /// An object event: the object presented at the watched version, or as a one-row `Table`.
    func line(_ type: KubeWatchEvent.EventType, _ stored: JSONValue) -> Data {
        var o = resource.present(stored)
        if let v = tableVersion {
            let rv = KubeMeta.field(o, "resourceVersion")?.stringValue ?? String(cursor)
            o = KubeTable.table(resource, crd: crd, objects: [o], version: v, resourceVersion: rv, includeObject: includeObject, now: clock.now())
        }
        return Self.line(type.rawValue, o)
    }

    /// A `BOOKMARK`: only the resourceVersion the watch has reached (clients resume from it). The
    /// one that ends the initial events carries the `k8s.io/initial-events-end` annotation.
    func bookmark(initialEventsEnd: Bool = false) -> Data {
        var meta: [String: JSONValue] = ["resourceVersion": .string(String(cursor))]
        if initialEventsEnd { meta["annotations"] = .object(["k8s.io/initial-events-end": .string("true")]) }
        return Self.line("BOOKMARK", .object(["kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion), "metadata": .object(meta)]))
    }

    /// The `ERROR` event of a watch whose resourceVersion is older than the kept history, worded as
    /// the apiserver words it (`floor` is where the history now starts).
    static func expired(_ rv: Int, floor: Int) -> Data {
        line("ERROR", KubeError(410, "Expired", "too old resource version: \(rv) (\(floor))").json)
    }

    /// The event lines committed since the cursor (the cursor moves past them), and whether the
    /// stream must end: the history no longer reaches back to the cursor (an `ERROR` 410 line is
    /// then the last), or the cluster is gone.
    func drain() -> (lines: Data, ended: Bool) {
        switch hub.read(log, after: cursor) {
        case .closed: return (Data(), true)
        case .expired(let floor): return (Self.expired(cursor, floor: floor), true)
        case .events(let events):
            var out = Data()
            for e in events {
                if let type = visibleType(e) { out.append(line(type, e.object)) }
                cursor = e.resourceVersion
            }
            return (out, false)
        }
    }

    /// How an event looks through this watch's selection: an object that starts matching is
    /// `ADDED`, one that stops matching `DELETED` (as the apiserver's watch cache reports them);
    /// nil when the watch does not see it.
    func visibleType(_ e: KubeWatchEvent) -> KubeWatchEvent.EventType? {
        guard e.storageKey == resource.storageKey else { return nil }
        let now = selection.matches(e.object)
        guard e.type == .modified else { return now ? e.type : nil }
        switch (e.previous.map(selection.matches) ?? false, now) {
        case (true, true): return .modified
        case (false, true): return .added
        case (true, false): return .deleted
        case (false, false): return nil
        }
    }
}

extension KubeRequest {
    /// `GET …?watch=true` on a collection (or on one object: `name`). Answers 200 with the events
    /// available now, one JSON object per line: the current objects as `ADDED` (resourceVersion
    /// unset or "0"), or every event after the resourceVersion, or an `ERROR` 410 when the history
    /// kept no longer reaches back to it; and leaves the open watch in `ctx.watch` so that a
    /// served request can go on streaming. Bad selectors or parameters answer 400/422 before any event.
    func watch(name: String?) throws -> HTTPResponseMessage {
        let params = try KubeWatchRequest(ctx.request)
        let sel = try selection(name: name)
        let current = Int(KubeStore.currentRV(ctx.state, cluster: clusterName)) ?? 1
        if let n = params.notOlderThan, n > current {
            throw KubeError(504, "Timeout", "Timeout: Too large resource version: \(n), current: \(current)",
                            details: ["causes": .array([.object(["reason": .string("ResourceVersionTooLarge"),
                                                                 "message": .string("Too large resource version")])]),
                                      "retryAfterSeconds": .int(1)])
        }
        var crd: JSONValue? = nil
        if r.custom {
            crd = KubeStore.get(ctx.state, cluster: clusterName, KubeBuiltins.crds, namespace: "", name: "\(r.plural).\(r.group)")?.json
        }
        let log = ctx.sim.watchHub.open(cluster: clusterName, currentRV: current)
        var cursor = current
        if case .after(let n) = params.start { cursor = n }
        let w = KubeWatch(cluster: clusterName, resource: r, selection: sel, bookmarks: params.bookmarks, timeout: params.timeout,
                          hub: ctx.sim.watchHub, log: log, tableVersion: KubeTable.requested(ctx.request),
                          includeObject: ctx.request.query("includeObject"), crd: crd, clock: ctx.sim.clock, cursor: cursor)
        var body = Data()
        switch params.start {
        case .initialEvents(let endBookmark):
            let objects = KubeStore.list(ctx.state, cluster: clusterName, r, namespace: sel.namespace).map(\.json).filter(sel.matches)
            for o in objects { body.append(w.line(.added, o)) }
            if endBookmark { body.append(w.bookmark(initialEventsEnd: true)) }
        case .now:
            break
        case .after:
            // Under the world's read lock: the history and `current` agree, nothing can slip between.
            let (lines, ended) = w.drain()
            body.append(lines)
            if ended { return Self.watchResponse(body) }
        }
        ctx.watch = w
        return Self.watchResponse(body)
    }

    static func watchResponse(_ body: Data) -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        h["Content-Type"] = "application/json"
        h["Cache-Control"] = "no-cache, private"
        return HTTPResponseMessage(status: 200, headers: h, body: body)
    }
}
