import ArgumentParser
import VCDScript

@main
struct VCDScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vcdscript", version: vcdscriptVersion, subcommands: [SimCommand.self])
    func run() throws {}
}
