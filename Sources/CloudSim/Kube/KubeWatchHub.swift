import CloudWire
import Foundation

/// One committed change of a Kubernetes object, as a watch replays it.
struct KubeWatchEvent {
    enum EventType: String {
        case added = "ADDED", modified = "MODIFIED", deleted = "DELETED"
    }

    var type: EventType
    /// The resourceVersion the change took (for a deletion, the deletion's own).
    var resourceVersion: Int
    var cluster: String
    /// `KubeResource.storageKey` of the object's type: every served version of a type sees it.
    var storageKey: String
    var namespace: String
    /// The object after the change (for a deletion, its last state).
    var object: JSONValue
    /// The object before a modification: a watch with selectors needs it to tell an object that
    /// leaves the selection (sent as `DELETED`) from one that enters it (`ADDED`).
    var previous: JSONValue?
}

/// The watch history of every cluster: the last `capacity` committed events per cluster, in
/// memory only (a restart starts with none, as an apiserver whose cache was compacted), and the
/// watches waiting for more.
///
/// Lock order: the world's lock, then this one (`publish` runs under the world's write lock,
/// `open` under its read lock); nothing here ever takes the world's lock.
final class KubeWatchHub: @unchecked Sendable {
    /// Events kept per cluster.
    static let defaultCapacity = 5000

    /// One cluster's history: events with a resourceVersion above `floor`, oldest first. A watch
    /// from a resourceVersion below `floor` cannot be served (410 Expired).
    final class ClusterLog {
        fileprivate var events: [KubeWatchEvent] = []
        /// Index of the oldest kept event in `events` (dropped ones are removed in batches).
        fileprivate var start = 0
        fileprivate(set) var floor: Int
        /// The cluster was deleted (or the world reset): its watches end.
        fileprivate(set) var closed = false

        init(floor: Int) { self.floor = floor }

        /// The newest resourceVersion the log knows (its last event, or the floor).
        var latest: Int { events.last?.resourceVersion ?? floor }
    }

    /// What a watch finds after its cursor.
    enum Read {
        /// Events after the cursor (possibly none), oldest first.
        case events([KubeWatchEvent])
        /// The cursor is older than the oldest event kept: `floor` is where history starts now.
        case expired(floor: Int)
        /// The cluster is gone.
        case closed
    }

    let capacity: Int
    private let lock = NSLock()
    private var logs: [String: ClusterLog] = [:]
    private var waiters: [String: [Int: @Sendable () -> Void]] = [:]
    private var nextWaiter = 0
    private var lastControllerPass: [String: Double] = [:]

    init(capacity: Int = KubeWatchHub.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Takes the Kubernetes events of a transaction that has just been applied. Called by
    /// `WorldState.apply` only, so an abandoned transaction never reaches a watch.
    func publish(_ tx: WriteTx) {
        let reset = KubeStore.clustersReset(in: tx)
        guard tx.wiped || !reset.isEmpty || !tx.kubeEvents.isEmpty else { return }
        var touched = Set<String>()
        lock.lock()
        if tx.wiped {
            for (name, log) in logs { log.closed = true; touched.insert(name) }
            logs = [:]
        }
        for name in reset {
            logs.removeValue(forKey: name)?.closed = true
            touched.insert(name)
        }
        for e in tx.kubeEvents {
            // A cluster nobody watched yet: its history starts just before this transaction.
            let log: ClusterLog
            if let l = logs[e.cluster] {
                log = l
            } else {
                log = ClusterLog(floor: e.resourceVersion - 1)
                logs[e.cluster] = log
            }
            log.events.append(e)
            touched.insert(e.cluster)
            if log.events.count - log.start > capacity {
                log.floor = log.events[log.start].resourceVersion
                log.start += 1
                // Compact in batches, not per event.
                if log.start >= capacity { log.events.removeFirst(log.start); log.start = 0 }
            }
        }
        let wake = touched.flatMap { waiters[$0].map { Array($0.values) } ?? [] }
        lock.unlock()
        wake.forEach { $0() }
    }

    /// The log of `cluster`, made now with nothing kept before `currentRV` when the cluster had no
    /// event since this simulator started. Call with the world's lock held (read is enough), so
    /// that `currentRV` and the log agree.
    func open(cluster: String, currentRV: Int) -> ClusterLog {
        lock.lock(); defer { lock.unlock() }
        if let l = logs[cluster] { return l }
        let l = ClusterLog(floor: currentRV)
        logs[cluster] = l
        return l
    }

    /// The events of `log` after resourceVersion `cursor`.
    func read(_ log: ClusterLog, after cursor: Int) -> Read {
        lock.lock(); defer { lock.unlock() }
        if log.closed { return .closed }
        if cursor < log.floor { return .expired(floor: log.floor) }
        // Binary search for the first kept event after the cursor.
        var lo = log.start, hi = log.events.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if log.events[mid].resourceVersion <= cursor { lo = mid + 1 } else { hi = mid }
        }
        return .events(Array(log.events[lo...]))
    }

    /// Calls `wake` (from any thread, possibly under the world's lock: it must only signal) after
    /// every commit that changes `cluster`, until `unsubscribe`.
    func subscribe(_ cluster: String, _ wake: @escaping @Sendable () -> Void) -> Int {
        lock.lock(); defer { lock.unlock() }
        nextWaiter += 1
        waiters[cluster, default: [:]][nextWaiter] = wake
        return nextWaiter
    }

    func unsubscribe(_ id: Int) {
        lock.lock(); defer { lock.unlock() }
        for c in Array(waiters.keys) {
            waiters[c]?.removeValue(forKey: id)
            if waiters[c]?.isEmpty == true { waiters.removeValue(forKey: c) }
        }
    }

    /// How many served watches of `cluster` wait for its events (tests check that a watch whose
    /// client left, or whose server stopped, is gone).
    func waiting(_ cluster: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return waiters[cluster]?.count ?? 0
    }

    /// Whether a waiting watch of `cluster` should run its controllers now: true at most once per
    /// `interval` seconds per cluster however many watches wait, so ten open informers cost what
    /// one does.
    func claimControllerPass(_ cluster: String, now: Double, interval: Double) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if let last = lastControllerPass[cluster], now - last < interval, now >= last { return false }
        lastControllerPass[cluster] = now
        return true
    }
}
