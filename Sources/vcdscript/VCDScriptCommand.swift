import ArgumentParser
import VCDScript

@main
struct VCDScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vcdscript", version: vcdscriptVersion)
    func run() throws {}
}
