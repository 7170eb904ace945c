import CloudClient
import CloudSim
import CloudWire
import Foundation
import ScriptCloud
import XCTest
import Provisioning

/// `SiteLock` against the in-process simulator: several runs are several `SiteLock`s with their own
/// identity (the processes are in SiteLockTests).
final class SiteLockUnitTests: XCTestCase {
    private var h: SimHarness!

    override func setUpWithError() throws { h = try SimHarness() }
    override func tearDown() { h = nil }

    private func client() -> VCDClient {
        VCDClient(baseURL: "https://vcd.sim.test", transport: h.transport,
                  credentials: VCDCredentials(org: "System", method: .password(user: "administrator", password: SimHarness.password)))
    }

    private func run(_ name: String, timeout: Double = 0.2, notices: NoticeLog? = nil) -> SiteLock {
        var s = SiteLockSettings()
        s.host = "host-\(name).example"
        s.pid = 1000
        s.user = name
        s.script = "\(name).vs"
        s.timeout = timeout
        s.poll = 0.02
        return SiteLock(client: client(), settings: s) { notices?.append($0) }
    }

    final class NoticeLog: @unchecked Sendable {
        private let lock = NSLock()
        private var _lines: [String] = []
        func append(_ s: String) { lock.lock(); _lines.append(s); lock.unlock() }
        var lines: [String] { lock.lock(); defer { lock.unlock() }; return _lines }
    }

    private func entities() throws -> [DefinedEntity] {
        try client().definedEntities(vendor: SiteLockEntity.vendor, nss: SiteLockEntity.nss, version: SiteLockEntity.version, name: SiteLockEntity.name)
    }

    func testASecondRunCannotTakeAHeldLockAndGetsItOnceReleased() throws {
        let a = run("alice"), b = run("bob")
        try a.ensureHeld()
        XCTAssertTrue(a.isHeld)
        // Created and resolved (a real VCD's create task waits for the resolve), valid for its schema.
        XCTAssertEqual(try entities().map(\.state), ["RESOLVED"])
        XCTAssertThrowsError(try b.ensureHeld()) { e in
            let m = (e as? SiteLockError)?.message ?? "\(e)"
            XCTAssertTrue(m.hasPrefix("the site lock is held by alice (administrator@System) on host-alice.example, pid 1000, alice.vs since "), m)
        }
        XCTAssertFalse(b.isHeld)
        a.release()
        XCTAssertFalse(a.isHeld)
        try b.ensureHeld() // free: taken at once, no stale reads
        XCTAssertTrue(b.isHeld)
        XCTAssertEqual(SiteLockEntity.holder(try entities().first?.entity)?.user, "bob")
        b.release()
        XCTAssertNil(SiteLockEntity.holder(try entities().first?.entity))
    }

    func testARunThatWaitedIsToldItsReadsAreStaleAndHoldsTheLock() throws {
        let a = run("alice")
        let log = NoticeLog()
        let b = run("bob", timeout: 60, notices: log)
        try a.ensureHeld()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Error?
        Thread {
            do { try b.ensureHeld() } catch { outcome = error }
            done.signal()
        }.start()
        // Release once bob has said he waits.
        while !log.lines.contains(where: { $0.hasPrefix("vcdscript: waiting for the site lock: held by alice") }) { Thread.sleep(forTimeInterval: 0.01) }
        a.release()
        done.wait()
        XCTAssertTrue(outcome is SiteLockReadsStale, "\(String(describing: outcome))")
        XCTAssertTrue(b.isHeld)
        XCTAssertEqual(log.lines.count, 2, log.lines.description)
        XCTAssertTrue(log.lines[1].hasPrefix("vcdscript: took the site lock after waiting "), log.lines[1])
        try b.ensureHeld() // the second call (the decision made again) goes ahead
        b.release()
    }

    func testOfTwoLockEntitiesTheSmallestIdIsUsedAndTheSpareRemoved() throws {
        let c = client()
        try c.registerDefinedEntityType(SiteLockEntity.type)
        for _ in 0..<2 { _ = try c.createDefinedEntity(typeID: SiteLockEntity.typeID, name: SiteLockEntity.name, entity: SiteLockEntity.body(nil)) }
        let smallest = try entities().compactMap(\.id).min()
        let a = run("alice")
        try a.ensureHeld()
        let left = try entities()
        XCTAssertEqual(left.map(\.id), [smallest])
        XCTAssertEqual(SiteLockEntity.holder(left.first?.entity)?.user, "alice")
        a.release()
    }

    func testARunHoldingAnotherLockEntityKeepsTheSecondOut() throws {
        // First use raced: bob holds one entity; alice finds the other (smaller id) free, writes
        // herself into it, then sees bob's hold and steps back.
        let c = client()
        try c.registerDefinedEntityType(SiteLockEntity.type)
        for _ in 0..<2 { _ = try c.createDefinedEntity(typeID: SiteLockEntity.typeID, name: SiteLockEntity.name, entity: SiteLockEntity.body(nil)) }
        let ids = try entities().compactMap(\.id).sorted()
        let bob = SiteLockHolder(user: "bob", siteUser: "administrator@System", host: "host-bob.example", pid: 7, script: "bob.vs",
                                 started: "2026-01-01T00:00:00Z", expires: "2999-01-01T00:00:00Z", token: "bob")
        let tagged = try XCTUnwrap(try c.definedEntity(ids[1]))
        var e = tagged.entity
        e.entity = SiteLockEntity.body(bob)
        guard case .written = try c.updateDefinedEntity(ids[1], e, ifMatch: tagged.etag) else { return XCTFail("bob's hold not written") }
        let a = run("alice")
        XCTAssertThrowsError(try a.ensureHeld()) { e in
            XCTAssertTrue(((e as? SiteLockError)?.message ?? "").hasPrefix("the site lock is held by bob (administrator@System) on host-bob.example, pid 7, bob.vs since 2026-01-01T00:00:00Z"), "\(e)")
        }
        // Alice left the smaller one free again.
        XCTAssertNil(SiteLockEntity.holder(try c.definedEntity(ids[0])?.entity.entity))
    }

    func testAStaleETagIsRefusedWith412() throws {
        let c = client()
        try c.registerDefinedEntityType(SiteLockEntity.type)
        let id = try c.createDefinedEntity(typeID: SiteLockEntity.typeID, name: SiteLockEntity.name, entity: SiteLockEntity.body(nil))
        let read = try XCTUnwrap(try c.definedEntity(id))
        guard case .written = try c.updateDefinedEntity(id, read.entity, ifMatch: read.etag) else { return XCTFail("first write refused") }
        XCTAssertEqual(try c.updateDefinedEntity(id, read.entity, ifMatch: read.etag), .stale)
        try c.deleteDefinedEntity(id)
        XCTAssertEqual(try c.updateDefinedEntity(id, read.entity, ifMatch: read.etag), .gone)
    }

    func testTheHeartbeatRenewsAndALockTakenOverIsLost() throws {
        let log = NoticeLog()
        let a = run("alice", notices: log)
        try a.ensureHeld()
        let before = try XCTUnwrap(try client().definedEntity(try XCTUnwrap(entities().first?.id)))
        a.renew()
        let after = try XCTUnwrap(try client().definedEntity(try XCTUnwrap(entities().first?.id)))
        XCTAssertNotEqual(before.etag, after.etag, "renewed")
        XCTAssertEqual(SiteLockEntity.holder(after.entity.entity)?.user, "alice")
        XCTAssertEqual(SiteLockEntity.holder(after.entity.entity)?.started, SiteLockEntity.holder(before.entity.entity)?.started)
        try a.ensureHeld()

        // `vcdscript unlock` breaks it; the next beat finds out and the next change is refused.
        let removed = try SiteLock.breakLock(client: client())
        XCTAssertEqual(removed.map(\.user), ["alice"])
        a.renew()
        XCTAssertThrowsError(try a.ensureHeld()) { e in
            XCTAssertEqual((e as? SiteLockError)?.message,
                           "the site lock was taken from this run (another run or `vcdscript unlock` changed it after it expired); stopping before the next change")
        }
        XCTAssertEqual(log.lines.last, "vcdscript: the site lock was taken from this run (another run or `vcdscript unlock` changed it after it expired); stopping before the next change")
        a.release() // leaves alone what is not its own
        XCTAssertTrue(try entities().isEmpty)
    }

    func testATenantSessionThatMayNotRegisterTheTypeIsToldWhatToDo() throws {
        let tenant = VCDClient(baseURL: "https://vcd.sim.test", transport: h.transport,
                               credentials: VCDCredentials(org: "xav_lab", method: .password(user: "administrator", password: SimHarness.password)))
        let lock = SiteLock(client: tenant)
        XCTAssertThrowsError(try lock.ensureHeld()) { e in
            let m = (e as? SiteLockError)?.message ?? "\(e)"
            XCTAssertTrue(m.hasPrefix("the site lock needs the entity type urn:vcloud:type:vcdscript:siteLock:1.0.0, and administrator@xav_lab may not register it ("), m)
            XCTAssertTrue(m.hasSuffix("""
                hint: run once with a System (provider) session to register it and publish its rights bundle "vcdscript:siteLock Entitlement" to the org, or run with --no-lock
                """), m)
        }
    }

    func testATenantWithoutRightsOnTheTypeIsToldWhatToDo() throws {
        try client().registerDefinedEntityType(SiteLockEntity.type)
        let tenant = VCDClient(baseURL: "https://vcd.sim.test", transport: h.transport,
                               credentials: VCDCredentials(org: "xav_lab", method: .password(user: "administrator", password: SimHarness.password)))
        XCTAssertThrowsError(try SiteLock(client: tenant).ensureHeld()) { e in
            let m = (e as? SiteLockError)?.message ?? "\(e)"
            XCTAssertTrue(m.hasPrefix("the site lock (entity type urn:vcloud:type:vcdscript:siteLock:1.0.0) is out of reach of administrator@xav_lab: "), m)
            XCTAssertTrue(m.hasSuffix("""
                hint: a provider must publish the rights bundle "vcdscript:siteLock Entitlement" to the org and grant its rights (Administrator Full access) to the role, or run with --no-lock
                """), m)
        }
    }

    func testCtrlCEndsTheWait() throws {
        let a = run("alice")
        try a.ensureHeld()
        let b = run("bob", timeout: 60)
        b.interrupted = { true }
        XCTAssertThrowsError(try b.ensureHeld()) { e in
            let err = e as? SiteLockError
            XCTAssertEqual(err?.interrupted, true)
            XCTAssertEqual(err?.message, "interrupted while waiting for the site lock held by alice (administrator@System) on host-alice.example, pid 1000, alice.vs")
        }
        a.release()
    }

    func testThePlanModeGateTakesNoLockAndTheApplyGateDoes() throws {
        let gate = MutationGate(mode: .plan, report: { _ in })
        gate.siteLock = run("alice")
        _ = try gate.mutate(Change(.create, kind: "catalog", name: "x")) { 1 }
        XCTAssertNil(try client().definedEntityType(SiteLockEntity.typeID), "a plan registers nothing")
        gate.mode = .apply
        _ = try gate.mutate(Change(.create, kind: "catalog", name: "x")) { 1 }
        XCTAssertEqual(SiteLockEntity.holder(try entities().first?.entity)?.user, "alice")
        gate.siteLock?.release()
    }
}
