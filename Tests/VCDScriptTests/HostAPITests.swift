import XCTest
@testable import VCDScript

/// A test-only native type, registered through the same host API the cloud layer uses:
/// properties (one settable), a method with named parameters and defaults, iteration, table
/// columns, documentation for help() and dir().
final class HostAPITests: XCTestCase {
    final class Gateway: NativeObject {
        var name: String
        var ips: [String]
        var lbEnabled = false
        init(name: String, ips: [String]) {
            self.name = name
            self.ips = ips
            super.init(type: HostAPITests.gatewayType)
        }
    }

    static let gatewayType: NativeType = {
        let t = NativeType(name: "gateway", doc: "A test edge gateway.")
        t.property("name", doc: "Its name.") { o, _ in .string((o as! Gateway).name) }
        t.property("allocatedIPs", doc: "Addresses it owns.") { o, _ in .list((o as! Gateway).ips.map { .string($0) }) }
        t.property("lbEnabled", doc: "Whether the load balancer is on.", get: { o, _ in .bool((o as! Gateway).lbEnabled) },
                   set: { o, v, _ in
                       guard case .bool(let b) = v else { throw ScriptError(.type, "lbEnabled must be true or false") }
                       (o as! Gateway).lbEnabled = b
                   })
        t.method("allocate", params: [Parameter("count", default: .int(1)), Parameter("prefix", default: .string("203.0.113."))],
                 doc: "Allocates addresses.") { o, a, _ in
            let g = o as! Gateway
            let n = try a.int(0)
            let prefix = try a.string(1)
            let new = (0..<n).map { "\(prefix)\(10 + g.ips.count + $0)" }
            g.ips += new
            return .list(new.map { .string($0) })
        }
        t.iterate = { o, _ in (o as! Gateway).ips.map { .string($0) } }
        t.columns = ["name", "lbEnabled"]
        t.describe = { o in "<gateway \((o as! Gateway).name)>" }
        return t
    }()

    private func run(_ code: String, gateways: [Gateway]) throws -> [String] {
        var lines: [String] = []
        var options = InterpreterOptions()
        options.output = { lines.append($0) }
        let interp = Interpreter(options: options)
        interp.define("gw", .object(gateways[0]))
        interp.define("gateways", .list(gateways.map { .object($0) }))
        try LargeStack.run { Result { try interp.run(source: code) } }.get()
        return lines
    }

    func testPropertiesMethodsAndNamedArguments() throws {
        let g = Gateway(name: "gw-capvcd", ips: ["203.0.113.10"])
        let out = try run("""
        print(gw.name, len(gw.allocatedIPs))
        print(gw.allocate(count: 2))
        gw.lbEnabled = true
        print(gw.lbEnabled, type(gw), str(gw))
        for ip in gw { print(ip) }
        """, gateways: [g])
        XCTAssertEqual(out, ["gw-capvcd 1", "[\"203.0.113.11\", \"203.0.113.12\"]", "true gateway <gateway gw-capvcd>",
                             "203.0.113.10", "203.0.113.11", "203.0.113.12"])
        XCTAssertTrue(g.lbEnabled)
    }

    func testUnknownNamedArgumentSuggestsTheRightOne() {
        let g = Gateway(name: "gw", ips: [])
        XCTAssertThrowsError(try run("gw.allocate(cout: 2)", gateways: [g])) { error in
            let e = error as! ScriptError
            XCTAssertEqual(e.kind, .argument)
            XCTAssertEqual(e.suggestion, "count")
            XCTAssertEqual(e.range?.line, 1)
        }
    }

    func testUnknownMemberAndReadOnlyProperty() {
        let g = Gateway(name: "gw", ips: [])
        XCTAssertThrowsError(try run("print(gw.nmae)", gateways: [g])) { error in
            XCTAssertEqual((error as! ScriptError).suggestion, "name")
        }
        XCTAssertThrowsError(try run("gw.name = \"x\"", gateways: [g])) { error in
            XCTAssertTrue((error as! ScriptError).message.contains("read-only"))
        }
        XCTAssertThrowsError(try run("gw.lbEnabled = 3", gateways: [g])) { error in
            XCTAssertEqual((error as! ScriptError).kind, .type)
        }
    }

    func testTableRenderingUsesColumns() throws {
        let out = try run("print(gateways)", gateways: [Gateway(name: "a", ips: []), Gateway(name: "bbbb", ips: [])])
        XCTAssertEqual(out, ["NAME  LBENABLED\na     false\nbbbb  false"])
    }

    func testADisplayHookShowsALoneValueInTextOnly() throws {
        let t = NativeType(name: "tree", doc: "A test type shown as a tree.")
        t.describe = { _ in "<tree>" }
        t.display = { _, _ in "root\n└─leaf" }
        let v = Value.object(NativeObject(type: t))
        let interp = Interpreter(options: InterpreterOptions())
        let ctx = CallContext(vm: interp.vm, range: nil)
        XCTAssertEqual(Display.render(v, format: .text, ctx: ctx), "root\n└─leaf")
        XCTAssertEqual(Display.render(v, format: .table, ctx: ctx), "root\n└─leaf")
        XCTAssertEqual(Formatter.str(v), "<tree>", "str() and print() keep the one-line form")
        XCTAssertNotEqual(Display.render(v, format: .json, ctx: ctx), "root\n└─leaf")
    }

    func testHelpAndDirListDocumentedMembers() throws {
        let out = try run("help(gw)\nprint(dir(gw))", gateways: [Gateway(name: "a", ips: [])])
        XCTAssertTrue(out[0].contains("gateway: A test edge gateway."))
        XCTAssertTrue(out[0].contains("allocate(count: 1, prefix: \"203.0.113.\") — Allocates addresses."))
        XCTAssertTrue(out[0].contains("lbEnabled (settable)"))
        XCTAssertEqual(out[1], "[\"name\", \"allocatedIPs\", \"lbEnabled\", \"allocate\"]")
    }

    func testSecretsNeverPrint() throws {
        let out = try run("""
        let p = secret("hunter2")
        print(p, "${p}", [p], {pw: p}, json.encode({pw: p}))
        """, gateways: [Gateway(name: "a", ips: [])])
        XCTAssertEqual(out.count, 1)
        XCTAssertFalse(out[0].contains("hunter2"))
        XCTAssertEqual(out[0], "******** ******** [********] {pw: ********} {\"pw\":\"********\"}")
    }
}
