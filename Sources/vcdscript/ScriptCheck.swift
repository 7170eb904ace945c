import Foundation
import VCDScript

/// The work of `vcdscript check`, apart from the command line: one interpreter set up as a run
/// would be (the search path, `cloud`, `kube`, `kind`, `connect`), but nothing is run or connected.
/// A markdown file's ```vcdscript blocks are checked one by one, with their lines numbered as in
/// the file, so that CI can check the documentation's examples as it checks scripts.
struct ScriptCheck {
    let interpreter: Interpreter

    init(searchPaths: [String] = Environment.searchPaths()) {
        var options = InterpreterOptions()
        options.searchPaths = searchPaths
        // One interpreter: a module imported by several of the files is checked (and reported) once.
        interpreter = Interpreter(options: options)
        interpreter.define("args", .list([]))
        CloudWiring(target: "sim", plan: true, debug: false, statePath: nil).install(into: interpreter)
    }

    /// One piece of source to check.
    struct Unit {
        let name: String
        let source: String
        /// The file, for its imports and so that a module is checked once; nil for a markdown block.
        let path: String?
    }

    /// What to check in a file: a script whole; a markdown file's ```vcdscript blocks, each
    /// preceded by blank lines so that diagnostics give the line in the markdown file.
    static func units(name: String, path: String, text: String) -> [Unit] {
        guard path.hasSuffix(".md") else { return [Unit(name: name, source: text, path: path)] }
        var units: [Unit] = []
        var block: [String]? = nil
        var start = 0
        var fence = ""
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if block == nil {
                if trimmed.hasPrefix("```"), trimmed.drop(while: { $0 == "`" }).trimmingCharacters(in: .whitespaces).split(separator: " ").first == "vcdscript" {
                    block = []
                    start = i + 1
                    fence = String(trimmed.prefix { $0 == "`" })
                }
            } else if trimmed.hasPrefix(fence) && trimmed.allSatisfy({ $0 == "`" }) {
                let source = String(repeating: "\n", count: start) + block!.joined(separator: "\n")
                units.append(Unit(name: name, source: source, path: nil))
                block = nil
            } else {
                block!.append(line)
            }
        }
        return units
    }

    /// Checks the file named `file` (a path, or a stdlib script's name): every problem, rendered
    /// as run errors are; an empty list when it is fine.
    func check(file: String, renderer: DiagnosticRenderer) -> [String] {
        guard let path = Environment.locateScript(file), let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return ["error: cannot read \(file)"]
        }
        var problems: [String] = []
        for unit in Self.units(name: file, path: path, text: text) {
            do {
                try LargeStack.run { Result { try interpreter.check(source: unit.source, name: unit.name, path: unit.path) } }.get()
            } catch let e as ScriptErrors {
                problems.append(renderer.render(e))
            } catch let e as ScriptError {
                problems.append(renderer.render(e))
            } catch {
                problems.append("error: \(error)")
            }
        }
        return problems
    }
}
