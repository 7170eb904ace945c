import CloudClient
import CloudWire
import Foundation

/// How a run identifies itself and how long it waits for, and holds, the site lock.
public struct SiteLockSettings: Sendable {
    /// `--lock-timeout`: how long to wait for another run's lock before failing.
    public var timeout: Double = 300
    /// How long a hold lasts without a heartbeat: a lock left by a killed run lapses after this.
    public var ttl: Double = 120
    /// How often the heartbeat extends the hold.
    public var heartbeat: Double = 30
    /// How often a waiting run looks again.
    public var poll: Double = 2
    public var user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown"
    public var host = ProcessInfo.processInfo.hostName
    public var pid = Int(ProcessInfo.processInfo.processIdentifier)
    /// The script the run executes (`lab-setup.vs`, `-e`).
    public var script = "vcdscript"
    public init() {}
}

/// The site-side lock of a run: one runtime defined entity per org (`SiteLockEntity`) that every
/// run against the site sees. A run takes it just before its first change (reads and `--plan`
/// take none), renews it while it runs, and frees it at the end.
///
/// Taking it is compare-and-set: read the entity and its ETag; if it is free, or its holder's time
/// ran out, or its holder was a process of this host that no longer runs, PUT this run as holder
/// with `If-Match` — VCD answers 412 if another run wrote first, and this run looks again. Should
/// two runs create the entity at the same moment (first use on a site), each takes the one with the
/// smallest id, and after writing itself as holder a run checks that no other lock entity is held:
/// since every run writes before it reads, two runs can never both see themselves alone.
public final class SiteLock: @unchecked Sendable {
    public let client: VCDClient
    public let settings: SiteLockSettings
    /// One line for a person (waiting, taken over, lost): stderr in the executable.
    public var notice: (String) -> Void
    /// Ctrl-C: ends a wait for the lock.
    public var interrupted: () -> Bool = { false }

    private let token = UUID().uuidString.lowercased()
    private let cond = NSCondition()
    private var acquiring = false
    private var heldID: String?
    private var etag = ""
    private var holder: SiteLockHolder?
    private var lastAcquireWaited = false
    private var lostMessage: String?
    private var heartbeatThread: Thread?
    private let stopHeartbeat = DispatchSemaphore(value: 0)
    private var stopped = false

    public init(client: VCDClient, settings: SiteLockSettings = SiteLockSettings(), notice: @escaping (String) -> Void = { _ in }) {
        self.client = client
        self.settings = settings
        self.notice = notice
    }

    private var now: Double { Date().timeIntervalSince1970 }

    /// True while this run holds the lock.
    public var isHeld: Bool { cond.lock(); defer { cond.unlock() }; return heldID != nil && lostMessage == nil }

    // MARK: Before each change

    /// Called by the mutation gate before each change in apply mode: takes the lock the first
    /// time (waiting for another run if need be), and fails once the lock was lost.
    /// Throws `SiteLockReadsStale` when this call had to wait for another run.
    public func ensureHeld() throws {
        cond.lock()
        var waitedForAcquirer = false
        while acquiring { waitedForAcquirer = true; cond.wait() }
        if heldID != nil {
            let lost = lostMessage, waited = lastAcquireWaited
            cond.unlock()
            if let lost { throw SiteLockError(lost) }
            if waitedForAcquirer && waited { throw SiteLockReadsStale() }
            return
        }
        acquiring = true
        cond.unlock()
        var waited = false
        defer {
            cond.lock()
            acquiring = false
            lastAcquireWaited = waited
            cond.broadcast()
            cond.unlock()
        }
        do {
            waited = try acquire()
        } catch let e as VCDClientError where e.status == 403 {
            throw SiteLockError("""
                the site lock (entity type \(SiteLockEntity.typeID)) is out of reach of \(client.credentials.who): \(e.message)
                hint: a provider must publish the rights bundle "\(SiteLockEntity.vendor):\(SiteLockEntity.nss) Entitlement" to the org and grant its rights (Administrator Full access) to the role, or run with --no-lock
                """)
        }
        startHeartbeat()
        if waited { throw SiteLockReadsStale() }
    }

    // MARK: Taking the lock

    /// Takes the lock; answers whether it had to wait for another run.
    private func acquire() throws -> Bool {
        try ensureType()
        let started = now
        let deadline = started + settings.timeout
        var announced = false
        var waited = false
        while true {
            var slots = try client.definedEntities(vendor: SiteLockEntity.vendor, nss: SiteLockEntity.nss, version: SiteLockEntity.version, name: SiteLockEntity.name)
            if slots.isEmpty {
                _ = try client.createDefinedEntity(typeID: SiteLockEntity.typeID, name: SiteLockEntity.name, entity: SiteLockEntity.body(nil))
                continue
            }
            slots.sort { ($0.id ?? "") < ($1.id ?? "") }
            guard let id = slots[0].id, let slot = try client.definedEntity(id) else { continue }
            var blocker = SiteLockEntity.holder(slot.entity.entity).flatMap { isLive($0) ? $0 : nil }
            if blocker == nil {
                let previous = SiteLockEntity.holder(slot.entity.entity)
                let me = holderRecord(started: now)
                var e = slot.entity
                e.entity = SiteLockEntity.body(me)
                guard case .written(let newTag) = try client.updateDefinedEntity(id, e, ifMatch: slot.etag) else { continue }
                // Written first, now read: any other lock entity held means someone else may be
                // going ahead too; the one whose entity is the smallest id stays, others step back.
                let others = try client.definedEntities(vendor: SiteLockEntity.vendor, nss: SiteLockEntity.nss, version: SiteLockEntity.version, name: SiteLockEntity.name)
                    .filter { $0.id != id }
                if let other = others.compactMap({ SiteLockEntity.holder($0.entity) }).first(where: { isLive($0) }) {
                    var free = e
                    free.entity = SiteLockEntity.body(nil)
                    _ = try client.updateDefinedEntity(id, free, ifMatch: newTag)
                    blocker = other
                } else {
                    // Spare lock entities nobody holds (from a first-use race) are removed.
                    for o in others where SiteLockEntity.holder(o.entity) == nil { try? client.deleteDefinedEntity(o.id ?? "") }
                    cond.lock()
                    heldID = id; etag = newTag; holder = me
                    cond.unlock()
                    if let previous, previous.token != token { notice("vcdscript: took over the site lock left by \(previous.who) since \(previous.started): \(staleReason(previous))") }
                    if waited { notice("vcdscript: took the site lock after waiting \(SiteLockTime.duration(now - started))") }
                    return waited
                }
            }
            guard let h = blocker else { continue }
            if !announced {
                notice("vcdscript: waiting for the site lock: held by \(h.who) since \(h.started); waiting up to \(SiteLockTime.duration(settings.timeout)) (--lock-timeout)")
                announced = true
            }
            if now >= deadline { throw timedOut(h) }
            waited = true
            if !WallClock.shared.sleep(seconds: min(settings.poll, max(0.05, deadline - now)), interrupted: interrupted) {
                throw SiteLockError("interrupted while waiting for the site lock held by \(h.who)", interrupted: true)
            }
        }
    }

    private func timedOut(_ h: SiteLockHolder) -> SiteLockError {
        SiteLockError("""
            the site lock is held by \(h.who) since \(h.started) (it expires \(h.expires) unless that run renews it); gave up after \(SiteLockTime.duration(settings.timeout)) (--lock-timeout)
            hint: wait for that run to end, or run with a longer --lock-timeout; if that run is gone, break its lock with: vcdscript unlock (same --target); --no-lock runs without the lock
            """)
    }

    /// A holder whose time has not run out and whose process, when it is on this host, still runs.
    private func isLive(_ h: SiteLockHolder) -> Bool {
        if h.token == token { return false }
        guard let expires = h.expiresAt, expires > now else { return false }
        if h.host == settings.host && !Self.processExists(h.pid) { return false }
        return true
    }

    private func staleReason(_ h: SiteLockHolder) -> String {
        if h.host == settings.host && !Self.processExists(h.pid) { return "process \(h.pid) no longer runs on \(h.host)" }
        return "it expired at \(h.expires) without a heartbeat"
    }

    static func processExists(_ pid: Int) -> Bool {
        guard pid > 0, pid <= Int(Int32.max) else { return false }
        return kill(pid_t(pid), 0) == 0 || errno == EPERM
    }

    private func holderRecord(started: Double) -> SiteLockHolder {
        SiteLockHolder(user: settings.user, siteUser: client.credentials.who, host: settings.host, pid: settings.pid,
                       script: settings.script, started: holder?.started ?? SiteLockTime.format(started),
                       expires: SiteLockTime.format(now + settings.ttl), token: token)
    }

    /// Registers the lock's entity type when the site does not have it (a provider operation).
    private func ensureType() throws {
        if try client.definedEntityType(SiteLockEntity.typeID) != nil { return }
        do {
            try client.registerDefinedEntityType(SiteLockEntity.type)
        } catch let e as VCDClientError where e.status == 403 {
            throw SiteLockError("""
                the site lock needs the entity type \(SiteLockEntity.typeID), and \(client.credentials.who) may not register it (\(e.message))
                hint: run once with a System (provider) session to register it and publish its rights bundle "\(SiteLockEntity.vendor):\(SiteLockEntity.nss) Entitlement" to the org, or run with --no-lock
                """)
        } catch let e as VCDClientError where e.status == 400 && e.message.contains("already exists") {
            return
        }
    }

    // MARK: Heartbeat and release

    private func startHeartbeat() {
        let t = Thread { [weak self] in
            while let self, !self.isStopped {
                if self.stopHeartbeat.wait(timeout: .now() + self.settings.heartbeat) == .success { return }
                self.renew()
            }
        }
        t.name = "vcdscript site lock heartbeat"
        cond.lock(); heartbeatThread = t; cond.unlock()
        t.start()
    }

    private var isStopped: Bool { cond.lock(); defer { cond.unlock() }; return stopped }

    /// One heartbeat: extends the hold by `ttl`; if someone else wrote the entity since, the lock
    /// is lost. (The heartbeat thread calls it; public so that tests can beat without waiting.)
    public func renew() {
        cond.lock()
        guard let id = heldID, lostMessage == nil, var me = holder else { cond.unlock(); return }
        let tag = etag
        cond.unlock()
        me.expires = SiteLockTime.format(now + settings.ttl)
        var e = DefinedEntity()
        e.entityType = SiteLockEntity.typeID
        e.name = SiteLockEntity.name
        e.entity = SiteLockEntity.body(me)
        let r: VCDClient.SetResult
        do { r = try client.updateDefinedEntity(id, e, ifMatch: tag) } catch { return } // a failed renewal is tried again at the next beat
        cond.lock(); defer { cond.unlock() }
        switch r {
        case .written(let newTag):
            etag = newTag; holder = me
        case .stale, .gone:
            let m = "the site lock was taken from this run (another run or `vcdscript unlock` changed it after it expired); stopping before the next change"
            lostMessage = m
            notice("vcdscript: " + m)
        }
    }

    /// Frees the lock (end of the run, also after an error or Ctrl-C) and stops the heartbeat.
    /// A lock someone else took over meanwhile is left alone.
    public func release() {
        cond.lock()
        stopped = true
        let id = heldID, tag = etag, lost = lostMessage != nil
        heldID = nil
        cond.unlock()
        stopHeartbeat.signal()
        guard let id, !lost else { return }
        var e = DefinedEntity()
        e.entityType = SiteLockEntity.typeID
        e.name = SiteLockEntity.name
        e.entity = SiteLockEntity.body(nil)
        _ = try? client.updateDefinedEntity(id, e, ifMatch: tag)
    }

    // MARK: Breaking a stale lock

    /// `vcdscript unlock`: frees every lock entity of the session's org, whoever holds it; answers
    /// the holders it removed.
    public static func breakLock(client: VCDClient) throws -> [SiteLockHolder] {
        guard try client.definedEntityType(SiteLockEntity.typeID) != nil else { return [] }
        var removed: [SiteLockHolder] = []
        for e in try client.definedEntities(vendor: SiteLockEntity.vendor, nss: SiteLockEntity.nss, version: SiteLockEntity.version, name: SiteLockEntity.name) {
            if let h = SiteLockEntity.holder(e.entity) { removed.append(h) }
            try client.deleteDefinedEntity(e.id ?? "")
        }
        return removed
    }
}
