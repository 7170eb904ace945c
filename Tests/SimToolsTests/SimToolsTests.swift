import CloudClient
@testable import CloudSim
import CloudWire
import XCTest
import Yams
@testable import vcdscript

/// The simulator's `kind` and `clusterctl` run in-process on a fresh state (no server): their
/// flags, files, messages and exit codes, and what they leave in the simulated world.
final class SimToolsTests: XCTestCase {
    var dir = ""
    var env: [String: String] = [:]

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "simtools-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        env = ["HOME": dir, "VCDSCRIPT_SIM_STATE": dir + "/sim/state.sqlite", "PATH": "/usr/bin:/bin"]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func kind(_ args: String...) -> Int32 {
        var t = KindTool(arguments: args)
        t.environment = env
        return t.run()
    }

    func clusterctl(_ args: [String], env extra: [String: String] = [:]) -> Int32 {
        var t = ClusterctlTool(arguments: args)
        t.environment = env.merging(extra) { _, n in n }
        return t.run()
    }

    var kubeconfigPath: String { dir + "/.kube/config" }

    func testFlagsParseAsPflagDoes() throws {
        let flags: [CommandLineFlags.Flag] = [.init(long: "name", short: "n", takesValue: true), .init(long: "all", short: "A", takesValue: false)]
        let f = try CommandLineFlags(["get", "--name=a", "-nb", "-A", "x", "--", "--name"], flags: flags)
        XCTAssertEqual(f.string("name"), "b")
        XCTAssertTrue(f.bool("all"))
        XCTAssertEqual(f.positional, ["get", "x", "--name"])
        XCTAssertThrowsError(try CommandLineFlags(["--nope"], flags: flags)) { XCTAssertEqual(($0 as? CommandLineFlags.UsageError)?.message, "unknown flag: --nope") }
        XCTAssertThrowsError(try CommandLineFlags(["--name"], flags: flags)) { XCTAssertEqual(($0 as? CommandLineFlags.UsageError)?.message, "flag needs an argument: --name") }
        XCTAssertThrowsError(try CommandLineFlags(["-z"], flags: flags)) { XCTAssertEqual(($0 as? CommandLineFlags.UsageError)?.message, "unknown shorthand flag: 'z' in -z") }
        XCTAssertEqual(GoDuration.seconds("1h30m"), 5400)
        XCTAssertEqual(GoDuration.seconds("90s"), 90)
        XCTAssertNil(GoDuration.seconds("5 minutes"))
    }

    func testKindCreatesGetsAndDeletesClustersAndKeepsTheKubeconfigPrivate() throws {
        // Another entry in the user's kubeconfig must survive kind's merge and delete.
        try FileManager.default.createDirectory(atPath: dir + "/.kube", withIntermediateDirectories: true)
        try "apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster: {server: https://other.example}\ncontexts: []\nusers: []\ncurrent-context: ''\n"
            .write(toFile: kubeconfigPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(kind("create", "cluster", "--name", "capvcd", "--image", "kindest/node:v1.24.7@sha256:abc"), 0)
        let text = try String(contentsOfFile: kubeconfigPath, encoding: .utf8)
        XCTAssertTrue(text.contains("current-context: kind-capvcd"), text)
        XCTAssertTrue(text.contains("https://other.example"), "other entries are kept")
        let mode = try FileManager.default.attributesOfItem(atPath: kubeconfigPath)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        // The cluster is in the world, with the image's version, and reachable with the kubeconfig.
        let sim = try Simulator(statePath: env["VCDSCRIPT_SIM_STATE"]!)
        XCTAssertEqual(sim.kubeClusters.map(\.name), ["capvcd"])
        XCTAssertEqual(sim.kubeClusters.first?.kubernetesVersion, "v1.24.7")
        let world = SimWorld(environment: env)
        let client = try world.client(try KubeConfig.load(path: kubeconfigPath).resolve())
        XCTAssertEqual(try client.version()["gitVersion"]?.stringValue, "v1.24.7")
        // A second create fails as kind does; a missing cluster's kubeconfig too.
        XCTAssertEqual(kind("create", "cluster", "--name", "capvcd"), 1)
        XCTAssertEqual(kind("get", "kubeconfig", "--name", "nope"), 1)
        XCTAssertEqual(kind("create", "cluster", "--wait", "soon"), 1, "a bad duration is refused")
        XCTAssertEqual(kind("frob"), 1)
        XCTAssertEqual(kind("delete", "cluster", "--name", "capvcd"), 0)
        XCTAssertEqual(kind("delete", "cluster", "--name", "capvcd"), 0, "deleting a missing cluster is not an error")
        let after = try String(contentsOfFile: kubeconfigPath, encoding: .utf8)
        XCTAssertFalse(after.contains("kind-capvcd"))
        XCTAssertTrue(after.contains("https://other.example"))
        XCTAssertTrue(try Simulator(statePath: env["VCDSCRIPT_SIM_STATE"]!).kubeClusters.isEmpty)
    }

    func testClusterctlInitInstallsThroughTheKubernetesAPIAndRefusesWhatIsThere() throws {
        XCTAssertEqual(kind("create", "cluster", "--name", "mgmt"), 0)
        XCTAssertEqual(clusterctl(["init", "--core", "cluster-api:v0.4.2", "-b", "kubeadm:v0.4.2", "-c", "kubeadm:v0.4.2"]), 0)
        let world = SimWorld(environment: env)
        let k = try world.client(try KubeConfig.load(path: kubeconfigPath).resolve())
        let crd = try k.send("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusters.cluster.x-k8s.io")
        guard case .array(let versions)? = crd["spec"]?["versions"] else { return XCTFail("no versions") }
        XCTAssertEqual(versions.compactMap { $0["name"]?.stringValue }, ["v1alpha3", "v1alpha4"], "cluster-api v0.4 serves v1alpha3 and v1alpha4")
        XCTAssertNotNil(try k.getIfPresent("/apis/apps/v1/namespaces/capi-system/deployments/capi-controller-manager"))
        XCTAssertNotNil(try k.getIfPresent("/apis/clusterctl.cluster.x-k8s.io/v1alpha3/namespaces/capi-system/providers/cluster-api"))
        // Again: the core is there, so clusterctl refuses, as the real one does; an unknown version too.
        XCTAssertEqual(clusterctl(["init", "--core", "cluster-api:v0.4.2"]), 1)
        XCTAssertEqual(clusterctl(["init", "--infrastructure", "vcd:v9.0.0"]), 1)
        XCTAssertEqual(clusterctl(["init", "--infrastructure", "aws"]), 1)
        XCTAssertEqual(clusterctl(["init", "--infrastructure", "vcd:v0.5.1"]), 0)
        // Each tool run opened the state on its own: read it afresh.
        let k2 = try SimWorld(environment: env).client(try KubeConfig.load(path: kubeconfigPath).resolve())
        XCTAssertNotNil(try k2.getIfPresent("/apis/apps/v1/namespaces/capvcd-system/deployments/capvcd-controller-manager"))
        XCTAssertEqual(clusterctl(["init", "--kubeconfig", dir + "/missing"]), 1)
        XCTAssertEqual(clusterctl(["delete", "--infrastructure", "vcd"]), 0)
        let k3 = try SimWorld(environment: env).client(try KubeConfig.load(path: kubeconfigPath).resolve())
        XCTAssertNil(try k3.getIfPresent("/apis/apps/v1/namespaces/capvcd-system/deployments/capvcd-controller-manager"))
    }

    func testGenerateRendersCAPVCDsTemplateForEachReleaseOrNamesTheMissingVariables() throws {
        for (version, infra) in [("v0.5.1", "v1alpha4"), ("v1.0.2", "v1beta1"), ("v1.3.2", "v1beta2")] {
            let text = CAPVCDClusterTemplate.text(forVersion: version)
            var values: [String: String] = [:]
            for v in CAPVCDClusterTemplate.variables(text) { values[v.name] = "x" }
            values["CONTROL_PLANE_MACHINE_COUNT"] = "1"
            values["WORKER_MACHINE_COUNT"] = "2"
            let docs = try Yams.load_all(yaml: CAPVCDClusterTemplate.render(text, values)).compactMap { $0 as? [String: Any] }
            let kinds = docs.compactMap { $0["kind"] as? String }
            XCTAssertEqual(kinds.filter { $0 == "VCDMachineTemplate" }.count, 2, version)
            XCTAssertTrue(kinds.contains("MachineDeployment") && kinds.contains("KubeadmControlPlane"), version)
            let vc = docs.first { $0["kind"] as? String == "VCDCluster" }
            XCTAssertEqual(vc?["apiVersion"] as? String, "infrastructure.cluster.x-k8s.io/\(infra)", version)
            XCTAssertNotNil((vc?["spec"] as? [String: Any])?["userContext"], "userContext sits under spec (\(version))")
            XCTAssertEqual((docs.first { $0["kind"] as? String == "MachineDeployment" }?["spec"] as? [String: Any])?["replicas"] as? Int, 2)
        }
        // Without the VCD variables, clusterctl names them and fails.
        XCTAssertEqual(clusterctl(["generate", "cluster", "c1", "--kubernetes-version", "v1.22.5"]), 1)
        XCTAssertEqual(clusterctl(["generate", "cluster", "c1", "--list-variables"]), 0)
        // From the clusterctl config file, with --write-to.
        try FileManager.default.createDirectory(atPath: dir + "/.cluster-api", withIntermediateDirectories: true)
        let config = ["VCD_SITE: https://vcd.example", "VCD_ORGANIZATION: o", "VCD_ORGANIZATION_VDC: v", "VCD_ORGANIZATION_VDC_NETWORK: n",
                      "VCD_CATALOG: c", "VCD_TEMPLATE_NAME: t", "VCD_USERNAME_B64: dQ==", "VCD_PASSWORD_B64: cA==", "VCD_REFRESH_TOKEN_B64: \"\"",
                      "VCD_VIP_CIDR: 203.0.113.0/24", "KUBERNETES_VERSION: v1.22.5"].joined(separator: "\n")
        try config.write(toFile: dir + "/.cluster-api/clusterctl.yaml", atomically: true, encoding: .utf8)
        XCTAssertEqual(clusterctl(["generate", "cluster", "c1", "--write-to", dir + "/c1.yaml"]), 0)
        let out = try String(contentsOfFile: dir + "/c1.yaml", encoding: .utf8)
        XCTAssertTrue(out.contains("site: https://vcd.example") && out.contains("name: c1-control-plane"), out)
    }

    func testSimToolsLinksTheBinaryUnderBothNames() throws {
        let folder = try SimCommand.Tools.install(into: dir + "/bin", statePath: nil)
        for name in ["kind", "clusterctl"] {
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + name)
            XCTAssertEqual(target, try SimCommand.Tools.executablePath())
            XCTAssertNotNil(ToolEntry.program(for: folder + "/" + name))
        }
        // With a state of its own: scripts that pin it; a foreign file is never replaced.
        _ = try SimCommand.Tools.install(into: dir + "/bin2", statePath: dir + "/other/state.sqlite")
        XCTAssertTrue(try String(contentsOfFile: dir + "/bin2/kind", encoding: .utf8).contains("VCDSCRIPT_SIM_STATE="))
        try "#!/bin/sh\necho mine\n".write(toFile: dir + "/bin3-kind", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/bin3", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: dir + "/bin3-kind", toPath: dir + "/bin3/kind")
        XCTAssertThrowsError(try SimCommand.Tools.install(into: dir + "/bin3", statePath: nil))
        XCTAssertNil(ToolEntry.program(for: "/usr/bin/vcdscript"))
    }

    func testTheControllersRunOnlyWhileTheirDeploymentsHaveReadyReplicas() throws {
        XCTAssertEqual(kind("create", "cluster", "--name", "mgmt"), 0)
        XCTAssertEqual(clusterctl(["init", "--infrastructure", "vcd"]), 0)
        let sim = try Simulator(statePath: env["VCDSCRIPT_SIM_STATE"]!)
        let world = SimWorld(simulator: sim)
        let k = try world.client(try KubeConfig.load(path: kubeconfigPath).resolve())
        func running() -> Bool { sim.capiRead { CAPIComponents.controllersRun($0, "mgmt") } }
        // Created through the API, the Deployments have no status yet: the cluster's controllers
        // schedule their pods and make them ready over a few passes (each call is one).
        XCTAssertFalse(running())
        for _ in 0..<10 where !running() { _ = try k.send("GET", "/api/v1/namespaces") }
        XCTAssertTrue(running())
        // Scaled to zero, the core controller stops: nothing reconciles any more.
        try k.send("PATCH", "/apis/apps/v1/namespaces/capi-system/deployments/capi-controller-manager",
                   body: .object(["spec": .object(["replicas": .int(0)])]), contentType: "application/merge-patch+json")
        for _ in 0..<10 where running() { _ = try k.send("GET", "/api/v1/namespaces") }
        XCTAssertFalse(running())
    }
}
