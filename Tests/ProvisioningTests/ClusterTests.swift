import CloudSim
import Foundation
import ScriptCloud
import XCTest
import TestFixtures
@testable import vcdscript
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// A ClusterTooling that records its calls: kind clusters are the simulator's Kubernetes clusters,
/// clusterctl init / CAPVCD install create the providers' CRDs (no controllers), move is recorded.
final class RecordingClusterTooling: ClusterTooling {
    let sim: Simulator
    let transport: HTTPTransport
    private let lock = NSLock()
    private var _calls: [String] = []
    var calls: [String] { lock.lock(); defer { lock.unlock() }; return _calls }
    func record(_ s: String) { lock.lock(); _calls.append(s); lock.unlock() }

    init(sim: Simulator, transport: HTTPTransport) {
        self.sim = sim
        self.transport = transport
    }

    func kindClusters() throws -> [String] { sim.kubeClusters.map(\.name) }
    func kindCreate(name: String, kubernetes: String?) throws {
        record("kind create \(name) \(kubernetes ?? "-")")
        try sim.createKubeCluster(name: name)
    }
    func kindDelete(name: String) throws {
        record("kind delete \(name)")
        try sim.deleteKubeCluster(name: name)
    }
    func kindKubeconfig(name: String) throws -> String { try sim.kubeconfig(cluster: name, server: SimHarness.kubeServer) }
    func clusterctlInit(_ cluster: ClusterAccess, core: String, bootstrap: String, controlPlane: String) throws -> [String] {
        record("clusterctl init \(cluster.name) \(core) \(bootstrap) \(controlPlane) kubeconfig:\(cluster.kubeconfig.contains("/clusters/\(cluster.name)"))")
        try ClusterFixtures.installCRDs(sim, cluster: cluster.name, ClusterFixtures.capiCRDs)
        return ["Installing Provider=\(core) TargetNamespace=capi-system"]
    }
    func installInfrastructure(_ cluster: ClusterAccess, provider: String, version: String) throws -> [String] {
        record("clusterctl init \(cluster.name) --infrastructure \(provider):\(version)")
        try ClusterFixtures.installCRDs(sim, cluster: cluster.name, ClusterFixtures.capvcdCRDs)
        return ["Installing Provider=infrastructure-vcd Version=\(version) TargetNamespace=capvcd-system"]
    }
    func move(from: ClusterAccess, to: ClusterAccess, namespace: String) throws -> [String] {
        record("clusterctl move \(from.name) \(to.name) \(namespace)")
        return []
    }
    func transport(forServer server: String) -> HTTPTransport? { server.hasPrefix(SimHarness.kubeServer) ? transport : nil }
}

enum ClusterFixtures {
    static let capiCRDs: [(String, String, String, String)] = [
        ("cluster.x-k8s.io", "v1beta1", "Cluster", "clusters"), ("cluster.x-k8s.io", "v1beta1", "Machine", "machines"),
        ("cluster.x-k8s.io", "v1beta1", "MachineDeployment", "machinedeployments"),
        ("bootstrap.cluster.x-k8s.io", "v1beta1", "KubeadmConfigTemplate", "kubeadmconfigtemplates"),
        ("controlplane.cluster.x-k8s.io", "v1beta1", "KubeadmControlPlane", "kubeadmcontrolplanes"),
    ]
    static let capvcdCRDs: [(String, String, String, String)] = [
        ("infrastructure.cluster.x-k8s.io", "v1beta2", "VCDCluster", "vcdclusters"),
        ("infrastructure.cluster.x-k8s.io", "v1beta2", "VCDMachineTemplate", "vcdmachinetemplates"),
        ("infrastructure.cluster.x-k8s.io", "v1beta2", "VCDMachine", "vcdmachines"),
    ]

    static func token(_ sim: Simulator, _ cluster: String) throws -> String {
        try XCTUnwrap(KubeConfig.parse(try sim.kubeconfig(cluster: cluster, server: SimHarness.kubeServer)).resolve().token)
    }

    /// Sends one request to simulated cluster `cluster`; the answer's JSON (nil for 404).
    @discardableResult
    static func send(_ sim: Simulator, _ cluster: String, _ method: String, _ path: String, _ body: JSONValue? = nil,
                     contentType: String = "application/json") throws -> JSONValue? {
        var headers: HTTPHeaderFields = ["Authorization": "Bearer " + (try token(sim, cluster)), "Content-Type": contentType]
        headers["Accept"] = "application/json"
        let data = try body.map { try JSONEncoder().encode($0) } ?? Data()
        let r = sim.handle(HTTPRequestMessage(method: method, target: "/clusters/\(cluster)" + path, headers: headers, body: data), service: .kube)
        if r.status == 404 { return nil }
        guard (200..<300).contains(r.status) else { throw KubeError(status: r.status, reason: "", message: String(decoding: r.body, as: UTF8.self), operation: "\(method) \(path)") }
        return try JSONValue.parse(r.body)
    }

    static func installCRDs(_ sim: Simulator, cluster: String, _ crds: [(String, String, String, String)]) throws {
        for (group, version, kind, plural) in crds {
            let crd: JSONValue = .object([
                "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": .object(["name": .string("\(plural).\(group)")]),
                "spec": .object([
                    "group": .string(group), "scope": "Namespaced",
                    "names": .object(["kind": .string(kind), "plural": .string(plural), "singular": .string(kind.lowercased()), "listKind": .string(kind + "List")]),
                    "versions": .array([.object(["name": .string(version), "served": true, "storage": true,
                                                 "schema": .object(["openAPIV3Schema": .object(["type": "object", "x-kubernetes-preserve-unknown-fields": true])])])]),
                ]),
            ])
            try send(sim, cluster, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
        }
    }

    /// Merges `patch` into an object of simulated cluster `cluster` (status included: no subresource).
    static func patch(_ sim: Simulator, _ cluster: String, _ path: String, _ patch: JSONValue) throws {
        try send(sim, cluster, "PATCH", path, patch, contentType: "application/merge-patch+json")
    }
}

/// A simulator, a recording cluster tooling, and scripts run with `kind` wired to them.
final class ClusterHarness {
    let h: SimHarness
    let recorder: RecordingTransport
    let tooling: RecordingClusterTooling
    var output: [String] = []
    /// `cloud.simulator` as the executable wires it on the embedded simulator (false: a real site's nil).
    var simulatorServices = true
    /// The clock the Kubernetes waits pass on (nil: the simulator's own).
    var kubeClock: WaitClock?
    private let lock = NSLock()

    init() throws {
        h = try SimHarness()
        let sim = h.sim
        recorder = RecordingTransport(InProcessTransport { sim.handle($0, service: .kube) })
        tooling = RecordingClusterTooling(sim: sim, transport: recorder)
    }

    @discardableResult
    func run(_ code: String, mode: EngineMode = .apply, tooling other: ClusterTooling? = nil, args: [String] = [], file: String? = nil) throws -> [String] {
        output = []
        let gate = MutationGate(mode: mode) { [weak self] line in self?.lock.lock(); self?.output.append(line); self?.lock.unlock() }
        let recorder = self.recorder
        var wiring = KubeWiring(gate: gate, transport: { r in r.server.hasPrefix(SimHarness.kubeServer) ? recorder : nil })
        wiring.retry = RetryPolicy(maxAttempts: 2, baseDelay: 0.001, maxDelay: 0.01, maxTotalDelay: 1)
        wiring.deleteTimeout = 2
        wiring.pollInterval = 0.01
        wiring.clock = kubeClock ?? h.sim.clock
        wiring.clusters = other ?? tooling
        let e = h.engine(mode: mode)
        let sim = h.sim
        let services = simulatorServices ? SimulatorHooks { name, kubernetes in try sim.nodeImage(name: name, kubernetes: kubernetes) } : nil
        try ScriptRun(engine: e, kube: wiring, simulator: services,
                      output: { [weak self] line in self?.lock.lock(); self?.output.append(line); self?.lock.unlock() },
                      clock: h.hostClock, args: args).run(code, file: file)
        return output
    }

    func failure(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> ScriptError? {
        scriptError(file: file, line: line) { try run(code) }
    }

    static let setup = """
        let mgmt = kind.clusters.ensure(name: "capvcd")
        mgmt.clusterctl.init(core: "cluster-api:v1.4.0", bootstrap: "kubeadm:v1.4.0", controlPlane: "kubeadm:v1.4.0")
        mgmt.capvcd.install(version: "v1.3.2", site: cloud.site, org: "xav_lab", vdc: "vdc-capvcd", network: "net-capvcd",
                            vipSubnet: "192.0.2.0/24", credentials: cloud.credentials)

        """

    static let ensureCluster = """
        let wc = mgmt.clusters.ensure(name: "capi-cluster", template: "ubuntu-2004-kube-v1.22.5", catalog: "cat-capvcd", controlPlane: 1, workers: 2,
                                      kubernetes: "v1.22.5+vmware.1", sshKey: "ssh-rsa AAAAB3Nza test@lab")

        """

    static let clusterPath = "/apis/cluster.x-k8s.io/v1beta1/namespaces/default/clusters/capi-cluster"
}

final class ClusterTests: XCTestCase {
    func testKindEnsureTwiceIsUnchangedAndDeleteIsIdempotent() throws {
        let c = try ClusterHarness()
        let first = try c.run("let k = kind.clusters.ensure(name: \"capvcd\")\nprint(k.name, kind.clusters.names)")
        XCTAssertEqual(first, ["+ created kind cluster capvcd", #"capvcd ["capvcd"]"#])
        let second = try c.run(#"kind.clusters.ensure(name: "capvcd")"#)
        XCTAssertEqual(second, ["= unchanged kind cluster capvcd"])
        XCTAssertEqual(c.tooling.calls, ["kind create capvcd -"])
        XCTAssertEqual(try c.run(#"print(kind.clusters.delete("capvcd"))"#), ["- deleted kind cluster capvcd", "true"])
        XCTAssertEqual(try c.run(#"print(kind.clusters.delete("capvcd"))"#), ["false"])
        XCTAssertEqual(c.tooling.calls, ["kind create capvcd -", "kind delete capvcd"])
        XCTAssertTrue(c.h.sim.kubeClusters.isEmpty)
        // Plan mode: recorded, not made.
        XCTAssertEqual(try c.run("let k = kind.clusters.ensure(name: \"p\")\nprint(k.plan)", mode: .plan), ["+ create kind cluster p", "true"])
        XCTAssertTrue(c.h.sim.kubeClusters.isEmpty)
        // Its kubeconfig is a secret value.
        try c.run(#"kind.clusters.ensure(name: "capvcd")"#)
        XCTAssertEqual(try c.run(#"print(kind.clusters.get("capvcd").kubeconfig)"#), ["********"])
        XCTAssertEqual(try c.run("print(cloud.credentials)\nprint(cloud.credentials.user, cloud.credentials.method, cloud.site)"),
                       ["<credentials administrator@xav_lab password ********>", "administrator password https://vcd.sim.test"])
        let e = c.failure(#"kind.clusters.get("capvdc")"#)
        XCTAssertEqual(e?.suggestion, "capvcd")
    }

    func testClusterctlInitAndCapvcdInstallCallTheToolingWithTheirArguments() throws {
        let c = try ClusterHarness()
        try c.run(#"kind.clusters.ensure(name: "capvcd")"#)
        let e = c.failure(#"kind.clusters.get("capvcd").capvcd.install(version: "v1.3.2")"#)
        XCTAssertTrue(e?.message.contains("Cluster API is not installed on kind cluster capvcd") == true, "\(String(describing: e))")
        let out = try c.run(ClusterHarness.setup)
        XCTAssertEqual(c.tooling.calls, ["kind create capvcd -",
                                         "clusterctl init capvcd cluster-api:v1.4.0 kubeadm:v1.4.0 kubeadm:v1.4.0 kubeconfig:true",
                                         "clusterctl init capvcd --infrastructure vcd:v1.3.2"])
        XCTAssertTrue(out.contains("+ created Cluster API providers on kind cluster capvcd (cluster-api:v1.4.0, bootstrap kubeadm:v1.4.0, control plane kubeadm:v1.4.0)"), out.joined(separator: "\n"))
        XCTAssertTrue(out.contains("  Installing Provider=cluster-api:v1.4.0 TargetNamespace=capi-system"), out.joined(separator: "\n"))
        XCTAssertTrue(out.contains("+ created CAPVCD provider on kind cluster capvcd (vcd:v1.3.2)"), out.joined(separator: "\n"))
        let again = try c.run(ClusterHarness.setup)
        XCTAssertEqual(again, ["= unchanged kind cluster capvcd", "= unchanged Cluster API providers on kind cluster capvcd", "= unchanged CAPVCD provider on kind cluster capvcd"])
        XCTAssertEqual(c.tooling.calls.count, 3, "a second run must not call the tooling again")
        XCTAssertEqual(try c.run(#"print(kind.clusters.get("capvcd").capvcd.installed)"#), ["true"])
        XCTAssertEqual(try c.run("let m = kind.clusters.get(\"capvcd\")\nprint(m.clusters.namespace, m.clusters.inNamespace(\"team-a\").namespace, m.clusters.count)"),
                       ["default team-a 0"])
    }

    func testGeneratedObjectsFollowTheCAPVCDTemplate() throws {
        var spec = CAPIClusterSpec(name: "capi-cluster", site: "https://vcd.lab", org: "xav_lab", vdc: "vdc-capvcd", network: "net-capvcd",
                                   catalog: "cat-capvcd", template: "ubuntu-2004-kube-v1.22.5", kubernetes: "v1.22.5+vmware.1",
                                   credentials: .password(user: "administrator", password: "s3cret"), credentialsOrg: "xav_lab")
        spec.vipSubnet = "192.0.2.0/24"
        spec.workers = 3
        spec.sshKey = "ssh-rsa AAAA test@lab\n"
        spec.sizingPolicy = "TKG small"
        let objects = CAPI.manifests(spec)
        XCTAssertEqual(objects.map { "\($0["kind"]!.stringValue!)/\($0["metadata"]!["name"]!.stringValue!)" }, [
            "Secret/capi-user-credentials", "Cluster/capi-cluster", "VCDCluster/capi-cluster", "VCDMachineTemplate/capi-cluster-control-plane",
            "KubeadmControlPlane/capi-cluster-control-plane", "VCDMachineTemplate/capi-cluster-md0", "KubeadmConfigTemplate/capi-cluster-md0",
            "MachineDeployment/capi-cluster-md0",
        ])
        func obj(_ kind: String, _ name: String) -> JSONValue { objects.first { $0["kind"]?.stringValue == kind && $0["metadata"]?["name"]?.stringValue == name }! }
        let secret = obj("Secret", "capi-user-credentials")
        XCTAssertEqual(secret["data"]?["username"]?.stringValue, Data("administrator".utf8).base64EncodedString())
        XCTAssertEqual(secret["data"]?["password"]?.stringValue, Data("s3cret".utf8).base64EncodedString())
        let cluster = obj("Cluster", "capi-cluster")
        XCTAssertEqual(cluster["apiVersion"]?.stringValue, "cluster.x-k8s.io/v1beta1")
        XCTAssertEqual(cluster.value(at: "spec.controlPlaneRef.name")?.stringValue, "capi-cluster-control-plane")
        XCTAssertEqual(cluster.value(at: "spec.infrastructureRef.kind")?.stringValue, "VCDCluster")
        XCTAssertEqual(cluster.value(at: "spec.infrastructureRef.apiVersion")?.stringValue, "infrastructure.cluster.x-k8s.io/v1beta2")
        XCTAssertEqual(cluster.value(at: "spec.clusterNetwork.pods.cidrBlocks"), .array(["100.96.0.0/11"]))
        let vcd = obj("VCDCluster", "capi-cluster")
        XCTAssertEqual(vcd.value(at: "spec.site")?.stringValue, "https://vcd.lab")
        XCTAssertEqual(vcd.value(at: "spec.ovdc")?.stringValue, "vdc-capvcd")
        XCTAssertEqual(vcd.value(at: "spec.ovdcNetwork")?.stringValue, "net-capvcd")
        XCTAssertEqual(vcd.value(at: "spec.userContext.secretRef.name")?.stringValue, "capi-user-credentials")
        XCTAssertEqual(vcd.value(at: "spec.loadBalancerConfigSpec.vipSubnet")?.stringValue, "192.0.2.0/24")
        XCTAssertEqual(obj("VCDMachineTemplate", "capi-cluster-md0").value(at: "spec.template.spec.sizingPolicy")?.stringValue, "TKG small")
        XCTAssertEqual(obj("VCDMachineTemplate", "capi-cluster-md0").value(at: "spec.template.spec.template")?.stringValue, "ubuntu-2004-kube-v1.22.5")
        let kcp = obj("KubeadmControlPlane", "capi-cluster-control-plane")
        XCTAssertEqual(kcp.value(at: "spec.replicas"), .int(1))
        XCTAssertEqual(kcp.value(at: "spec.version")?.stringValue, "v1.22.5+vmware.1")
        XCTAssertEqual(kcp.value(at: "spec.machineTemplate.infrastructureRef.name")?.stringValue, "capi-cluster-control-plane")
        XCTAssertEqual(kcp.value(at: "spec.kubeadmConfigSpec.users"), .array([.object(["name": "root", "sshAuthorizedKeys": .array(["ssh-rsa AAAA test@lab"])])]))
        XCTAssertEqual(obj("KubeadmConfigTemplate", "capi-cluster-md0").value(at: "spec.template.spec.users"), kcp.value(at: "spec.kubeadmConfigSpec.users"))
        let md = obj("MachineDeployment", "capi-cluster-md0")
        XCTAssertEqual(md.value(at: "spec.replicas"), .int(3))
        XCTAssertEqual(md.value(at: "spec.clusterName")?.stringValue, "capi-cluster")
        XCTAssertEqual(md.value(at: "spec.template.spec.bootstrap.configRef.name")?.stringValue, "capi-cluster-md0")
        XCTAssertEqual(md.value(at: "spec.template.spec.infrastructureRef.name")?.stringValue, "capi-cluster-md0")
        XCTAssertEqual(md["metadata"]?["labels"]?["cluster.x-k8s.io/cluster-name"]?.stringValue, "capi-cluster")

        // A refresh token instead of a password; a System user is system/<user>.
        spec.credentials = .apiToken("tok")
        XCTAssertEqual(CAPI.manifests(spec)[0]["data"], .object(["refreshToken": .string(Data("tok".utf8).base64EncodedString())]))
        spec.credentials = .password(user: "administrator", password: "p")
        spec.credentialsOrg = "System"
        XCTAssertEqual(CAPI.manifests(spec)[0]["data"]?["username"]?.stringValue, Data("system/administrator".utf8).base64EncodedString())

        // A fixed control-plane VIP goes into VCDCluster.spec.controlPlaneEndpoint.
        var fixed = spec
        fixed.controlPlaneHost = "192.0.2.10"
        XCTAssertEqual(CAPI.manifests(fixed)[2].value(at: "spec.controlPlaneEndpoint"), .object(["host": "192.0.2.10", "port": 6443]))
        XCTAssertNil(vcd.value(at: "spec.controlPlaneEndpoint"))

        // The fixture template: the same kinds and names, and every field path we set exists there.
        let path = SimHarness.packageRoot + "/../shared/fixtures/capvcd/cluster-template-v1beta2-1.3.2.yaml"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            if ProcessInfo.processInfo.environment["VCDSCRIPT_REQUIRE_FIXTURES"] == "1" { return XCTFail("no fixture at \(path) (VCDSCRIPT_REQUIRE_FIXTURES=1)") }
            throw XCTSkip("no fixture at \(path)")
        }
        let filled = text.replacingOccurrences(of: "${CLUSTER_NAME}", with: "capi-cluster").replacingOccurrences(of: "${WORKER_POOL_NAME}", with: "md0")
        let fixture = try KubeManifest.objects(filled)
        func key(_ o: JSONValue) -> String { "\(o["apiVersion"]!.stringValue!) \(o["kind"]!.stringValue!)/\(o["metadata"]!["name"]!.stringValue!)" }
        XCTAssertEqual(Set(fixture.map(key)), Set(objects.map(key)))
        func paths(_ v: JSONValue, _ prefix: String = "") -> Set<String> {
            guard case .object(let o) = v else { return [prefix] }
            var out = Set<String>()
            for (k, x) in o { out.formUnion(paths(x, prefix.isEmpty ? k : "\(prefix).\(k)")) }
            return out
        }
        for o in objects {
            guard let f = fixture.first(where: { key($0) == key(o) }) else { continue }
            let theirs = paths(f)
            // Lists and the keys under them count once; our extra selector labels are CAPI's defaulting.
            let extra = paths(o).filter { p in !theirs.contains(p) && !theirs.contains { $0.hasPrefix(p + ".") } }
                .filter { !$0.hasPrefix("metadata.labels") && !$0.hasPrefix("spec.selector.matchLabels") && !$0.hasPrefix("spec.template.metadata") }
            XCTAssertEqual(extra, [], "\(key(o)): fields not in the CAPVCD template")
        }
    }

    func testEnsureClusterTwiceSendsNoWriteAndPlanSendsNothing() throws {
        let c = try ClusterHarness()
        try c.run(ClusterHarness.setup)
        c.recorder.reset()
        let first = try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster + "print(wc.name, wc.namespace, wc.phase)")
        let text = first.joined(separator: "\n")
        for line in ["+ created secret default/capi-user-credentials", "+ created cluster default/capi-cluster", "+ created vcdcluster default/capi-cluster",
                     "+ created vcdmachinetemplate default/capi-cluster-control-plane", "+ created kubeadmcontrolplane default/capi-cluster-control-plane",
                     "+ created vcdmachinetemplate default/capi-cluster-md0", "+ created kubeadmconfigtemplate default/capi-cluster-md0",
                     "+ created machinedeployment default/capi-cluster-md0", "capi-cluster default Pending"] {
            XCTAssertTrue(first.contains(line), "missing \(line) in:\n\(text)")
        }
        XCTAssertFalse(text.contains(SimHarness.password), "the password must never print")
        XCTAssertEqual(c.recorder.writes.count, 8, c.recorder.writes.joined(separator: "\n"))
        let vcd = try XCTUnwrap(ClusterFixtures.send(c.h.sim, "capvcd", "GET", "/apis/infrastructure.cluster.x-k8s.io/v1beta2/namespaces/default/vcdclusters/capi-cluster"))
        XCTAssertEqual(vcd.value(at: "spec.site")?.stringValue, "https://vcd.sim.test")
        XCTAssertEqual(vcd.value(at: "spec.org")?.stringValue, "xav_lab")
        let secret = try XCTUnwrap(ClusterFixtures.send(c.h.sim, "capvcd", "GET", "/api/v1/namespaces/default/secrets/capi-user-credentials"))
        XCTAssertEqual(secret["data"]?["password"]?.stringValue, Data(SimHarness.password.utf8).base64EncodedString())
        XCTAssertEqual(secret["data"]?["username"]?.stringValue, Data("administrator".utf8).base64EncodedString())

        c.recorder.reset()
        let second = try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster)
        XCTAssertEqual(c.recorder.writes, [], "a second ensure must send no write:\n\(second.joined(separator: "\n"))")
        XCTAssertTrue(second.contains("= unchanged machinedeployment default/capi-cluster-md0"), second.joined(separator: "\n"))

        // A changed worker count updates the MachineDeployment only.
        c.recorder.reset()
        let third = try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster.replacingOccurrences(of: "workers: 2", with: "workers: 3"))
        XCTAssertTrue(third.contains("~ updated machinedeployment default/capi-cluster-md0 (spec.replicas)"), third.joined(separator: "\n"))
        XCTAssertEqual(c.recorder.writes.count, 1)

        // Plan mode: nothing is sent, the new cluster's status is known after apply.
        c.recorder.reset()
        let plan = try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster.replacingOccurrences(of: "\"capi-cluster\"", with: "\"capi-2\"")
                             + "print(wc.phase)\nwc.waitFor(\"Provisioned\", timeout: 30m)\nprint(wc.describe())", mode: .plan)
        XCTAssertEqual(c.recorder.writes, [], plan.joined(separator: "\n"))
        XCTAssertTrue(plan.contains("+ create cluster default/capi-2"), plan.joined(separator: "\n"))
        XCTAssertTrue(plan.contains("(known after apply)"), plan.joined(separator: "\n"))
        XCTAssertTrue(plan.contains { $0.contains("(plan) would wait up to 30m for cluster default/capi-2 to be Provisioned") }, plan.joined(separator: "\n"))

        // Plan mode with no management cluster yet: every object is recorded, nothing is sent.
        c.recorder.reset()
        let fresh = try c.run(ClusterHarness.setup.replacingOccurrences(of: "\"capvcd\"", with: "\"mgmt2\"") + ClusterHarness.ensureCluster, mode: .plan)
        XCTAssertEqual(c.recorder.writes, [])
        XCTAssertTrue(fresh.contains("+ create kind cluster mgmt2"), fresh.joined(separator: "\n"))
        XCTAssertTrue(fresh.contains { $0.hasPrefix("+ create machinedeployment") && $0.contains("capi-cluster-md0") }, fresh.joined(separator: "\n"))
        XCTAssertFalse(c.h.sim.kubeClusters.contains { $0.name == "mgmt2" })

        // delete: the Cluster goes (no controller holds it here) and a second delete is false.
        XCTAssertEqual(try c.run(ClusterHarness.setup + #"print(mgmt.clusters.delete("capi-cluster"), mgmt.clusters.delete("capi-cluster"))"#).last, "true false")
    }

    func statusCluster(_ c: ClusterHarness, _ status: JSONValue) throws {
        try ClusterFixtures.patch(c.h.sim, "capvcd", ClusterHarness.clusterPath, .object(["status": status]))
    }

    func testWaitForAFailedClusterRaisesWithItsFailureMessage() throws {
        let c = try ClusterHarness()
        try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster)
        try statusCluster(c, .object(["phase": "Failed", "failureMessage": "template ubuntu-2004-kube-v1.22.5 not found in catalog cat-capvcd"]))
        let e = c.failure(ClusterHarness.setup + ClusterHarness.ensureCluster + #"wc.waitFor("Provisioned", timeout: 10s)"#)
        XCTAssertEqual(e?.message, "cluster default/capi-cluster failed: template ubuntu-2004-kube-v1.22.5 not found in catalog cat-capvcd")
        XCTAssertTrue(e?.hint?.contains("delete the cluster") == true, "\(String(describing: e?.hint))")
    }

    /// What CAPVCD's conditions say reaches the runbook with the fix: a refusal the controllers
    /// retry but only a person fixes (a missing right) stops waitFor at once; a Failed cluster's
    /// reason picks the hint.
    func testWaitForNamesTheFixOfTheControllersReason() throws {
        let c = try ClusterHarness()
        try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster)
        let denied = "unable to power on VM [m1]: [403 Forbidden: Either you need some or all of the following rights [vApp: Power Operations] to perform operations [VAPP_POWER] for /api/vApp/vm-1.] (retrying)"
        try statusCluster(c, .object(["phase": "Provisioning", "conditions": .array([
            .object(["type": "Ready", "status": "False", "reason": "VCDAccessDenied", "severity": "Error", "message": .string(denied)]),
        ])]))
        let e = c.failure(ClusterHarness.setup + ClusterHarness.ensureCluster + #"wc.waitFor("Provisioned", timeout: 30s)"#)
        XCTAssertEqual(e?.message, "cluster default/capi-cluster is stuck: \(denied)")
        XCTAssertTrue(e?.hint?.contains("add it to the role") == true && e?.hint?.contains("retry on their own") == true, "\(String(describing: e?.hint))")

        try statusCluster(c, .object(["phase": "Failed", "failureMessage": "unable to create VM m2: No free address in the static pool of network k8s-net.",
                                      "conditions": .array([.object(["type": "Ready", "status": "False", "reason": "IPPoolExhausted", "severity": "Error"])])]))
        let f = c.failure(ClusterHarness.setup + ClusterHarness.ensureCluster + #"wc.waitFor("Provisioned", timeout: 30s)"#)
        XCTAssertTrue(f?.hint?.contains("extend the pool") == true, "\(String(describing: f?.hint))")
    }

    func testWaitForTimesOutNamingTheLastPhaseAndConditions() throws {
        let c = try ClusterHarness()
        try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster)
        try statusCluster(c, .object(["phase": "Provisioning", "infrastructureReady": true, "conditions": .array([
            .object(["type": "InfrastructureReady", "status": "True"]),
            .object(["type": "ControlPlaneReady", "status": "False", "reason": "WaitingForControlPlane"]),
        ])]))
        let e = c.failure(ClusterHarness.setup + ClusterHarness.ensureCluster + #"wc.waitFor("Provisioned", timeout: 1s)"#)
        XCTAssertEqual(e?.message, "cluster default/capi-cluster is still Provisioning after 1s, not Provisioned; conditions: InfrastructureReady=True, ControlPlaneReady=False (WaitingForControlPlane)")
        XCTAssertTrue(c.output.contains("  … capi-cluster: Provisioning (InfrastructureReady=True, ControlPlaneReady=False (WaitingForControlPlane))"), c.output.joined(separator: "\n"))

        // Reached: returns with progress lines.
        try statusCluster(c, .object(["phase": "Provisioned"]))
        let out = try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster + #"print(wc.waitFor("Provisioned", timeout: 5s).phase)"#)
        XCTAssertEqual(out.last, "Provisioned")
    }

    /// waitFor reads soon, then less and less often: its first pause is the poll interval (0.01 s
    /// here), each is at least the one before, and none is longer than 20 × the poll interval.
    func testWaitForPollsSoonThenBacksOffToItsInterval() throws {
        let c = try ClusterHarness()
        try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster)
        try statusCluster(c, .object(["phase": "Provisioning"]))
        let clock = WaitClockTests.RecordingClock(c.h.sim.clock)
        c.kubeClock = clock
        _ = c.failure(ClusterHarness.setup + ClusterHarness.ensureCluster + #"wc.waitFor("Provisioned", timeout: 3s)"#)
        let pauses = clock.recorded
        XCTAssertGreaterThan(pauses.count, 10, "\(pauses)")
        XCTAssertEqual(pauses.first ?? 0, 0.01, accuracy: 1e-9, "the first read comes after the poll interval: \(pauses)")
        let full = pauses.dropLast()   // the last pause is cut short by the deadline
        XCTAssertTrue(zip(full, full.dropFirst()).allSatisfy { $0 <= $1 + 1e-9 }, "growing: \(pauses)")
        XCTAssertEqual(pauses.max() ?? 0, 0.2, accuracy: 1e-9, "at most 20 × the poll interval: \(pauses)")
    }

    func testDescribeMachinesAndEndpointFromWrittenStatus() throws {
        let c = try ClusterHarness()
        try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster)
        let sim = c.h.sim
        try statusCluster(c, .object(["phase": "Provisioned", "infrastructureReady": true, "controlPlaneReady": true,
                                      "conditions": .array([.object(["type": "Ready", "status": "True"])])]))
        try ClusterFixtures.patch(sim, "capvcd", "/apis/infrastructure.cluster.x-k8s.io/v1beta2/namespaces/default/vcdclusters/capi-cluster",
                                  .object(["spec": .object(["controlPlaneEndpoint": .object(["host": "192.0.2.10", "port": 6443])]), "status": .object(["ready": true])]))
        try ClusterFixtures.patch(sim, "capvcd", "/apis/controlplane.cluster.x-k8s.io/v1beta1/namespaces/default/kubeadmcontrolplanes/capi-cluster-control-plane",
                                  .object(["status": .object(["ready": true, "readyReplicas": 1])]))
        try ClusterFixtures.patch(sim, "capvcd", "/apis/cluster.x-k8s.io/v1beta1/namespaces/default/machinedeployments/capi-cluster-md0",
                                  .object(["status": .object(["phase": "Running", "readyReplicas": 1])]))
        for (name, phase, node) in [("capi-cluster-control-plane-x7k2p", "Running", "capi-cluster-control-plane-x7k2p"),
                                    ("capi-cluster-md0-5d9f8-abcde", "Provisioning", nil)] {
            var status: [String: JSONValue] = ["phase": .string(phase)]
            if let node { status["nodeRef"] = .object(["kind": "Node", "name": .string(node)]); status["addresses"] = .array([.object(["type": "InternalIP", "address": "10.0.10.11"])]) }
            try ClusterFixtures.send(sim, "capvcd", "POST", "/apis/cluster.x-k8s.io/v1beta1/namespaces/default/machines", .object([
                "apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Machine",
                "metadata": .object(["name": .string(name), "labels": .object(["cluster.x-k8s.io/cluster-name": "capi-cluster"])]),
                "spec": .object(["clusterName": "capi-cluster", "version": "v1.22.5+vmware.1"]), "status": .object(status),
            ]))
        }
        let out = try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster + "print(wc.describe())\nprint(wc.machines)\nprint(wc.controlPlaneEndpoint, wc.ready)")
        let text = out.joined(separator: "\n")
        let expected = """
            NAME                                                         READY  STATUS
            Cluster/capi-cluster                                         True   Provisioned
            ├─ClusterInfrastructure - VCDCluster/capi-cluster            True   endpoint 192.0.2.10:6443
            ├─ControlPlane - KubeadmControlPlane/capi-cluster-control-plane  True   1/1 ready
            │ └─Machine/capi-cluster-control-plane-x7k2p                 True   Running  node capi-cluster-control-plane-x7k2p
            └─Workers
              └─MachineDeployment/capi-cluster-md0                       True   Running  1/2 ready
                └─Machine/capi-cluster-md0-5d9f8-abcde                   False  Provisioning
            """
        // Column widths follow the longest name: compare the cells, not the padding.
        func cells(_ s: String) -> [[String]] { s.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) } }
        let describe = out.first { $0.hasPrefix("NAME") } ?? ""
        XCTAssertEqual(cells(describe), cells(expected), describe)
        XCTAssertTrue(cells(text).contains { Array($0.prefix(5)) == ["capi-cluster-control-plane-x7k2p", "Running", "v1.22.5+vmware.1", "capi-cluster-control-plane-x7k2p", "10.0.10.11"] }, text)
        XCTAssertTrue(cells(text).contains(["NAME", "PHASE", "VERSION", "NODENAME", "ADDRESS", "AGE"]), text)
        XCTAssertEqual(out.last, "192.0.2.10:6443 true")
        // No kubeconfig secret yet: a clear error.
        let e = c.failure(ClusterHarness.setup + ClusterHarness.ensureCluster + "print(wc.kubeconfig)")
        XCTAssertTrue(e?.message.contains("has no kubeconfig yet") == true, "\(String(describing: e))")
    }

    func testPivotRunsInitInstallAndMoveOnTheWorkloadCluster() throws {
        let c = try ClusterHarness()
        try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster)
        // Stand in for the controllers: the workload cluster and its kubeconfig secret.
        try c.h.sim.createKubeCluster(name: "capi-cluster")
        let kc = try c.h.sim.kubeconfig(cluster: "capi-cluster", server: SimHarness.kubeServer)
        try ClusterFixtures.send(c.h.sim, "capvcd", "POST", "/api/v1/namespaces/default/secrets", .object([
            "apiVersion": "v1", "kind": "Secret", "metadata": .object(["name": "capi-cluster-kubeconfig"]), "type": "cluster.x-k8s.io/secret",
            "data": .object(["value": .string(Data(kc.utf8).base64EncodedString())]),
        ]))
        let out = try c.run(ClusterHarness.setup + ClusterHarness.ensureCluster + """
            print(wc.kubeconfig)
            print(wc.kube.namespaces.names)
            wc.pivot(from: mgmt)
            print(wc.management.name)
            """)
        XCTAssertTrue(out.contains("********"), out.joined(separator: "\n"))
        XCTAssertFalse(out.joined(separator: "\n").contains("token"), "the kubeconfig must not print")
        XCTAssertEqual(Array(c.tooling.calls.suffix(3)), ["clusterctl init capi-cluster cluster-api:v1.4.0 kubeadm:v1.4.0 kubeadm:v1.4.0 kubeconfig:true",
                                                          "clusterctl init capi-cluster --infrastructure vcd:v1.3.2",
                                                          "clusterctl move capvcd capi-cluster default"])
        XCTAssertTrue(out.contains("+ created Cluster API objects of namespace default moved from kind cluster capvcd to cluster capi-cluster"), out.joined(separator: "\n"))
        XCTAssertEqual(out.last, "capi-cluster")
    }

    func testTheRealToolingSaysHowToInstallAMissingBinary() throws {
        let t = ProcessClusterTooling(environment: ["PATH": "/nonexistent-dir"])
        XCTAssertThrowsError(try t.kindClusters()) { e in
            let err = e as? EngineError
            XCTAssertEqual(err?.message, "kind is not installed (not found on PATH)")
            XCTAssertTrue(err?.hint?.contains("kind.sigs.k8s.io") == true, "\(String(describing: err?.hint))")
        }
        XCTAssertThrowsError(try t.clusterctlInit(ClusterAccess(name: "x", kubeconfig: ""), core: "cluster-api", bootstrap: "kubeadm", controlPlane: "kubeadm")) { e in
            XCTAssertEqual((e as? EngineError)?.message, "clusterctl is not installed (not found on PATH)")
        }
        // A kubeconfig goes to the tools in a 0600 file, removed afterwards.
        var seen = ""
        try t.withKubeconfigFile("token: abc\n") { path in
            seen = path
            let attrs = try FileManager.default.attributesOfItem(atPath: path)
            XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "token: abc\n")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: seen))
        // Through a script: a host error with the hint.
        let c = try ClusterHarness()
        let e = try XCTUnwrap({ () -> ScriptError? in
            do { try c.run(#"kind.clusters.list()"#, tooling: t); return nil } catch let e as ScriptError { return e }
        }())
        XCTAssertEqual(e.message, "kind is not installed (not found on PATH)")
    }

    /// stdlib/lab-setup.vs in plan mode: every layer is planned, nothing is sent to VCD or Kubernetes.
    func testLabSetupPlansTheWholeLabAndSendsNothing() throws {
        let c = try ClusterHarness()
        let root = SimHarness.packageRoot
        let writes = c.h.sim.counters.writes
        let out = try c.run("", mode: .plan, args: ["sshKey=/nonexistent.pub", "kubeconfig=\(c.h.dir)/wc.kubeconfig"],
                            file: root + "/stdlib/lab-setup.vs")
        // The VCD engine reports to the harness's output, Kubernetes and kind to the gate's.
        let all = c.h.output + out
        let text = all.joined(separator: "\n")
        XCTAssertTrue(all.contains { $0.hasPrefix("  (no template ubuntu-20.04-kube-v1.22.5+vmware.1 in catalog home: the simulator provides its node image ") }, text)
        for line in ["+ create edge gateway gw-capvcd on t-tenant", "+ create template ubuntu-20.04-kube-v1.22.5+vmware.1 on home", "+ create kind cluster capvcd",
                     "+ create CAPVCD provider on kind cluster capvcd (vcd:v1.3.2)", "+ create machinedeployment capi-cluster-md0",
                     "+ create deployment default/test-lb", "+ create Cluster API objects of namespace default moved from kind cluster capvcd to cluster capi-cluster",
                     "- delete kind cluster capvcd"] {
            XCTAssertTrue(all.contains(line), "missing \(line) in:\n\(text)")
        }
        XCTAssertEqual(c.recorder.writes, [])
        XCTAssertEqual(c.h.sim.counters.writes, writes, "plan mode changed the simulator")
        XCTAssertEqual(c.tooling.calls, [])
    }

    /// stdlib/lab-setup.vs after a pivot (kind cluster gone, the kubeconfig written): it goes to the
    /// workload cluster with that kubeconfig and does not make a kind cluster again.
    func testLabSetupAfterThePivotUsesTheWrittenKubeconfig() throws {
        let c = try ClusterHarness()
        let sim = c.h.sim
        try sim.createKubeCluster(name: "capi-cluster")
        try ClusterFixtures.installCRDs(sim, cluster: "capi-cluster", ClusterFixtures.capiCRDs)
        try ClusterFixtures.send(sim, "capi-cluster", "POST", "/apis/cluster.x-k8s.io/v1beta1/namespaces/default/clusters", .object([
            "apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster", "metadata": .object(["name": "capi-cluster"]),
            "spec": .object([:]), "status": .object(["phase": "Provisioned"]),
        ]))
        let kubeconfig = c.h.dir + "/wc.kubeconfig"
        try Data(try sim.kubeconfig(cluster: "capi-cluster", server: SimHarness.kubeServer).utf8).write(to: URL(fileURLWithPath: kubeconfig))
        let root = SimHarness.packageRoot
        // That cluster has no cloud provider: its LoadBalancer service stays <pending> (addressTimeout=0: no wait).
        let out = try c.run("", args: ["ova=\(TestNodeOVA.path)", "sshKey=/nonexistent.pub", "kubeconfig=\(kubeconfig)", "addressTimeout=0"],
                            file: root + "/stdlib/lab-setup.vs")
        let text = out.joined(separator: "\n")
        XCTAssertTrue(out.contains("cluster capi-cluster: Provisioned, managed by itself"), text)
        XCTAssertTrue(out.contains("+ created deployment default/test-lb"), text)
        XCTAssertTrue(out.contains("service test-lb: <pending>"), text)
        XCTAssertFalse(text.contains("+ created kind cluster"), text)
        XCTAssertEqual(c.tooling.calls, [])
        XCTAssertNotNil(try ClusterFixtures.send(sim, "capi-cluster", "GET", "/apis/apps/v1/namespaces/default/deployments/test-lb"))
    }

    /// The whole lab against the simulated Cluster API and CAPVCD controllers, with no setup: no
    /// ova= (the simulator's node image is uploaded), the service's address printed on the first run.
    func testEndToEndWithTheSimulatedControllers() throws {
        let c = try ClusterHarness()
        let sim = c.h.sim
        let tooling = SimulatorClusterTooling(sim: sim, recorder: c.recorder)
        let root = SimHarness.packageRoot
        let args = ["sshKey=/nonexistent.pub", "kubeconfig=\(c.h.dir)/wc.kubeconfig", "timeout=2"]
        // ensure → Provisioned → wc.kube works (a LoadBalancer service) → pivot → kind cluster deleted.
        let out = try c.run("", tooling: tooling, args: args, file: root + "/stdlib/lab-setup.vs")
        let text = (c.h.output + out).joined(separator: "\n")
        let image = c.h.dir + "/node-images/ubuntu-20.04-kube-v1.22.5-vmware.1.ova"
        XCTAssertTrue(out.contains("  (no template ubuntu-20.04-kube-v1.22.5+vmware.1 in catalog home: the simulator provides its node image \(image))"), text)
        XCTAssertTrue(c.h.output.contains("+ created template ubuntu-20.04-kube-v1.22.5+vmware.1 on home"), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: image))
        let serviceLine = try XCTUnwrap(out.first { $0.hasPrefix("service test-lb: ") }, text)
        XCTAssertNotNil(serviceLine.range(of: #"^service test-lb: \d+\.\d+\.\d+\.\d+$"#, options: .regularExpression), "not an address: \(serviceLine)\n\(text)")
        XCTAssertTrue(out.contains { $0.hasPrefix("lab ready: gateway gw-capvcd") }, text)
        XCTAssertTrue(out.contains("- deleted kind cluster capvcd"), text)
        XCTAssertTrue(out.contains { $0.hasPrefix("cluster capi-cluster: Provisioned, endpoint ") && $0.hasSuffix("managed by capi-cluster") }, text)
        XCTAssertTrue(text.contains("└─Machine/capi-cluster-md0-"), text)
        XCTAssertFalse(sim.kubeClusters.contains { $0.name == "capvcd" })
        XCTAssertNotNil(try ClusterFixtures.send(sim, "capi-cluster", "GET", "/apis/apps/v1/namespaces/default/deployments/test-lb"))
        XCTAssertNotNil(try ClusterFixtures.send(sim, "capi-cluster", "GET", "/apis/cluster.x-k8s.io/v1beta1/namespaces/default/clusters/capi-cluster"),
                        "after the pivot the workload cluster holds its own Cluster object")
        // The simulated controllers were VCD's clients: public routes only, as the user of the
        // cluster's secret (the script's own credentials here), their writes counted.
        let controllers = sim.requestLog.filter { ($0.agent ?? "").hasPrefix("cluster-api-provider-cloud-director/") }
        XCTAssertFalse(controllers.isEmpty, "CAPVCD sent no request")
        XCTAssertTrue(controllers.allSatisfy { $0.service == .vcd && sim.routeTemplate(.vcd, method: $0.method, path: $0.path) != nil }, "\(controllers.map { "\($0.method) \($0.path)" })")
        XCTAssertEqual(Set(controllers.compactMap(\.user)), ["administrator@xav_lab"])
        XCTAssertTrue(controllers.contains { $0.method == "POST" && $0.path.hasSuffix("/action/recomposeVApp") && $0.status == 202 })
        XCTAssertTrue(sim.requestLog.contains { ($0.agent ?? "").hasPrefix("cloud-provider-for-cloud-director/") && $0.method == "POST"
            && $0.path == "/cloudapi/1.0.0/loadBalancer/virtualServices" }, "the CPI made the service's virtual service")
        // A second run changes nothing: the pivot is done, the kubeconfig reaches the cluster.
        c.h.output = []
        let writes = sim.counters.writes
        let again = try c.run("", tooling: tooling, args: args, file: root + "/stdlib/lab-setup.vs")
        let all = c.h.output + again
        let againText = all.joined(separator: "\n")
        XCTAssertFalse(all.contains { $0.hasPrefix("+ ") || $0.hasPrefix("~ ") || $0.hasPrefix("- ") }, againText)
        XCTAssertFalse(again.contains { $0.contains("the simulator provides its node image") }, "the template is there: " + againText)
        XCTAssertTrue(again.contains(serviceLine), againText)
        XCTAssertTrue(again.contains { $0.hasPrefix("lab ready: ") }, againText)
        XCTAssertEqual(sim.counters.writes, writes, "the second run wrote to VCD:\n\(againText)")
    }

    /// stdlib/cluster-upgrade.vs after the lab: an upgrade to another Kubernetes version and node
    /// template rolls every machine (the plan names exactly the fields that change), a second run
    /// changes nothing and writes nothing, and the workers scale 1 → 2 → 1.
    func testClusterUpgradeRunbookAfterTheLab() throws {
        let c = try ClusterHarness()
        let sim = c.h.sim
        let tooling = SimulatorClusterTooling(sim: sim, recorder: c.recorder)
        let root = SimHarness.packageRoot
        let kubeconfig = ["kubeconfig=\(c.h.dir)/wc.kubeconfig"]
        _ = try c.run("", tooling: tooling, args: ["sshKey=/nonexistent.pub", "timeout=2"] + kubeconfig, file: root + "/stdlib/lab-setup.vs")
        let upgrade = kubeconfig + ["kubernetes=v1.22.9+vmware.1", "template=ubuntu-20.04-kube-v1.22.9+vmware.1", "timeout=2"]
        c.h.output = []
        let out = try c.run("", tooling: tooling, args: upgrade, file: root + "/stdlib/cluster-upgrade.vs")
        let text = (c.h.output + out).joined(separator: "\n")
        XCTAssertTrue(text.contains("~ updated kubeadmcontrolplane default/capi-cluster-control-plane (spec.machineTemplate.infrastructureRef.name, spec.version)"), text)
        XCTAssertTrue(text.contains("~ updated machinedeployment default/capi-cluster-md0 (spec.template.spec.infrastructureRef.name, spec.template.spec.version)"), text)
        let machines = out.filter { $0.hasPrefix("  capi-cluster-") }
        XCTAssertEqual(machines.count, 2, text)
        XCTAssertTrue(machines.allSatisfy { $0.hasSuffix(": Running v1.22.9+vmware.1") }, text)
        XCTAssertEqual(out.last, "cluster capi-cluster is what was asked", text)

        c.h.output = []
        let writes = sim.counters.writes
        let again = try c.run("", tooling: tooling, args: upgrade, file: root + "/stdlib/cluster-upgrade.vs")
        XCTAssertFalse((c.h.output + again).contains { $0.hasPrefix("+ ") || $0.hasPrefix("~ ") || $0.hasPrefix("- ") }, (c.h.output + again).joined(separator: "\n"))
        XCTAssertEqual(sim.counters.writes, writes, "the second run wrote")

        for n in [2, 1] {
            let scaled = try c.run("", tooling: tooling, args: kubeconfig + ["workers=\(n)", "timeout=2"], file: root + "/stdlib/cluster-upgrade.vs")
            XCTAssertEqual(scaled.filter { $0.hasPrefix("  capi-cluster-md0-") }.count, n, scaled.joined(separator: "\n"))
        }

        // The address budget: more new machines than the static pool has free addresses is refused
        // before anything is changed (the lab's pool holds 91 addresses, 3 are taken).
        let beforeBudget = sim.counters.writes
        XCTAssertThrowsError(try c.run("", tooling: tooling, args: kubeconfig + ["workers=100", "timeout=2"], file: root + "/stdlib/cluster-upgrade.vs")) { e in
            XCTAssertTrue("\(e)".contains("the static pool of capvcd-192.168.10.0 ([\"192.168.10.10-192.168.10.100\"]) has 89 free addresses of 91; this change needs 99: 99 for the new workers"), "\(e)")
        }
        XCTAssertEqual(sim.counters.writes, beforeBudget, "a change over budget wrote")

        // Kubernetes' skew rules: one minor version at a time, never down; nothing is changed.
        for (version, words) in [("v1.24.1+vmware.1", "one minor version at a time; go to v1.23 first"), ("v1.21.2+vmware.1", "would be a downgrade")] {
            let before = sim.counters.writes
            XCTAssertThrowsError(try c.run("", tooling: tooling, args: kubeconfig + ["kubernetes=\(version)", "template=ubuntu-20.04-kube-\(version)", "timeout=2"],
                                           file: root + "/stdlib/cluster-upgrade.vs")) { e in
                XCTAssertTrue("\(e)".contains(words), "\(e)")
            }
            XCTAssertEqual(sim.counters.writes, before, "a refused upgrade wrote")
        }
    }

    /// `clusters.ensure` on an existing cluster changes only what it is given: with just `workers:`
    /// (no template, no Kubernetes version) only the MachineDeployment's replicas change, and the
    /// same call again sends nothing.
    func testEnsureOnAnExistingClusterChangesOnlyWhatItIsGiven() throws {
        let c = try ClusterHarness()
        let tooling = SimulatorClusterTooling(sim: c.h.sim, recorder: c.recorder)
        let root = SimHarness.packageRoot
        let kubeconfig = "\(c.h.dir)/wc.kubeconfig"
        _ = try c.run("", tooling: tooling, args: ["sshKey=/nonexistent.pub", "timeout=2", "kubeconfig=\(kubeconfig)"], file: root + "/stdlib/lab-setup.vs")
        let script = """
            let wc = kind.selfManaged("capi-cluster", kubeconfig: "\(kubeconfig)")
            wc.management.clusters.ensure("capi-cluster", workers: 2)
            """
        c.h.output = []
        let out = try c.run(script, tooling: tooling)
        let text = (c.h.output + out).joined(separator: "\n")
        let changes = (c.h.output + out).filter { $0.hasPrefix("+ ") || $0.hasPrefix("~ ") || $0.hasPrefix("- ") }
        XCTAssertEqual(changes, ["~ updated machinedeployment default/capi-cluster-md0 (spec.replicas)"], text)
        // Again: every object unchanged (the controllers meanwhile add the machine: their writes are theirs).
        c.h.output = []
        let again = try c.run(script, tooling: tooling)
        XCTAssertFalse((c.h.output + again).contains { $0.hasPrefix("+ ") || $0.hasPrefix("~ ") || $0.hasPrefix("- ") }, (c.h.output + again).joined(separator: "\n"))
        XCTAssertTrue((c.h.output + again).contains("= unchanged kubeadmcontrolplane default/capi-cluster-control-plane"), (c.h.output + again).joined(separator: "\n"))
        // A new cluster still needs its template.
        XCTAssertThrowsError(try c.run("""
            let wc = kind.selfManaged("capi-cluster", kubeconfig: "\(kubeconfig)")
            wc.management.clusters.ensure("another", workers: 1)
            """, tooling: tooling)) { e in
            XCTAssertTrue("\(e)".contains("missing argument template"), "\(e)")
        }
    }

    /// On a real site (no cloud.simulator) a missing template without ova= is an error that says
    /// what to do; the embedded simulator's image is not offered.
    func testLabSetupWithoutTheTemplateOnARealSiteAsksForTheOVA() throws {
        let c = try ClusterHarness()
        c.simulatorServices = false
        let root = SimHarness.packageRoot
        XCTAssertThrowsError(try c.run("", args: ["sshKey=/nonexistent.pub", "kubeconfig=\(c.h.dir)/wc.kubeconfig", "preflight=false"], file: root + "/stdlib/lab-setup.vs")) { e in
            let s = e as? ScriptError
            XCTAssertEqual(s?.message, "no template ubuntu-20.04-kube-v1.22.5+vmware.1 in catalog home: pass ova=FILE.ova to upload it, or template=NAME of one there (the embedded simulator provides its node image)", "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: c.h.dir + "/node-images"))
        XCTAssertEqual(try c.run("print(cloud.simulator)"), ["nil"])
    }

    /// With the preflight (the default), the same missing template is a FAIL found before any
    /// change: lab-setup lists it and exits 1, nothing written.
    func testLabSetupStopsOnAPreflightFailureBeforeAnyWrite() throws {
        let c = try ClusterHarness()
        c.simulatorServices = false
        let root = SimHarness.packageRoot
        let writes = c.h.sim.counters.writes
        XCTAssertThrowsError(try c.run("", args: ["sshKey=/nonexistent.pub", "kubeconfig=\(c.h.dir)/wc.kubeconfig"], file: root + "/stdlib/lab-setup.vs")) { e in
            XCTAssertEqual((e as? ExitRequest)?.code, 1, "\(e)")
        }
        let text = c.output.joined(separator: "\n")
        XCTAssertTrue(c.output.contains { $0.hasPrefix("  FAIL template: no template ubuntu-20.04-kube-v1.22.5+vmware.1 in catalog home") }, text)
        XCTAssertTrue(c.output.contains { $0.hasPrefix("preflight: ") && $0.hasSuffix("check(s) FAIL, nothing was changed:") }, text)
        XCTAssertTrue(c.output.contains { $0.hasPrefix("  - template: ") }, text)
        XCTAssertFalse((c.h.output + c.output).contains { $0.hasPrefix("+ ") || $0.hasPrefix("~ ") || $0.hasPrefix("- ") }, text)
        XCTAssertEqual(c.h.sim.counters.writes, writes, "the preflight or lab-setup wrote:\n\(text)")
        XCTAssertEqual(c.tooling.calls, [])
    }

    /// A role without a right CAPVCD uses: preflight FAILs naming it, with the fix.
    func testPreflightNamesTheRightsCAPVCDWouldMiss() throws {
        let c = try ClusterHarness()
        let provider = c.h.client(org: "System", user: "administrator")
        let roles: [OpenAPIReference] = try provider.list("/cloudapi/1.0.0/roles", as: OpenAPIReference.self)
        let role = try XCTUnwrap(roles.first { $0.name == "Organization Administrator" }?.id)
        let rights: [OpenAPIReference] = try provider.list("/cloudapi/1.0.0/roles/\(role)/rights", as: OpenAPIReference.self)
        let kept = rights.filter { $0.name != "vApp: Power Operations" }
        let body = try JSONEncoder().encode(OpenAPIReferences(values: kept))
        XCTAssertEqual(try provider.send("PUT", "/cloudapi/1.0.0/roles/\(role)/rights", body: body).status, 200)
        let root = SimHarness.packageRoot
        XCTAssertThrowsError(try c.run("", args: ["sshKey=/nonexistent.pub"], file: root + "/stdlib/preflight.vs"))
        let text = c.output.joined(separator: "\n")
        XCTAssertTrue(c.output.contains { $0.hasPrefix("  FAIL rights: administrator@xav_lab lacks [\"vApp: Power Operations\"]") }, text)
        XCTAssertTrue(text.contains("add them to the role"), text)
    }

    /// preflight.vs on a fresh simulator: every prerequisite ok (what lab-setup makes "to be
    /// created"), no write; a broken prerequisite (node network in kind's 172.18/16, workers=0)
    /// FAILs and lab-setup stops before any write. Then the lab, teardown.vs all=true (the world
    /// as seeded, no leak), and a second teardown that changes nothing.
    func testPreflightAndTeardownWithTheSimulatedControllers() throws {
        let c = try ClusterHarness()
        let sim = c.h.sim
        let tooling = SimulatorClusterTooling(sim: sim, recorder: c.recorder)
        let root = SimHarness.packageRoot
        let args = ["sshKey=/nonexistent.pub", "kubeconfig=\(c.h.dir)/wc.kubeconfig", "timeout=2"]
        let inventory = """
            let o = cloud.org("xav_lab")
            let v = o.vdc("t-tenant")
            print(v.gateways.names, v.networks.names, v.vapps.names, o.catalogs.names, cloud.serviceEngineGroups.names, kind.clusters.names)
            for g in v.gateways { print(g.name, g.nat.names, g.virtualServices.names, g.pools.names, g.serviceEngineGroups.names) }
            print(cloud.nsx.tier1s.names)
            """
        let seeded = try c.run(inventory, tooling: tooling)
        let writes0 = sim.counters.writes
        let pf = try c.run("", tooling: tooling, args: args, file: root + "/stdlib/preflight.vs")
        let pfText = pf.joined(separator: "\n")
        XCTAssertEqual(pf.last, "preflight: ready for lab-setup", pfText)
        XCTAssertFalse(pfText.contains("FAIL"), pfText)
        for check in ["sessions", "rights", "SEG capacity", "gateway", "static pool", "SNAT", "CIDR overlaps", "template", "pivot"] {
            XCTAssertTrue(pf.contains { $0.hasPrefix("  ok   \(check): ") }, "no ok \(check) in:\n\(pfText)")
        }
        XCTAssertTrue(pf.contains("  ok   gateway: gw-capvcd to be created by lab-setup with 8 IPs (1 for SNAT, 2 VIPs planned)"), pfText)
        XCTAssertTrue(pf.contains("  ok   capvcdCluster RDE type: registered: [\"urn:vcloud:type:vmware:capvcdCluster:1.1.0\"]"),
                      "the site's type, as the provider registered it: \(pfText)")
        XCTAssertEqual(sim.counters.writes, writes0, "preflight wrote")

        XCTAssertThrowsError(try c.run("", tooling: tooling, args: args + ["cidr=172.18.0.1/24", "pool=172.18.0.10-172.18.0.100"], file: root + "/stdlib/preflight.vs")) { e in
            XCTAssertEqual((e as? ExitRequest)?.code, 1, "\(e)")
        }
        XCTAssertTrue(c.output.contains { $0.hasPrefix("  FAIL CIDR overlaps: node network 172.18.0.1/24 ∩ kind network 172.18.0.0/16") }, c.output.joined(separator: "\n"))
        XCTAssertThrowsError(try c.run("", tooling: tooling, args: args + ["workers=0"], file: root + "/stdlib/lab-setup.vs")) { e in
            XCTAssertEqual((e as? ExitRequest)?.code, 1, "\(e)")
        }
        XCTAssertTrue(c.output.contains("  - pivot: workers=0: the pivot target needs at least one schedulable worker (fix: give workers=1 or more)"), c.output.joined(separator: "\n"))
        XCTAssertEqual(sim.counters.writes, writes0, "lab-setup wrote before stopping on the preflight")
        XCTAssertFalse(sim.kubeClusters.contains { $0.name == "capvcd" }, "lab-setup made the kind cluster before stopping")

        _ = try c.run("", tooling: tooling, args: args, file: root + "/stdlib/lab-setup.vs")
        XCTAssertNotEqual(try c.run(inventory, tooling: tooling), seeded)
        // After the lab: every check ok, the RDE type CAPVCD registered is listed with its version.
        let built = try c.run("", tooling: tooling, args: args, file: root + "/stdlib/preflight.vs")
        XCTAssertEqual(built.last, "preflight: ready for lab-setup", built.joined(separator: "\n"))
        XCTAssertTrue(built.contains { $0.hasPrefix("  ok   capvcdCluster RDE type: registered: [\"urn:vcloud:type:vmware:capvcdCluster:") }, built.joined(separator: "\n"))
        XCTAssertTrue(built.contains { $0.hasPrefix("  ok   IP budget: ") && $0.contains("SNAT-only: [") }, built.joined(separator: "\n"))
        // Planned first: the kubeconfig's removal is a planned line, and the file stays.
        XCTAssertTrue(FileManager.default.fileExists(atPath: c.h.dir + "/wc.kubeconfig"), "lab-setup wrote the kubeconfig")
        c.h.output = []
        let planned = try c.run("", mode: .plan, tooling: tooling, args: args + ["all=true"], file: root + "/stdlib/teardown.vs")
        XCTAssertTrue((c.h.output + planned).contains("- remove \(c.h.dir)/wc.kubeconfig"), (c.h.output + planned).joined(separator: "\n"))
        XCTAssertEqual(planned.last, "teardown planned: the lines above (--plan: nothing was deleted)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: c.h.dir + "/wc.kubeconfig"), "--plan removed the kubeconfig")
        c.h.output = []
        let td = try c.run("", tooling: tooling, args: args + ["all=true"], file: root + "/stdlib/teardown.vs")
        let tdAll = c.h.output + td
        let tdText = tdAll.joined(separator: "\n")
        XCTAssertEqual(td.last, "teardown done: nothing of the lab is left", tdText)
        for line in ["- deleted service default/test-lb", "- deleted cluster default/capi-cluster", "- deleted kind cluster capvcd",
                     "- deleted edge gateway gw-capvcd on t-tenant"] {
            XCTAssertTrue(tdAll.contains(line), "missing \(line) in:\n\(tdText)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: c.h.dir + "/wc.kubeconfig"))
        XCTAssertEqual(try c.run(inventory, tooling: tooling), seeded, tdText)

        c.h.output = []
        let writes1 = sim.counters.writes
        let again = try c.run("", tooling: tooling, args: args + ["all=true"], file: root + "/stdlib/teardown.vs")
        let againAll = c.h.output + again
        XCTAssertEqual(again.last, "teardown done: nothing of the lab is left")
        XCTAssertFalse(againAll.contains { $0.hasPrefix("+ ") || $0.hasPrefix("~ ") || $0.hasPrefix("- ") }, againAll.joined(separator: "\n"))
        XCTAssertEqual(sim.counters.writes, writes1, "the second teardown wrote")
    }

    /// cloud.simulator.nodeImage(...) on the embedded simulator: an OVA in its state folder that
    /// catalog.upload takes, with the template metadata of a CAPI node image.
    func testTheSimulatorsNodeImageUploadsAsATemplate() throws {
        let c = try ClusterHarness()
        let out = try c.run("""
            print(cloud.simulator)
            let path = cloud.simulator.nodeImage(name: "ubuntu-2004-kube-v1.21.8")
            print(path)
            let cat = cloud.org("xav_lab").catalogs.ensure(name: "imgs")
            let tpl = cat.upload(path: path, name: "ubuntu-2004-kube-v1.21.8")
            print(tpl.status, tpl.kubernetesVersion, tpl.version, tpl.osType, tpl.cpus, tpl.memoryMB, tpl.vms)
            print(cloud.simulator.nodeImage() == cloud.simulator.nodeImage(name: "ubuntu-20.04-kube-v1.22.5+vmware.1", kubernetes: "v1.22.5+vmware.1"))
            try { cloud.simulator.nodeImage(name: "my-node") } catch err { print(err.message) }
            """)
        XCTAssertEqual(out, ["<simulator>", c.h.dir + "/node-images/ubuntu-2004-kube-v1.21.8.ova",
                             "RESOLVED v1.21.8 v1.21.8 ubuntu64Guest 2 2048 [\"ubuntu-2004-kube-v1.21.8\"]", "true",
                             "cannot tell the Kubernetes version of my-node: give it (e.g. v1.22.5+vmware.1), or a name like ubuntu-20.04-kube-v1.22.5+vmware.1"],
                       out.joined(separator: "\n"))
    }
}

/// The simulator's tooling as the executable wires it (Sources/vcdscript/SimClusterTooling.swift,
/// the same kind and clusterctl as the programs `sim tools` installs), with the requests to the
/// harness's Kubernetes server recorded.
final class SimulatorClusterTooling: ClusterTooling {
    let sim: Simulator
    let recorder: HTTPTransport
    let tools: SimClusterTooling
    init(sim: Simulator, recorder: HTTPTransport) {
        self.sim = sim
        self.recorder = recorder
        tools = SimClusterTooling { sim }
    }
    func kindClusters() throws -> [String] { try tools.kindClusters() }
    func kindCreate(name: String, kubernetes: String?) throws { try tools.kindCreate(name: name, kubernetes: kubernetes) }
    func kindDelete(name: String) throws { try tools.kindDelete(name: name) }
    func kindKubeconfig(name: String) throws -> String { try tools.kindKubeconfig(name: name) }
    func clusterctlInit(_ cluster: ClusterAccess, core: String, bootstrap: String, controlPlane: String) throws -> [String] {
        try tools.clusterctlInit(cluster, core: core, bootstrap: bootstrap, controlPlane: controlPlane)
    }
    func installInfrastructure(_ cluster: ClusterAccess, provider: String, version: String) throws -> [String] {
        try tools.installInfrastructure(cluster, provider: provider, version: version)
    }
    func move(from: ClusterAccess, to: ClusterAccess, namespace: String) throws -> [String] {
        try tools.move(from: from, to: to, namespace: namespace)
    }
    func transport(forServer server: String) -> HTTPTransport? {
        if server.hasPrefix(SimHarness.kubeServer) { return recorder }
        guard let u = URLComponents(string: server), let host = u.host, let name = sim.kubeCluster(atEndpoint: host, port: u.port ?? 443) else { return nil }
        let sim = self.sim
        return InProcessTransport { req in
            var r = req
            r.target = "/clusters/\(name)" + r.target
            return sim.handle(r, service: .kube)
        }
    }
}
