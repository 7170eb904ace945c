import ArgumentParser
import CloudSim
import Foundation

extension SimCommand {
    /// `vcdscript sim tools DIR`: the simulator's `kind` and `clusterctl`, as programs in DIR.
    struct Tools: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install the simulator's kind and clusterctl into DIR and print the PATH line.",
            discussion: """
                Both are this vcdscript binary under another name: they act on the simulator of the current \
                VCDSCRIPT_HOME (or --state), through `sim serve` while it runs, else on the state file. \
                `vcdscript sim env` installs them beside the state and prints the same PATH line.
                """)
        @OptionGroup var state: StateOptions
        @Argument(help: "Folder for the kind and clusterctl programs (created if missing).") var dir: String

        func run() throws {
            let folder = try Self.install(into: dir, statePath: state.state)
            print("export PATH=\(SimCommand.Env.shellQuoted(folder)):\"$PATH\"")
        }

        /// Links (or, for a state other than the usual one, small scripts) `kind` and `clusterctl`
        /// in `dir`; answers the folder's absolute path.
        static func install(into dir: String, statePath: String?) throws -> String {
            let fm = FileManager.default
            let folder = URL(fileURLWithPath: (dir as NSString).expandingTildeInPath).standardizedFileURL.path
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let binary = try executablePath()
            for name in ["kind", "clusterctl"] {
                let path = (folder as NSString).appendingPathComponent(name)
                if let existing = try? fm.destinationOfSymbolicLink(atPath: path) {
                    if existing == binary, statePath == nil { continue }
                    try fm.removeItem(atPath: path)
                } else if fm.fileExists(atPath: path) {
                    // Only replace what we made: a script of ours says so on its second line.
                    guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains("# vcdscript simulator tool") else {
                        throw ValidationError("\(path) exists and is not the simulator's \(name); choose another folder")
                    }
                    try fm.removeItem(atPath: path)
                }
                if let statePath {
                    let state = URL(fileURLWithPath: statePath).standardizedFileURL.path
                    let script = """
                        #!/usr/bin/env bash
                        # vcdscript simulator tool: \(name) for the simulator at \(state)
                        export VCDSCRIPT_SIM_STATE=\(SimCommand.Env.shellQuoted(state))
                        exec -a \(name) \(SimCommand.Env.shellQuoted(binary)) "$@"

                        """
                    try script.write(toFile: path, atomically: true, encoding: .utf8)
                    try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
                } else {
                    try fm.createSymbolicLink(atPath: path, withDestinationPath: binary)
                }
            }
            return folder
        }

        /// The absolute path of the running vcdscript binary.
        static func executablePath() throws -> String {
            if let u = Bundle.main.executableURL { return u.resolvingSymlinksInPath().path }
            let arg0 = CommandLine.arguments[0]
            guard arg0.contains("/") else { throw ValidationError("cannot tell where the vcdscript binary is; run it by its path") }
            return URL(fileURLWithPath: arg0).resolvingSymlinksInPath().path
        }
    }
}
