import ArgumentParser
import Foundation
import VCDScript
import CSupport

/// `vcdscript check FILE...`: parse and resolve, report every error, run nothing.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Parse and resolve scripts without running them.")

    @Argument(help: "The scripts to check.")
    var files: [String]

    func run() throws {
        let color = ProcessInfo.processInfo.environment["NO_COLOR"] == nil && vcd_isatty(2) != 0
        let renderer = DiagnosticRenderer(color: color)
        var failed = false
        for file in files {
            guard let path = Environment.locateScript(file), let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                FileHandle.standardError.write(Data("error: cannot read \(file)\n".utf8))
                failed = true
                continue
            }
            let interp = Interpreter()
            interp.define("args", .list([]))
            // `cloud` and `connect` exist for the resolver; nothing connects while checking.
            CloudWiring(target: "sim", plan: true, debug: false, statePath: nil).install(into: interp)
            do {
                try LargeStack.run { Result { try interp.check(source: text, name: file) } }.get()
                print("\(file): ok")
            } catch let e as ScriptErrors {
                FileHandle.standardError.write(Data((renderer.render(e) + "\n").utf8))
                failed = true
            } catch let e as ScriptError {
                FileHandle.standardError.write(Data((renderer.render(e) + "\n").utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(65) }
    }
}
