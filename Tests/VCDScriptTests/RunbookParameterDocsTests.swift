import Foundation
import VCDScript
import XCTest

/// docs/runbooks.md's parameter tables are generated from the `param` declarations of the
/// runbooks, as docs/types.md is from the registered help. A table sits between
/// `<!-- parameters of stdlib/NAME.vs -->` (or `… stdlib/NAME.vs, own -->`: only those declared in
/// that file, not in its imports) and `<!-- end of parameters -->`.
/// Regenerate: VCDSCRIPT_UPDATE_DOCS=1 swift test --filter RunbookParameterDocsTests
final class RunbookParameterDocsTests: XCTestCase {
    static let start = "<!-- parameters of "
    static let end = "<!-- end of parameters -->"

    /// The document with every table between the markers made again from the declarations.
    static func regenerate(_ text: String, root: URL) throws -> String {
        var out: [String] = []
        var skipping = false
        for line in text.components(separatedBy: "\n") {
            if skipping {
                if line == end { skipping = false; out.append(line) }
                continue
            }
            out.append(line)
            guard line.hasPrefix(start), line.hasSuffix(" -->") else { continue }
            var spec = String(line.dropFirst(start.count).dropLast(4))
            let own = spec.hasSuffix(", own")
            if own { spec = String(spec.dropLast(5)) }
            let file = root.appendingPathComponent(spec).path
            var declared = try Interpreter().declaredParameters(file: file).all
            if own { declared = declared.filter { $0.file == URL(fileURLWithPath: file).standardizedFileURL.path } }
            out.append(markdown(declared))
            skipping = true
        }
        XCTAssertFalse(skipping, "a parameter table is not closed with \(end)")
        return out.joined(separator: "\n")
    }

    static func markdown(_ all: [DeclaredParameter]) -> String {
        var lines = ["| parameter | type | default | description |", "|---|---|---|---|"]
        for p in all {
            let def = p.required ? "required" : (p.type == .secret ? "(hidden)" : p.defaultText.flatMap { $0 == "nil" ? nil : "`\($0)`" } ?? "")
            var doc = p.doc
            if !p.allowedText.isEmpty { doc += (doc.isEmpty ? "" : " ") + "(one of \(p.allowedText.joined(separator: ", ")))" }
            lines.append("| `\(p.name)` | \(p.type.rawValue) | \(def.replacingOccurrences(of: "|", with: "\\|")) | \(doc.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        return lines.joined(separator: "\n")
    }

    func testRunbookParameterTablesMatchTheDeclarations() throws {
        let root = SpecHarness.root
        let path = root.appendingPathComponent("docs/runbooks.md").path
        let onDisk = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(onDisk.contains(Self.start + "stdlib/lab-setup.vs -->"), "docs/runbooks.md has no table of lab-setup.vs")
        let generated = try Self.regenerate(onDisk, root: root)
        if ProcessInfo.processInfo.environment["VCDSCRIPT_UPDATE_DOCS"] == "1" {
            try generated.write(toFile: path, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(onDisk, generated, "docs/runbooks.md's parameter tables are stale: run VCDSCRIPT_UPDATE_DOCS=1 swift test --filter RunbookParameterDocsTests")
    }

    /// Each table lists what `--help` lists: a declaration added to a runbook shows up in it.
    func testTheTableFollowsADeclaration() throws {
        let dir = NSTemporaryDirectory() + "runbook-docs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/stdlib", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "param size = \"small\", doc: \"the flavour\", allowed: [\"small\", \"large\"]\nparam token: secret = \"x\"\n"
            .write(toFile: dir + "/stdlib/r.vs", atomically: true, encoding: .utf8)
        let doc = "# R\n\n\(Self.start)stdlib/r.vs -->\nold\n\(Self.end)\n"
        XCTAssertEqual(try Self.regenerate(doc, root: URL(fileURLWithPath: dir)), """
            # R

            <!-- parameters of stdlib/r.vs -->
            | parameter | type | default | description |
            |---|---|---|---|
            | `size` | string | `"small"` | the flavour (one of "small", "large") |
            | `token` | secret | (hidden) |  |
            <!-- end of parameters -->

            """)
    }
}
