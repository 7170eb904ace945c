import Foundation

/// The simulator's `kind` and `clusterctl` are the vcdscript binary started under those names
/// (`vcdscript sim tools DIR` links them): the name it was started as picks the program.
enum ToolEntry {
    /// The program for the name this process was started as, if it is one of the tools.
    static func program(for argv0: String) -> (([String]) -> Int32)? {
        switch (argv0 as NSString).lastPathComponent {
        case "kind": return { KindTool(arguments: $0).run() }
        case "clusterctl": return { ClusterctlTool(arguments: $0).run() }
        default: return nil
        }
    }
}

/// Output of the tools: kind writes its progress and errors to standard error, clusterctl its
/// progress to standard error and results (YAML, kubeconfigs, trees) to standard output.
enum ToolOutput {
    static func out(_ s: String) {
        FileHandle.standardOutput.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
    }
    static func err(_ s: String) {
        FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
    }
}
