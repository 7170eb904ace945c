import CloudSim
import Foundation
import ScriptCloud
import XCTest
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// A plan that tells the truth: what the site would refuse for a reason known before sending is
/// refused under --plan with the message apply gets, and nothing is sent either way; local effects
/// (write, file.remove, file.mkdir, sh) are planned lines under --plan and nothing happens.
final class PlanTruthTests: XCTestCase {
    /// The error of running `code` in `mode`, as the script sees it.
    private func refusal(_ h: SimHarness, _ code: String, mode: EngineMode, file: StaticString = #filePath, line: UInt = #line) -> ScriptError? {
        do {
            _ = try h.run(code, mode: mode)
            XCTFail("accepted in \(mode)", file: file, line: line)
        } catch let e as ScriptError {
            return e
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
        return nil
    }

    /// `code` is refused with `message` in plan and in apply, and no write reaches the simulator.
    private func refusedAlike(_ h: SimHarness, _ code: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let writes = h.sim.counters.writes
        let plan = refusal(h, code, mode: .plan, file: file, line: line)
        let apply = refusal(h, code, mode: .apply, file: file, line: line)
        XCTAssertEqual(plan?.message, message, file: file, line: line)
        XCTAssertEqual(apply?.message, message, "apply says the same", file: file, line: line)
        XCTAssertEqual(plan?.hint, "VCD refuses this (400 BAD_REQUEST); nothing was sent", file: file, line: line)
        XCTAssertEqual(plan?.exitCode, 70, file: file, line: line)
        XCTAssertEqual(h.sim.counters.writes, writes, "nothing was sent", file: file, line: line)
    }

    func testNetworkRefusalsAreTheSameInPlanAndApply() throws {
        let h = try SimHarness()
        try h.run("""
            let vdc = cloud.org("xav_lab").vdc("t-tenant")
            let gw = vdc.gateways.ensure(name: "gw-plan", ipCount: 2)
            vdc.networks.ensure(name: "net-a", gateway: gw, cidr: "10.20.0.1/24", pool: ["10.20.0.10-10.20.0.20"])
            """)
        let prefix = #"let vdc = cloud.org("xav_lab").vdc("t-tenant")"# + "\nlet gw = vdc.gateway(\"gw-plan\")\n"
        refusedAlike(h, prefix + #"vdc.networks.ensure(name: "net-b", gateway: gw, cidr: "10.20.0.129/25")"#,
                     "network net-b: Subnet 10.20.0.129/25 overlaps network net-a (10.20.0.1/24) on edge gateway gw-plan.")
        refusedAlike(h, prefix + #"vdc.networks.ensure(name: "net-c", gateway: gw, cidr: "10.30.0.1/24", pool: ["10.31.0.10-10.31.0.20"])"#,
                     "network net-c: Static pool range 10.31.0.10-10.31.0.20 is outside subnet 10.30.0.1/24.")
        refusedAlike(h, prefix + #"vdc.networks.ensure(name: "net-d", gateway: gw, cidr: "10.40.0.1/24", pool: ["10.40.0.1-10.40.0.9"])"#,
                     "network net-d: Static pool range 10.40.0.1-10.40.0.9 contains the gateway address 10.40.0.1.")
        refusedAlike(h, prefix + #"vdc.networks.ensure(name: "net-e", gateway: gw, cidr: "10.50.0.1/31")"#,
                     "network net-e: The subnet needs a gateway address and a prefix length between 8 and 30.")
        // An update is checked as well: the pool of net-a moved out of its subnet.
        refusedAlike(h, prefix + #"vdc.networks.ensure(name: "net-a", gateway: gw, pool: ["10.21.0.10-10.21.0.20"])"#,
                     "network net-a: Static pool range 10.21.0.10-10.21.0.20 is outside subnet 10.20.0.1/24.")
        // A network the plan deletes first is no obstacle to a new one in its place.
        let out = try h.run(prefix + #"vdc.networks.delete("net-a")"# + "\n" + #"vdc.networks.ensure(name: "net-f", gateway: gw, cidr: "10.20.0.1/24")"#, mode: .plan)
        XCTAssertEqual(out, ["- delete network net-a on t-tenant", "+ create network net-f on t-tenant"])
    }

    func testTheSimulatorAnswersWithTheSameRules() throws {
        // The site's own answer (a request the engine did not check): the rule's message in a 400.
        let h = try SimHarness()
        try h.run(#"cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-raw", ipCount: 2)"#)
        var s = NetworkSubnet()
        s.gateway = "10.30.0.1"
        s.prefixLength = 24
        s.ipRanges = IPRanges(values: [IPRange(startAddress: "10.31.0.10", endAddress: "10.31.0.20")])
        XCTAssertEqual(OrgVdcNetworkRules.subnetProblem(s), "Static pool range 10.31.0.10-10.31.0.20 is outside subnet 10.30.0.1/24.")
        let e = h.engine()
        let vdc = try XCTUnwrap(try Vdcs(engine: e, org: try Orgs(engine: e).find("xav_lab")!).find("t-tenant"))
        var n = OrgVdcNetwork()
        n.name = "raw"
        n.networkType = "ISOLATED"
        n.ownerRef = OpenAPIReference(name: vdc.name, id: vdc.id)
        n.subnets = NetworkSubnets(values: [s])
        XCTAssertThrowsError(try h.client().change("POST", "/cloudapi/1.0.0/orgVdcNetworks", body: n, what: "create network raw")) { e in
            XCTAssertTrue("\(e)".contains("Static pool range 10.31.0.10-10.31.0.20 is outside subnet 10.30.0.1/24."), "\(e)")
        }
    }

    func testAVipOutsideTheGatewaysBlockIsRefusedAlike() throws {
        let h = try SimHarness()
        try h.run("""
            let vdc = cloud.org("xav_lab").vdc("t-tenant")
            cloud.serviceEngineGroups.ensure(name: "seg-tenant")
            let gw = vdc.gateways.ensure(name: "gw-vip", ipCount: 2)
            gw.loadBalancer.enable()
            gw.serviceEngineGroups.ensure(name: "seg-tenant")
            vdc.networks.ensure(name: "net-vip", gateway: gw, cidr: "10.60.0.1/24")
            gw.pools.ensure(name: "p", members: ["10.60.0.11"], port: 80)
            """)
        let prefix = #"let gw = cloud.org("xav_lab").vdc("t-tenant").gateway("gw-vip")"# + "\n"
        // An external address of the provider subnet that is not in the gateway's block.
        let outside = try h.run(prefix + """
            let used = gw.allocatedIPs
            let sub = cidr(gw.primaryIP + "/24")
            for i in range(200, 250) { let a = sub.host(i); if not (a in used) { print(a); break } }
            """).last!
        refusedAlike(h, prefix + #"gw.virtualServices.ensure(name: "vs-out", pool: "p", vip: "\#(outside)", port: 80)"#,
                     "virtual service vs-out: Virtual IP address \(outside) is not allocated to edge gateway gw-vip.")
        refusedAlike(h, prefix + #"gw.virtualServices.ensure(name: "vs-in", pool: "p", vip: "10.60.0.50", port: 80)"#,
                     "virtual service vs-in: Virtual IP address 10.60.0.50 is inside network net-vip of the edge gateway.")
        refusedAlike(h, prefix + #"gw.virtualServices.ensure(name: "vs-bad", pool: "p", vip: "10.60.0.500", port: 80)"#,
                     "virtual service vs-bad: Invalid virtual IP address 10.60.0.500.")
    }

    func testAKubernetesNameTheApiserverWouldRefuseIsRefusedAlike() throws {
        let k = try KubeHarness()
        let long = String(repeating: "a", count: 254)
        let ns = String(repeating: "n", count: 64)
        k.recorder.reset()
        for (code, message) in [
            ("kube.connect(kubeconfig: KC).deployments.ensure(name: \"\(long)\", image: \"nginx\")",
             "create deployment default/\(long): Deployment.apps \"\(long)\" is invalid: metadata.name: Invalid value: \"\(long)\": must be no more than 253 characters"),
            ("kube.connect(kubeconfig: KC).namespaces.ensure(name: \"\(ns)\")",
             "create namespace \(ns): Namespace \"\(ns)\" is invalid: metadata.name: Invalid value: \"\(ns)\": must be no more than 63 characters"),
            ("kube.connect(kubeconfig: KC).deployments.ensure(name: \"Web_1\", image: \"nginx\")",
             "create deployment default/Web_1: Deployment.apps \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        ] {
            let plan = scriptError { try k.run(code, mode: .plan) }
            let apply = scriptError { try k.run(code) }
            XCTAssertEqual(plan?.message, message + " (Invalid, HTTP 422)", "the apiserver's words")
            XCTAssertEqual(plan?.message, apply?.message)
            XCTAssertEqual(plan?.exitCode, 70)
        }
        XCTAssertEqual(k.recorder.writes, [], "nothing was sent")
        // The simulated apiserver refuses the same name with the same words.
        let token = try XCTUnwrap(KubeConfig.load(path: k.kubeconfig).resolve().token)
        let body = #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(ns)"}}"#
        let r = k.h.sim.handle(HTTPRequestMessage(method: "POST", target: "/clusters/wc/api/v1/namespaces", headers: ["Authorization": "Bearer " + token, "Content-Type": "application/json"], body: Data(body.utf8)), service: .kube)
        XCTAssertEqual(r.status, 422)
        XCTAssertTrue(String(decoding: r.body, as: UTF8.self).contains("must be no more than 63 characters"))
    }

    func testLocalEffectsArePlannedAndNothingHappens() throws {
        let h = try SimHarness()
        let d = h.dir + "/local"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        try "old".write(toFile: d + "/keep.txt", atomically: false, encoding: .utf8)
        let code = """
            write("\(d)/new.txt", "x", mode: 0o600)
            file.remove("\(d)/keep.txt")
            file.mkdir("\(d)/sub/dir", parents: true)
            let r = sh("sh", "-c", "touch \(d)/touched", secret("\(SimHarness.password)"))
            print(r.code)
            """
        let out = try h.run(code, mode: .plan)
        XCTAssertEqual(out, ["+ write \(d)/new.txt", "- remove \(d)/keep.txt", "+ mkdir \(d)/sub/dir", "! run sh sh -c \"touch \(d)/touched\" ********", "(known after apply)"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d), ["keep.txt"], "nothing written, removed, made or run")
        // Apply: done, and no line printed for them (a script's own files are not news).
        let applied = try h.run(code)
        XCTAssertEqual(applied, ["0"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d).sorted(), ["new.txt", "sub", "touched"])
    }

    func testTheREPLsPlanSwitchGatesLocalEffectsToo() throws {
        // `.plan on` sets the engine's mode, which is the mode of the run's one gate.
        let h = try SimHarness()
        let e = h.engine()
        let interp = ScriptRun(engine: e, kube: KubeWiring(gate: e.gate)).interpreter()
        let f = h.dir + "/repl.txt"
        e.mode = .plan
        try ScriptRun.run("write(\"\(f)\", \"x\")", in: interp)
        XCTAssertFalse(FileManager.default.fileExists(atPath: f))
        XCTAssertEqual(h.output.last, "+ write \(f)")
        e.mode = .apply
        try ScriptRun.run("write(\"\(f)\", \"x\")", in: interp)
        XCTAssertTrue(FileManager.default.fileExists(atPath: f))
    }

    func testTheSummaryCountsLocalEffects() throws {
        let g = MutationGate(mode: .plan, report: { _ in })
        try g.mutate(Change(.create, kind: "network", name: "n")) { }
        XCTAssertFalse(g.permitLocal(.write, kind: "file", target: "/x"))
        XCTAssertFalse(g.permitLocal(.run, kind: "program", target: "sh true"))
        XCTAssertEqual(g.summary, "1 to create, 0 to update, 0 to delete, 0 unchanged; on this machine: 1 to write, 1 to run")
        XCTAssertTrue(g.hasCloudChanges)
        let quiet = MutationGate(mode: .plan, report: { _ in })
        XCTAssertFalse(quiet.permitLocal(.write, kind: "file", target: "/x"))
        XCTAssertFalse(quiet.hasCloudChanges, "a local effect alone is no change of the cloud")
    }

    func testAnUpdateCarriesBeforeAndAfter() throws {
        let h = try SimHarness()
        let e = h.engine()
        try h.run("""
            let vdc = cloud.org("xav_lab").vdc("t-tenant")
            let gw = vdc.gateways.ensure(name: "gw-ba", ipCount: 2)
            vdc.networks.ensure(name: "net-ba", gateway: gw, cidr: "10.70.0.1/24", dns: ["198.51.100.53"])
            """)
        let vdc = try XCTUnwrap(try Vdcs(engine: e, org: try Orgs(engine: e).find("xav_lab")!).find("t-tenant"))
        e.mode = .plan
        let r = try Networks(engine: e, vdc: vdc).ensure(NetworkSpec(name: "net-ba", dns: ["198.51.100.54"], description: "nodes"))
        XCTAssertEqual(r.change.fields, ["dns", "description"])
        XCTAssertEqual(r.change.values, [Change.FieldValues(name: "dns", before: #"["198.51.100.53"]"#, after: #"["198.51.100.54"]"#),
                                         Change.FieldValues(name: "description", before: "", after: "nodes")])
    }
}
