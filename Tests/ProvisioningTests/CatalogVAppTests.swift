import CloudSim
import Foundation
import ScriptCloud
import XCTest
import TestFixtures
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// Catalogs, OVA upload, vApps and VMs through vcdscript against the in-process simulator.
final class CatalogVAppTests: XCTestCase {
    static var ova: String { TestNodeOVA.path }
    static let diskSize = 2048

    /// A routed network on a new gateway, the catalog and the template.
    static let setup = """
    let org = cloud.org("xav_lab")
    let vdc = org.vdc("t-tenant")
    let gw = vdc.gateways.ensure(name: "gw-vapp", ipCount: 2)
    let net = vdc.networks.ensure(name: "nodes", gateway: gw, cidr: "10.0.20.1/24", pool: ["10.0.20.10-10.0.20.50"], dns: ["198.51.100.53"])
    gw.nat.ensure(name: "snat-nodes", type: "SNAT", external: gw.allocatedIPs[0], internal: "10.0.20.0/24")
    let cat = org.catalogs.ensure(name: "lab-cat", description: "node images")
    let tpl = cat.upload(path: "\(ova)", name: "test-node")
    """

    func testUploadReportsProgressAndASecondUploadWritesNothing() throws {
        let h = try SimHarness()
        let out = try h.run(Self.setup + """

        print(tpl.name, tpl.status, tpl.catalog, tpl.vms, cat.templates.names, cat.templateCount)
        """)
        let text = out.joined(separator: "\n")
        XCTAssertTrue(out.contains("+ created catalog lab-cat on xav_lab"), text)
        XCTAssertTrue(out.contains("+ created template test-node on lab-cat"), text)
        XCTAssertTrue(out.contains("  uploading test-node: 0 B of 2.0 KiB (0%)"), text)
        XCTAssertTrue(out.contains("  uploading test-node: 2.0 KiB of 2.0 KiB (100%)"), text)
        XCTAssertEqual(out.last, #"test-node RESOLVED lab-cat ["ubuntu-2204-kube-v1.27.5"] ["test-node"] 1"#, text)
        // The descriptor went alone (not the whole OVA), then the disk in one piece.
        let puts = h.sim.requestLog.filter { $0.method == "PUT" && $0.path.hasPrefix("/transfer/") }.map { $0.path.split(separator: "/").last! }
        XCTAssertEqual(puts, ["descriptor.ovf", "ubuntu-2204-kube-v1.27.5-disk1.vmdk"])

        let writes = h.sim.counters.writes
        let again = try h.run(Self.setup)
        XCTAssertEqual(h.sim.counters.writes, writes, "the second run wrote:\n\(again.joined(separator: "\n"))")
        XCTAssertTrue(again.contains("= unchanged template test-node on lab-cat"), again.joined(separator: "\n"))
        XCTAssertFalse(again.contains { $0.contains("uploading") }, again.joined(separator: "\n"))
        XCTAssertEqual(h.sim.count(kind: "vAppTemplate"), 1)
        XCTAssertEqual(h.sim.count(kind: "catalog"), 1)
    }

    func testABrokenTransferIsResumedWithOnlyTheMissingBytes() throws {
        let h = try SimHarness()
        let breaker = BreakingTransport(h.transport, breakAfter: 1024, mode: .connectionLost)
        let out = try run(h, breaker, Self.setup + "\nprint(tpl.status)\n")
        let text = out.joined(separator: "\n")
        XCTAssertEqual(out.last, "RESOLVED", text)
        XCTAssertTrue(out.contains("  upload of test-node resumed at 1.0 KiB of 2.0 KiB"), text)
        // The first piece broke after 1024 bytes reached the server; the resume sent the other 1024.
        XCTAssertEqual(breaker.diskRanges, ["bytes 0-2047/2048", "bytes 1024-2047/2048"], text)
        XCTAssertEqual(breaker.delivered, [1024, 1024])
    }

    func testASessionThatExpiresDuringTheUploadLogsInAgain() throws {
        let h = try SimHarness()
        let expiring = ExpiringTransport(h.transport)
        let out = try run(h, expiring, Self.setup + "\nprint(tpl.status)\n")
        XCTAssertEqual(out.last, "RESOLVED", out.joined(separator: "\n"))
        XCTAssertEqual(expiring.refused, 1)
        // One login for each session at the start, one more for the tenant after the 401.
        XCTAssertEqual(expiring.logins, 3)
    }

    func testAnUploadCutOffMidwayIsResumedByTheNextRun() throws {
        let h = try SimHarness()
        let breaker = BreakingTransport(h.transport, breakAfter: 512, mode: .killed)
        XCTAssertThrowsError(try run(h, breaker, Self.setup))
        XCTAssertEqual(breaker.delivered, [512])
        let status = try h.run(#"print(cloud.org("xav_lab").catalog("lab-cat").template("test-node").status)"#)
        XCTAssertEqual(status, ["UNRESOLVED"])

        let descriptorPuts = { h.sim.requestLog.filter { $0.method == "PUT" && $0.path.hasSuffix("/descriptor.ovf") }.count }
        XCTAssertEqual(descriptorPuts(), 1)
        let counter = BreakingTransport(h.transport, breakAfter: nil, mode: .killed)
        let out = try run(h, counter, Self.setup + "\nprint(tpl.status)\n")
        let text = out.joined(separator: "\n")
        XCTAssertTrue(out.contains("~ updated template test-node on lab-cat (upload resumed)"), text)
        XCTAssertTrue(out.contains("  upload of test-node resumed at 512 B of 2.0 KiB"), text)
        XCTAssertEqual(out.last, "RESOLVED", text)
        // Only what the server lacked: no second descriptor, the disk from byte 512.
        XCTAssertEqual(descriptorPuts(), 1)
        XCTAssertEqual(counter.diskRanges, ["bytes 512-2047/2048"])
        XCTAssertEqual(counter.delivered, [1536])
        XCTAssertEqual(h.sim.count(kind: "vAppTemplate"), 1)
    }

    /// `ensure` on a vApp and a template that exist, with their names alone (what `ensure` needs
    /// only at creation left out): `= unchanged`, nothing written, the VMs and their power kept.
    func testEnsureWithOmittedArgumentsKeepsVAppsAndTemplates() throws {
        let h = try SimHarness()
        _ = try h.run(Self.setup + """

        let app = vdc.vapps.ensure(name: "capi", template: tpl, network: net, vms: ["node-1", "node-2"], sizingPolicy: "capvcd-small", powerOn: true)
        """)
        let writes = h.sim.counters.writes
        let out = try h.run("""
        let org = cloud.org("xav_lab")
        let vdc = org.vdc("t-tenant")
        let app = vdc.vapps.ensure(name: "capi")
        org.catalog("lab-cat").templates.ensure(name: "test-node", path: "\(Self.ova)")
        print(app.vms.names, app.status, app.vm("node-2").sizingPolicy)
        """)
        let lines = out + h.output
        XCTAssertEqual(h.sim.counters.writes, writes, lines.joined(separator: "\n"))
        XCTAssertEqual(lines.filter { $0.hasPrefix("+") || $0.hasPrefix("~") || $0.hasPrefix("-") }, [], lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("= unchanged vApp capi on t-tenant"), lines.joined(separator: "\n"))
        XCTAssertEqual(out.last, #"["node-1", "node-2"] POWERED_ON capvcd-small"#, lines.joined(separator: "\n"))
        // A vApp that does not exist still needs its template, in plan and apply alike.
        for mode in [EngineMode.plan, .apply] {
            let e = scriptError { _ = try h.run(#"cloud.org("xav_lab").vdc("t-tenant").vapps.ensure(name: "other")"#, mode: mode) }
            XCTAssertEqual(e?.message, "vApp other does not exist in VDC t-tenant, and ensure() needs template: to create it", "\(mode)")
        }
        XCTAssertEqual(h.sim.counters.writes, writes)
    }

    func testVAppOnARoutedNetworkPowerGuestinfoAndDelete() throws {
        let h = try SimHarness()
        let script = Self.setup + """

        let app = vdc.vapps.ensure(name: "capi", template: tpl, network: net, vms: ["node-1", "node-2"], sizingPolicy: "capvcd-small")
        print(app.vms.names, app.network, app.status)
        let vm = app.vm("node-1")
        vm.powerOn()
        vm.setGuestinfo({hostname: "node-1", "userdata.encoding": "base64"})
        print(vm.powerState, vm.ip, vm.cpus, vm.memoryMB, vm.sizingPolicy, vm.guestOS)
        print(vm.guestinfo["hostname"], vm.extraConfig["guestinfo.userdata.encoding"])
        print(app.vm("node-2").ip)
        """
        let out = try h.run(script)
        let text = out.joined(separator: "\n")
        XCTAssertTrue(out.contains("+ created vApp capi on t-tenant"), text)
        XCTAssertTrue(out.contains(#"["node-1", "node-2"] nodes POWERED_OFF"#), text)
        XCTAssertTrue(out.contains("~ updated VM node-1 on capi (power on)"), text)
        XCTAssertTrue(out.contains("~ updated VM node-1 on capi (guestinfo.hostname, guestinfo.userdata.encoding)"), text)
        XCTAssertTrue(out.contains { $0.hasPrefix("POWERED_ON 10.0.20.10 2 4096 capvcd-small ") }, text)
        XCTAssertTrue(out.contains("node-1 base64"), text)
        XCTAssertEqual(out.last, "10.0.20.11", text)

        // Everything again: nothing is written, one = line per step.
        let writes = h.sim.counters.writes
        let again = try h.run(script)
        XCTAssertEqual(h.sim.counters.writes, writes, again.joined(separator: "\n"))
        XCTAssertTrue(again.contains("= unchanged vApp capi on t-tenant"), again.joined(separator: "\n"))
        XCTAssertEqual(again.filter { $0 == "= unchanged VM node-1 on capi" }.count, 2, again.joined(separator: "\n"))

        // By names, with one VM more: only that VM is added (recompose), from the same template.
        let grown = try h.run("""
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        cloud.org("xav_lab").catalog("lab-cat").templates.ensure(name: "test-node", path: "\(Self.ova)")
        let app = vdc.vapps.ensure(name: "capi", template: "test-node", catalog: "lab-cat", network: "nodes", vms: ["node-1", "node-2", "node-3"])
        print(app.vms.names, app.vm("node-3").ip, app.vm("node-3").powerState)
        """)
        XCTAssertEqual(grown, ["= unchanged template test-node on lab-cat", "~ updated vApp capi on t-tenant (vms +node-3)",
                               #"["node-1", "node-2", "node-3"] 10.0.20.12 POWERED_OFF"#])
        let vapp = try h.run("""
        let app = cloud.org("xav_lab").vdc("t-tenant").vapp("capi")
        print(app.status)
        app.powerOn()
        print(app.status, app.vm("node-3").powerState)
        app.powerOn()
        """)
        XCTAssertEqual(vapp, ["MIXED", "~ updated vApp capi on t-tenant (power on)", "POWERED_ON POWERED_ON", "= unchanged vApp capi on t-tenant"])

        // One changed key: only that key is written.
        let one = try h.run("""
        let vm = cloud.org("xav_lab").vdc("t-tenant").vapp("capi").vm("node-1")
        vm.setGuestinfo({hostname: "node-1b", "userdata.encoding": "base64"})
        vm.powerOff()
        print(vm.guestinfo["hostname"], len(cloud.org("xav_lab").vdc("t-tenant").vapp("capi").vms.where(fn(v) { v.powerState == "POWERED_ON" })))
        vm.powerOn()
        """)
        XCTAssertEqual(one, ["~ updated VM node-1 on capi (guestinfo.hostname)", "~ updated VM node-1 on capi (power off)", "node-1b 2",
                             "~ updated VM node-1 on capi (power on)"])

        // Reset needs a running VM; the error says what to do instead.
        let reset = try h.run(#"print(cloud.org("xav_lab").vdc("t-tenant").vapp("capi").vm("node-1").reset().powerState)"#)
        XCTAssertEqual(reset, ["~ updated VM node-1 on capi (reset)", "POWERED_ON"])
        try h.run(#"cloud.org("xav_lab").vdc("t-tenant").vapp("capi").vm("node-2").powerOff()"#)
        XCTAssertThrowsError(try h.run(#"cloud.org("xav_lab").vdc("t-tenant").vapp("capi").vm("node-2").reset()"#)) { e in
            let s = e as? ScriptError
            XCTAssertEqual(s?.message, "VM node-2 is POWERED_OFF; only a running VM can be reset")
            XCTAssertEqual(s?.hint, "power it on instead: vm.powerOn()")
        }

        let gone = try h.run("""
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        print(vdc.vapps.delete("capi"), vdc.vapps.delete("capi"), vdc.vapps.count)
        print(cloud.org("xav_lab").catalogs.delete("lab-cat"), cloud.org("xav_lab").catalogs.count)
        """)
        XCTAssertEqual(gone, ["- deleted vApp capi on t-tenant", "true false 0", "- deleted catalog lab-cat on xav_lab", "true 0"])
        // The running VMs were powered off first (undeploy), as VCD requires before a delete.
        XCTAssertTrue(h.sim.requestLog.contains { $0.method == "POST" && $0.path.hasSuffix("/action/undeploy") && $0.status == 202 })
        XCTAssertEqual(h.sim.count(kind: "vApp"), 0)
        XCTAssertEqual(h.sim.count(kind: "vm"), 0)
        XCTAssertEqual(h.sim.count(kind: "vAppTemplate"), 0)
        XCTAssertEqual(h.sim.count(kind: "catalogItem"), 0)
    }

    func testPlanModeRecordsEveryChangeAndWritesNothing() throws {
        let h = try SimHarness()
        let script = Self.setup + """

        let app = vdc.vapps.ensure(name: "capi", template: tpl, network: net, vms: ["node-1"])
        app.vm("node-1").setGuestinfo({hostname: "node-1"})
        app.vm("node-1").powerOn()
        print(tpl.status, app.status)
        """
        let out = try h.run(script, mode: .plan)
        let text = out.joined(separator: "\n")
        XCTAssertEqual(h.sim.counters.writes, 0, text)
        XCTAssertTrue(out.contains("+ create catalog lab-cat on xav_lab"), text)
        XCTAssertTrue(out.contains("+ create template test-node on lab-cat"), text)
        XCTAssertTrue(out.contains("+ create vApp capi on t-tenant"), text)
        XCTAssertTrue(out.contains("~ update VM node-1 on capi (extraConfig guestinfo.hostname)"), text)
        XCTAssertTrue(out.contains("~ update VM node-1 on capi (power on)"), text)
        XCTAssertEqual(out.last, "(known after apply) (known after apply)", text)

        // On a built world, a plan of a changed key and a power change still writes nothing.
        try h.run(script)
        let writes = h.sim.counters.writes
        let plan = try h.run("""
        let app = cloud.org("xav_lab").vdc("t-tenant").vapp("capi")
        app.vm("node-1").setGuestinfo({hostname: "other"})
        app.vm("node-1").powerOff()
        print(app.vm("node-1").guestinfo["hostname"], app.vm("node-1").powerState)
        cloud.org("xav_lab").vdc("t-tenant").vapps.delete("capi")
        """, mode: .plan)
        XCTAssertEqual(h.sim.counters.writes, writes, plan.joined(separator: "\n"))
        XCTAssertEqual(plan, ["~ update VM node-1 on capi (guestinfo.hostname)", "~ update VM node-1 on capi (power off)",
                              "node-1 POWERED_ON", "- delete vApp capi on t-tenant"])
    }

    func testMissingCatalogTemplateAndFileErrorsAreClear() throws {
        let h = try SimHarness()
        try h.run(#"cloud.org("xav_lab").catalogs.ensure(name: "lab-cat")"#)
        func failure(_ code: String) -> ScriptError {
            do { try h.run(code) } catch let e as ScriptError { return e } catch { XCTFail("\(error)") }
            XCTFail("no error for \(code)")
            return ScriptError(.host, "")
        }
        let cat = failure(#"cloud.org("xav_lab").catalog("lab-ca")"#)
        XCTAssertEqual(cat.message, "no catalog named lab-ca in org xav_lab")
        XCTAssertEqual(cat.suggestion, "lab-cat")
        let tpl = failure(#"cloud.org("xav_lab").catalog("lab-cat").template("ubuntu")"#)
        XCTAssertEqual(tpl.message, "no template named ubuntu in catalog lab-cat")
        XCTAssertTrue(tpl.hint?.contains("upload") == true, tpl.hint ?? "")
        let file = failure(#"cloud.org("xav_lab").catalog("lab-cat").upload(path: "/nonexistent/node.ova", name: "n")"#)
        XCTAssertEqual(file.kind, .host)
        XCTAssertEqual(file.message, "no file at /nonexistent/node.ova")
        XCTAssertTrue(file.hint?.contains(".ova") == true, file.hint ?? "")
        let notOVA = failure(#"cloud.org("xav_lab").catalog("lab-cat").upload(path: "\#(SimHarness.packageRoot)/Package.swift", name: "n")"#)
        XCTAssertTrue(notOVA.message.contains("is not an OVA"), notOVA.message)
        let byName = failure(#"cloud.org("xav_lab").vdc("t-tenant").vapps.ensure(name: "a", template: "ubuntu")"#)
        XCTAssertTrue(byName.message.contains("needs catalog:"), byName.message)
        let missing = failure(#"cloud.org("xav_lab").vdc("t-tenant").vapps.ensure(name: "a", template: "ubuntu", catalog: "lab-cat")"#)
        XCTAssertEqual(missing.message, "no template named ubuntu in catalog lab-cat")
        XCTAssertEqual(h.sim.count(kind: "vAppTemplate"), 0)
        XCTAssertEqual(h.sim.count(kind: "vApp"), 0)
    }

    func testSecretGuestinfoNeverShowsAndVMsRenderAsJSON() throws {
        let h = try SimHarness()
        let token = "kubeadm-join-9f8e7d6c5b4a"
        let out = try h.run(Self.setup + """

        let app = vdc.vapps.ensure(name: "capi", template: tpl, network: net, vms: ["node-1"])
        let vm = app.vm("node-1")
        vm.setGuestinfo({"join.token": secret("\(token)"), hostname: "node-1"})
        print(vm.guestinfo["join.token"], vm.guestinfo["hostname"], type(vm.guestinfo["join.token"]))
        print(app.vms)
        """)
        let all = (out + h.debugLog).joined(separator: "\n")
        XCTAssertFalse(h.debugLog.isEmpty)
        XCTAssertFalse(all.contains(token), "the secret leaked:\n\(all)")
        XCTAssertTrue(out.contains("******** node-1 secret"), out.joined(separator: "\n"))
        XCTAssertTrue(out.last?.hasPrefix("NAME    POWERSTATE   IP          CPUS  MEMORYMB  GUESTOS") == true, out.last ?? "")
        // The value did reach the VM: the simulator holds it.
        XCTAssertTrue(h.sim.requestLog.contains { $0.method == "POST" && $0.path.hasSuffix("/action/reconfigureVm") })

        var lines: [String] = []
        var jsonRun = ScriptRun(engine: h.engine(), site: "sim", output: { lines.append($0) })
        jsonRun.options.outputFormat = .json
        try jsonRun.run(#"print(cloud.org("xav_lab").vdc("t-tenant").vapp("capi").vm("node-1"))"#)
        let json = lines.joined(separator: "\n")
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual(doc?["ip"] as? String, "10.0.20.10", json)
        XCTAssertEqual(doc?["powerState"] as? String, "POWERED_OFF", json)
        XCTAssertEqual(doc?["name"] as? String, "node-1", json)
        XCTAssertFalse(json.contains(token), json)
    }

    /// org.vms, vdc.vms and org.vapps flatten the tree: every VM (vApp) of the org in one
    /// collection, each knowing its vApp and VDC; objects then compare (diff) and sort by a field.
    func testFlatteningViewsListEveryVMAndVAppOfTheOrg() throws {
        let h = try SimHarness()
        let empty = try h.run(#"let org = cloud.org("xav_lab"); print(org.vms.count, org.vapps.count, org.vdc("t-tenant").vms.count); print(org.vms)"#)
        XCTAssertEqual(empty, ["0 0 0", "(none)"])
        let out = try h.run(Self.setup + """

        vdc.vapps.ensure(name: "capi", template: tpl, network: net, vms: ["node-1", "node-2"])
        vdc.vapps.ensure(name: "web", template: tpl, network: net, vms: ["node-1"])
        print(org.vms.count, len(org.vms), org.vdc("t-tenant").vms.count, org.vapps.names, type(org.vms), type(org.vapps))
        print(org.vms.names, org.vms.get("node-2").vapp, org.vms.get("web/node-1").ip, org.vms.find("web/node-9"))
        print(org.vms.where(fn(v) { v.vapp == "capi" }).map(fn(v) { v.name }), org.vapps.get("web").vdc, vdc.vapp("capi").vdc, vdc.vapp("capi").vm("node-1").vdc)
        print(org.vms)
        print(vdc.vms)
        print(org.vapps)
        let a = org.vms.get("capi/node-1")
        let b = org.vms.get("web/node-1")
        print(repr(diff(a, b, only: ["name", "vapp", "vdc", "ip"])), len(diff(a, a)), diff(a, {name: "node-1", vdc: "t-tenant", cpus: 2}, only: ["name", "vdc", "cpus"]))
        print(sorted(org.vms, key: fn(v) { v.ip }, reverse: true).map(fn(v) { "${v.vapp}/${v.name}" }), a.fields().vdc, json.decode(json.encode(a)).vapp)
        try { sorted(org.vms) } catch e { print(e.message) }
        """)
        let text = out.joined(separator: "\n")
        XCTAssertTrue(out.contains(#"3 3 3 ["capi", "web"] orgVms orgVapps"#), text)
        XCTAssertTrue(out.contains(#"["node-1", "node-2", "node-1"] capi 10.0.20.12 nil"#), text)
        XCTAssertTrue(out.contains(#"["node-1", "node-2"] t-tenant t-tenant t-tenant"#), text)
        // Tables: the views show where each VM (vApp) lives.
        XCTAssertTrue(out.contains("""
            NAME    VDC       VAPP  POWERSTATE   IP          CPUS  MEMORYMB
            node-1  t-tenant  capi  POWERED_OFF  10.0.20.10  2     2048
            node-2  t-tenant  capi  POWERED_OFF  10.0.20.11  2     2048
            node-1  t-tenant  web   POWERED_OFF  10.0.20.12  2     2048
            """), text)
        XCTAssertTrue(text.contains("NAME    VAPP  POWERSTATE   IP          CPUS  MEMORYMB  GUESTOS\nnode-1  capi  POWERED_OFF"), text)
        XCTAssertTrue(out.contains("""
            NAME  VDC       STATUS       VMCOUNT  NETWORK
            capi  t-tenant  POWERED_OFF  2        nodes
            web   t-tenant  POWERED_OFF  1        nodes
            """), text)
        XCTAssertTrue(out.contains(#"[{field: "vapp", left: "capi", right: "web"}, {field: "ip", left: "10.0.20.10", right: "10.0.20.12"}] 0 []"#), text)
        XCTAssertTrue(out.contains(#"["web/node-1", "capi/node-2", "capi/node-1"] t-tenant capi"#), text)
        XCTAssertEqual(out.last, "cannot compare vm and vm (operator <)", text)
        XCTAssertThrowsError(try h.run(#"print(sorted(cloud.org("xav_lab").vms))"#)) { e in
            XCTAssertEqual((e as? ScriptError)?.hint, "sort objects by a field: sorted(xs, key: fn(o) { o.name })")
        }
        // Reading the views writes nothing.
        let writes = h.sim.counters.writes
        _ = try h.run(#"let org = cloud.org("xav_lab"); print(org.vms, org.vapps, org.vdc("t-tenant").vms)"#)
        XCTAssertEqual(h.sim.counters.writes, writes)
    }

    func testAFailedTaskIsAnErrorWithTheTaskMessage() throws {
        let dir = NSTemporaryDirectory() + "taskfail-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try Simulator(statePath: dir + "/s.sqlite", options: SimulatorOptions(fastTaskSeconds: 0, faults: try FaultSpec.parse("taskfail:1,seed:3")))
        try sim.reset(password: SimHarness.password)
        let t = TransportStack.wrap(InProcessTransport { sim.handle($0, service: .vcd) }, retry: nil)
        let c = VCDClient(baseURL: "https://vcd.sim.test", transport: t,
                          credentials: VCDCredentials(org: "xav_lab", method: .password(user: "administrator", password: SimHarness.password)))
        let e = Engine(tenant: c) { _ in }
        let org = try XCTUnwrap(Orgs(engine: e).find("xav_lab"))
        XCTAssertThrowsError(try Catalogs(engine: e, org: org).ensure(name: "doomed")) { err in
            let te = err as? VCDTaskError
            XCTAssertEqual(te?.operation, "create catalog doomed", "\(err)")
            XCTAssertTrue(te?.message.contains("injected task failure") == true, "\(err)")
            XCTAssertTrue(te?.message.hasSuffix("(INTERNAL_SERVER_ERROR)") == true || te?.message.contains("(") == true, "\(err)")
            XCTAssertFalse(te?.message.hasPrefix("[") == true, "the request id was not cleaned off: \(err)")
        }
    }

    func testParallelChangesToVMsOfOneVAppAreSerialisedByItsLock() throws {
        let h = try SimHarness()
        try h.run(Self.setup + """

        vdc.vapps.ensure(name: "capi", template: tpl, network: net, vms: ["n0", "n1", "n2", "n3"])
        """)
        let watch = InFlightTransport(h.transport)
        let out = try run(h, watch, """
        let app = cloud.org("xav_lab").vdc("t-tenant").vapp("capi")
        fn set(name) { fn() { app.vm(name).setGuestinfo({hostname: name}).guestinfo["hostname"] } }
        print(parallel([set("n0"), set("n1"), set("n2"), set("n3")], limit: 4))
        """)
        let text = out.joined(separator: "\n")
        XCTAssertEqual(out.last, #"["n0", "n1", "n2", "n3"]"#, text)
        XCTAssertEqual(out.filter { $0.hasPrefix("~ updated VM n") && $0.hasSuffix("on capi (guestinfo.hostname)") }.count, 4, text)
        XCTAssertEqual(watch.writes, 4)
        XCTAssertEqual(watch.maxInFlight, 1, "two reconfigures of one vApp ran at once")
    }

    /// Runs a script on an engine whose session goes through `transport`.
    func run(_ h: SimHarness, _ transport: HTTPTransport, _ code: String) throws -> [String] {
        var lines: [String] = []
        let lock = NSLock()
        let c = { (org: String) in
            VCDClient(baseURL: "https://vcd.sim.test", transport: transport,
                      credentials: VCDCredentials(org: org, method: .password(user: "administrator", password: SimHarness.password)))
        }
        let e = Engine(tenant: c("xav_lab"), provider: c("System")) { l in lock.lock(); lines.append(l); lock.unlock() }
        e.createRetryDelay = 0.001
        try ScriptRun(engine: e, site: "sim", output: { l in lock.lock(); lines.append(l); lock.unlock() }).run(code)
        return lines
    }
}

/// Lets the first disk transfer deliver only `breakAfter` bytes to the server, then fails the way
/// a broken connection does (or a killed process); records what every disk PUT carried.
final class BreakingTransport: HTTPTransport {
    enum Mode { case connectionLost, killed }
    struct Killed: Error {}
    let inner: HTTPTransport
    let breakAfter: Int?
    let mode: Mode
    private(set) var diskRanges: [String] = []
    private(set) var delivered: [Int] = []
    private var broke = false

    init(_ inner: HTTPTransport, breakAfter: Int?, mode: Mode) {
        self.inner = inner
        self.breakAfter = breakAfter
        self.mode = mode
    }

    func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        guard request.method == "PUT", request.path.hasSuffix(".vmdk") else { return try inner.send(request, to: baseURL) }
        diskRanges.append(request.headers["Content-Range"] ?? "")
        if let n = breakAfter, !broke, request.body.count > n, let range = request.headers["Content-Range"],
           let start = Int(range.dropFirst(6).split(separator: "-")[0]), let total = range.split(separator: "/").last {
            broke = true
            var partial = request
            partial.body = request.body.prefix(n)
            partial.headers["Content-Range"] = "bytes \(start)-\(start + n - 1)/\(total)"
            _ = try inner.send(partial, to: baseURL)
            delivered.append(n)
            switch mode {
            case .connectionLost:
                throw TransportError(kind: .connectionLost, endpoint: "vcd.sim.test:443", detail: "connection reset by peer", requestMayHaveReachedServer: true)
            case .killed: throw Killed()
            }
        }
        delivered.append(request.body.count)
        return try inner.send(request, to: baseURL)
    }
}

/// Counts how many changing requests run at once; each is held a little so that overlapping
/// callers really overlap when nothing serialises them.
final class InFlightTransport: HTTPTransport, @unchecked Sendable {
    let inner: HTTPTransport
    private let lock = NSLock()
    private var now = 0
    private(set) var maxInFlight = 0
    private(set) var writes = 0
    init(_ inner: HTTPTransport) { self.inner = inner }

    func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        guard request.method == "POST", request.path.hasPrefix("/api/vApp/") else { return try inner.send(request, to: baseURL) }
        lock.lock(); now += 1; writes += 1; maxInFlight = max(maxInFlight, now); lock.unlock()
        defer { lock.lock(); now -= 1; lock.unlock() }
        Thread.sleep(forTimeInterval: 0.05)
        return try inner.send(request, to: baseURL)
    }
}

/// Answers 401 to the first disk transfer, as a site does when the session expired meanwhile.
final class ExpiringTransport: HTTPTransport {
    let inner: HTTPTransport
    private(set) var refused = 0
    private(set) var logins = 0
    init(_ inner: HTTPTransport) { self.inner = inner }
    func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        if request.method == "POST" && request.path.hasPrefix("/cloudapi/1.0.0/sessions") { logins += 1 }
        if request.method == "PUT", request.path.hasSuffix(".vmdk"), refused == 0 {
            refused += 1
            return HTTPResponseMessage(status: 401)
        }
        return try inner.send(request, to: baseURL)
    }
}
