import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// Secrets at rest (issue 16): the state folder and files are private whatever the umask, an older
/// state is narrowed with a notice and its clear secrets become digests, and the bytes of the state
/// (main file, WAL, SHM) hold no password and no live token while every login still works.
final class SecretsAtRestTests: XCTestCase {
    private func mode(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "missing" }
        return String(st.st_mode & 0o777, radix: 8)
    }

    /// Every file of the state folder, and the state's own bytes.
    private func stateBytes(_ statePath: String) -> Data {
        var all = Data()
        for s in ["", "-wal", "-shm"] { all.append(FileManager.default.contents(atPath: statePath + s) ?? Data()) }
        return all
    }

    private func assertAbsent(_ secret: String, in bytes: Data, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(secret.isEmpty, "\(what) is empty", file: file, line: line)
        XCTAssertNil(bytes.range(of: Data(secret.utf8)), "\(what) is in the state's bytes", file: file, line: line)
    }

    func testStateFolderAndFilesArePrivateWhateverTheUmask() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("simmodes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let old = umask(0)
        defer { umask(old) }
        let statePath = root + "/home/sim/state.sqlite"
        let sim = try Simulator(statePath: statePath, options: SimulatorOptions(initialPassword: "pw-umask-0"))
        XCTAssertFalse(HarnessOn(sim).login("administrator", "System", "pw-umask-0").isEmpty)
        _ = try sim.createKubeCluster(name: "kind")
        XCTAssertEqual(mode(root + "/home"), "700")
        XCTAssertEqual(mode(root + "/home/sim"), "700")
        for f in ["state.sqlite", "state.sqlite-wal", "state.sqlite-shm", "personas.json", "cluster-token-key"] {
            XCTAssertEqual(mode(root + "/home/sim/" + f), "600", f)
        }
    }

    func testAWiderOlderStateIsNarrowedWithANotice() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("simwide-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let statePath = dir + "/sim/state.sqlite"
        do { _ = try Simulator(statePath: statePath, options: SimulatorOptions(initialPassword: "pw")) }
        chmod(dir + "/sim", 0o755)
        for f in ["state.sqlite", "personas.json"] { chmod(dir + "/sim/" + f, 0o644) }
        var notices: [String] = []
        let saved = PrivateFiles.noticeHandler
        PrivateFiles.noticeHandler = { notices.append($0) }
        defer { PrivateFiles.noticeHandler = saved }
        let sim = try Simulator(statePath: statePath)
        XCTAssertEqual(sim.personas.first?.password, "pw", "the owner's copy still gives the passwords")
        XCTAssertEqual(mode(dir + "/sim"), "700")
        XCTAssertEqual(mode(statePath), "600")
        XCTAssertEqual(mode(dir + "/sim/personas.json"), "600")
        XCTAssertTrue(notices.contains { $0.contains(statePath) && $0.contains("644") && $0.contains("600") }, "\(notices)")
        XCTAssertTrue(notices.allSatisfy { !$0.contains("\n") && !$0.contains("pw\"") }, "one line each, no secret")
        // Once narrowed, a later open says nothing.
        notices = []
        _ = try Simulator(statePath: statePath)
        XCTAssertEqual(notices, [])
    }

    func testNoPasswordOrLiveTokenInTheStateBytesAndEveryLoginWorks() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let provider = h.provider, tenant = h.tenant
        XCTAssertFalse(provider.isEmpty)
        // An API token: minted from a session, exchanged for a new session.
        let reg = h.call("POST", "/oauth/tenant/xav_lab/register", token: tenant, json: ["client_name": "t"])
        let client = h.json(reg)["client_id"] as? String ?? ""
        let mint = h.call("POST", "/oauth/tenant/xav_lab/token", token: nil,
                          body: Data("grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=\(tenant)&client_id=\(client)".utf8),
                          headers: ["Content-Type": "application/x-www-form-urlencoded"])
        let refresh = h.json(mint)["refresh_token"] as? String ?? ""
        let exchanged = h.call("POST", "/oauth/tenant/xav_lab/token", token: nil, body: Data("grant_type=refresh_token&refresh_token=\(refresh)".utf8),
                               headers: ["Content-Type": "application/x-www-form-urlencoded"])
        XCTAssertEqual(exchanged.status, 200, exchanged.text)
        let access = h.json(exchanged)["access_token"] as? String ?? ""
        XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: access).status, 200)
        // NSX basic auth and an ALB controller session.
        let basic = "Basic " + Data("admin:\(Harness.password)".utf8).base64EncodedString()
        XCTAssertEqual(h.sim.handle(HTTPRequestMessage(method: "GET", target: "/policy/api/v1/infra/tier-1s", headers: ["Authorization": basic]), service: .nsx).status, 200)
        let alb = h.sim.handle(HTTPRequestMessage(method: "POST", target: "/login", headers: ["Content-Type": "application/json"],
                                                  body: Data("{\"username\":\"admin\",\"password\":\"\(Harness.password)\"}".utf8)), service: .alb)
        XCTAssertEqual(alb.status, 200)
        let cookies = alb.headers.filter { $0.0.lowercased() == "set-cookie" }.map(\.1).joined(separator: "; ")
        let sid = cookies.components(separatedBy: "sessionid=").dropFirst().first?.split(separator: ";").first.map(String.init) ?? ""
        XCTAssertEqual(h.sim.handle(HTTPRequestMessage(method: "GET", target: "/api/serviceenginegroup", headers: ["Cookie": "sessionid=\(sid)"]), service: .alb).status, 200)
        // A simulated cluster: its kubeconfig's token opens its API.
        _ = try h.sim.createKubeCluster(name: "kind")
        let kubeToken = KubeHarness.token(in: try h.sim.kubeconfig(cluster: "kind", server: "https://kube.sim.test"))
        let ns = h.sim.handle(HTTPRequestMessage(method: "GET", target: "/clusters/kind/api/v1/namespaces", headers: ["Authorization": "Bearer \(kubeToken)"]), service: .kube)
        XCTAssertEqual(ns.status, 200)
        XCTAssertEqual(h.sim.handle(HTTPRequestMessage(method: "GET", target: "/clusters/kind/api/v1/namespaces", headers: ["Authorization": "Bearer x\(kubeToken)"]), service: .kube).status, 401)

        let bytes = stateBytes(h.sim.statePath)
        XCTAssertGreaterThan(bytes.count, 0)
        assertAbsent(Harness.password, in: bytes, "the personas' password")
        for (what, secret) in [("provider session", provider), ("tenant session", tenant), ("refresh token", refresh),
                               ("exchanged session", access), ("ALB session", sid), ("cluster token", kubeToken)] {
            assertAbsent(secret, in: bytes, what)
        }
        // The same after a restart (the sessions and the cluster token survive it).
        let again = try Simulator(statePath: h.sim.statePath)
        XCTAssertEqual(HarnessOn(again).get("/cloudapi/1.0.0/sessions/current", provider).status, 200)
        XCTAssertEqual(again.handle(HTTPRequestMessage(method: "GET", target: "/clusters/kind/api/v1/namespaces", headers: ["Authorization": "Bearer \(kubeToken)"]), service: .kube).status, 200)
        XCTAssertEqual(again.personas.map(\.password), [Harness.password, Harness.password, Harness.password])
    }

    /// A state written before digests: users with clear passwords, a session and an API token with
    /// clear tokens, a cluster with a clear token. Opened, it is rewritten: logins, the session, the
    /// refresh token and the old kubeconfig keep working, and none of the clear values remains.
    func testAnOlderStateIsUpgraded() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("simupgrade-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let statePath = dir + "/state.sqlite"
        let oldPassword = "legacy-Pass-7", oldSession = "legacy-session-token-0123456789abcdef0123456789abcdef"
        let oldRefresh = "legacyRefreshToken0123456789ABCDEF", oldKube = "sim-legacy0123456789abcdef0123456789abcdef"
        do {
            let sim = try Simulator(statePath: statePath, options: SimulatorOptions(initialPassword: "unused"))
            _ = try sim.createKubeCluster(name: "kind")
            var upserts: [StoredObject] = []
            func rewrite(_ o: StoredObject, _ change: (inout JSONObject) -> Void) throws {
                guard case .object(var f) = o.json else { return XCTFail("not an object") }
                change(&f)
                var n = o
                n.json = .object(f)
                n.body = try JSONEncoder().encode(n.json)
                upserts.append(n)
            }
            let users = sim.world.all(Kind.user)
            for u in users { try rewrite(u) { $0["passwordDigest"] = nil; $0["password"] = .string(oldPassword) } }
            let provider = try XCTUnwrap(users.first { (try? $0.decode(SimUser.self))?.provider == true })
            let now = Date().timeIntervalSince1970
            let session = StoredObject(kind: Kind.session, id: "legacy-session", parentId: provider.id, orgId: provider.orgId, name: provider.name,
                                       body: Data(), json: .object(["id": .string("legacy-session"), "token": .string(oldSession),
                                                                     "userId": .string(provider.id), "created": .double(now)]),
                                       version: 1, seq: 100_000, created: now, updated: now)
            let apiToken = StoredObject(kind: Kind.apiToken, id: "urn:vcloud:token:legacy", parentId: provider.id, orgId: provider.orgId, name: "legacy",
                                        body: Data(), json: .object(["id": .string("urn:vcloud:token:legacy"), "name": .string("legacy"),
                                                                      "refreshToken": .string(oldRefresh), "userId": .string(provider.id),
                                                                      "orgName": .string("System"), "clientId": .string("legacy")]),
                                        version: 1, seq: 100_001, created: now, updated: now)
            for var o in [session, apiToken] {
                o.body = try JSONEncoder().encode(o.json)
                upserts.append(o)
            }
            try rewrite(try XCTUnwrap(sim.world.get(KubeStore.clusterID("kind")))) { $0["tokenDigest"] = nil; $0["token"] = .string(oldKube) }
            try sim.store.commit(upserts: upserts, deletions: [], meta: [:])
            try FileManager.default.removeItem(atPath: PersonaPasswords.path(forState: statePath))
        }
        let sim = try Simulator(statePath: statePath)
        let h = HarnessOn(sim)
        XCTAssertFalse(h.login("administrator", "System", oldPassword).isEmpty, "the old password still logs in")
        XCTAssertEqual(h.get("/cloudapi/1.0.0/sessions/current", oldSession).status, 200, "the old session is kept")
        let exchange = sim.handle(HTTPRequestMessage(method: "POST", target: "/oauth/provider/token",
                                                     headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                                     body: Data("grant_type=refresh_token&refresh_token=\(oldRefresh)".utf8)), service: .vcd)
        XCTAssertEqual(exchange.status, 200, "the old refresh token still exchanges")
        let kube = { (t: String) in sim.handle(HTTPRequestMessage(method: "GET", target: "/clusters/kind/api/v1/namespaces",
                                                                  headers: ["Authorization": "Bearer \(t)"]), service: .kube).status }
        XCTAssertEqual(kube(oldKube), 200, "a kubeconfig handed out before the upgrade keeps working")
        XCTAssertEqual(kube(KubeHarness.token(in: try sim.kubeconfig(cluster: "kind", server: "x"))), 200)
        XCTAssertTrue(sim.personas.allSatisfy { $0.password == oldPassword }, "the clear passwords moved to the owner's copy")
        let bytes = stateBytes(statePath)
        for (what, secret) in [("password", oldPassword), ("session", oldSession), ("refresh token", oldRefresh), ("cluster token", oldKube)] {
            assertAbsent(secret, in: bytes, what)
        }
    }

    func testListenAddressIsCheckedAndANetworkAddressWarns() throws {
        XCTAssertEqual(SimListenAddress.loopback.address, "127.0.0.1")
        for loop in ["127.0.0.1", "127.0.0.2", "::1", "localhost"] {
            let a = try SimListenAddress(loop)
            XCTAssertTrue(a.isLoopback, loop)
            XCTAssertNil(a.warning, loop)
        }
        XCTAssertEqual(try SimListenAddress("localhost").address, "127.0.0.1")
        for open in ["0.0.0.0", "192.0.2.5", "::"] {
            let w = try XCTUnwrap(try SimListenAddress(open).warning, open)
            XCTAssertTrue(w.contains(open) && w.contains("reachable from the network"), w)
        }
        for bad in ["", "example.com", "300.1.1.1", "127.0.0.1:80"] {
            XCTAssertThrowsError(try SimListenAddress(bad), bad)
        }
        XCTAssertEqual(SimulatorServer(simulator: try Simulator(statePath: FileManager.default.temporaryDirectory
            .appendingPathComponent("simlisten-\(UUID().uuidString)/state.sqlite").path)).host, "127.0.0.1", "loopback by default")
    }

    /// The cost of one password check (a login) is printed as a measure (about 3 ms in a debug build);
    /// it is not asserted: the machines are shared and noisy.
    func testPasswordDigestsAreSaltedAndCheap() {
        let a = SecretDigest.password("same"), b = SecretDigest.password("same")
        XCTAssertNotEqual(a, b, "salted")
        XCTAssertFalse(a.contains("same"))
        XCTAssertTrue(SecretDigest.verify("same", digest: a))
        XCTAssertFalse(SecretDigest.verify("other", digest: a))
        XCTAssertFalse(SecretDigest.verify("same", digest: "garbage"))
        let digests = (0..<20).map { SecretDigest.password("p\($0)") }
        let start = Date()
        for (i, d) in digests.enumerated() { XCTAssertTrue(SecretDigest.verify("p\(i)", digest: d)) }
        let perLogin = Date().timeIntervalSince(start) / 20 * 1000
        print("password check: \(String(format: "%.2f", perLogin)) ms")
    }
}
