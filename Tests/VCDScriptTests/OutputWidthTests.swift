import XCTest
@testable import VCDScript

/// Tables fitting an output width (`InterpreterOptions.outputWidth`, the REPL's `.width`) and
/// `help()` wrapping on words.
final class OutputWidthTests: XCTestCase {
    private var printed: [String] = []

    private func run(_ code: String, width: Int?) throws -> [String] {
        printed = []
        var o = InterpreterOptions()
        o.output = { [unowned self] in self.printed.append($0) }
        o.outputWidth = width
        let i = Interpreter(options: o)
        _ = try LargeStack.run { Result { try i.run(source: code, name: "t") } }.get()
        return printed
    }

    private let rows = #"[{"name": "web", "note": "\#(String(repeating: "n", count: 70))", "zone": "z1"}]"#

    func testWithoutAWidthEachCellIsCutAt60AsScriptsAlwaysDid() throws {
        let out = try run("print(\(rows))", width: nil)[0].split(separator: "\n")
        XCTAssertEqual(String(out[1]), "web   " + String(repeating: "n", count: 57) + "...  z1")
    }

    func testATableFitsTheWidthByCuttingItsWidestColumn() throws {
        let out = try run("print(\(rows))", width: 40)[0].split(separator: "\n").map(String.init)
        XCTAssertEqual(out, ["NAME  NOTE                          ZONE",
                             "web   nnnnnnnnnnnnnnnnnnnnnnnnn...  z1"])
        XCTAssertTrue(out.allSatisfy { $0.count <= 40 })
    }

    func testWidthZeroAndAWideWidthCutNothing() throws {
        for w in [0, 200] {
            let out = try run("print(\(rows))", width: w)[0].split(separator: "\n")
            XCTAssertEqual(String(out[1]), "web   " + String(repeating: "n", count: 70) + "  z1", "width \(w)")
        }
    }

    func testFitKeepsHeadersAndAFloorWhenTheWidthIsTooNarrow() {
        XCTAssertEqual(TableLayout.fit([4, 70, 4], headers: [4, 4, 4], in: 40), [4, 28, 4])
        XCTAssertEqual(TableLayout.fit([30, 30], headers: [12, 4], in: 10), [12, 8])
        XCTAssertEqual(TableLayout.fit([3, 5], headers: [3, 4], in: 80), [3, 5])
        XCTAssertEqual(TableLayout.cut("abcdefghij", to: 6), "abc...")
        XCTAssertEqual(TableLayout.cut("abc", to: 6), "abc")
    }

    func testHelpWrapsOnWordsWithAHangingIndent() throws {
        XCTAssertEqual(TextWrap.wrap("alpha beta gamma delta", width: 11), "alpha beta\n  gamma\n  delta")
        XCTAssertEqual(TextWrap.wrap("  name: one two three four", width: 14), "  name: one\n    two three\n    four")
        XCTAssertEqual(TextWrap.wrap("short\n\nsupercalifragilistic word", width: 8), "short\n\nsupercalifragilistic\n  word")
        let narrow = try run("help()", width: 30)[0]
        let wide = try run("help()", width: 10_000)[0]
        XCTAssertTrue(narrow.split(separator: "\n").allSatisfy { $0.count <= 30 }, narrow)
        XCTAssertEqual(narrow.split(whereSeparator: { $0 == " " || $0 == "\n" }), wide.split(whereSeparator: { $0 == " " || $0 == "\n" }))
        // Scripts (no width): 80 columns.
        XCTAssertTrue(try run("help()", width: nil)[0].split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
