import CloudSim
import Foundation
import ScriptCloud
import XCTest
import TestFixtures

/// Every runbook in `examples/` runs against a fresh in-process simulator, as documentation that
/// runs. A header line `# ci-args: …` gives its arguments (paths relative to the package root),
/// `# ci-needs: X.vs` runs a bundled stdlib runbook first, and each `# ci-expect: text` must appear
/// in what it printed, `# ci-kube: NAME` gives it a simulated Kubernetes cluster (`{kubeconfig}` in
/// its arguments), `{testNodeOVA}` in its arguments is the test node OVA (`TestNodeOVA`, the
/// simulator's node image). A second run must then change nothing.
final class ExamplesTests: XCTestCase {
    func testEveryExampleRunsAndIsIdempotent() throws {
        let root = SimHarness.packageRoot
        let dir = root + "/examples"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".vs") }.sorted()
        XCTAssertFalse(files.isEmpty, "no examples in \(dir)")
        for name in files {
            let path = dir + "/" + name
            let text = try String(contentsOfFile: path, encoding: .utf8)
            func header(_ key: String) -> [String] {
                text.split(separator: "\n").compactMap { line -> String? in
                    let prefix = "# \(key):"
                    guard line.hasPrefix(prefix) else { return nil }
                    return line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
                }
            }
            let h = try SimHarness()
            // `# ci-kube: NAME`: a simulated Kubernetes cluster, its kubeconfig (reached in-process)
            // given to the arguments as {kubeconfig}.
            var kubeconfig = ""
            for cluster in header("ci-kube") {
                try h.sim.createKubeCluster(name: cluster)
                kubeconfig = h.dir + "/\(cluster).kubeconfig"
                try Data(try h.sim.kubeconfig(cluster: cluster, server: SimHarness.kubeServer).utf8).write(to: URL(fileURLWithPath: kubeconfig))
            }
            let args = (header("ci-args").first ?? "").split(separator: " ").map { a -> String in
                let candidate = root + "/" + a
                return FileManager.default.fileExists(atPath: candidate) ? candidate : String(a).replacingOccurrences(of: "{kubeconfig}", with: kubeconfig)
                    .replacingOccurrences(of: "{testNodeOVA}", with: TestNodeOVA.path)
            }
            for needed in header("ci-needs") { try h.run("", file: root + "/stdlib/" + needed) }
            let out: [String]
            do {
                out = try h.run("", args: args, file: path)
            } catch {
                XCTFail("\(name) failed: \(error)\n\(h.output.joined(separator: "\n"))")
                continue
            }
            let all = out.joined(separator: "\n")
            for expected in header("ci-expect") {
                XCTAssertTrue(all.contains(expected), "\(name): expected \"\(expected)\" in:\n\(all)")
            }
            let writes = h.sim.counters.writes
            let again = try h.run("", args: args, file: path)
            XCTAssertEqual(h.sim.counters.writes, writes, "\(name): the second run changed something:\n\(again.joined(separator: "\n"))")
            XCTAssertFalse(again.contains { $0.hasPrefix("+ ") || $0.hasPrefix("~ ") || $0.hasPrefix("- ") }, "\(name):\n\(again.joined(separator: "\n"))")
        }
    }
}
