import XCTest
@testable import VCDScript

/// Calls by position bound without the general binder (`PositionalBinding`): the values, the
/// given flags and the errors must be those the general binder gives.
final class PositionalBindingTests: XCTestCase {
    final class Probe: NativeObject {
        init() { super.init(type: PositionalBindingTests.probeType) }
    }

    /// `probe.show(a, b = 2, c = "x")` shows each value and whether it was given.
    static let probeType: NativeType = {
        let t = NativeType(name: "probe")
        t.method("show", params: [Parameter("a"), Parameter("b", default: .int(2)), Parameter("c", default: .string("x"))]) { _, a, _ in
            .string((0..<3).map { i in "\(Formatter.repr(a[i]))\(a.has(["a", "b", "c"][i]) ? "!" : "")" }.joined(separator: " "))
        }
        t.method("none") { _, a, _ in .int(a.count) }
        t.method("rest", params: [Parameter("first")], variadic: true) { _, a, _ in .int(a.rest.count) }
        return t
    }()

    private func run(_ code: String) throws -> [String] {
        try printedLines(of: code, globals: [("p", .object(Probe()))])
    }

    private func error(_ code: String) -> String {
        do { _ = try run(code); return "no error" } catch let e as ScriptError { return e.message } catch { return "\(error)" }
    }

    func testHostMethodArgumentsByPositionTakeTheDefaultsAfterThem() throws {
        XCTAssertEqual(try run("""
        print(p.show(1))
        print(p.show(1, 5))
        print(p.show(1, 5, "z"))
        print(p.show(1, c: "z"))
        print(p.show(c: "z", a: 0))
        print(p.none(), p.rest(1), p.rest(1, 2, 3))
        """), [
            "1! 2 \"x\"",
            "1! 5! \"x\"",
            "1! 5! \"z\"!",
            "1! 2 \"z\"!",
            "0! 2 \"z\"!",
            "0 0 2",
        ])
    }

    func testHostMethodArgumentErrorsAreTheGeneralOnes() {
        XCTAssertEqual(error("p.show()"), "probe.show() is missing argument a")
        XCTAssertEqual(error("p.show(1, 2, 3, 4)"), "probe.show() takes at most 3 arguments, but 4 were given")
        XCTAssertEqual(error("p.none(1)"), "probe.none() takes at most 0 arguments, but 1 were given")
        XCTAssertEqual(error("p.show(1, a: 2)"), "probe.show(): argument a is given twice")
    }

    func testValueMethodsWithDefaultsByPosition() throws {
        XCTAssertEqual(try run("""
        print("ab".padLeft(4) + "|", "ab".padLeft(4, "*"), "ab".padRight(width: 3) + "|")
        print("a b".split(), "a=b=c".split("="), "a=b=c".split("=", 1), [3, 1, 2].sorted(), [3, 1, 2].sorted(nil, true))
        print({a: 1}.get("a"), {a: 1}.get("b"), {a: 1}.get("b", 0), "-".join(["x"]), ["x", "y"].join())
        """), [
            "  ab| **ab ab |",
            "[\"a\", \"b\"] [\"a\", \"b\", \"c\"] [\"a\", \"b=c\"] [1, 2, 3] [3, 2, 1]",
            "1 nil 0 x xy",
        ])
        XCTAssertEqual(error("\"ab\".padLeft()"), "string.padLeft() is missing argument width")
        XCTAssertEqual(error("\"ab\".padLeft(1, \" \", 3)"), "string.padLeft() takes at most 2 arguments, but 3 were given")
    }
}
