import CloudClient
import CloudSim
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

/// Runs a tool's command and maps its errors to the program's exit code and error line: kind says
/// `ERROR: …`, clusterctl `Error: …`; both exit 1 on any failure (bad usage included), as cobra does.
enum ToolRun {
    static func exitCode(prefix: String, _ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch let e as ToolError {
            ToolOutput.err(prefix + e.message)
            if let h = e.hint { ToolOutput.err(h) }
        } catch let e as CommandLineFlags.UsageError {
            ToolOutput.err(prefix + e.message)
        } catch let e as KubeError {
            ToolOutput.err(prefix + e.message)
        } catch let e as KubeConfigError {
            ToolOutput.err(prefix + e.message)
        } catch let e as KubeClusterError {
            ToolOutput.err(prefix + e.description)
        } catch let e as TransportError {
            ToolOutput.err(prefix + e.summary)
        } catch {
            ToolOutput.err(prefix + "\(error)")
        }
        return 1
    }
}
