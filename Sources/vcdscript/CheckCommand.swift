import ArgumentParser
import Foundation
import VCDScript
import CSupport

/// `vcdscript check FILE...`: parse, resolve and check scripts and the modules they import, report
/// every problem, run nothing.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check scripts without running them.",
        discussion: """
        Parses and resolves each script and every module it imports (found as import finds them: the \
        script's folder, VCDSCRIPT_PATH, the bundled stdlib), and checks every member, method and named \
        argument used on a value whose type is known (cloud.org(x) is an org, its .vdcs a collection of \
        VDCs, ...) against the built-in types' declarations, with "did you mean". A value whose type \
        cannot be known (a function parameter, a var, a map entry) is not checked. Every problem is \
        reported, each with its location; the exit code is 65 when there is one, else 0. A markdown \
        file's ```vcdscript blocks are checked one by one (vcdscript check docs/*.md).
        """)

    @Argument(help: "The scripts to check (paths, or names of bundled stdlib scripts); a markdown file's ```vcdscript blocks are checked one by one.")
    var files: [String]

    func run() throws {
        let color = ProcessInfo.processInfo.environment["NO_COLOR"] == nil && vcd_isatty(2) != 0
        let renderer = DiagnosticRenderer(color: color)
        let checker = ScriptCheck()
        var failed = false
        for file in files {
            let problems = checker.check(file: file, renderer: renderer)
            if problems.isEmpty {
                print("\(file): ok")
            } else {
                FileHandle.standardError.write(Data((problems.joined(separator: "\n\n") + "\n").utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(65) }
    }
}
