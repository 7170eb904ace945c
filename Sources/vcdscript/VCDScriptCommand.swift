import ArgumentParser
import CloudSim
import Foundation
import VCDScript

/// `vcdscript`: runs a script, `-e` code, checks files, serves the simulator, or opens the REPL.
struct VCDScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vcdscript",
        abstract: "A scripting language and REPL for VMware Cloud Director, NSX-T, NSX ALB and CAPVCD.",
        discussion: """
        vcdscript FILE [ARGS...]   run a script (a name not found here is looked up in the bundled stdlib/)
        vcdscript -e CODE          run code given on the command line
        vcdscript                  open the REPL
        """,
        version: vcdscriptVersion,
        subcommands: [RunCommand.self, CheckCommand.self, SimCommand.self, UnlockCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

/// The process's entry: `kind` and `clusterctl` when started under those names (the simulator's
/// tools), else the vcdscript command line.
@main
enum EntryPoint {
    static func main() {
        let argv = CommandLine.arguments
        // A state left readable by others is narrowed when opened; say so once, on stderr.
        PrivateFiles.noticeHandler = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        if let program = ToolEntry.program(for: argv.first ?? "") {
            exit(program(Array(argv.dropFirst())))
        }
        VCDScriptCommand.main()
    }
}
