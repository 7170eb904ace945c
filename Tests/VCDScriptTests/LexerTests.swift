import XCTest
@testable import VCDScript

final class LexerTests: XCTestCase {
    private func lex(_ text: String) -> Lexer {
        var l = Lexer(file: SourceFile(name: "t", text: text))
        l.run()
        return l
    }

    private func kinds(_ text: String) -> [TokenKind] { lex(text).tokens.map(\.kind) }

    func testNumbersAndNames() {
        XCTAssertEqual(kinds("let x = 0x2A + 1_000 - 2.5e1"), [
            .keyword(.let), .identifier("x"), .punct("="), .int(42), .punct("+"), .int(1000), .punct("-"), .float(25), .eof,
        ])
    }

    func testDurations() {
        XCTAssertEqual(kinds("500ms 1.5h 2d 10ns"), [
            .duration(500_000_000), .duration(5_400_000_000_000), .duration(172_800_000_000_000), .duration(10), .eof,
        ])
    }

    func testLongestPunctuationWins() {
        XCTAssertEqual(kinds("a..<b...c?.d??e|>f"), [
            .identifier("a"), .punct("..<"), .identifier("b"), .punct("..."), .identifier("c"), .punct("?."),
            .identifier("d"), .punct("??"), .identifier("e"), .punct("|>"), .identifier("f"), .eof,
        ])
    }

    func testNewlinesInsideParenthesesAndBracketsAreNotTokens() {
        XCTAssertEqual(kinds("(1\n2)\n[3\n]"), [.punct("("), .int(1), .int(2), .punct(")"), .newline, .punct("["), .int(3), .punct("]"), .eof])
        // Inside braces they are statement ends.
        XCTAssertEqual(kinds("{1\n2}"), [.punct("{"), .int(1), .newline, .int(2), .punct("}"), .eof])
    }

    func testCommentsAndContinuations() {
        XCTAssertEqual(kinds("1 # comment ( \\\n2 \\\n+ 3"), [.int(1), .newline, .int(2), .punct("+"), .int(3), .eof])
    }

    func testInterpolationKeepsOffsetsOfCode() {
        let l = lex("\"a ${x + 1} b\"")
        guard case .interpolated(let parts) = l.tokens[0].kind else { return XCTFail("\(l.tokens[0].kind)") }
        XCTAssertEqual(parts, [.text("a "), .code("x + 1", offset: 5), .text(" b")])
    }

    func testEscapesAndRawStrings() {
        XCTAssertEqual(kinds(#""a\t\"\$\u{41}" 'r\n${x}'"#), [.string("a\t\"$A"), .string("r\\n${x}"), .eof])
    }

    func testTripleQuotedStringsAreDedented() {
        XCTAssertEqual(kinds("\"\"\"\n    one\n      two\n    \"\"\""), [.string("one\n  two"), .eof])
    }

    func testSpaceBeforeIsRecorded() {
        let t = lex("f(1) f (2)").tokens
        XCTAssertFalse(t[1].spaceBefore)
        XCTAssertTrue(t[5].spaceBefore)
    }

    func testErrorsAreCollectedAndLexingGoesOn() {
        let l = lex("a & 1 ` 99999999999999999999 \"open")
        XCTAssertEqual(l.errors.count, 4, l.errors.map(\.message).joined(separator: "; "))
        XCTAssertTrue(l.errors.allSatisfy { $0.kind == .syntax && $0.isCompileTime })
        XCTAssertTrue(l.tokens.contains { $0.kind == .int(1) })
        XCTAssertEqual(l.errors[0].range?.column, 3)
        XCTAssertEqual(l.errors[0].hint, "use `and` for logical and")
    }

    func testUnknownSuffixIsAnError() {
        let l = lex("5apples")
        XCTAssertEqual(l.errors.first?.message, "unknown number suffix \"apples\"")
    }

    func testLocationsCountCharactersNotBytes() {
        let file = SourceFile(name: "t", text: "é = 1\n  ü")
        XCTAssertEqual(file.location(of: 2).column, 2) // after the two bytes of é
        XCTAssertEqual(file.location(of: 3).column, 3)
        XCTAssertEqual(file.location(of: 8).line, 2)
        XCTAssertEqual(file.lineText(2), "  ü")
    }
}
