import Foundation
import VCDScript

/// The command line of a script that declares parameters: `--help` / `-h` prints them without
/// running anything; otherwise the arguments and `VCDSCRIPT_PARAM_<NAME>` variables are bound to
/// them, and a problem (unknown, missing, ill-typed) is a usage error: one line each, exit 2.
enum ScriptParameters {
    /// Binds the parameters of the script at `path`; returns an exit code when the script must
    /// not run (help printed: 0; usage errors: 2; the declarations do not parse: 65), else nil.
    static func prepare(_ interp: Interpreter, path: String, script: String, arguments: [String],
                        environment: [String: String], renderer: DiagnosticRenderer) -> Int32? {
        let declared: DeclaredParameters
        do { declared = try interp.declaredParameters(file: path) } catch {
            // Syntax errors, and two declarations of one name that disagree: nothing runs.
            return Runner.execute(renderer: renderer) { throw error }
        }
        if wantsHelp(arguments) {
            print(declared.helpText(script: script))
            return 0
        }
        // A script that declares nothing reads `args` as it likes.
        guard !declared.all.isEmpty else { return nil }
        do {
            let problems = try interp.bindParameters(file: path, arguments: arguments, environment: environment)
            guard !problems.isEmpty else { return nil }
            let text = problems.map { "error: \($0)" }.joined(separator: "\n") + "\n"
            FileHandle.standardError.write(Data(text.utf8))
            return 2
        } catch {
            return Runner.execute(renderer: renderer) { throw error }
        }
    }

    static func wantsHelp(_ arguments: [String]) -> Bool {
        arguments.contains("--help") || arguments.contains("-h")
    }
}
