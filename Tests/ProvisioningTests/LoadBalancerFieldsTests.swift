import CloudSim
import Foundation
import ScriptCloud
import XCTest
import Provisioning

/// Load balancer pools and virtual services with the fields VCD's have (health monitors,
/// persistence, graceful timeout, passive monitoring, service port ranges, a certificate for
/// HTTPS), through `ensure` against the simulator: created, shown, changed field by field, and
/// refused before anything is sent when VCD would refuse them.
final class LoadBalancerFieldsTests: XCTestCase {
    var runbook: String { SimHarness.packageRoot + "/stdlib/tenant-network.vs" }

    /// Imports a certificate into the tenant's library through the API, as an operator would.
    func importCertificate(_ h: SimHarness, alias: String) throws {
        let body = #"{"alias":"\#(alias)","certificate":"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUSimulated\n-----END CERTIFICATE-----\n"}"#
        let r = try h.client().send("POST", "/cloudapi/1.0.0/ssl/certificateLibrary", body: Data(body.utf8), contentType: "application/json")
        XCTAssertEqual(r.status, 201, String(decoding: r.body, as: UTF8.self))
    }

    func testPoolAndVirtualServiceFieldsAreMadeShownAndChanged() throws {
        let h = try SimHarness()
        _ = try h.run("", file: runbook)
        try importCertificate(h, alias: "web-cert")
        let made = try h.run("""
            let gw = cloud.org("xav_lab").vdc("t-tenant").gateway("gw-capvcd")
            let p = gw.pools.ensure(name: "web", members: ["192.168.10.20", "192.168.10.21:8443"], port: 8080,
                                    healthMonitors: ["http", "TCP"], persistence: "HTTP_COOKIE", persistenceValue: "JSESSIONID",
                                    gracefulTimeout: 5m, passiveMonitoring: false, description: "web tier")
            print(p.healthMonitors, p.persistence, p.persistenceValue, p.gracefulTimeout, p.passiveMonitoring, p.enabled, p.members)
            let vs = gw.virtualServices.ensure(name: "web-https", pool: p, vip: gw.freeIPs[0], type: "HTTPS",
                                               ports: [443, "8443-8445"], certificate: "web-cert", description: "public web")
            print(vs.ports, vs.certificate, vs.type, vs.description)
            """)
        XCTAssertTrue(made.contains("+ created pool web on gw-capvcd"), made.joined(separator: "\n"))
        XCTAssertTrue(made.contains(#"["HTTP", "TCP"] HTTP_COOKIE JSESSIONID 5 false true ["192.168.10.20:8080", "192.168.10.21:8443"]"#), made.joined(separator: "\n"))
        XCTAssertTrue(made.contains(#"["443", "8443-8445"] web-cert HTTPS public web"#), made.joined(separator: "\n"))

        // The same again changes nothing; one field changed is one field updated.
        let writes = h.sim.counters.writes
        let again = try h.run("""
            let gw = cloud.org("xav_lab").vdc("t-tenant").gateway("gw-capvcd")
            gw.pools.ensure(name: "web", healthMonitors: ["TCP", "HTTP"], persistence: "HTTP_COOKIE", gracefulTimeout: 5)
            gw.virtualServices.ensure(name: "web-https", ports: ["443", "8443-8445"], certificate: "web-cert")
            """)
        XCTAssertEqual(h.sim.counters.writes, writes, again.joined(separator: "\n"))
        let changed = try h.run("""
            let gw = cloud.org("xav_lab").vdc("t-tenant").gateway("gw-capvcd")
            gw.pools.ensure(name: "web", healthMonitors: ["PING"], gracefulTimeout: -1)
            gw.virtualServices.ensure(name: "web-https", ports: [443])
            print(gw.pools.get("web").gracefulTimeout, gw.virtualServices.get("web-https").ports)
            """)
        XCTAssertTrue(changed.contains("~ updated pool web on gw-capvcd (healthMonitors, gracefulTimeout)"), changed.joined(separator: "\n"))
        XCTAssertTrue(changed.contains("~ updated virtual service web-https on gw-capvcd (ports)"), changed.joined(separator: "\n"))
        XCTAssertTrue(changed.contains(#"-1 ["443"]"#), changed.joined(separator: "\n"))
    }

    /// What VCD refuses is refused before a request, with the same words in plan and apply.
    func testRefusedBeforeAnythingIsSent() throws {
        let h = try SimHarness()
        _ = try h.run("", file: runbook)
        let cases: [(String, String)] = [
            (#"gw.pools.ensure(name: "p", members: ["192.168.10.300"])"#, "pool p: invalid pool member address 192.168.10.300"),
            (#"gw.pools.ensure(name: "p", members: ["192.168.10.20:70000"])"#, "pool p: member 192.168.10.20:70000: 70000 is not a port"),
            (#"gw.pools.ensure(name: "p", healthMonitors: ["ICMP"])"#, "pool p: unknown health monitor type ICMP"),
            (#"gw.pools.ensure(name: "p", persistence: "HTTP_COOKIE")"#, "pool p: HTTP_COOKIE persistence needs the cookie or header name"),
            (#"gw.pools.ensure(name: "p", persistenceValue: "x")"#, "pool p: persistenceValue needs a persistence type"),
            (#"gw.virtualServices.ensure(name: "v", pool: "p", vip: "203.0.113.20", type: "HTTPS", port: 443)"#, "virtual service v: a HTTPS virtual service needs a certificate"),
            (#"gw.virtualServices.ensure(name: "v", pool: "p", vip: "203.0.113.20", ports: ["80-90", "85"])"#, "virtual service v: service ports 80-90 and 85 overlap"),
            (#"gw.virtualServices.ensure(name: "v", pool: "p", vip: "203.0.113.20", ports: ["90-80"])"#, "virtual service v: the range 90-80 ends before it starts"),
            (#"gw.virtualServices.ensure(name: "v", pool: "p", vip: "203.0.113.20", port: 0)"#, "virtual service v: port: 0 is not a port"),
        ]
        let writes = h.sim.counters.writes
        for (line, message) in cases {
            for mode in [EngineMode.plan, .apply] {
                let e = scriptError { _ = try h.run("let gw = cloud.org(\"xav_lab\").vdc(\"t-tenant\").gateway(\"gw-capvcd\")\n" + line, mode: mode) }
                XCTAssertEqual(e?.message, message, "\(mode) \(line)")
            }
        }
        XCTAssertEqual(h.sim.counters.writes, writes, "nothing was sent")
        // Refusals known before sending are INVALID, to catch by kind.
        let caught = try h.run("""
            let gw = cloud.org("xav_lab").vdc("t-tenant").gateway("gw-capvcd")
            try { gw.pools.ensure(name: "p", healthMonitors: ["ICMP"]) } catch INVALID as e { print("refused:", e.code) }
            try { cloud.org("xav_lab").vdc("t-tenant").vapps.ensure(name: "none") } catch INVALID as e { print("refused:", e.code) }
            """)
        XCTAssertEqual(caught.suffix(2), ["refused: INVALID", "refused: INVALID"], caught.joined(separator: "\n"))
        let e = scriptError { _ = try h.run(#"cloud.org("xav_lab").vdc("t-tenant").gateway("gw-capvcd").pools.ensure(name: "p", gracefulTimeout: 90s)"#) }
        XCTAssertEqual(e?.message, "pools.ensure(): gracefulTimeout is counted in whole minutes, not 1m30s")
    }

    /// The simulator refuses the same values from any client, and a certificate it does not have.
    func testTheSimulatorRefusesThemFromAnyClient() throws {
        let h = try SimHarness()
        _ = try h.run("", file: runbook)
        _ = try h.run(#"cloud.org("xav_lab").vdc("t-tenant").gateway("gw-capvcd").pools.ensure(name: "p", members: ["192.168.10.20"])"#)
        let c = h.client()
        let gwId = try XCTUnwrap(try h.run(#"print(cloud.org("xav_lab").vdc("t-tenant").gateway("gw-capvcd").id)"#).last)
        func post(_ path: String, _ json: String) throws -> String {
            let r = try c.send("POST", "/cloudapi/1.0.0/" + path, body: Data(json.utf8), contentType: "application/json")
            XCTAssertEqual(r.status, 400, String(decoding: r.body, as: UTF8.self))
            return String(decoding: r.body, as: UTF8.self)
        }
        XCTAssertTrue(try post("loadBalancer/pools", #"{"name":"q","gatewayRef":{"id":"\#(gwId)"},"healthMonitors":[{"type":"ICMP"}]}"#)
            .contains("Invalid health monitor type ICMP"))
        XCTAssertTrue(try post("loadBalancer/pools", #"{"name":"q","gatewayRef":{"id":"\#(gwId)"},"persistenceProfile":{"type":"APP_COOKIE"}}"#)
            .contains("A APP_COOKIE persistence profile needs a value"))
        XCTAssertTrue(try post("loadBalancer/pools", #"{"name":"q","gatewayRef":{"id":"\#(gwId)"},"members":[{"ipAddress":"192.168.10.9","port":0}]}"#)
            .contains("Invalid port 0 of pool member 192.168.10.9"))
    }
}
