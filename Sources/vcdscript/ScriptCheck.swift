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
        return MarkdownExamples.vcdscript(in: text).map {
            Unit(name: name, source: String(repeating: "\n", count: $0.linesBefore) + $0.source, path: nil)
        }
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
