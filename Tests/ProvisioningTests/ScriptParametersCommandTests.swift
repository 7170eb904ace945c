import Foundation
import XCTest

/// Declared parameters on the command line, through the built `vcdscript` binary: `--help`,
/// `key=value`, `--key value`, `--flag`, environment defaults, and the usage errors (exit 2, one
/// line per problem, no traceback, no source). Skipped when the binary is not built.
final class ScriptParametersCommandTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "params-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/home", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    static let script = """
        param ova: string, required, doc: "the OVA to upload"
        param ipCount = 8, doc: "IP block on the gateway", check: fn(n) { n >= 1 }
        param size = "small", doc: "the flavour", allowed: ["small", "large"]
        param keep = false, doc: "keep the kind cluster"
        param wait = 30m, doc: "how long to wait"
        param net: cidr = "192.168.10.1/24", doc: "the nodes' network"
        param names = ["a"], doc: "names"
        param password: secret = "hunter2", doc: "the password"
        print(ova, ipCount, size, keep, wait, net.gateway, names, password)

        """

    /// Runs `vcdscript` with a fresh VCDSCRIPT_HOME in the test's folder.
    func vcdscript(_ arguments: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("VCDSCRIPT_PARAM_") && !$0.key.hasPrefix("VCD_") }
        environment["VCDSCRIPT_HOME"] = dir + "/home"
        environment["NO_COLOR"] = "1"
        for (k, v) in env { environment[k] = v }
        return try BinaryRun.run(try BinaryRun.binary(), arguments, environment: environment, cwd: dir)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testHelpListsTheParametersWithoutRunning() throws {
        _ = try write("t.vs", Self.script)
        let expected = """
            usage: vcdscript [options] t.vs [name=value | --name value | --flag]...

            parameters:
              ova       string    required                   the OVA to upload
              ipCount   int       default 8                  IP block on the gateway
              size      string    default "small"            the flavour (one of "small", "large")
              keep      bool      default false              keep the kind cluster
              wait      duration  default 30m                how long to wait
              net       cidr      default "192.168.10.1/24"  the nodes' network
              names     list      default ["a"]              names
              password  secret    default (hidden)           the password

            A bare word gives the next required parameter; VCDSCRIPT_PARAM_<NAME> (the name in upper snake case,
            e.g. VCDSCRIPT_PARAM_IP_COUNT for ipCount) gives a default from the environment.

            """
        for flag in ["--help", "-h"] {
            let r = try vcdscript(["t.vs", flag])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertEqual(r.out, expected)
            XCTAssertEqual(r.err, "")
            XCTAssertFalse(r.out.contains("hunter2"))
        }
    }

    func testKeyValueAndDashDashFormsAndBareWords() throws {
        _ = try write("t.vs", Self.script)
        var r = try vcdscript(["t.vs", "ova=node.ova", "ipCount=12", "size=large", "keep=true", "wait=1h30m", "net=10.1.10.1/24", "names=x,y"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "node.ova 12 large true 1h30m 10.1.10.1 [\"x\", \"y\"] ********\n")
        r = try vcdscript(["t.vs", "--ova", "node.ova", "--ipCount", "12", "--size=large", "--keep", "--names", "x", "--names", "y"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "node.ova 12 large true 30m 192.168.10.1 [\"x\", \"y\"] ********\n")
        // A bare word gives the required parameter; a value may hold "=".
        r = try vcdscript(["t.vs", "node.ova", "password=a=b"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "node.ova 8 small false 30m 192.168.10.1 [\"a\"] ********\n")
    }

    func testEnvironmentGivesDefaultsAndTheCommandLineWins() throws {
        _ = try write("t.vs", Self.script)
        let env = ["VCDSCRIPT_PARAM_OVA": "env.ova", "VCDSCRIPT_PARAM_IP_COUNT": "16"]
        var r = try vcdscript(["t.vs"], env: env)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "env.ova 16 small false 30m 192.168.10.1 [\"a\"] ********\n")
        r = try vcdscript(["t.vs", "ipCount=4"], env: env)
        XCTAssertEqual(r.out, "env.ova 4 small false 30m 192.168.10.1 [\"a\"] ********\n")
        r = try vcdscript(["t.vs"], env: ["VCDSCRIPT_PARAM_OVA": "x", "VCDSCRIPT_PARAM_IP_COUNT": "many"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err, "error: VCDSCRIPT_PARAM_IP_COUNT: \"many\" is not an int: give a whole number such as 8\n")
    }

    func testUsageErrorsOneLineEachExit2() throws {
        _ = try write("t.vs", Self.script)
        let r = try vcdscript(["t.vs", "ipCuont=3", "keep=maybe", "wait=soon", "net=10.1.1.300/24", "size=huge", "--nothing"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.out, "")
        XCTAssertEqual(r.err, """
            error: unknown parameter ipCuont: did you mean ipCount? (--help lists the parameters)
            error: unknown parameter nothing (--help lists the parameters)
            error: missing required parameter ova (the OVA to upload): give ova=VALUE
            error: parameter size: "huge" is not one of "small", "large"
            error: parameter keep: "maybe" is not a bool: give true or false
            error: parameter wait: "soon" is not a duration: write it like 90s, 30m or 1h30m
            error: parameter net: "10.1.1.300/24" is not a network in CIDR notation (300 is more than 255): write it like 192.168.10.0/24 or 192.168.10.1/24

            """)
    }

    func testMoreUsageErrors() throws {
        _ = try write("t.vs", Self.script)
        var r = try vcdscript(["t.vs", "a.ova", "b.ova"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err, "error: unexpected argument \"b.ova\": give name=value (a bare word gives a required parameter: ova)\n")
        r = try vcdscript(["t.vs", "a.ova", "ipCount=1", "ipCount=2"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err, "error: parameter ipCount is given twice: give it once (a list takes a,b,c)\n")
        r = try vcdscript(["t.vs", "a.ova", "--ipCount"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err, "error: --ipCount needs a value: --ipCount VALUE or --ipCount=VALUE\n")
        r = try vcdscript(["t.vs", "a.ova", "ipCount=x"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err, "error: parameter ipCount: \"x\" is not an int: give a whole number such as 8\n")
        // The check runs with the script, before the code below the declarations.
        r = try vcdscript(["t.vs", "a.ova", "ipCount=0"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.out, "")
        XCTAssertEqual(r.err, "error: parameter ipCount: 0 is refused by its check fn(n) { n >= 1 }\n")
    }

    func testSecretParametersNeverPrint() throws {
        _ = try write("s.vs", """
            param token: secret, required, doc: "the API token", allowed: ["right-token"]
            print("token: ${token}")

            """)
        var r = try vcdscript(["s.vs", "token=right-token"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "token: ********\n")
        r = try vcdscript(["s.vs", "token=hunter2"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err, "error: parameter token: the value is not one of the allowed ones\n")
        XCTAssertFalse((r.out + r.err).contains("hunter2"))
        _ = try write("c.vs", "param token: secret, required, check: fn(t) { len(str(t)) > 100 }\nprint(token)\n")
        r = try vcdscript(["c.vs", "--token", "hunter2"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err, "error: parameter token: the value is refused by its check fn(t) { len(str(t)) > 100 }\n")
        r = try vcdscript(["c.vs", "--help"])
        XCTAssertFalse((r.out + r.err).contains("hunter2"))
    }

    func testConflictingDeclarationsAcrossModulesAreAnError() throws {
        _ = try write("m.vs", "param ipCount = 8\n")
        _ = try write("main.vs", "import \"m\" as m\nparam ipCount = 12\nprint(ipCount)\n")
        let r = try vcdscript(["main.vs"])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.err.contains("m.vs:1:7"), r.err)
        XCTAssertTrue(r.err.contains("parameter ipCount is declared differently at main.vs:2:7 and here"), r.err)
        XCTAssertEqual(r.out, "")
    }

    func testAModuleWithoutTypeTakesTheImportedDeclaration() throws {
        _ = try write("m.vs", "param ipCount = 8, doc: \"IP block\"\nfn double() { return ipCount * 2 }\n")
        _ = try write("main.vs", "import \"m\" as m\nparam ipCount\nprint(ipCount, m.double())\n")
        var r = try vcdscript(["main.vs", "ipCount=5"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "5 10\n")
        r = try vcdscript(["main.vs", "--help"])
        XCTAssertTrue(r.out.contains("  ipCount  int  default 8  IP block\n"), r.out)
        _ = try write("lone.vs", "param ipCuont\n")
        r = try vcdscript(["lone.vs"])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.err.contains("parameter ipCuont has no type, and no imported module declares it"), r.err)
    }

    func testLabSetupHelpListsTheParametersOfItsModules() throws {
        let r = try vcdscript(["lab-setup.vs", "--help"])
        XCTAssertEqual(r.status, 0, r.err)
        for line in ["  ipCount            int     default 8", "  kubeconfig         string  default \"capi-cluster.kubeconfig\"",
                     "  preflight          bool    default true", "  cidr               string  default \"192.168.10.1/24\""] {
            XCTAssertTrue(r.out.contains(line), "no \(line) in\n\(r.out)")
        }
        XCTAssertFalse(r.out.contains("CAPVCD lab for"), r.out)
        let bad = try vcdscript(["lab-setup.vs", "ipCont=3", "workers=two"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.err, """
            error: unknown parameter ipCont: did you mean ipCount? (--help lists the parameters)
            error: parameter workers: "two" is not an int: give a whole number such as 8

            """)
    }
}
