import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The simulated cloud provider (CPI) as a client of the simulated VCD: its configuration and
/// credentials in the workload cluster (`kube-system/vcloud-ccm-configmap`,
/// `kube-system/vcloud-basic-auth`), its login and load-balancer requests in the request log as the
/// user of the secret, a refused login as a Warning event, deletion through the API, faults.
final class CPIClientTests: XCTestCase, CAPITestWorld {
    static let capi = "/apis/cluster.x-k8s.io/v1beta1/namespaces/default"
    static let infra = "/apis/infrastructure.cluster.x-k8s.io/v1beta2/namespaces/default"
    static let vsPath = "/cloudapi/1.0.0/loadBalancer/virtualServices"
    static let poolPath = "/cloudapi/1.0.0/loadBalancer/pools"

    func kube(_ sim: Simulator, _ cluster: String, _ method: String, _ path: String, json: Any? = nil,
              contentType: String = "application/json") -> HTTPResponseMessage {
        var hd = HTTPHeaderFields()
        let token = KubeHarness.token(in: (try? sim.kubeconfig(cluster: cluster, server: "https://kube.sim.test")) ?? "")
        hd["Authorization"] = "Bearer \(token)"
        hd["Accept"] = "application/json"
        var body = Data()
        if let json { body = try! JSONSerialization.data(withJSONObject: json); hd["Content-Type"] = contentType }
        return sim.handle(HTTPRequestMessage(method: method, target: "/clusters/\(cluster)\(path)", headers: hd, body: body), service: .kube)
    }

    func obj(_ r: HTTPResponseMessage) -> [String: Any] { (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:] }
    func items(_ r: HTTPResponseMessage) -> [[String: Any]] { obj(r)["items"] as? [[String: Any]] ?? [] }
    func ingressIP(_ r: HTTPResponseMessage) -> String? {
        (((obj(r)["status"] as? [String: Any])?["loadBalancer"] as? [String: Any])?["ingress"] as? [[String: Any]])?.first?["ip"] as? String
    }

    @discardableResult
    func poll(_ sim: Simulator, _ cluster: String, _ path: String, max: Int = 400, file: StaticString = #filePath, line: UInt = #line,
              until: (HTTPResponseMessage) -> Bool) -> HTTPResponseMessage {
        var r = kube(sim, cluster, "GET", path)
        for _ in 0..<max {
            if until(r) { return r }
            Thread.sleep(forTimeInterval: 0.005)
            r = kube(sim, cluster, "GET", path)
        }
        XCTFail("condition never held on \(path): \(r.text.prefix(1500))", file: file, line: line)
        return r
    }

    /// CAPVCD 1.3.2's cluster template (one control-plane node, `workers` workers), credentials of capvcd@xav_lab.
    func manifests(name: String, workers: Int = 1) -> [(String, [String: Any])] {
        let ns = "default"
        let cred = ["username": Data("capvcd".utf8).base64EncodedString(), "password": Data(Harness.password.utf8).base64EncodedString(), "refreshToken": ""]
        let machineSpec: [String: Any] = ["catalog": "cse", "template": "ubuntu-k8s", "sizingPolicy": "capvcd-small", "placementPolicy": "",
                                          "storageProfile": "vsan-default", "diskSize": "30Gi", "enableNvidiaGPU": false]
        let nodeReg: [String: Any] = ["criSocket": "/run/containerd/containerd.sock", "kubeletExtraArgs": ["cloud-provider": "external"]]
        let tplRef: (String) -> [String: Any] = { ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDMachineTemplate", "name": $0, "namespace": ns] }
        return [
            ("/api/v1/namespaces/\(ns)/secrets", ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "capi-user-credentials", "namespace": ns],
                                                 "type": "Opaque", "data": cred]),
            ("\(Self.capi)/clusters", ["apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster", "metadata": ["name": name, "namespace": ns],
                                       "spec": ["controlPlaneRef": ["apiVersion": "controlplane.cluster.x-k8s.io/v1beta1", "kind": "KubeadmControlPlane",
                                                                    "name": "\(name)-control-plane", "namespace": ns],
                                                "infrastructureRef": ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDCluster",
                                                                      "name": name, "namespace": ns]]]),
            ("\(Self.infra)/vcdclusters", ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDCluster", "metadata": ["name": name, "namespace": ns],
                                           "spec": ["site": "https://vcd.sim.test", "org": "xav_lab", "ovdc": "t-tenant", "ovdcNetwork": "k8s-net",
                                                    "userContext": ["secretRef": ["name": "capi-user-credentials", "namespace": ns]],
                                                    "loadBalancerConfigSpec": ["vipSubnet": "203.0.113.0/24"]]]),
            ("\(Self.infra)/vcdmachinetemplates", ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDMachineTemplate",
                                                   "metadata": ["name": "\(name)-control-plane", "namespace": ns], "spec": ["template": ["spec": machineSpec]]]),
            ("/apis/controlplane.cluster.x-k8s.io/v1beta1/namespaces/\(ns)/kubeadmcontrolplanes", [
                "apiVersion": "controlplane.cluster.x-k8s.io/v1beta1", "kind": "KubeadmControlPlane", "metadata": ["name": "\(name)-control-plane", "namespace": ns],
                "spec": ["kubeadmConfigSpec": ["initConfiguration": ["nodeRegistration": nodeReg], "joinConfiguration": ["nodeRegistration": nodeReg]],
                         "machineTemplate": ["infrastructureRef": tplRef("\(name)-control-plane")], "replicas": 1, "version": "v1.27.5+vmware.1"]]),
            ("\(Self.infra)/vcdmachinetemplates", ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDMachineTemplate",
                                                   "metadata": ["name": "\(name)-md-0", "namespace": ns], "spec": ["template": ["spec": machineSpec]]]),
            ("/apis/bootstrap.cluster.x-k8s.io/v1beta1/namespaces/\(ns)/kubeadmconfigtemplates", [
                "apiVersion": "bootstrap.cluster.x-k8s.io/v1beta1", "kind": "KubeadmConfigTemplate", "metadata": ["name": "\(name)-md-0", "namespace": ns],
                "spec": ["template": ["spec": ["joinConfiguration": ["nodeRegistration": nodeReg]]]]]),
            ("\(Self.capi)/machinedeployments", [
                "apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "MachineDeployment", "metadata": ["name": "\(name)-md-0", "namespace": ns],
                "spec": ["clusterName": name, "replicas": workers, "selector": ["matchLabels": [String: String]()],
                         "template": ["spec": ["bootstrap": ["configRef": ["apiVersion": "bootstrap.cluster.x-k8s.io/v1beta1", "kind": "KubeadmConfigTemplate",
                                                                           "name": "\(name)-md-0", "namespace": ns]],
                                               "clusterName": name, "infrastructureRef": tplRef("\(name)-md-0"), "version": "v1.27.5+vmware.1"]]]]),
        ]
    }

    /// A Provisioned workload cluster `name` made by the simulated CAPVCD from cluster `kind`.
    func cluster(_ h: Harness, _ name: String) throws -> CAPIWorld {
        let w = try world(h)
        try h.sim.createKubeCluster(name: "kind", kubernetesVersion: "v1.27.3")
        _ = try h.sim.installClusterAPI(cluster: "kind", core: "cluster-api:v1.4.0", bootstrap: "kubeadm:v1.4.0", controlPlane: "kubeadm:v1.4.0")
        _ = try h.sim.installCAPVCD(cluster: "kind", version: "v1.3.2")
        for (path, o) in manifests(name: name) { XCTAssertEqual(kube(h.sim, "kind", "POST", path, json: o).status, 201, path) }
        let cl = poll(h.sim, "kind", "\(Self.capi)/clusters/\(name)") { ["Provisioned", "Failed"].contains((self.obj($0)["status"] as? [String: Any])?["phase"] as? String ?? "") }
        XCTAssertEqual((obj(cl)["status"] as? [String: Any])?["phase"] as? String, "Provisioned", cl.text)
        return w
    }

    func service(_ sim: Simulator, _ cluster: String, _ name: String, port: Int = 80) {
        let r = kube(sim, cluster, "POST", "/api/v1/namespaces/default/services", json: [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": name, "namespace": "default"],
            "spec": ["type": "LoadBalancer", "selector": ["app": name], "ports": [["name": "http", "port": port, "targetPort": 8080, "protocol": "TCP"]]]])
        XCTAssertEqual(r.status, 201, r.text)
    }

    /// The gateway's `virtualServiceSummaries` or `poolSummaries`, read by the org admin; with
    /// `fresh`, from a simulator opened anew on the state file (what another process sees).
    func summaries(_ h: Harness, fresh: Bool = false, _ gw: String, _ what: String) -> [[String: Any]] {
        let s = fresh ? (try! Simulator(statePath: h.sim.statePath, options: h.sim.options)) : h.sim
        let basic = Data("administrator@xav_lab:\(Harness.password)".utf8).base64EncodedString()
        let login = s.handle(HTTPRequestMessage(method: "POST", target: "/cloudapi/1.0.0/sessions",
                                                headers: ["Authorization": "Basic \(basic)", "Accept": "application/json;version=37.2"]), service: .vcd)
        let token = login.headers[VCDHeader.accessToken] ?? ""
        let r = s.handle(HTTPRequestMessage(method: "GET", target: "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer/\(what)?pageSize=100",
                                            headers: ["Authorization": "Bearer \(token)", "Accept": "application/json;version=37.2"]), service: .vcd)
        return ((try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any])?["values"] as? [[String: Any]] ?? []
    }

    func secretPatch(_ sim: Simulator, _ cluster: String, password: String) {
        let r = kube(sim, cluster, "PATCH", "/api/v1/namespaces/kube-system/secrets/vcloud-basic-auth",
                     json: ["data": ["password": Data(password.utf8).base64EncodedString()]], contentType: "application/merge-patch+json")
        XCTAssertEqual(r.status, 200, r.text)
    }

    // MARK: Tests

    func testServiceGetsVIPThroughTheAPIAndDeletionDeletesThroughIt() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try cluster(h, "cpi1")
        // What CAPVCD installed for the CPI in the workload cluster.
        let secret = obj(kube(h.sim, "cpi1", "GET", "/api/v1/namespaces/kube-system/secrets/vcloud-basic-auth"))
        let data = secret["data"] as? [String: String] ?? [:]
        XCTAssertEqual(data["username"].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }, "capvcd")
        XCTAssertEqual(data["password"].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }, Harness.password)
        XCTAssertNotNil(data["refreshToken"])
        let cm = obj(kube(h.sim, "cpi1", "GET", "/api/v1/namespaces/kube-system/configmaps/vcloud-ccm-configmap"))
        let yaml = (cm["data"] as? [String: String])?["vcloud-ccm-config.yaml"] ?? ""
        for part in ["vcd:", "host: \"https://vcd.sim.test\"", "org: \"xav_lab\"", "vdc: \"t-tenant\"", "loadbalancer:", "network: \"k8s-net\"",
                     "vipSubnet: \"203.0.113.0/24\"", "clusterid: \"urn:vcloud:entity:"] {
            XCTAssertTrue(yaml.contains(part), "\(part) in \(yaml)")
        }
        let logStart = h.sim.requestLog.count
        service(h.sim, "cpi1", "web")
        let lb = poll(h.sim, "cpi1", "/api/v1/namespaces/default/services/web") { self.ingressIP($0) != nil }
        let vip = try XCTUnwrap(ingressIP(lb))
        XCTAssertTrue(h.allocated(w.gw).contains(vip))
        XCTAssertTrue(((obj(lb)["metadata"] as? [String: Any])?["finalizers"] as? [String] ?? []).contains("service.kubernetes.io/load-balancer-cleanup"))
        let log = h.sim.requestLog.dropFirst(logStart).filter { $0.service == .vcd }
        let cpi = log.filter { $0.user == "capvcd@xav_lab" }
        XCTAssertTrue(cpi.contains { $0.method == "POST" && $0.path == "/cloudapi/1.0.0/sessions" && $0.status == 200 }, "\(cpi.map { "\($0.method) \($0.path)" })")
        XCTAssertTrue(cpi.contains { $0.method == "POST" && $0.path == Self.poolPath && $0.status == 202 })
        XCTAssertTrue(cpi.contains { $0.method == "POST" && $0.path == Self.vsPath && $0.status == 202 })
        XCTAssertTrue(cpi.contains { $0.method == "GET" && $0.path.hasPrefix("/api/task/") })
        XCTAssertEqual(cpi.filter { $0.path.hasSuffix("/sessions") }.count, 1, "one login, then the kept session")
        let vs = try XCTUnwrap(summaries(h, w.gw, "virtualServiceSummaries").first { $0["virtualIpAddress"] as? String == vip })
        // The real CPI's names: ingress-vs-<service>-<cluster id without urn:vcloud:entity:vmware:>-<port name>.
        let clusterId = yaml.components(separatedBy: "clusterid: \"").dropFirst().first.map { String($0.prefix { $0 != "\"" }) } ?? ""
        XCTAssertTrue(clusterId.hasPrefix("urn:vcloud:entity:vmware:capvcdCluster:"), yaml)
        let trimmedId = String(clusterId.dropFirst("urn:vcloud:entity:vmware:".count))
        XCTAssertEqual(vs["name"] as? String, "ingress-vs-web-\(trimmedId)-http", "\(vs)")
        XCTAssertTrue(summaries(h, w.gw, "poolSummaries").contains { $0["name"] as? String == "ingress-pool-web-\(trimmedId)-http" })
        XCTAssertEqual(summaries(h, w.gw, "poolSummaries").count, 2)

        // Nothing to change: a pass sends no request at all.
        let idle = h.sim.requestLog.count
        for _ in 0..<5 { h.sim.advanceClusterAPI() }
        XCTAssertEqual(h.sim.requestLog.dropFirst(idle).filter { $0.service == .vcd }.count, 0)

        // A new worker: the pool's members follow, by GET and PUT of the pool.
        let scaleStart = h.sim.requestLog.count
        XCTAssertEqual(kube(h.sim, "kind", "PATCH", "\(Self.capi)/machinedeployments/cpi1-md-0", json: ["spec": ["replicas": 2]],
                            contentType: "application/merge-patch+json").status, 200)
        poll(h.sim, "kind", "\(Self.capi)/machinedeployments/cpi1-md-0") { r in
            (self.obj(r)["status"] as? [String: Any])?["readyReplicas"] as? Int == 2
        }
        let poolId = (vs["loadBalancerPoolRef"] as? [String: Any])?["id"] as? String ?? ""
        for _ in 0..<400 {
            let members = summaries(h, w.gw, "poolSummaries").first { $0["id"] as? String == poolId }?["memberCount"] as? Int
            if members == 2 { break }
            h.sim.advanceClusterAPI()
        }
        XCTAssertEqual(summaries(h, w.gw, "poolSummaries").first { $0["id"] as? String == poolId }?["memberCount"] as? Int, 2)
        XCTAssertTrue(h.sim.requestLog.dropFirst(scaleStart).contains { $0.method == "PUT" && $0.path == "\(Self.poolPath)/\(poolId)" && $0.user == "capvcd@xav_lab" })

        // Deleting the Service: the virtual service then the pool, through the API, as the CPI's user.
        let delStart = h.sim.requestLog.count
        XCTAssertEqual(kube(h.sim, "cpi1", "DELETE", "/api/v1/namespaces/default/services/web").status, 200)
        poll(h.sim, "cpi1", "/api/v1/namespaces/default/services/web") { $0.status == 404 }
        let deletes = h.sim.requestLog.dropFirst(delStart).filter { $0.service == .vcd && $0.method == "DELETE" && $0.user == "capvcd@xav_lab" }
        XCTAssertEqual(deletes.map { $0.path.hasPrefix(Self.vsPath) ? "vs" : $0.path.hasPrefix(Self.poolPath) ? "pool" : $0.path }, ["vs", "pool"])
        XCTAssertTrue(deletes.allSatisfy { $0.status == 202 })
        XCTAssertEqual(summaries(h, w.gw, "virtualServiceSummaries").count, 1, "the control plane's only")
        XCTAssertEqual(summaries(h, w.gw, "poolSummaries").count, 1)
    }

    func testWrongPasswordWarnsThenTheFixedSecretSucceeds() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try cluster(h, "cpi2")
        secretPatch(h.sim, "cpi2", password: "not-the-password")
        service(h.sim, "cpi2", "web")
        let events = poll(h.sim, "cpi2", "/api/v1/namespaces/default/events") { r in
            self.items(r).contains { $0["reason"] as? String == "SyncLoadBalancerFailed" }
        }
        let ev = try XCTUnwrap(items(events).first { $0["reason"] as? String == "SyncLoadBalancerFailed" })
        XCTAssertEqual(ev["type"] as? String, "Warning")
        let message = ev["message"] as? String ?? ""
        XCTAssertTrue(message.contains("401 Unauthorized") && message.contains("capvcd@xav_lab"), message)
        for _ in 0..<5 { _ = kube(h.sim, "cpi2", "GET", "/api/v1/namespaces/default/services/web") }
        XCTAssertNil(ingressIP(kube(h.sim, "cpi2", "GET", "/api/v1/namespaces/default/services/web")))
        XCTAssertEqual(summaries(h, w.gw, "virtualServiceSummaries").count, 1, "no VCD object made")
        XCTAssertEqual(summaries(h, w.gw, "poolSummaries").count, 1)
        XCTAssertTrue(h.sim.requestLog.contains { $0.path == "/cloudapi/1.0.0/sessions" && $0.status == 401 && $0.user == "capvcd@xav_lab" })

        secretPatch(h.sim, "cpi2", password: Harness.password)
        let lb = poll(h.sim, "cpi2", "/api/v1/namespaces/default/services/web") { self.ingressIP($0) != nil }
        XCTAssertTrue(h.allocated(w.gw).contains(ingressIP(lb) ?? ""))
        XCTAssertEqual(summaries(h, w.gw, "virtualServiceSummaries").count, 2)
    }

    /// A virtual service VCD refuses (a VIP of the uplink subnet not allocated to the gateway) leaves the pool made
    /// before it: a Warning event with VCD's message, and the Service's deletion deletes that pool.
    func testRefusedVirtualServiceWarnsAndDeletionCleansThePool() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try cluster(h, "cpi4")
        let first = try XCTUnwrap(h.allocated(w.gw).first)
        let unallocated = (200...254).map { first.split(separator: ".").prefix(3).joined(separator: ".") + ".\($0)" }.first { !h.allocated(w.gw).contains($0) }!
        let r = kube(h.sim, "cpi4", "POST", "/api/v1/namespaces/default/services", json: [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "fixed", "namespace": "default"],
            "spec": ["type": "LoadBalancer", "loadBalancerIP": unallocated, "ports": [["port": 443, "protocol": "TCP"]]]])
        XCTAssertEqual(r.status, 201, r.text)
        let events = poll(h.sim, "cpi4", "/api/v1/namespaces/default/events") { r in
            self.items(r).contains { $0["reason"] as? String == "SyncLoadBalancerFailed" }
        }
        let message = items(events).first { $0["reason"] as? String == "SyncLoadBalancerFailed" }?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("unable to create virtual service [ingress-vs-fixed-capvcdCluster:") && message.contains(unallocated), message)
        XCTAssertFalse(message.contains("[ "), "no request id in the message: \(message)")
        for _ in 0..<5 { _ = kube(h.sim, "cpi4", "GET", "/api/v1/namespaces/default/services/fixed") }
        XCTAssertEqual(summaries(h, w.gw, "poolSummaries").count, 2, "the pool made before the refusal, reused on each pass")
        XCTAssertEqual(h.sim.requestLog.filter { $0.method == "POST" && $0.path == Self.poolPath && $0.user == "capvcd@xav_lab" }.count, 2,
                       "the control plane's pool (CAPVCD) and the Service's (CPI), each posted once")
        XCTAssertEqual(kube(h.sim, "cpi4", "DELETE", "/api/v1/namespaces/default/services/fixed").status, 200)
        poll(h.sim, "cpi4", "/api/v1/namespaces/default/services/fixed") { $0.status == 404 }
        XCTAssertEqual(summaries(h, w.gw, "poolSummaries").count, 1)
        XCTAssertTrue(h.sim.requestLog.contains { $0.method == "DELETE" && $0.path.hasPrefix(Self.poolPath) && $0.user == "capvcd@xav_lab" && $0.status == 202 })
    }

    /// The CPI runs while its Deployment has a ready replica: scaled to zero, nothing is sent.
    func testCPIRunsOnlyWithItsDeployment() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try cluster(h, "cpi5")
        let ccm = "/apis/apps/v1/namespaces/kube-system/deployments/vmware-cloud-director-ccm"
        XCTAssertEqual(kube(h.sim, "cpi5", "PATCH", ccm, json: ["spec": ["replicas": 0]], contentType: "application/merge-patch+json").status, 200)
        poll(h.sim, "cpi5", ccm) { ((self.obj($0)["status"] as? [String: Any])?["availableReplicas"] as? Int ?? 0) == 0 }
        let start = h.sim.requestLog.count
        service(h.sim, "cpi5", "web")
        for _ in 0..<10 { _ = kube(h.sim, "cpi5", "GET", "/api/v1/namespaces/default/services/web") }
        XCTAssertNil(ingressIP(kube(h.sim, "cpi5", "GET", "/api/v1/namespaces/default/services/web")))
        XCTAssertEqual(h.sim.requestLog.dropFirst(start).filter { $0.service == .vcd }.count, 0)
        XCTAssertEqual(kube(h.sim, "cpi5", "PATCH", ccm, json: ["spec": ["replicas": 1]], contentType: "application/merge-patch+json").status, 200)
        poll(h.sim, "cpi5", "/api/v1/namespaces/default/services/web") { self.ingressIP($0) != nil }
    }

    func testFaultsStillConverge() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try cluster(h, "cpi3")
        var o = h.sim.options
        o.faults = try FaultSpec.parse("503:0.25,taskfail:0.15,seed:11")
        let sim = try Simulator(statePath: h.sim.statePath, options: o)
        // The test's own calls meet the faults too: repeated until the API answers.
        for _ in 0..<50 {
            let r = kube(sim, "cpi3", "POST", "/api/v1/namespaces/default/services", json: [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": "web", "namespace": "default"],
                "spec": ["type": "LoadBalancer", "ports": [["name": "http", "port": 80, "protocol": "TCP"]]]])
            if r.status == 201 || r.status == 409 { break }
        }
        let lb = poll(sim, "cpi3", "/api/v1/namespaces/default/services/web", max: 600) { self.ingressIP($0) != nil }
        let vip = try XCTUnwrap(ingressIP(lb))
        XCTAssertTrue(sim.requestLog.contains { $0.user == "capvcd@xav_lab" && $0.status == 503 }, "faults reached the CPI")
        XCTAssertEqual(sim.requestLog.filter { $0.user == "capvcd@xav_lab" && $0.method == "POST" && $0.path == Self.vsPath && $0.status == 202 }.count, 1)
        XCTAssertEqual(summaries(h, fresh: true, w.gw, "virtualServiceSummaries").filter { $0["virtualIpAddress"] as? String == vip }.count, 1)
        XCTAssertEqual(summaries(h, fresh: true, w.gw, "poolSummaries").count, 2, "nothing half-made left")
        for _ in 0..<50 where ![200, 404].contains(kube(sim, "cpi3", "DELETE", "/api/v1/namespaces/default/services/web").status) {}
        poll(sim, "cpi3", "/api/v1/namespaces/default/services/web", max: 600) { $0.status == 404 }
        XCTAssertEqual(summaries(h, fresh: true, w.gw, "virtualServiceSummaries").count, 1)
        XCTAssertEqual(summaries(h, fresh: true, w.gw, "poolSummaries").count, 1)
    }
}
