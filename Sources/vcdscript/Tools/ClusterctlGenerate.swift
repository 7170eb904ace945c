import CloudSim
import Foundation
import Documents

/// `clusterctl generate cluster NAME`: CAPVCD's cluster template, its `${VARIABLES}` taken from
/// the flags, the environment and the clusterctl config file (`--config`, else
/// `$XDG_CONFIG_HOME/cluster-api/clusterctl.yaml` or `~/.cluster-api/clusterctl.yaml`), as clusterctl
/// processes templates: `${VAR}` must be set (an empty value counts), `${VAR:=default}` may not be.
struct ClusterctlGenerate {
    let tool: ClusterctlTool

    func run(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: ClusterctlTool.kubeconfigFlags + [
            .init(long: "kubernetes-version", short: nil, takesValue: true), .init(long: "control-plane-machine-count", short: nil, takesValue: true),
            .init(long: "worker-machine-count", short: nil, takesValue: true), .init(long: "infrastructure", short: "i", takesValue: true),
            .init(long: "flavor", short: "f", takesValue: true), .init(long: "target-namespace", short: "n", takesValue: true),
            .init(long: "list-variables", short: nil, takesValue: false), .init(long: "from", short: nil, takesValue: true),
            .init(long: "from-config-map", short: nil, takesValue: true), .init(long: "write-to", short: nil, takesValue: true),
        ])
        if f.bool("help") { ToolOutput.out("Generate templates for creating workload clusters.\n\nUsage:\n  clusterctl generate cluster NAME [flags]"); return }
        guard let name = f.positional.first else { throw ToolError("please specify a cluster name") }
        if f.has("from") || f.has("from-config-map") { throw ToolError("the simulator's clusterctl generates from the CAPVCD provider's template only (no --from)") }
        let infra = ClusterctlComponents.parse(f.string("infrastructure") ?? "vcd", type: .infrastructure)
        guard infra.name == "vcd" else {
            throw ToolError("failed to get provider components for the \"\(infra.name)\" provider: the simulator models the infrastructure provider vcd only")
        }
        let version = infra.version ?? ClusterctlComponents.latest["vcd"]!
        let template = CAPVCDClusterTemplate.text(forVersion: version)
        let variables = CAPVCDClusterTemplate.variables(template)
        if f.bool("list-variables") {
            var lines = ["Required Variables:"]
            for v in variables where v.defaultValue == nil && !Self.flagVariables.contains(v.name) { lines.append("  - \(v.name)") }
            lines += ["", "Optional Variables:"]
            let w = variables.map(\.name.count).max() ?? 0
            for v in variables where v.defaultValue != nil || Self.flagVariables.contains(v.name) {
                let d = v.defaultValue ?? Self.flagDefault(v.name, name: name)
                lines.append("  - " + v.name.padding(toLength: w + 1, withPad: " ", startingAt: 0) + "(defaults to \"\(d)\")")
            }
            ToolOutput.out(lines.joined(separator: "\n") + "\n")
            return
        }
        var values = try configValues(f.string("config"))
        for (k, v) in tool.environment { values[k] = v }
        values["CLUSTER_NAME"] = name
        values["TARGET_NAMESPACE"] = f.string("target-namespace") ?? values["TARGET_NAMESPACE"] ?? "default"
        if let kv = f.string("kubernetes-version") { values["KUBERNETES_VERSION"] = kv }
        values["CONTROL_PLANE_MACHINE_COUNT"] = String(try f.int("control-plane-machine-count") ?? Int(values["CONTROL_PLANE_MACHINE_COUNT"] ?? "") ?? 1)
        values["WORKER_MACHINE_COUNT"] = String(try f.int("worker-machine-count") ?? Int(values["WORKER_MACHINE_COUNT"] ?? "") ?? 0)
        let missing = variables.filter { $0.defaultValue == nil && values[$0.name] == nil }.map(\.name)
        guard missing.isEmpty else {
            throw ToolError("value for variables [\(missing.joined(separator: ", "))] is not set. Please set the value using os environment variables or the clusterctl config file")
        }
        let yaml = CAPVCDClusterTemplate.render(template, values)
        if let out = f.string("write-to") {
            try KubeconfigFiles.writeText(yaml, to: (out as NSString).expandingTildeInPath)
        } else {
            ToolOutput.out(yaml)
        }
    }

    /// Variables clusterctl sets from its own flags.
    static let flagVariables: Set<String> = ["CLUSTER_NAME", "TARGET_NAMESPACE", "CONTROL_PLANE_MACHINE_COUNT", "WORKER_MACHINE_COUNT"]
    static func flagDefault(_ v: String, name: String) -> String {
        switch v {
        case "CLUSTER_NAME": return name
        case "TARGET_NAMESPACE": return "default"
        case "CONTROL_PLANE_MACHINE_COUNT": return "1"
        default: return "0"
        }
    }

    /// The scalar variables of the clusterctl config file.
    func configValues(_ flag: String?) throws -> [String: String] {
        let env = tool.environment
        let home = env["HOME"] ?? NSHomeDirectory()
        var candidates: [String] = []
        if let flag { candidates = [(flag as NSString).expandingTildeInPath] } else {
            if let x = env["XDG_CONFIG_HOME"], !x.isEmpty { candidates.append(x + "/cluster-api/clusterctl.yaml") }
            candidates += [home + "/.config/cluster-api/clusterctl.yaml", home + "/.cluster-api/clusterctl.yaml"]
        }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            if let flag { throw ToolError("failed to initialize the configuration reader: config file \(flag) does not exist") }
            return [:]
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let doc: JSONValue
        do { doc = try YAMLReader.document(text, schema: .yaml11) } catch { throw ToolError("failed to read the clusterctl config file \(path): \(error)") }
        guard case .object(let map) = doc else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in map {
            switch v {
            case .string(let s): out[k] = s
            case .bool(let b): out[k] = b ? "true" : "false"
            case .int(let i): out[k] = String(i)
            case .double(let d): out[k] = String(d)
            default: continue
            }
        }
        return out
    }
}
