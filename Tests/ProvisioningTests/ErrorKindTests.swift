import CloudSim
import Foundation
@testable import ScriptCloud
import XCTest
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// Errors from the cloud carry a kind (`err.code`: NOT_FOUND, CONFLICT, BUSY, ...) that `catch`
/// names and `retry(on:)` retries: the real causes met on the embedded simulator, over its APIs.
final class ErrorKindTests: XCTestCase {
    func testAMissingOrgIsNotFoundAndCaughtByKind() throws {
        let h = try SimHarness()
        let out = try h.run("""
        try { cloud.org("no-such-org") } catch NOT_FOUND as e { print("caught", e.code, e.kind) }
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        try { vdc.gateways.get("gw-none") } catch CONFLICT { print("wrong clause") } catch NOT_FOUND, BUSY as e { print("caught", e.code) }
        """)
        XCTAssertEqual(out, ["caught NOT_FOUND key", "caught NOT_FOUND"])
    }

    func testAnEngineLookupMissIsNotFound() throws {
        let h = try SimHarness()
        // The engine's own "no ... named" (Lookup.require, not a 404 of a list) carries the kind too.
        let kind = HostFailureKind.of(EngineError.notFound("no catalog named x in xav_lab"))
        XCTAssertEqual(kind, .notFound)
        let out = try h.run("""
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        try { vdc.gateways.ensure(name: "gw-x", externalNetwork: "t0-none") } catch NOT_FOUND as e { print(e.code, e.kind, e.message) }
        """)
        XCTAssertEqual(out, ["NOT_FOUND host no provider gateway named t0-none in this site"])
    }

    func testA404FromVCDIsNotFound() throws {
        let h = try SimHarness()
        let c = h.client()
        XCTAssertThrowsError(try c.checked("GET", "/cloudapi/1.0.0/edgeGateways/urn:vcloud:gateway:00000000-0000-0000-0000-000000000000")) { e in
            XCTAssertEqual((e as? VCDClientError)?.status, 404, "\(e)")
            XCTAssertEqual(HostFailureKind.of(e), .notFound)
        }
    }

    func testADuplicateNameIsConflict() throws {
        let h = try SimHarness()
        try h.run(#"cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-dup", ipCount: 1)"#)
        // The same gateway posted again, as a second runbook racing the first would: VCD refuses the name.
        let c = h.client(org: "System")
        let page = try JSONValue.parse(try c.checked("GET", "/cloudapi/1.0.0/edgeGateways").body)
        guard case .array(let values)? = page["values"], case .object(var gw)? = values.first else { return XCTFail("no gateway listed: \(page)") }
        gw["id"] = nil
        let body = try JSONEncoder().encode(JSONValue.object(gw))
        XCTAssertThrowsError(try c.checked("POST", "/cloudapi/1.0.0/edgeGateways", body: body)) { e in
            XCTAssertEqual((e as? VCDClientError)?.minorErrorCode, VCDMinorError.duplicateName, "\(e)")
            XCTAssertEqual(HostFailureKind.of(e), .conflict)
        }
    }

    func testAKindNoClauseNamesPassesThrough() throws {
        let h = try SimHarness()
        let e = scriptError {
            try h.run("""
            let vdc = cloud.org("xav_lab").vdc("t-tenant")
            try { vdc.gateways.ensure(name: "gw-x", externalNetwork: "t0-none") } catch CONFLICT, BUSY { print("not this") }
            print("not reached")
            """)
        }
        XCTAssertEqual(e?.code, "NOT_FOUND")
        XCTAssertEqual(e?.kind, .host)
        XCTAssertEqual(e?.exitCode, 70)
        XCTAssertTrue(e?.message.contains("no provider gateway named t0-none") == true, e?.message ?? "")
        XCTAssertEqual(h.output, [])
    }

    func testInjectedFaultsCarryTheirKinds() throws {
        for (fault, kind) in [("BUSY_ENTITY:1", "BUSY"), ("ACCESS_TO_RESOURCE_IS_FORBIDDEN:1", "FORBIDDEN"), ("DUPLICATE_NAME:1", "CONFLICT"),
                              ("503:1", "UNAVAILABLE"), ("404:1", "NOT_FOUND"), ("BAD_REQUEST:1", "INVALID")] {
            let h = try SimHarness(faults: fault)
            let out = try h.run("""
            try { print(cloud.orgs.names) } catch \(kind) as e { print("caught", e.code) }
            """)
            XCTAssertEqual(out, ["caught \(kind)"], fault)
        }
    }

    func testCtrlCDuringARequestStopsTheRunInsteadOfFailingIt() {
        // Ctrl-C while a request or a poll is under way is the user stopping the run (exit 130, no
        // `catch` takes it), as between two requests; any other transport failure stays a host error.
        let stopped = hostError(TransportError(kind: .abortedByUser, endpoint: "127.0.0.1:1", requestMayHaveReachedServer: true))
        XCTAssertEqual(stopped.kind, .cancelled)
        let refused = hostError(TransportError(kind: .couldNotConnect, endpoint: "127.0.0.1:1", requestMayHaveReachedServer: false))
        XCTAssertEqual(refused.kind, .host)
        XCTAssertEqual(refused.code, "UNAVAILABLE")
    }

    func testWrongCredentialsAreAuth() throws {
        let h = try SimHarness()
        XCTAssertThrowsError(try h.client(password: "wrong-password").checked("GET", "/cloudapi/1.0.0/orgs")) { e in
            XCTAssertEqual(HostFailureKind.of(e), .auth, "\(e)")
        }
    }

    func testRetryWaitsOnTheSimulatorsClockWithoutSleeping() throws {
        let h = try SimHarness()
        let sleeps = WallClock.sleepsStarted
        let out = try h.run("""
        var n = 0
        let t0 = now()
        let v = retry(fn() { n += 1; if n < 3 { throw error("BUSY", "busy") }; n }, times: 3, backoff: 10m)
        print(v, int(now() - t0) >= 30 * 60)
        """)
        XCTAssertEqual(out, ["3 true"])
        XCTAssertEqual(WallClock.sleepsStarted, sleeps, "retry slept for real on the simulator")
    }

    func testMappingOfStatusesAndReasons() {
        func vcd(_ status: Int, _ minor: String, _ message: String = "m") -> HostFailureKind? {
            HostFailureKind.of(VCDClientError(status: status, minorErrorCode: minor, message: message, operation: "GET /x"))
        }
        XCTAssertEqual(vcd(401, "HTTP_401"), .auth)
        XCTAssertEqual(vcd(403, VCDMinorError.forbidden), .forbidden)
        XCTAssertEqual(vcd(404, "HTTP_404"), .notFound)
        XCTAssertEqual(vcd(409, "HTTP_409"), .conflict)
        XCTAssertEqual(vcd(400, "BAD_REQUEST", "An object named x already exists"), .conflict)
        XCTAssertEqual(vcd(400, "BAD_REQUEST", "The entity is locked by another task"), .busy)
        XCTAssertEqual(vcd(400, VCDMinorError.busyEntity), .busy)
        XCTAssertEqual(vcd(400, "BAD_REQUEST", "the subnet overlaps"), .invalid)
        XCTAssertEqual(vcd(503, "HTTP_503"), .unavailable)
        XCTAssertEqual(vcd(500, VCDMinorError.internalError), .unavailable)
        XCTAssertEqual(vcd(429, "HTTP_429"), .busy)
        XCTAssertEqual(HostFailureKind.of(KubeError(status: 409, reason: "AlreadyExists", message: "m", operation: "o")), .conflict)
        XCTAssertEqual(HostFailureKind.of(KubeError(status: 422, reason: "Invalid", message: "m", operation: "o")), .invalid)
        XCTAssertEqual(HostFailureKind.of(TransportError(kind: .couldNotConnect, endpoint: "127.0.0.1:1", requestMayHaveReachedServer: false)), .unavailable)
        XCTAssertEqual(HostFailureKind.of(TransportError(kind: .timedOut, endpoint: "127.0.0.1:1", requestMayHaveReachedServer: true)), .timeout)
        XCTAssertNil(HostFailureKind.of(EngineError("kind is not installed")))
        // The script side knows the same names (catch checks them for typos).
        XCTAssertEqual(Set(HostFailureKind.allCases.map(\.rawValue)), Set(CatchCodes.known))
    }
}

/// Waits of the cloud types that run out of time are TIMEOUT, and their timeout: takes text too.
final class WaitTimeoutKindTests: XCTestCase {
    func testAClusterWaitThatRunsOutIsTimeoutAndTakesDurationText() throws {
        let c = try ClusterHarness()
        try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster)
        try ClusterFixtures.patch(c.h.sim, "capvcd", ClusterHarness.clusterPath, .object(["status": .object(["phase": "Provisioning"])]))
        let e = c.failure(ClusterHarness.setup + ClusterHarness.ensureCluster + #"wc.waitFor("Provisioned", timeout: "2s")"#)
        XCTAssertEqual(e?.code, "TIMEOUT")
        XCTAssertTrue(e?.message.hasPrefix("cluster default/capi-cluster is still Provisioning after 2s") == true, e?.message ?? "")
        let out = try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster
                            + #"try { wc.waitFor("Provisioned", timeout: "1s") } catch TIMEOUT as t { print("caught", t.code) }"#)
        XCTAssertEqual(out.last, "caught TIMEOUT")
        let bad = c.failure(ClusterHarness.setup + ClusterHarness.ensureCluster + #"wc.waitFor("Provisioned", timeout: "soon")"#)
        XCTAssertEqual(bad?.message, #"capiCluster.waitFor(): argument timeout must be a duration such as 30s, 5m or "1h30m", not "soon""#)
        XCTAssertEqual(bad?.kind, .value)
    }
}
