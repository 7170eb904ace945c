import Foundation
import ScriptCloud
import VCDScript
import XCTest
@testable import vcdscript

/// `vcdscript check`: imports are loaded and checked, and every member, method and named argument
/// used on a value of a known cloud type is checked against the type's declarations; a value of
/// unknown type checks nothing. The shipped scripts and the documentation's examples pass.
final class ScriptCheckTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The rendered problems of checking `files`, one string per file with problems.
    private func check(_ files: [String]) -> [String] {
        let checker = ScriptCheck(searchPaths: [SimHarness.packageRoot + "/stdlib"])
        return files.flatMap { checker.check(file: $0, renderer: DiagnosticRenderer(color: false)) }
    }

    func testMisspeltMemberWrongNamedArgumentAndUnknownMethodInAScriptAndItsModule() throws {
        _ = try write("net.vs", """
        fn networks(org) {
            return org.vdc("t-tenant").networks
        }
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        let gws = vdc.gatways
        """)
        let main = try write("main.vs", """
        import "net"
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        vdc.networks.ensure(name: "lab", cdir: "10.0.10.1/24")
        for gw in vdc.gateways {
            gw.nat.ensur(name: "snat")
        }
        print(net.netwroks)
        """)
        let problems = check([main]).map { $0.replacingOccurrences(of: dir + "/", with: "") }
        XCTAssertEqual(problems.count, 1)
        // The module's problem first (it is checked at its import), then the script's, all in one run.
        XCTAssertEqual(problems.first, """
        error[name]: vdc has no member gatways
         --> net.vs:5:15
          |
        5 | let gws = vdc.gatways
          |               ^^^^^^^
           = did you mean "gateways"?
           = hint: dir(x) lists the members

        error[argument]: networks.ensure() has no parameter named cdir
         --> main.vs:3:34
          |
        3 | vdc.networks.ensure(name: "lab", cdir: "10.0.10.1/24")
          |                                  ^^^^
           = did you mean "cidr"?
           = hint: its parameters are: name, gateway, cidr, pool, dns, dnsSuffix, description

        error[name]: natRules has no member ensur
         --> main.vs:5:12
          |
        5 |     gw.nat.ensur(name: "snat")
          |            ^^^^^
           = did you mean "ensure"?
           = hint: dir(x) lists the members

        error[name]: module net.vs has no member netwroks
         --> main.vs:7:11
          |
        7 | print(net.netwroks)
          |           ^^^^^^^^
           = did you mean "networks"?
           = hint: dir(x) lists the members

        4 errors
        """)
    }

    func testMissingRequiredArgumentAndTooManyArguments() throws {
        let main = try write("args.vs", """
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        vdc.networks.ensure(gateway: "gw", cidr: "10.0.10.1/24")
        vdc.gateway("a", "b")
        """)
        XCTAssertEqual(check([main]).first?.replacingOccurrences(of: dir + "/", with: ""), """
        error[argument]: networks.ensure() is missing argument name
         --> args.vs:2:1
          |
        2 | vdc.networks.ensure(gateway: "gw", cidr: "10.0.10.1/24")
          | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           = hint: call it as networks.ensure(name: ...)

        error[argument]: vdc.gateway() takes at most 1 argument, but 2 were given
         --> args.vs:3:1
          |
        3 | vdc.gateway("a", "b")
          | ^^^^^^^^^^^^^^^^^^^^^
           = hint: its parameters are: name

        2 errors
        """)
    }

    func testValuesOfUnknownTypeAreNotChecked() throws {
        let main = try write("unknown.vs", """
        fn use(gw) { return gw.anything.at.all(whatever: 1) }
        var org = cloud.org("xav_lab")
        org = {vdcs: 1}
        print(org.anything)
        let m = {gatways: 1}
        print(m.gatways, m.get("x"))
        let c = cloud.org("xav_lab").vdc("t-tenant").gateway("gw").capiStuff ?? 1
        let k = kube.connect(kubeconfig: "k").deployments.ensure(name: "web", image: "nginx")
        print(k.ready, k.refresh().image)
        for x in [1, 2] { print(x) }
        let f = fn(a, b = 2) { return a }
        print(f(1, b: 3))
        """)
        // `capiStuff` is not a gateway member: the one real problem, and nothing after it is checked.
        let problems = check([main])
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].hasPrefix("error[name]: gateway has no member capiStuff"), problems[0])
        XCTAssertFalse(problems[0].contains("2 errors"), problems[0])
    }

    func testScriptFunctionsNamedArgumentsAreChecked() throws {
        let main = try write("fns.vs", """
        fn ensureNet(vdc, name, cidr = "10.0.10.1/24") { return vdc.networks.ensure(name: name, cidr: cidr) }
        ensureNet(1, "x", cdir: "10.0.0.1/24")
        ensureNet(1)
        """)
        XCTAssertEqual(check([main]).first?.replacingOccurrences(of: dir + "/", with: ""), """
        error[argument]: ensureNet() has no parameter named cdir
         --> fns.vs:2:19
          |
        2 | ensureNet(1, "x", cdir: "10.0.0.1/24")
          |                   ^^^^
           = did you mean "cidr"?
           = hint: its parameters are: vdc, name, cidr

        error[argument]: ensureNet() is missing argument name
         --> fns.vs:3:1
          |
        3 | ensureNet(1)
          | ^^^^^^^^^^^^
           = hint: it takes: vdc, name, cidr

        2 errors
        """)
    }

    /// CI: every bundled runbook, example and documentation example passes the check.
    func testShippedScriptsExamplesAndDocumentationPass() throws {
        let root = SimHarness.packageRoot
        var files: [String] = []
        for folder in ["stdlib", "examples"] {
            files += try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder).filter { $0.hasSuffix(".vs") }.sorted().map { "\(root)/\(folder)/\($0)" }
        }
        files += try FileManager.default.contentsOfDirectory(atPath: root + "/docs").filter { $0.hasSuffix(".md") }.sorted().map { "\(root)/docs/\($0)" }
        files.append(root + "/README.md")
        XCTAssertGreaterThan(files.count, 10)
        let problems = check(files)
        XCTAssertEqual(problems, [], problems.joined(separator: "\n\n"))
    }

    /// The declared result types name registered types, and members those types have.
    func testDeclaredResultTypesNameRealTypesAndMembers() {
        let types = Dictionary(uniqueKeysWithValues: CloudTypes.all.map { ($0.name, $0) })
        func check(_ s: StaticType?, _ what: String) {
            switch s {
            case .native(let n)?: XCTAssertNotNil(types[n], "\(what): no type \(n)")
            case .list(let e)?: check(e, what)
            default: break
            }
        }
        var declared = 0
        for t in CloudTypes.all {
            for (member, type) in t.memberTypes {
                XCTAssertTrue(t.memberNames.contains(member), "\(t.name) declares a type for \(member), which it does not have")
                check(type, "\(t.name).\(member)")
                declared += 1
            }
            check(t.elementType, "elements of \(t.name)")
            if t.iterate != nil { XCTAssertNotNil(t.elementType, "\(t.name) is iterable but declares no element type") }
        }
        XCTAssertGreaterThan(declared, 150)
    }

    /// What check follows is what the run gives: on the simulator, the declared type of each
    /// step is the type of the value.
    func testDeclaredTypesAreTheTypesAtRunTime() throws {
        let h = try SimHarness()
        let out = try h.run("""
        let org = cloud.org("xav_lab")
        let vdc = org.vdc("t-tenant")
        let gw = vdc.gateways.ensure(name: "gw-t")
        let net = vdc.networks.ensure(name: "net-t", gateway: gw, cidr: "10.0.77.1/24")
        for x in [cloud.orgs, org, org.vdcs, vdc, vdc.gateways, gw, gw.nat, gw.pools, gw.virtualServices, gw.serviceEngineGroups,
                  gw.loadBalancer, gw.routeAdvertisement, vdc.networks, net, vdc.vapps, vdc.vms, org.catalogs, org.vms, org.vapps,
                  cloud.entityTypes, cloud.serviceEngineGroups, cloud.alb, cloud.nsx, cloud.credentials, kind, kind.clusters, kube] {
            print(type(x))
        }
        print(type(vdc.networks.list()[0]), type(gw.nat.ensure(name: "s", type: "SNAT", external: gw.primaryIP, internal: "10.0.77.0/24")))
        """)
        XCTAssertEqual(out.filter { !$0.hasPrefix("+ ") }, ["orgs", "org", "vdcs", "vdc", "gateways", "gateway", "natRules", "pools", "virtualServices", "segAssignments",
                             "loadBalancer", "routeAdvertisement", "networks", "network", "vapps", "vdcVms", "catalogs", "orgVms", "orgVapps",
                             "entityTypes", "serviceEngineGroups", "alb", "nsx", "credentials", "kind", "kindClusters", "kube",
                             "network natRule"])
        // The same chain, statically: check reports nothing for members that exist.
        let ok = try write("chain.vs", """
        let org = cloud.org("xav_lab")
        let vdc = org.vdc("t-tenant")
        let gw = vdc.gateways.ensure(name: "gw-t")
        print(org.vdcs.count, vdc.networks.names, gw.nat.list(), gw.loadBalancer.enabled, gw.routeAdvertisement.subnets)
        print(cloud.alb.serviceEngineGroups.count, cloud.nsx.tier1s.names, kind.clusters.names, vdc.vms.count)
        """)
        XCTAssertEqual(check([ok]), [])
    }

    /// In a plan, a field of an object still to be created is unknown, but it stands for a kind
    /// of value: a member that kind does not have is an error, as it would be in the real run.
    func testPlanChecksMembersOfValuesKnownOnlyAfterApply() throws {
        let h = try SimHarness()
        let setup = """
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        let gw = vdc.gateways.ensure(name: "gw-new")
        """
        let fine = try h.run(setup + """

        print(gw.primaryIP.split("."), gw.allocatedIPs.first.split("."), gw.allocatedIPs[0].count, gw.usedIPs[0].category, gw.id.upper())
        print(gw.allocatedIPs[0..<2].first.split("."), gw.freeIPs.last.count)
        """, mode: .plan)
        XCTAssertEqual(fine.suffix(2), ["(known after apply) (known after apply) (known after apply) (known after apply) (known after apply)",
                                        "(known after apply) (known after apply)"])
        guard let e = scriptError({ try h.run(setup + "\nprint(gw.primaryIP.isEmtpy)", mode: .plan) }) else { return }
        XCTAssertEqual(e.message, "string has no member isEmtpy")
        XCTAssertEqual(e.suggestion, "isEmpty")
        XCTAssertEqual(e.hint, "the value is known only after apply; it will be a string")
        guard let m = scriptError({ try h.run(setup + "\nprint(gw.allocatedIPs.frist)", mode: .plan) }) else { return }
        XCTAssertEqual(m.message, "list has no member frist")
        guard let c = scriptError({ try h.run(setup + "\nprint(gw.status.uper())", mode: .plan) }) else { return }
        XCTAssertEqual(c.message, "string has no member uper")
        XCTAssertEqual(c.suggestion, "upper")
    }

    /// The command line: problems go to standard error, the exit code is 65; a clean file says ok.
    func testCommandLineExitCodes() throws {
        guard let binary = NodeImageCommandTests.binary else { throw XCTSkip("the vcdscript executable is not built (swift build --build-tests)") }
        let bad = try write("bad.vs", "let vdc = cloud.org(\"xav_lab\").vdc(\"t\")\nprint(vdc.gatways)\n")
        let good = try write("good.vs", "let vdc = cloud.org(\"xav_lab\").vdc(\"t\")\nprint(vdc.gateways)\n")
        func run(_ args: [String]) throws -> (Int32, String, String) {
            var env = ProcessInfo.processInfo.environment
            env["VCDSCRIPT_HOME"] = dir
            env["NO_COLOR"] = "1"
            let r = try BinaryRun.run(binary, args, environment: env)
            return (r.status, r.out, r.err)
        }
        let (code, out, err) = try run(["check", good, bad])
        XCTAssertEqual(code, 65)
        XCTAssertEqual(out, "\(good): ok\n")
        XCTAssertEqual(err, """
        error[name]: vdc has no member gatways
         --> \(bad):2:11
          |
        2 | print(vdc.gatways)
          |           ^^^^^^^
           = did you mean "gateways"?
           = hint: dir(x) lists the members

        """)
        XCTAssertEqual(try run(["check", good]).0, 0)
    }
}
