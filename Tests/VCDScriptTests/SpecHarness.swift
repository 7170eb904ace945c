import Foundation
import VCDScript

/// The language spec cases: `.vs` files under `Tests/spec` and the ```vcdscript examples of
/// `README.md` and `docs/*.md`, with the markers that say what a run must do:
///
///     print(1 + 1)            # expect: 2
///     # expect error: division by zero
///     # expect exit: 1
///
/// `# expect:` lines give standard output, one printed line each, in order (a case without one
/// must print nothing). `# expect error:` says the run fails and its rendered diagnostic contains
/// the text (several may be given). `# expect exit:` gives the exit code the command line would
/// return. Files and folders whose name starts with `_` are helpers (imported modules), not cases.
struct SpecCase {
    /// `file:line`-style name used in failure messages.
    let name: String
    let source: String
    /// The file to run (imports are relative to it); nil for documentation examples.
    let path: String?
    /// Added to 1-based line numbers inside `source` to get line numbers in the containing file.
    let lineOffset: Int
    let displayFile: String

    struct Marker {
        enum Kind: Equatable { case output(String), error(String), exit(Int32) }
        let kind: Kind
        /// The line of the marker in the containing file.
        let line: Int
    }

    var markers: [Marker] {
        var out: [Marker] = []
        for (i, raw) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            let lineNo = i + 1 + lineOffset
            if let t = SpecCase.text(after: "# expect error:", in: line) {
                out.append(Marker(kind: .error(t), line: lineNo))
            } else if let t = SpecCase.text(after: "# expect exit:", in: line) {
                out.append(Marker(kind: .exit(Int32(t.trimmingCharacters(in: .whitespaces)) ?? -999), line: lineNo))
            } else if let t = SpecCase.text(after: "# expect:", in: line) {
                out.append(Marker(kind: .output(t), line: lineNo))
            }
        }
        return out
    }

    /// The text after a marker: one space after the colon is dropped, trailing blanks too.
    static func text(after marker: String, in line: String) -> String? {
        guard let r = line.range(of: marker) else { return nil }
        var t = line[r.upperBound...]
        if t.hasPrefix(" ") { t = t.dropFirst() }
        while let last = t.last, last == " " || last == "\t" || last == "\r" { t = t.dropLast() }
        return String(t)
    }
}

/// What a run produced, as the command line would show it.
struct SpecOutcome {
    var stdout: [String]
    var stderr: String
    var exitCode: Int32
}

enum SpecHarness {
    /// The repository root, found from this file's path.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var specRoot: URL { root.appendingPathComponent("Tests/spec") }
    /// The folder bare `import "name"` searches after the importing file's folder.
    static var searchPath: String { specRoot.appendingPathComponent("imports/_path").path }

    /// Every `.vs` file under Tests/spec that is a case (not a helper), sorted.
    static func specFiles() -> [URL] {
        guard let e = FileManager.default.enumerator(at: specRoot, includingPropertiesForKeys: nil) else { return [] }
        var files: [URL] = []
        for case let url as URL in e where url.pathExtension == "vs" {
            let rel = url.path.dropFirst(specRoot.path.count + 1)
            if rel.split(separator: "/").contains(where: { $0.hasPrefix("_") }) { continue }
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }

    static func fileCases() -> [SpecCase] {
        specFiles().map { url in
            let rel = "Tests/spec/" + url.path.dropFirst(specRoot.path.count + 1)
            let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            return SpecCase(name: rel, source: text, path: url.path, lineOffset: 0, displayFile: rel)
        }
    }

    /// The ```vcdscript blocks of README.md and docs/*.md that hold at least one marker.
    static func docCases() -> [SpecCase] {
        var cases: [SpecCase] = []
        if let readme = try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8) {
            cases += docBlocks(in: readme, file: "README.md")
        }
        let docs = root.appendingPathComponent("docs")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: docs.path) else { return cases }
        for name in names.sorted() where name.hasSuffix(".md") {
            guard let text = try? String(contentsOfFile: docs.appendingPathComponent(name).path, encoding: .utf8) else { continue }
            cases += docBlocks(in: text, file: "docs/\(name)")
        }
        return cases
    }

    /// Splits markdown into its vcdscript examples that carry markers.
    static func docBlocks(in text: String, file: String) -> [SpecCase] {
        MarkdownExamples.vcdscript(in: text).compactMap { b in
            let c = SpecCase(name: "\(file):\(b.linesBefore + 1)", source: b.source, path: nil, lineOffset: b.linesBefore, displayFile: file)
            return c.markers.isEmpty ? nil : c
        }
    }

    /// Interpreter options for a spec run: output captured, a step limit so that a runaway loop
    /// ends as an error, the spec search path.
    static func options(capture: @escaping (String) -> Void, maxSteps: Int = 2_000_000) -> InterpreterOptions {
        var o = InterpreterOptions()
        o.output = capture
        o.maxSteps = maxSteps
        o.searchPaths = [searchPath]
        o.allowShell = false
        return o
    }

    /// Runs a case in a fresh interpreter, on a large stack, mapping errors to exit codes as the
    /// command line does.
    static func run(_ c: SpecCase) -> SpecOutcome {
        LargeStack.run {
            let box = OutputBox()
            let interp = Interpreter(options: options(capture: { box.lines.append($0) }))
            interp.define("args", .list([]))
            let renderer = DiagnosticRenderer(color: false)
            var stderr = ""
            var code: Int32 = 0
            do {
                if let path = c.path {
                    try interp.runFile(path, displayName: c.displayFile)
                } else {
                    // Pad so that diagnostics show the line numbers of the markdown file.
                    let padded = String(repeating: "\n", count: c.lineOffset) + c.source
                    try interp.run(source: padded, name: c.displayFile)
                }
            } catch let e as ScriptErrors {
                stderr = renderer.render(e); code = 65
            } catch let e as ScriptError {
                stderr = renderer.render(e); code = e.kind == .cancelled ? 130 : e.exitCode
            } catch let e as ExitRequest {
                code = e.code
                stderr = e.message ?? ""
            } catch {
                stderr = "error: \(error)"; code = 70
            }
            let lines = box.lines.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return SpecOutcome(stdout: box.lines.isEmpty ? [] : lines, stderr: stderr, exitCode: code)
        }
    }

    /// Compares an outcome with the case's markers; returns one message per mismatch, each naming
    /// the file and line of the marker concerned.
    static func check(_ c: SpecCase, _ o: SpecOutcome) -> [String] {
        let markers = c.markers
        var failures: [String] = []
        let expected = markers.compactMap { m -> (String, Int)? in if case .output(let t) = m.kind { return (t, m.line) }; return nil }
        let errors = markers.compactMap { m -> (String, Int)? in if case .error(let t) = m.kind { return (t, m.line) }; return nil }
        let exits = markers.compactMap { m -> (Int32, Int)? in if case .exit(let n) = m.kind { return (n, m.line) }; return nil }
        let actual = o.stdout.map { line -> String in
            var t = Substring(line)
            while let last = t.last, last == " " || last == "\t" || last == "\r" { t = t.dropLast() }
            return String(t)
        }
        let context = o.stderr.isEmpty ? "" : "\n--- stderr ---\n\(o.stderr)"
        for (i, (text, line)) in expected.enumerated() {
            if i >= actual.count {
                failures.append("\(c.displayFile):\(line): expected output line \(i + 1) \"\(text)\", but the run printed only \(actual.count) line(s)\(context)")
                break
            }
            if actual[i] != text {
                failures.append("\(c.displayFile):\(line): output line \(i + 1) is \"\(actual[i])\", expected \"\(text)\"\(context)")
            }
        }
        if actual.count > expected.count {
            let extra = actual[expected.count...].prefix(5).map { "  \($0)" }.joined(separator: "\n")
            failures.append("\(c.name): the run printed \(actual.count - expected.count) more line(s) than expected:\n\(extra)\(context)")
        }
        if errors.isEmpty {
            if o.exitCode != 0 && exits.isEmpty {
                failures.append("\(c.name): the run failed (exit \(o.exitCode)) but no error was expected\(context)")
            }
        } else {
            if o.exitCode == 0 {
                failures.append("\(c.displayFile):\(errors[0].1): expected an error containing \"\(errors[0].0)\", but the run succeeded")
            } else {
                for (text, line) in errors where !o.stderr.contains(text) {
                    failures.append("\(c.displayFile):\(line): the diagnostic does not contain \"\(text)\"\(context)")
                }
            }
        }
        for (code, line) in exits where code != o.exitCode {
            failures.append("\(c.displayFile):\(line): exit code is \(o.exitCode), expected \(code)\(context)")
        }
        return failures
    }
}

final class OutputBox: @unchecked Sendable {
    var lines: [String] = []
}
