import XCTest
@testable import VCDScript

/// A host type marked `undecidable` (the cloud layer's "known after apply") flows through a script
/// but every decision on it is a script error with the host's message and hint.
final class UndecidableTests: XCTestCase {
    static let unknownType: NativeType = {
        let t = NativeType(name: "unknown", doc: "Not known yet.")
        t.describe = { _ in "(known after apply)" }
        t.undecidable = (message: "known only after apply", hint: "do not branch on it")
        return t
    }()

    private func run(_ code: String) throws -> [String] {
        try printedLines(of: code, globals: [("u", .object(NativeObject(type: Self.unknownType)))])
    }

    func testItPrintsAndFlows() throws {
        let out = try run("""
        let m = {ip: u}
        let xs = [u, 1]
        fn id(x) { return x }
        print(u, "ip ${id(u)}", m.ip, len(xs), u ?? "default", type(u))
        """)
        XCTAssertEqual(out, ["(known after apply) ip (known after apply) (known after apply) 2 (known after apply) unknown"])
    }

    func testPartsOfItAreUnknownToo() throws {
        XCTAssertEqual(try run("print(u[0], u.first, u.split(\".\")[1], u.anything.deeper)"),
                       ["(known after apply) (known after apply) (known after apply) (known after apply)"])
        XCTAssertThrowsError(try run("if u[0] == \"x\" { print(1) }"))
    }

    func testPassingItOnIsNoDecision() throws {
        // `and` yields its right side without looking at it.
        XCTAssertEqual(try run("print(true and u)"), ["(known after apply)"])
    }

    func testEveryDecisionIsAnError() {
        let decisions = [
            "if u { print(1) }", "if not u { print(1) }", "while u { break }", "print(u and true)", "print(u or false)",
            "print(u == \"203.0.113.10\")", "print(\"a\" != u)", "print(u == u)", "print(u < \"b\")", "print(u + \"x\")",
            "print(1 + u)", "if u > 3 { print(1) }", "print([u] == [\"x\"])",
        ]
        for code in decisions {
            XCTAssertThrowsError(try run(code), code) { error in
                guard let e = error as? ScriptError else { return XCTFail("\(code): \(error)") }
                XCTAssertEqual(e.message, "known only after apply", code)
                XCTAssertEqual(e.hint, "do not branch on it", code)
                XCTAssertNotNil(e.range, code)
            }
        }
    }
}
