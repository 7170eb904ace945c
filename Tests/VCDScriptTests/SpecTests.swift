import XCTest
import VCDScript

/// Runs the language spec (Tests/spec/**/*.vs) and the examples of README.md and docs/*.md; see
/// SpecHarness for the markers.
///
/// Each case is a test of its own in the totals: every case prints one line, `case ok: NAME` or
/// `case FAIL: NAME`, and scripts/test.sh counts those lines in place of the XCTest method that
/// printed them (a failure of the method outside any case still counts once).
final class SpecTests: XCTestCase {
    func testSpecFiles() {
        let cases = SpecHarness.fileCases()
        XCTAssertFalse(cases.isEmpty, "no spec files found under \(SpecHarness.specRoot.path)")
        var failed = 0
        for c in cases {
            if c.markers.isEmpty {
                XCTFail("\(c.name): no # expect markers (helpers belong in files or folders named _*)")
                SpecTests.report(c, passed: false)
                failed += 1
                continue
            }
            let failures = SpecHarness.check(c, SpecHarness.run(c))
            if !failures.isEmpty { failed += 1 }
            for f in failures { XCTFail(f) }
            SpecTests.report(c, passed: failures.isEmpty)
        }
        print("spec: \(cases.count - failed) of \(cases.count) cases passed")
    }

    func testDocumentationExamples() {
        let cases = SpecHarness.docCases()
        XCTAssertTrue(cases.contains { $0.displayFile == "README.md" }, "README.md's example is not found")
        var failed = 0
        for c in cases {
            let failures = SpecHarness.check(c, SpecHarness.run(c))
            if !failures.isEmpty { failed += 1 }
            for f in failures { XCTFail(f) }
            SpecTests.report(c, passed: failures.isEmpty)
        }
        print("docs: \(cases.count - failed) of \(cases.count) examples passed")
    }

    /// The line scripts/test.sh counts, one per case.
    static func report(_ c: SpecCase, passed: Bool) {
        print("case \(passed ? "ok" : "FAIL"): \(c.name)")
    }

    /// The corpus cannot silently vanish.
    func testThereAreMoreThanAHundredSpecCases() {
        XCTAssertGreaterThan(SpecHarness.fileCases().count, 100)
    }

    // MARK: the runner itself

    func testMarkersAreParsed() {
        let c = SpecCase(name: "t", source: "print(1)  # expect: 1\n# expect error: boom\n# expect exit: 3\n#expect: not a marker? no\n",
                         path: nil, lineOffset: 10, displayFile: "t")
        let kinds = c.markers.map(\.kind)
        XCTAssertEqual(kinds, [.output("1"), .error("boom"), .exit(3)])
        XCTAssertEqual(c.markers.map(\.line), [11, 12, 13])
    }

    func testWrongExpectationsAreReported() {
        let wrongOutput = SpecCase(name: "w", source: "print(2)  # expect: 3\n", path: nil, lineOffset: 0, displayFile: "w.vs")
        let f1 = SpecHarness.check(wrongOutput, SpecHarness.run(wrongOutput))
        XCTAssertEqual(f1.count, 1)
        XCTAssertTrue(f1.first?.hasPrefix("w.vs:1:") ?? false, "\(f1)")

        let missingError = SpecCase(name: "m", source: "print(1)\n# expect error: nope\n", path: nil, lineOffset: 0, displayFile: "m.vs")
        XCTAssertEqual(SpecHarness.check(missingError, SpecHarness.run(missingError)).count, 2) // extra output, no error

        let wrongExit = SpecCase(name: "x", source: "1 / 0\n# expect error: division by zero\n# expect exit: 65\n", path: nil, lineOffset: 0, displayFile: "x.vs")
        let f3 = SpecHarness.check(wrongExit, SpecHarness.run(wrongExit))
        XCTAssertEqual(f3.count, 1)
        XCTAssertTrue(f3.first?.contains("exit code is 1") ?? false, "\(f3)")

        let unexpectedFailure = SpecCase(name: "u", source: "print(x)\n# expect: 1\n", path: nil, lineOffset: 0, displayFile: "u.vs")
        XCTAssertFalse(SpecHarness.check(unexpectedFailure, SpecHarness.run(unexpectedFailure)).isEmpty)
    }

    func testDocumentationBlocksAreExtracted() {
        let md = """
        # Title
        ```vcdscript
        print(1 + 1)   # expect: 2
        ```
        ```vcdscript
        let unmarked = 1
        ```
        ```python
        print(3)  # expect: 3
        ```
        ```vcdscript
        print(undefinedName)
        # expect error: unknown name
        ```
        """
        let cases = SpecHarness.docBlocks(in: md, file: "docs/x.md")
        XCTAssertEqual(cases.map(\.name), ["docs/x.md:3", "docs/x.md:12"])
        XCTAssertEqual(cases.first?.markers.first?.line, 3)
        for c in cases { XCTAssertEqual(SpecHarness.check(c, SpecHarness.run(c)), []) }
        // Diagnostics of a documentation example carry the markdown file's line numbers.
        let outcome = SpecHarness.run(cases[1])
        XCTAssertTrue(outcome.stderr.contains("docs/x.md:12:7"), outcome.stderr)
    }
}
