import CloudClient
import CloudSim
import CloudWire
import Foundation
import ScriptCloud
import XCTest
import Provisioning

/// Two runs at once (docs/runbooks.md): `vcdscript` processes against one `sim serve` on
/// 127.0.0.1, over libcurl, sharing the site lock (a runtime defined entity). Other runs' locks are
/// written through the VCD API as another machine's run would write them.
final class SiteLockTests: XCTestCase {
    private var h: SimHarness!
    private var server: SimulatorServer!
    private var url: String { server.url(.vcd)! }

    override func setUpWithError() throws {
        guard NodeImageCommandTests.binary != nil else { throw XCTSkip("the vcdscript executable is not built (swift build --build-tests)") }
        h = try SimHarness()
        server = SimulatorServer(simulator: h.sim, ports: [.vcd: 0])
        try OverSocketTests.blocking { try await self.server.start() }
    }

    override func tearDownWithError() throws {
        if let server { try? OverSocketTests.blocking { await server.stop() } }
        server = nil
        h = nil
    }

    /// The environment `eval "$(vcdscript sim env)"` gives, for this served simulator.
    private var siteEnv: [String: String] {
        ["VCD_URL": url, "VCD_ORG": "xav_lab", "VCD_USER": "administrator", "VCD_PASSWORD": SimHarness.password,
         "VCD_PROVIDER_USER": "administrator", "VCD_PROVIDER_PASSWORD": SimHarness.password,
         "VCDSCRIPT_HOME": h.dir + "/home", "NO_COLOR": "1",
         "http_proxy": "", "https_proxy": "", "HTTP_PROXY": "", "HTTPS_PROXY": "", "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"]
    }

    /// A started `vcdscript` process with its output collected as it comes.
    private final class Run: @unchecked Sendable {
        let process = Process()
        private let out = Pipe(), err = Pipe()
        private let lock = NSLock()
        private var outData = Data(), errData = Data()
        init(_ arguments: [String], env: [String: String]) throws {
            process.executableURL = URL(fileURLWithPath: NodeImageCommandTests.binary!)
            process.arguments = arguments
            var e = ProcessInfo.processInfo.environment
            for (k, v) in env { e[k] = v }
            process.environment = e
            process.standardOutput = out
            process.standardError = err
            out.fileHandleForReading.readabilityHandler = { [weak self] h in let d = h.availableData; self?.add(d, err: false) }
            err.fileHandleForReading.readabilityHandler = { [weak self] h in let d = h.availableData; self?.add(d, err: true) }
            try process.run()
        }
        private func add(_ d: Data, err: Bool) {
            lock.lock(); defer { lock.unlock() }
            if err { errData += d } else { outData += d }
        }
        /// Standard output so far.
        var outputText: String { lock.lock(); defer { lock.unlock() }; return String(decoding: outData, as: UTF8.self) }
        /// Standard error so far.
        var errorText: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errData, as: UTF8.self) }
        func finish() -> (status: Int32, out: String, err: String) {
            process.waitUntilExit()
            out.fileHandleForReading.readabilityHandler = nil
            err.fileHandleForReading.readabilityHandler = nil
            let restOut = out.fileHandleForReading.readDataToEndOfFile(), restErr = err.fileHandleForReading.readDataToEndOfFile()
            add(restOut, err: false)
            add(restErr, err: true)
            lock.lock(); defer { lock.unlock() }
            return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
        }
    }

    private func vcdscript(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try Run(arguments, env: siteEnv).finish()
    }

    /// A System session over libcurl, as another tool on another machine would have.
    private func provider() -> VCDClient {
        var o = CurlTransportOptions()
        o.proxy = ""
        o.connectTimeout = 10
        return VCDClient(baseURL: url, transport: CurlTransport(options: o),
                         credentials: VCDCredentials(org: "System", method: .password(user: "administrator", password: SimHarness.password)))
    }

    private func lockEntities() throws -> [DefinedEntity] {
        guard try provider().definedEntityType(SiteLockEntity.typeID) != nil else { return [] }
        return try provider().definedEntities(vendor: SiteLockEntity.vendor, nss: SiteLockEntity.nss, version: SiteLockEntity.version, name: SiteLockEntity.name)
    }

    /// Writes a lock held by `holder` through the API (registering the type if need be).
    private func placeLock(host: String, pid: Int, expiresIn: Double) throws -> SiteLockHolder {
        let c = provider()
        if try c.definedEntityType(SiteLockEntity.typeID) == nil { try c.registerDefinedEntityType(SiteLockEntity.type) }
        let now = Date().timeIntervalSince1970
        let f = ISO8601DateFormatter()
        let holder = SiteLockHolder(user: "tester", siteUser: "ci@System", host: host, pid: pid, script: "other.vs",
                                    started: f.string(from: Date(timeIntervalSince1970: now - 60)),
                                    expires: f.string(from: Date(timeIntervalSince1970: now + expiresIn)), token: "other-run")
        _ = try c.createDefinedEntity(typeID: SiteLockEntity.typeID, name: SiteLockEntity.name, entity: SiteLockEntity.body(holder))
        return holder
    }

    private func catalogNames() throws -> [String] {
        let r = try vcdscript(["-e", #"for c in cloud.org("xav_lab").catalogs.list() { print(c.name) }"#])
        XCTAssertEqual(r.status, 0, r.err)
        return r.out.split(separator: "\n").map(String.init)
    }

    /// Two catalogs; with an argument, the run holds on between them until that file exists (so
    /// the test knows the other run is waiting before this one goes on; no timing involved).
    private func writeRunbook() throws -> String {
        let path = h.dir + "/two-catalogs.vs"
        try """
            let org = cloud.org("xav_lab")
            org.catalogs.ensure(name: "lock-a")
            if len(args) > 0 {
                while not exists(args[0]) { sleep(0.05) }
            }
            org.catalogs.ensure(name: "lock-b")
            print("done")
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testTwoRunsAtOnceCreateEachObjectOnceAndTheSecondWaits() throws {
        let runbook = try writeRunbook()
        let flag = h.dir + "/go-on"
        let first = try Run([runbook, flag], env: siteEnv)
        defer { FileManager.default.createFile(atPath: flag, contents: Data()) }
        // The second starts once the first holds the lock (it holds on between its two changes).
        try waitUntilLockHeld()
        let deadline = Date().addingTimeInterval(120)
        let second = try Run([runbook], env: siteEnv)
        // The first goes on once the second says it waits.
        while !second.errorText.contains("vcdscript: waiting for the site lock") && second.process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        FileManager.default.createFile(atPath: flag, contents: Data())
        let r1 = first.finish(), r2 = second.finish()
        let both = "run 1:\n" + r1.out + r1.err + "\nrun 2:\n" + r2.out + r2.err
        XCTAssertEqual(r1.status, 0, both)
        XCTAssertEqual(r2.status, 0, both)
        XCTAssertEqual(r1.out, "+ created catalog lock-a on xav_lab\n+ created catalog lock-b on xav_lab\ndone\n", both)
        XCTAssertEqual(r1.err, "", both)
        // The second run waited, said for whom once, and then found lock-b made by the first.
        let waiting = "vcdscript: waiting for the site lock: held by \(SiteLockSettings().user) (administrator@System) on \(ProcessInfo.processInfo.hostName), pid \(first.process.processIdentifier), \(runbook) since "
        XCTAssertTrue(r2.err.hasPrefix(waiting), both)
        XCTAssertEqual(r2.err.components(separatedBy: "vcdscript: waiting for the site lock").count, 2, both)
        XCTAssertTrue(r2.err.contains("; waiting up to 5m (--lock-timeout)\nvcdscript: took the site lock after waiting "), both)
        XCTAssertEqual(r2.out, "= unchanged catalog lock-a on xav_lab\n= unchanged catalog lock-b on xav_lab\ndone\n", both)
        let names = try catalogNames()
        XCTAssertEqual(names.filter { $0 == "lock-a" }.count, 1, names.description)
        XCTAssertEqual(names.filter { $0 == "lock-b" }.count, 1, names.description)
        // Both released it: one lock entity, free.
        let locks = try lockEntities()
        XCTAssertEqual(locks.count, 1)
        XCTAssertNil(SiteLockEntity.holder(locks.first?.entity))
    }

    private func waitUntilLockHeld() throws {
        let deadline = Date().addingTimeInterval(120)
        while try !lockEntities().contains(where: { SiteLockEntity.holder($0.entity) != nil }) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    func testCtrlCReleasesTheLock() throws {
        let runbook = try writeRunbook()
        let run = try Run([runbook, h.dir + "/never"], env: siteEnv)
        // Interrupted while it holds the lock, between its changes (in its `sleep`).
        let deadline = Date().addingTimeInterval(120)
        while !run.outputText.contains("+ created catalog lock-a") && run.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        run.process.interrupt()
        let r = run.finish()
        XCTAssertEqual(r.status, 130, r.out + r.err)
        XCTAssertEqual(try lockEntities().count, 1)
        XCTAssertNil(SiteLockEntity.holder(try lockEntities().first?.entity), "released on Ctrl-C")
    }

    func testTheLockOfARunKilledWithSIGKILLIsTakenOverByTheNextRun() throws {
        let runbook = try writeRunbook()
        let killed = try Run([runbook, h.dir + "/never"], env: siteEnv)
        let deadline = Date().addingTimeInterval(120)
        while !killed.outputText.contains("+ created catalog lock-a") && killed.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let pid = killed.process.processIdentifier
        kill(pid, SIGKILL)
        XCTAssertEqual(killed.finish().status, SIGKILL)
        let left = try XCTUnwrap(SiteLockEntity.holder(try lockEntities().first?.entity), "the killed run left its lock")
        let host = ProcessInfo.processInfo.hostName
        let r = try vcdscript(["--lock-timeout", "1s", runbook])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertEqual(r.err, "vcdscript: took over the site lock left by \(left.who) since \(left.started): process \(pid) no longer runs on \(host)\n")
        XCTAssertEqual(r.out, "= unchanged catalog lock-a on xav_lab\n+ created catalog lock-b on xav_lab\ndone\n")
    }

    func testAFailedRunReleasesTheLock() throws {
        let r = try vcdscript(["-e", #"cloud.org("xav_lab").catalogs.ensure(name: "before-failure")\#nfail("boom", code: 3)"#])
        XCTAssertEqual(r.status, 3, r.out + r.err)
        XCTAssertEqual(r.err, "boom\nThe run failed after changing: 1 created, 0 updated, 0 deleted (the + ~ - lines above). What was done stays done: fix the cause and run again; a second run carries on from there.\n")
        XCTAssertNil(SiteLockEntity.holder(try lockEntities().first?.entity), "released after the failure")
        XCTAssertEqual(try lockEntities().count, 1)
    }

    func testALockHeldElsewhereTimesOutWithWhoHoldsItAndHowToBreakIt() throws {
        let other = try placeLock(host: "build-7.example", pid: 4242, expiresIn: 3600)
        let r = try vcdscript(["--lock-timeout", "1s", "-e", #"cloud.org("xav_lab").catalogs.ensure(name: "blocked")"#])
        XCTAssertEqual(r.status, 75, r.out + r.err)
        XCTAssertEqual(r.err, """
            vcdscript: waiting for the site lock: held by tester (ci@System) on build-7.example, pid 4242, other.vs since \(other.started); waiting up to 1s (--lock-timeout)
            error: the site lock is held by tester (ci@System) on build-7.example, pid 4242, other.vs since \(other.started) (it expires \(other.expires) unless that run renews it); gave up after 1s (--lock-timeout)
            hint: wait for that run to end, or run with a longer --lock-timeout; if that run is gone, break its lock with: vcdscript unlock (same --target); --no-lock runs without the lock
            The run failed before changing anything.

            """)
        XCTAssertFalse(try catalogNames().contains("blocked"))

        // `vcdscript unlock` breaks it, saying whose it was; then a run goes ahead without waiting.
        let u = try vcdscript(["unlock"])
        XCTAssertEqual(u.status, 0, u.err)
        XCTAssertEqual(u.out, "removed the site lock held by tester (ci@System) on build-7.example, pid 4242, other.vs since \(other.started)\n")
        XCTAssertEqual(try vcdscript(["unlock"]).out, "the site lock is free: no run holds it\n")
        let again = try vcdscript(["--lock-timeout", "1s", "-e", #"cloud.org("xav_lab").catalogs.ensure(name: "blocked")"#])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertFalse(again.err.contains("site lock"), again.err)
        XCTAssertTrue(try catalogNames().contains("blocked"))
    }

    func testALockHeldElsewhereIsNotCaughtByTheScript() throws {
        _ = try placeLock(host: "build-7.example", pid: 4242, expiresIn: 3600)
        let r = try vcdscript(["--lock-timeout", "1s", "-e", #"try { cloud.org("xav_lab").catalogs.ensure(name: "blocked") } catch e { print("caught", e) }"#])
        XCTAssertEqual(r.status, 75, r.out + r.err)
        XCTAssertFalse(r.out.contains("caught"), r.out)
    }

    func testNoLockChangesTheSiteWhileAnotherRunHoldsIt() throws {
        _ = try placeLock(host: "build-7.example", pid: 4242, expiresIn: 3600)
        let r = try vcdscript(["--no-lock", "-e", #"cloud.org("xav_lab").catalogs.ensure(name: "unlocked")"#])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertFalse(r.err.contains("site lock"), r.err)
        XCTAssertTrue(r.out.contains("+ created catalog unlocked"), r.out)
    }

    func testALockWhoseTimeRanOutIsTakenOver() throws {
        let other = try placeLock(host: "build-7.example", pid: 4242, expiresIn: -5)
        let r = try vcdscript(["--lock-timeout", "1s", "-e", #"cloud.org("xav_lab").catalogs.ensure(name: "after-expiry")"#])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.err, "vcdscript: took over the site lock left by tester (ci@System) on build-7.example, pid 4242, other.vs since \(other.started): it expired at \(other.expires) without a heartbeat\n")
        XCTAssertTrue(r.out.contains("+ created catalog after-expiry"), r.out)
        XCTAssertNil(SiteLockEntity.holder(try lockEntities().first?.entity), "released at the end")
    }

    func testALockOfAProcessOfThisHostThatIsGoneIsTakenOver() throws {
        // A pid that no longer runs: a finished child's.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let host = ProcessInfo.processInfo.hostName
        let other = try placeLock(host: host, pid: Int(gone.processIdentifier), expiresIn: 3600)
        let r = try vcdscript(["--lock-timeout", "1s", "-e", #"cloud.org("xav_lab").catalogs.ensure(name: "after-kill")"#])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.err, "vcdscript: took over the site lock left by tester (ci@System) on \(host), pid \(gone.processIdentifier), other.vs since \(other.started): process \(gone.processIdentifier) no longer runs on \(host)\n")
    }

    func testPlanTakesNoLockAndDoesNotWaitForOne() throws {
        // A site never locked: a plan registers nothing.
        let plan = try vcdscript(["--plan", "-e", #"cloud.org("xav_lab").catalogs.ensure(name: "planned")"#])
        XCTAssertEqual(plan.status, 0, plan.err)
        XCTAssertFalse((plan.out + plan.err).lowercased().contains("lock"), plan.out + plan.err)
        XCTAssertNil(try provider().definedEntityType(SiteLockEntity.typeID))
        // A lock held by another run: a plan neither waits nor fails.
        _ = try placeLock(host: "build-7.example", pid: 4242, expiresIn: 3600)
        let held = try vcdscript(["--plan", "--lock-timeout", "1s", "-e", #"cloud.org("xav_lab").catalogs.ensure(name: "planned")"#])
        XCTAssertEqual(held.status, 0, held.err)
        XCTAssertTrue(held.out.contains("+ create catalog planned"), held.out)
        XCTAssertFalse((held.out + held.err).lowercased().contains("lock"), held.out + held.err)
    }

    func testAReadOnlyRunTakesNoLock() throws {
        _ = try placeLock(host: "build-7.example", pid: 4242, expiresIn: 3600)
        let r = try vcdscript(["--lock-timeout", "1s", "-e", #"print(len(cloud.org("xav_lab").catalogs.list()) >= 0)"#])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "true\n")
        XCTAssertEqual(r.err, "")
    }
}
