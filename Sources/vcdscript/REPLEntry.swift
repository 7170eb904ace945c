import Foundation
import VCDScript

/// Entry point of the REPL (the REPL itself lives in REPL/).
enum REPLEntry {
    /// Reads lines from standard input, evaluates them and prints results. A fuller REPL on
    /// libedit replaces this loop.
    static func start(interpreter: Interpreter, color: Bool) -> Int32 {
        let renderer = DiagnosticRenderer(color: color)
        var buffer = ""
        while let line = readLine(strippingNewline: true) {
            buffer += (buffer.isEmpty ? "" : "\n") + line
            do {
                if let v = try interpreter.evaluateREPL(buffer) { print(Display.render(v, format: interpreter.options.outputFormat, ctx: nil)) }
                buffer = ""
            } catch let e as ScriptErrors where e.errors.contains(where: \.atEndOfInput) {
                continue
            } catch let e as ScriptErrors {
                FileHandle.standardError.write(Data((renderer.render(e) + "\n").utf8)); buffer = ""
            } catch let e as ScriptError {
                FileHandle.standardError.write(Data((renderer.render(e) + "\n").utf8)); buffer = ""
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8)); buffer = ""
            }
        }
        return 0
    }
}
