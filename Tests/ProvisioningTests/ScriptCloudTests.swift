import CloudSim
import Foundation
import ScriptCloud
import XCTest
import VCDScript

final class ScriptCloudTests: XCTestCase {
    func testGatewaysPrintAsATableAndCollectionsAreUniform() throws {
        let h = try SimHarness()
        let out = try h.run("""
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        print(vdc.gateways.count, vdc.gateways.names)
        let gw = vdc.gateways.ensure(name: "gw-a", ipCount: 3)
        print(vdc.gateways)
        print(vdc.gateways.find("nope"), len(vdc.gateways.where(fn(g) { g.name == "gw-a" })))
        print(len(gw.allocatedIPs), gw.vipSubnet, gw.usedIPs[0].category)
        for g in vdc.gateways { print(g.name) }
        print(dir(gw))
        """)
        XCTAssertEqual(out[0], "0 []")
        XCTAssertEqual(out[1], "+ created edge gateway gw-a on t-tenant")
        XCTAssertTrue(out[2].hasPrefix("NAME  STATUS    UPLINK       PRIMARYIP     IPRANGES"), out[2])
        XCTAssertTrue(out[2].contains("gw-a  REALIZED  t0-provider"), out[2])
        XCTAssertEqual(out[3], "nil 1")
        XCTAssertEqual(out[4], "3 203.0.113.0/24 PRIMARY_IP")
        XCTAssertEqual(out[5], "gw-a")
        XCTAssertTrue(out[6].contains("\"nat\"") && out[6].contains("\"loadBalancer\""), out[6])
    }

    func testGetSuggestsNearNames() throws {
        let h = try SimHarness()
        XCTAssertThrowsError(try h.run(#"cloud.org("xav_lab").vdc("t-tenat")"#)) { e in
            let err = e as! ScriptError
            XCTAssertEqual(err.suggestion, "t-tenant")
        }
    }

    func testProviderOnlyStepWithoutProviderSessionSaysWhatToDo() throws {
        let h = try SimHarness()
        let run = ScriptRun(engine: h.engine(withProvider: false), site: "sim", output: { _ in })
        XCTAssertThrowsError(try run.run(#"cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "x")"#)) { err in
            let s = err as! ScriptError
            XCTAssertEqual(s.kind, .host)
            XCTAssertEqual(s.exitCode, 70)
            XCTAssertTrue(s.message.contains("provider operation"), s.message)
            XCTAssertTrue(s.hint?.contains("System user") == true)
        }
    }

    func testJSONOutputOfObjects() throws {
        let h = try SimHarness()
        var lines: [String] = []
        var run = ScriptRun(engine: h.engine(), site: "sim", output: { lines.append($0) })
        run.options.outputFormat = .json
        let v = try run.run(#"cloud.org("xav_lab").vdc("t-tenant").computePolicies.list()"#)
        let text = Display.render(v, format: .json, ctx: nil)
        XCTAssertTrue(text.contains("capvcd-small") || text.contains("<computePolicy"), text)
    }

    func testNoPasswordOrTokenInAnyOutputOrError() throws {
        let h = try SimHarness()
        var everything = try h.run("""
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        let gw = vdc.gateways.ensure(name: "gw-s", ipCount: 2)
        print(cloud.user, cloud.persona, cloud.apiVersion)
        print(gw, vdc.gateways.list())
        """)
        do { try h.run(#"connect(org: "xav_lab", user: "administrator", password: secret("\#(SimHarness.password)")).orgs.get("zzz")"#) } catch {
            everything.append("\(error)")
            if let s = error as? ScriptError { everything.append(s.hint ?? "") }
        }
        everything += h.debugLog
        XCTAssertFalse(h.debugLog.isEmpty)
        let all = everything.joined(separator: "\n")
        XCTAssertFalse(all.contains(SimHarness.password))
        XCTAssertFalse(all.contains(Data("administrator@xav_lab:\(SimHarness.password)".utf8).base64EncodedString()))
        // Session tokens minted by the simulator never show either.
        XCTAssertFalse(all.range(of: #"Bearer [A-Za-z0-9+/=_-]{16,}"#, options: .regularExpression) != nil, "a bearer token leaked")
    }

    func testDocsTypesMatchesRegisteredHelp() throws {
        let path = SimHarness.packageRoot + "/docs/types.md"
        let generated = CloudTypes.markdown()
        if ProcessInfo.processInfo.environment["VCDSCRIPT_UPDATE_DOCS"] == "1" {
            try generated.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let onDisk = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(onDisk, generated, "docs/types.md is stale: run VCDSCRIPT_UPDATE_DOCS=1 swift test --filter ScriptCloudTests/testDocsTypesMatchesRegisteredHelp")
    }
}

final class LoadBalancerScriptTests: XCTestCase {
    func testPoolsAndVirtualServicesAreIdempotent() throws {
        let h = try SimHarness()
        let script = """
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        cloud.serviceEngineGroups.ensure(name: "seg-tenant")
        let gw = vdc.gateways.ensure(name: "gw-lb", ipCount: 4)
        gw.loadBalancer.enable()
        gw.serviceEngineGroups.ensure(name: "seg-tenant")
        let pool = gw.pools.ensure(name: "web", members: ["192.168.10.11", "192.168.10.12"], port: 80)
        let vs = gw.virtualServices.ensure(name: "web-vs", pool: pool, vip: gw.allocatedIPs[1], port: 80, type: "L4")
        print(gw.pools)
        print(vs.vip == gw.allocatedIPs[1], vs.pool, vs.serviceEngineGroup, gw.serviceEngineGroups.get("seg-tenant").deployedVirtualServices)
        """
        let first = try h.run(script)
        XCTAssertTrue(first.contains("+ created pool web on gw-lb"), first.joined(separator: "\n"))
        XCTAssertTrue(first.contains("+ created virtual service web-vs on gw-lb"), first.joined(separator: "\n"))
        XCTAssertTrue(first.contains("true web seg-tenant 1"), first.joined(separator: "\n"))
        XCTAssertTrue(first.contains { $0.hasPrefix("NAME  ALGORITHM") && $0.contains("web") }, first.joined(separator: "\n"))
        let writes = h.sim.counters.writes
        let second = try h.run(script)
        XCTAssertEqual(h.sim.counters.writes, writes, second.joined(separator: "\n"))
        XCTAssertTrue(second.contains("= unchanged virtual service web-vs on gw-lb"))
        let third = try h.run(#"""
        let gw = cloud.org("xav_lab").vdc("t-tenant").gateway("gw-lb")
        gw.pools.ensure(name: "web", members: ["192.168.10.11", "192.168.10.13"], port: 80)
        print(gw.pools.get("web").members)
        gw.virtualServices.delete("web-vs")
        print(gw.pools.delete("web"), gw.pools.delete("web"), gw.virtualServices.count)
        """#)
        XCTAssertEqual(third, ["~ updated pool web on gw-lb (members)", #"["192.168.10.11:80", "192.168.10.13:80"]"#,
                               "- deleted virtual service web-vs on gw-lb", "- deleted pool web on gw-lb", "true false 0"])
    }
}

/// NAT rules as operators write them: an SSH DNAT 2222 → 22 with the system SSH profile, its
/// fields as data, unchanged on the second ensure, and the mistakes VCD would refuse said at once
/// (also under --plan) with the fix.
final class NatRuleFieldTests: XCTestCase {
    func testSSHDNATWithAPortProfileCreatedShownAndDeleted() throws {
        let h = try SimHarness()
        let script = """
        let gw = cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-ssh", ipCount: 2)
        let r = gw.nat.ensure(name: "ssh-node", type: "DNAT", external: gw.allocatedIPs[1], externalPort: 2222,
                              internal: "192.168.10.10", internalPort: 22, application: "SSH", firewallMatch: "MATCH_EXTERNAL_ADDRESS",
                              priority: 10, logging: true)
        print(r.externalPort + 1, r.internalPort, r.application, r.firewallMatch, r.priority, r.logging)
        print(r["internalPort"], r.fields()["application"], json.decode(json.encode(r)).priority, len(r.fields()) == len(json.decode(json.encode(r))))
        """
        let out = try h.run(script)
        XCTAssertTrue(out.contains("+ created NAT rule ssh-node on gw-ssh"), out.joined(separator: "\n"))
        XCTAssertEqual(out.suffix(2), ["2223 22 SSH MATCH_EXTERNAL_ADDRESS 10 true", "22 SSH 10 true"], "objects are data: indexed, fields(), json")
        let writes = h.sim.counters.writes
        let again = try h.run(script)
        XCTAssertTrue(again.contains("= unchanged NAT rule ssh-node on gw-ssh"), again.joined(separator: "\n"))
        XCTAssertEqual(h.sim.counters.writes, writes)
        let changed = try h.run(#"cloud.org("xav_lab").vdc("t-tenant").gateway("gw-ssh").nat.ensure(name: "ssh-node", internalPort: 2200, logging: false)"#)
        XCTAssertTrue(changed.contains("~ updated NAT rule ssh-node on gw-ssh (internalPort, logging)"), changed.joined(separator: "\n"))
        XCTAssertEqual(try h.run(#"print(cloud.org("xav_lab").vdc("t-tenant").gateway("gw-ssh").nat.delete("ssh-node"))"#).last, "true")
    }

    func testWhatVCDWouldRefuseIsSaidBeforeAnythingIsSent() throws {
        let h = try SimHarness()
        _ = try h.run(#"cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-bad", ipCount: 2)"#)
        let writes = h.sim.counters.writes
        func refused(_ args: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) {
            do {
                _ = try h.run(#"let gw = cloud.org("xav_lab").vdc("t-tenant").gateway("gw-bad")"# + "\ngw.nat.ensure(name: \"x\", \(args))")
                XCTFail("accepted: \(args)", file: file, line: line)
            } catch {
                let s = "\(error)"
                XCTAssertTrue(s.contains(text), s, file: file, line: line)
            }
        }
        refused(#"type: "DNAT", external: gw.allocatedIPs[1], internal: "192.168.10.10:22""#, "carries a port")
        refused(#"type: "DNAT", external: gw.allocatedIPs[1], internal: "192.168.10.300""#, "is not an IPv4 address")
        refused(#"type: "DNAT", external: gw.allocatedIPs[1], internal: "192.168.10.10", externalPort: 70000"#, "is not a port")
        refused(#"type: "SNAT", external: gw.allocatedIPs[1], internal: "192.168.10.0/24", internalPort: 22"#, "internalPort is for DNAT")
        refused(#"type: "DNAT", external: gw.allocatedIPs[1], internal: "192.168.10.10", application: "NO-SUCH""#, "no application port profile")
        refused(#"type: "PAT", external: gw.allocatedIPs[1]"#, "is not one of")
        XCTAssertEqual(h.sim.counters.writes, writes, "nothing was sent")
    }
}

final class ParallelTests: XCTestCase {
    func testParallelEnsuresOnOneGatewayAreSerialisedByTheGatewayLock() throws {
        let h = try SimHarness()
        let out = try h.run("""
        let gw = cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-par", ipCount: 2)
        let ext = gw.allocatedIPs[1]
        fn rule(i) { fn() { gw.nat.ensure(name: "dnat-${i}", type: "DNAT", external: ext, internal: "10.0.0.${i + 10}", externalPort: str(9000 + i)).name } }
        let fns = [rule(0), rule(1), rule(2), rule(3), rule(4), rule(5), rule(6), rule(7)]
        # The same rule from four workers at once: created once, the others find it.
        let same = [rule(9), rule(9), rule(9), rule(9)]
        print(sorted(parallel(fns, limit: 4)))
        print(parallel(same, limit: 4))
        print(gw.nat.count)
        """)
        XCTAssertEqual(out.filter { $0.hasPrefix("+ created NAT rule") }.count, 9, out.joined(separator: "\n"))
        XCTAssertEqual(out.filter { $0 == "= unchanged NAT rule dnat-9 on gw-par" }.count, 3, out.joined(separator: "\n"))
        XCTAssertEqual(out.last, "9")
        XCTAssertEqual(h.sim.requestLog.filter { $0.minorErrorCode == "BUSY_ENTITY" }.count, 0)
    }
}
