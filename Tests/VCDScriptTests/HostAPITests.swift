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
        try printedLines(of: code, globals: [("gw", .object(gateways[0])), ("gateways", .list(gateways.map { .object($0) }))])
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

    /// A host type with data fields (`NativeType.dataFields`), as the cloud's are: diff() compares
    /// it through them, reads only those `only:` names, and never looks at its other properties.
    final class Rule: NativeObject {
        let fields: [String: Value]
        init(_ fields: [String: Value]) { self.fields = fields; super.init(type: Rule.type) }
        nonisolated(unsafe) static var reads: [String] = []
        static let type: NativeType = {
            let t = NativeType(name: "rule", doc: "A test NAT rule.")
            for name in ["name", "port", "target"] {
                t.property(name) { o, _ in reads.append(name); return (o as! Rule).fields[name] ?? .null }
            }
            t.property("connections") { _, _ in reads.append("connections"); return .int(7) }
            t.dataFields = ["name", "port", "target"]
            t.describe = { o in "<rule \(Formatter.str((o as! Rule).fields["name"] ?? .null))>" }
            return t
        }()
    }

    func testDiffComparesHostObjectsThroughTheirDataFields() throws {
        let a = Rule(["name": .string("ssh"), "port": .int(22), "target": .map(MapRef([("ip", .string("10.0.0.5")), ("port", .int(22))]))])
        let b = Rule(["name": .string("ssh"), "port": .int(2222), "target": .map(MapRef([("ip", .string("10.0.0.6")), ("port", .int(22))]))])
        var lines: [String] = []
        var options = InterpreterOptions()
        options.output = { lines.append($0) }
        let interp = Interpreter(options: options)
        interp.define("a", .object(a))
        interp.define("b", .object(b))
        try LargeStack.run { Result { try interp.run(source: """
            print(repr(diff(a, b)))
            print(repr(diff(a, {name: "ssh", port: 22, target: {ip: "10.0.0.5", port: 22}})), repr(diff(a, a)), repr(diff({r: a}, {r: b}, only: ["r.port"])))
            print(repr(diff(a, {name: "ssh", extra: 1})))
            """) } }.get()
        XCTAssertEqual(lines, [
            #"[{field: "port", left: 22, right: 2222}, {field: "target.ip", left: "10.0.0.5", right: "10.0.0.6"}]"#,
            #"[] [] [{field: "r.port", left: 22, right: 2222}]"#,
            #"[{field: "port", left: 22, right: nil}, {field: "target", left: {ip: "10.0.0.5", port: 22}, right: nil}, {field: "extra", left: nil, right: 1}]"#,
        ])
        XCTAssertFalse(Rule.reads.contains("connections"), "diff read a property that is not a data field")
        Rule.reads = []
        lines = []
        try LargeStack.run { Result { try interp.run(source: #"print(diff(a, b, only: ["name"]))"#) } }.get()
        XCTAssertEqual(Rule.reads, ["name", "name"], "only: spares the other fields")
        XCTAssertEqual(lines, ["[]"])
    }

    func testACollectionPrintsWithItsOwnColumnsWhenItHasThem() throws {
        let view = NativeType(name: "gatewayView")
        view.iterate = { _, _ in [.object(Gateway(name: "a", ips: ["203.0.113.10"]))] }
        view.itemColumns = ["allocatedIPs", "name"]
        var lines: [String] = []
        var options = InterpreterOptions()
        options.output = { lines.append($0) }
        let interp = Interpreter(options: options)
        interp.define("view", .object(NativeObject(type: view)))
        try LargeStack.run { Result { try interp.run(source: "print(view)\nprint(list(view))") } }.get()
        XCTAssertEqual(lines, ["ALLOCATEDIPS  NAME\n203.0.113.10  a", "NAME  LBENABLED\na     false"])
    }
}
