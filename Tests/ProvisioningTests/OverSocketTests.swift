import CloudSim
import Foundation
import ScriptCloud
import XCTest
import Provisioning
import VCDScript

/// The real path: libcurl (`CurlTransport`) to `sim serve` on 127.0.0.1, through
/// `ScriptCloud.realEngine` exactly as `--target URL` uses it.
final class OverSocketTests: XCTestCase {
    static func blocking<T>(_ body: @escaping () async throws -> T) throws -> T {
        let sem = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<T, Error>!
        Task {
            do { result = .success(try await body()) } catch { result = .failure(error) }
            sem.signal()
        }
        sem.wait()
        return try result.get()
    }

    func testRunbookOverLibcurlAgainstSimServe() throws {
        let h = try SimHarness()
        let server = SimulatorServer(simulator: h.sim, ports: [.vcd: 0, .nsx: 0, .alb: 0])
        try Self.blocking { try await server.start() }
        defer { try? Self.blocking { await server.stop() } }
        var r = ConnectRequest()
        r.url = server.url(.vcd)
        r.org = "xav_lab"
        r.user = "administrator"
        r.password = SimHarness.password
        r.providerUser = "administrator"
        r.providerPassword = SimHarness.password
        // NSX-T and ALB as a user configures them: from the environment the Terraform providers read.
        let env = ConnectRequest.fromEnvironment([
            "NSXT_MANAGER_HOST": server.url(.nsx)!, "NSXT_USERNAME": "administrator", "NSXT_PASSWORD": SimHarness.password,
            "AVI_CONTROLLER": server.url(.alb)!, "AVI_USERNAME": "administrator", "AVI_PASSWORD": SimHarness.password,
        ])
        (r.nsxURL, r.nsxUser, r.nsxPassword) = (env.nsxURL, env.nsxUser, env.nsxPassword)
        (r.albURL, r.albUser, r.albPassword) = (env.albURL, env.albUser, env.albPassword)
        var debug: [String] = []
        var lines: [String] = []
        var o = EngineOptions()
        o.report = { lines.append($0) }
        o.debugSink = { debug.append($0) }
        let e = try ScriptCloud.realEngine(r, options: o)
        e.createRetryDelay = 0.001
        try ScriptRun(engine: e, site: r.url!, output: { lines.append($0) }, args: []).run("", file: SimHarness.packageRoot + "/stdlib/tenant-network.vs")
        XCTAssertEqual(lines.filter { $0.hasPrefix("+ created") }.count, 6, lines.joined(separator: "\n"))
        // The controller and NSX steps ran over their own sockets (not skipped).
        XCTAssertTrue(lines.contains("= unchanged ALB service engine group seg-tenant"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("~ updated NSX Tier-1 route advertisement gw-capvcd (route_advertisement_types)"), lines.joined(separator: "\n"))
        XCTAssertFalse(lines.contains { $0.contains("no ALB controller on this target") || $0.contains("no NSX Manager on this target") })
        XCTAssertTrue(debug.contains { $0.contains(server.url(.alb)!) || $0.contains("/api/serviceenginegroup") }, "no ALB request in the debug log")
        XCTAssertFalse(debug.isEmpty)
        let all = (debug + lines).joined(separator: "\n")
        XCTAssertFalse(all.contains(SimHarness.password))
        XCTAssertTrue(all.contains("Authorization: Bearer ********"))
        XCTAssertTrue(all.contains("Authorization: Basic ********"), "the NSX basic credentials must be redacted")
    }

    func testNSXOrALBWithoutCredentialsIsAClearError() throws {
        var r = ConnectRequest.fromEnvironment(["VCD_URL": "http://127.0.0.1:9", "VCD_USER": "u", "VCD_PASSWORD": "p", "AVI_CONTROLLER": "alb.lab.example"])
        XCTAssertEqual(r.albURL, "https://alb.lab.example")
        XCTAssertThrowsError(try ScriptCloud.realEngine(r, options: EngineOptions())) { e in
            XCTAssertTrue("\(e)".contains("ALB controller https://alb.lab.example is configured without credentials"), "\(e)")
            XCTAssertTrue(((e as? EngineError)?.hint ?? "").contains("AVI_USERNAME"))
        }
        r.albURL = nil
        r.nsxURL = "https://nsx.lab.example"
        XCTAssertThrowsError(try ScriptCloud.realEngine(r, options: EngineOptions())) { e in
            XCTAssertTrue(((e as? EngineError)?.hint ?? "").contains("NSXT_USERNAME"), "\(e)")
        }
    }

    func testOVAUploadAndVAppOverLibcurlAgainstSimServe() throws {
        let h = try SimHarness()
        let server = SimulatorServer(simulator: h.sim, ports: [.vcd: 0])
        try Self.blocking { try await server.start() }
        defer { try? Self.blocking { await server.stop() } }
        var r = ConnectRequest()
        r.url = server.url(.vcd)
        r.org = "xav_lab"
        r.user = "administrator"
        r.password = SimHarness.password
        r.providerUser = "administrator"
        r.providerPassword = SimHarness.password
        var lines: [String] = []
        var o = EngineOptions()
        o.report = { lines.append($0) }
        let e = try ScriptCloud.realEngine(r, options: o)
        e.createRetryDelay = 0.001
        // Pieces smaller than the disk: libcurl streams three ranges of the OVA file.
        e.uploadChunkSize = 700
        try ScriptRun(engine: e, site: r.url!, output: { lines.append($0) }).run(CatalogVAppTests.setup + """

        let app = vdc.vapps.ensure(name: "capi", template: tpl, network: net, vms: ["node-1"], powerOn: true)
        print(tpl.status, app.vm("node-1").powerState, app.vm("node-1").ip)
        """)
        XCTAssertEqual(lines.last, "RESOLVED POWERED_ON 10.0.20.10", lines.joined(separator: "\n"))
        let pieces = h.sim.requestLog.filter { $0.method == "PUT" && $0.path.hasSuffix(".vmdk") }
        XCTAssertEqual(pieces.count, 3)
        XCTAssertTrue(pieces.allSatisfy { $0.status == 200 })
    }
}
