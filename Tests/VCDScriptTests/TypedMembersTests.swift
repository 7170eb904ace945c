import XCTest
@testable import VCDScript

/// The typed host API (`property(_:of:)`, `method(_:of:)`, `iterate(as:)`, `describe(as:)`,
/// `display(as:)`): members get their object as the host class they declare, and an object of
/// another class that carries the type is a script error naming the member, never a crash.
final class TypedMembersTests: XCTestCase {
    final class Counter: NativeObject {
        var count = 0
        init() { super.init(type: TypedMembersTests.counterType) }
    }

    /// Another host class, given the counter's type by mistake (the host bug the API turns into an error).
    final class Impostor: NativeObject {
        init() { super.init(type: TypedMembersTests.counterType) }
    }

    static let counterType: NativeType = {
        let t = NativeType(name: "counter", doc: "A test counter.")
        t.property("count", of: Counter.self, doc: "How far it counted.", get: { c, _ in .int(c.count) },
                   set: { c, v, _ in
                       guard case .int(let n) = v else { throw ScriptError(.type, "count must be an int") }
                       c.count = n
                   })
        t.method("add", of: Counter.self, params: [Parameter("by", default: .int(1))], doc: "Counts on.") { c, a, _ in
            c.count += try a.int(0)
            return .int(c.count)
        }
        t.iterate(as: Counter.self) { c, _ in (0..<c.count).map { .int($0) } }
        t.describe(as: Counter.self) { c in "<counter at \(c.count)>" }
        t.display(as: Counter.self) { c, _ in "counter\n└─ \(c.count)" }
        return t
    }()

    private func run(_ code: String, _ object: NativeObject) throws -> [String] {
        try printedLines(of: code, globals: [("c", .object(object))])
    }

    func testMembersGetTheirObjectAsTheDeclaredClass() throws {
        let c = Counter()
        let out = try run("""
        c.add(by: 2)
        c.count = c.count + 1
        print(c.count, str(c))
        for i in c { print(i) }
        """, c)
        XCTAssertEqual(out, ["3 <counter at 3>", "0", "1", "2"])
        XCTAssertEqual(c.count, 3)
        let ctx = CallContext(vm: Interpreter(options: InterpreterOptions()).vm, range: nil)
        XCTAssertEqual(Display.render(.object(c), format: .text, ctx: ctx), "counter\n└─ 3")
    }

    func testAnObjectOfAnotherClassIsAScriptErrorNamingTheMember() {
        let wrong = Impostor()
        for (code, member) in [("print(c.count)", "count"), ("c.count = 2", "count"), ("c.add()", "add"), ("for i in c { print(i) }", "iteration")] {
            XCTAssertThrowsError(try run(code, wrong), code) { error in
                guard let e = error as? ScriptError else { return XCTFail("\(code): not a script error: \(error)") }
                XCTAssertEqual(e.kind, .type, code)
                XCTAssertTrue(e.message.contains("counter.\(member) works on Counter objects, not on this Impostor"), "\(code): \(e.message)")
                XCTAssertNotNil(e.hint, code)
            }
        }
        XCTAssertEqual(Formatter.str(.object(wrong)), "<counter>", "describing cannot fail: the type's name")
    }

    func testTheScriptCanCatchIt() throws {
        let out = try run("""
        try { print(c.count) } catch e { print(e.kind) }
        """, Impostor())
        XCTAssertEqual(out, ["type"])
    }
}
