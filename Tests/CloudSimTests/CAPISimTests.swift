import CloudWire
import Foundation
import XCTest
@testable import CloudSim
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The simulated Cluster API + CAPVCD: clusterctl init, a cluster applied to a management cluster
/// reaching Provisioned with its VCD side effects (vApp, VMs, RDE, control-plane virtual service),
/// the workload cluster and its kubeconfig, the cloud provider's LoadBalancer Services, clusterctl
/// move, deletion with everything torn down, and the failure paths.
final class CAPISimTests: XCTestCase, CAPITestWorld {
    // MARK: Kubernetes calls (in-process)

    func kube(_ h: Harness, _ cluster: String, _ method: String, _ path: String, json: Any? = nil,
              contentType: String = "application/json") -> HTTPResponseMessage {
        kube(h.sim, cluster, method, path, json: json, contentType: contentType)
    }

    func kube(_ sim: Simulator, _ cluster: String, _ method: String, _ path: String, json: Any? = nil,
              contentType: String = "application/json") -> HTTPResponseMessage {
        var hd = HTTPHeaderFields()
        let token = KubeHarness.token(in: (try? sim.kubeconfig(cluster: cluster, server: "https://kube.sim.test")) ?? "")
        hd["Authorization"] = "Bearer \(token)"
        hd["Accept"] = "application/json"
        var body = Data()
        if let json { body = try! JSONSerialization.data(withJSONObject: json); hd["Content-Type"] = contentType }
        let req = HTTPRequestMessage(method: method, target: "/clusters/\(cluster)\(path)", headers: hd, body: body)
        guard let base = socketBase else { return sim.handle(req, service: .kube) }
        var r = URLRequest(url: URL(string: base + req.target)!)
        r.httpMethod = method
        for (n, v) in req.headers { r.setValue(v, forHTTPHeaderField: n) }
        if !body.isEmpty { r.httpBody = body }
        let sem = DispatchSemaphore(value: 0)
        let box = ResponseBox()
        URLSession.shared.dataTask(with: r) { data, resp, err in
            if let h = resp as? HTTPURLResponse {
                var headers = HTTPHeaderFields()
                for (k, v) in h.allHeaderFields { headers.add("\(k)", "\(v)") }
                box.value = HTTPResponseMessage(status: h.statusCode, headers: headers, body: data ?? Data())
            } else {
                box.value = HTTPResponseMessage(status: -1, body: Data("\(String(describing: err))".utf8))
            }
            sem.signal()
        }.resume()
        sem.wait()
        return box.value
    }

    final class ResponseBox: @unchecked Sendable { var value = HTTPResponseMessage(status: 0) }

    /// When set, Kubernetes calls go over a loopback socket to a `SimulatorServer` (as kubectl's do).
    var socketBase: String? = nil

    func obj(_ r: HTTPResponseMessage) -> [String: Any] { (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:] }
    func items(_ r: HTTPResponseMessage) -> [[String: Any]] { obj(r)["items"] as? [[String: Any]] ?? [] }
    func status(_ o: [String: Any]) -> [String: Any] { o["status"] as? [String: Any] ?? [:] }
    func name(_ o: [String: Any]) -> String { (o["metadata"] as? [String: Any])?["name"] as? String ?? "" }

    static let capi = "/apis/cluster.x-k8s.io/v1beta1/namespaces/default"
    static let infra = "/apis/infrastructure.cluster.x-k8s.io/v1beta2/namespaces/default"

    /// Polls the Cluster (each read lets the controllers take a step) until `until` holds.
    @discardableResult
    func poll(_ h: Harness, _ cluster: String, _ path: String, max: Int = 400, file: StaticString = #filePath, line: UInt = #line,
              until: (HTTPResponseMessage) -> Bool) -> HTTPResponseMessage {
        var r = kube(h, cluster, "GET", path)
        for _ in 0..<max {
            if until(r) { return r }
            Thread.sleep(forTimeInterval: 0.005)
            r = kube(h, cluster, "GET", path)
        }
        XCTFail("condition never held on \(path): \(r.text.prefix(1500))", file: file, line: line)
        return r
    }

    // MARK: The cluster's objects (cluster-template-v1beta2 of CAPVCD 1.3.2, variables filled)

    func manifests(name: String, template: String = "ubuntu-k8s", workers: Int = 2) -> [(String, [String: Any])] {
        let ns = "default"
        let cred = ["username": Data("capvcd".utf8).base64EncodedString(), "password": Data(Harness.password.utf8).base64EncodedString(), "refreshToken": ""]
        let machineSpec: [String: Any] = ["catalog": "cse", "template": template, "sizingPolicy": "capvcd-small", "placementPolicy": "",
                                          "storageProfile": "vsan-default", "diskSize": "30Gi", "enableNvidiaGPU": false]
        let nodeReg: [String: Any] = ["criSocket": "/run/containerd/containerd.sock", "kubeletExtraArgs": ["cloud-provider": "external"]]
        return [
            ("/api/v1/namespaces/\(ns)/secrets", ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "capi-user-credentials", "namespace": ns],
                                                 "type": "Opaque", "data": cred]),
            ("\(Self.capi)/clusters", ["apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
                                       "metadata": ["name": name, "namespace": ns, "labels": ["cni": "antrea", "ccm": "external", "csi": "external"]],
                                       "spec": ["clusterNetwork": ["pods": ["cidrBlocks": ["100.96.0.0/11"]], "serviceDomain": "cluster.local",
                                                                   "services": ["cidrBlocks": ["100.64.0.0/13"]]],
                                                "controlPlaneRef": ["apiVersion": "controlplane.cluster.x-k8s.io/v1beta1", "kind": "KubeadmControlPlane",
                                                                    "name": "\(name)-control-plane", "namespace": ns],
                                                "infrastructureRef": ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDCluster",
                                                                      "name": name, "namespace": ns]]]),
            ("\(Self.infra)/vcdclusters", ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDCluster",
                                           "metadata": ["name": name, "namespace": ns],
                                           "spec": ["site": "https://vcd.sim.test", "org": "xav_lab", "ovdc": "t-tenant", "ovdcNetwork": "k8s-net",
                                                    "useAsManagementCluster": false,
                                                    "userContext": ["secretRef": ["name": "capi-user-credentials", "namespace": ns]],
                                                    "rdeId": "", "loadBalancerConfigSpec": ["vipSubnet": "203.0.113.0/24"],
                                                    "proxyConfigSpec": ["httpProxy": "", "httpsProxy": "", "noProxy": ""]]]),
            ("\(Self.infra)/vcdmachinetemplates", ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDMachineTemplate",
                                                   "metadata": ["name": "\(name)-control-plane", "namespace": ns], "spec": ["template": ["spec": machineSpec]]]),
            ("/apis/controlplane.cluster.x-k8s.io/v1beta1/namespaces/\(ns)/kubeadmcontrolplanes", [
                "apiVersion": "controlplane.cluster.x-k8s.io/v1beta1", "kind": "KubeadmControlPlane",
                "metadata": ["name": "\(name)-control-plane", "namespace": ns],
                "spec": ["kubeadmConfigSpec": ["clusterConfiguration": ["apiServer": ["certSANs": ["localhost", "127.0.0.1"]]],
                                               "initConfiguration": ["nodeRegistration": nodeReg], "joinConfiguration": ["nodeRegistration": nodeReg]],
                         "machineTemplate": ["infrastructureRef": ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDMachineTemplate",
                                                                   "name": "\(name)-control-plane", "namespace": ns]],
                         "replicas": 1, "version": "v1.27.5+vmware.1"]]),
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
                                               "clusterName": name,
                                               "infrastructureRef": ["apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "VCDMachineTemplate",
                                                                     "name": "\(name)-md-0", "namespace": ns],
                                               "version": "v1.27.5+vmware.1"]]]]),
        ]
    }

    func install(_ h: Harness, _ cluster: String) throws {
        if !h.sim.kubeClusters.contains(where: { $0.name == cluster }) { try h.sim.createKubeCluster(name: cluster, kubernetesVersion: "v1.27.3") }
        _ = try h.sim.installClusterAPI(cluster: cluster, core: "cluster-api:v1.4.0", bootstrap: "kubeadm:v1.4.0", controlPlane: "kubeadm:v1.4.0")
        _ = try h.sim.installCAPVCD(cluster: cluster, version: "v1.3.2")
    }

    func apply(_ h: Harness, _ cluster: String, _ objects: [(String, [String: Any])]) {
        for (path, o) in objects {
            let r = kube(h, cluster, "POST", path, json: o)
            XCTAssertEqual(r.status, 201, "\(path): \(r.text)")
        }
    }

    func phase(_ r: HTTPResponseMessage) -> String { status(obj(r))["phase"] as? String ?? "" }

    // MARK: Tests

    func testInstallProvidersIsIdempotent() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        try h.sim.createKubeCluster(name: "kind", kubernetesVersion: "v1.27.3")
        XCTAssertThrowsError(try h.sim.installCAPVCD(cluster: "kind", version: "v1.3.2")) { e in
            XCTAssertTrue("\(e)".contains("installClusterAPI"), "\(e)")
        }
        let first = try h.sim.installClusterAPI(cluster: "kind", core: "cluster-api:v1.4.0", bootstrap: "kubeadm:v1.4.0", controlPlane: "kubeadm:v1.4.0")
        XCTAssertEqual(first, ["Installing cert-manager Version=v1.11.0",
                               "Installing Provider=cluster-api Version=v1.4.0 TargetNamespace=capi-system",
                               "Installing Provider=bootstrap-kubeadm Version=v1.4.0 TargetNamespace=capi-kubeadm-bootstrap-system",
                               "Installing Provider=control-plane-kubeadm Version=v1.4.0 TargetNamespace=capi-kubeadm-control-plane-system"])
        // The namespaces themselves (the list's resourceVersion moves with the cluster's own controllers).
        let before = NSArray(array: items(kube(h, "kind", "GET", "/api/v1/namespaces")))
        let again = try h.sim.installClusterAPI(cluster: "kind", core: "cluster-api:v1.4.0", bootstrap: "kubeadm:v1.4.0", controlPlane: "kubeadm:v1.4.0")
        XCTAssertTrue(again.allSatisfy { $0.hasPrefix("Skipping") }, "\(again)")
        XCTAssertEqual(NSArray(array: items(kube(h, "kind", "GET", "/api/v1/namespaces"))), before, "a second init changes nothing")
        XCTAssertEqual(try h.sim.installCAPVCD(cluster: "kind", version: "v1.3.2"),
                       ["Installing Provider=infrastructure-vcd Version=v1.3.2 TargetNamespace=capvcd-system"],
                       "the site has the capvcdCluster type already (the provider registered it)")
        XCTAssertEqual(try h.sim.installCAPVCD(cluster: "kind", version: "v1.3.2").count, 1)
        for crd in ["clusters.cluster.x-k8s.io", "machines.cluster.x-k8s.io", "machinesets.cluster.x-k8s.io", "machinedeployments.cluster.x-k8s.io",
                    "machinehealthchecks.cluster.x-k8s.io", "kubeadmconfigs.bootstrap.cluster.x-k8s.io", "kubeadmconfigtemplates.bootstrap.cluster.x-k8s.io",
                    "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io", "vcdclusters.infrastructure.cluster.x-k8s.io",
                    "vcdmachines.infrastructure.cluster.x-k8s.io", "vcdmachinetemplates.infrastructure.cluster.x-k8s.io"] {
            let r = kube(h, "kind", "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/\(crd)")
            XCTAssertEqual(r.status, 200, crd)
            let conds = status(obj(r))["conditions"] as? [[String: Any]] ?? []
            XCTAssertTrue(conds.contains { $0["type"] as? String == "Established" && $0["status"] as? String == "True" }, crd)
        }
        for (ns, d) in [("capi-system", "capi-controller-manager"), ("capi-kubeadm-bootstrap-system", "capi-kubeadm-bootstrap-controller-manager"),
                        ("capi-kubeadm-control-plane-system", "capi-kubeadm-control-plane-controller-manager"), ("capvcd-system", "capvcd-controller-manager")] {
            let dep = obj(kube(h, "kind", "GET", "/apis/apps/v1/namespaces/\(ns)/deployments/\(d)"))
            XCTAssertEqual(status(dep)["availableReplicas"] as? Int, 1, d)
        }
        XCTAssertEqual(kube(h, "kind", "GET", "/apis/infrastructure.cluster.x-k8s.io/v1beta2/vcdclusters").status, 200)
        let type = h.call("GET", "/cloudapi/1.0.0/entityTypes/urn:vcloud:type:vmware:capvcdCluster:1.1.0", token: h.provider)
        XCTAssertEqual(type.status, 200, type.text)
    }

    func testClusterLifecycleMoveAndDelete() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try world(h)
        try install(h, "kind")
        let vmsBefore = h.sim.count(kind: Kind.vm)
        apply(h, "kind", manifests(name: "capi1"))

        // Pending → Provisioning → Provisioned, within a few hundred polls of wall time well under a second each.
        var phases: [String] = []
        var polls = 0
        let cl = poll(h, "kind", "\(Self.capi)/clusters/capi1") { r in
            polls += 1
            let p = phase(r)
            if phases.last != p { phases.append(p) }
            return p == "Provisioned" || p == "Failed"
        }
        XCTAssertEqual(phase(cl), "Provisioned", cl.text)
        XCTAssertEqual(phases, ["Pending", "Provisioning", "Provisioned"].filter { phases.contains($0) })
        XCTAssertTrue(phases.contains("Provisioning"), "\(phases)")
        // Counted in polls, not seconds: the machines are shared and noisy.
        XCTAssertLessThan(polls, 60, "a few polls with the fast clock")
        let st = status(obj(cl))
        XCTAssertEqual(st["infrastructureReady"] as? Bool, true)
        XCTAssertEqual(st["controlPlaneReady"] as? Bool, true)
        let conds = st["conditions"] as? [[String: Any]] ?? []
        for t in ["Ready", "InfrastructureReady", "ControlPlaneInitialized", "ControlPlaneReady"] {
            XCTAssertTrue(conds.contains { $0["type"] as? String == t && $0["status"] as? String == "True" }, "\(t): \(conds)")
        }

        // VCDCluster: endpoint and RDE.
        let vc = obj(kube(h, "kind", "GET", "\(Self.infra)/vcdclusters/capi1"))
        let endpoint = (vc["spec"] as? [String: Any])?["controlPlaneEndpoint"] as? [String: Any] ?? [:]
        let vip = endpoint["host"] as? String ?? ""
        XCTAssertEqual(endpoint["port"] as? Int, 6443)
        XCTAssertTrue(h.allocated(w.gw).contains(vip), "VIP \(vip) is an address of the gateway")
        XCTAssertNotEqual(vip, h.allocated(w.gw)[0], "the SNAT address is in use")
        XCTAssertEqual(status(vc)["ready"] as? Bool, true)
        let rdeId = status(vc)["infraId"] as? String ?? ""
        XCTAssertTrue(rdeId.hasPrefix("urn:vcloud:entity:vmware:capvcdCluster:"), rdeId)
        let rde = h.json(h.call("GET", "/cloudapi/1.0.0/entities/\(rdeId)", token: h.provider))
        XCTAssertEqual(rde["name"] as? String, "capi1")
        XCTAssertEqual(rde["state"] as? String, "RESOLVED")
        XCTAssertEqual(((rde["entity"] as? [String: Any])?["status"] as? [String: Any]).flatMap { ($0["capvcd"] as? [String: Any])?["phase"] as? String }, "provisioned")

        // Machines: one control plane, two workers, all Running with nodes.
        let machines = items(kube(h, "kind", "GET", "\(Self.capi)/machines"))
        XCTAssertEqual(machines.count, 3)
        XCTAssertTrue(machines.allSatisfy { status($0)["phase"] as? String == "Running" }, "\(machines.map(status))")
        let nodeNames = machines.compactMap { (status($0)["nodeRef"] as? [String: Any])?["name"] as? String }.sorted()
        XCTAssertEqual(nodeNames.count, 3)
        XCTAssertEqual(machines.filter { name($0).hasPrefix("capi1-control-plane-") }.count, 1)
        XCTAssertEqual(machines.filter { name($0).hasPrefix("capi1-md-0-") }.count, 2)
        let md = obj(kube(h, "kind", "GET", "\(Self.capi)/machinedeployments/capi1-md-0"))
        XCTAssertEqual(status(md)["phase"] as? String, "Running")
        XCTAssertEqual(status(md)["readyReplicas"] as? Int, 2)
        let kcp = obj(kube(h, "kind", "GET", "/apis/controlplane.cluster.x-k8s.io/v1beta1/namespaces/default/kubeadmcontrolplanes/capi1-control-plane"))
        XCTAssertEqual(status(kcp)["readyReplicas"] as? Int, 1)
        XCTAssertEqual(status(kcp)["initialized"] as? Bool, true)

        // Kubeconfig secret → VIP:6443 → the workload cluster, whose nodes are the machines.
        let secret = obj(kube(h, "kind", "GET", "/api/v1/namespaces/default/secrets/capi1-kubeconfig"))
        XCTAssertEqual(secret["type"] as? String, "cluster.x-k8s.io/secret")
        let kc = String(decoding: Data(base64Encoded: (secret["data"] as? [String: Any])?["value"] as? String ?? "") ?? Data(), as: UTF8.self)
        XCTAssertTrue(kc.contains("server: \"https://\(vip):6443\""), kc)
        XCTAssertEqual(h.sim.kubeCluster(atEndpoint: vip, port: 6443), "capi1")
        XCTAssertNil(h.sim.kubeCluster(atEndpoint: vip, port: 443))
        XCTAssertNil(h.sim.kubeCluster(atEndpoint: "203.0.113.99", port: 6443))
        var hd = HTTPHeaderFields()
        hd["Authorization"] = "Bearer \(KubeHarness.token(in: kc))"
        let nodes = h.sim.handle(HTTPRequestMessage(method: "GET", target: "/clusters/capi1/api/v1/nodes", headers: hd), service: .kube)
        XCTAssertEqual(nodes.status, 200, nodes.text)
        XCTAssertEqual(items(nodes).map(name).sorted(), nodeNames)
        XCTAssertTrue(items(nodes).allSatisfy { n in
            ((status(n)["conditions"] as? [[String: Any]]) ?? []).contains { $0["type"] as? String == "Ready" && $0["status"] as? String == "True" }
        })
        // The workload cluster's own controllers run what a CAPVCD cluster runs: static pods on the
        // control plane, kube-proxy and Antrea on every node, the CSI node plugin on the workers.
        let system = poll(h, "capi1", "/api/v1/namespaces/kube-system/pods") { r in
            !self.items(r).isEmpty && self.items(r).allSatisfy { self.status($0)["phase"] as? String == "Running" }
                && self.items(r).filter { self.name($0).hasPrefix("antrea-agent-") }.count == 3
        }
        let systemNames = items(system).map(name)
        XCTAssertTrue(systemNames.contains("etcd-\(nodeNames.first { $0.hasPrefix("capi1-control-plane-") } ?? "")"), "\(systemNames)")
        for prefix in ["vmware-cloud-director-ccm-", "csi-vcd-controllerplugin-", "antrea-controller-"] {
            XCTAssertEqual(systemNames.filter { $0.hasPrefix(prefix) }.count, 1, prefix)
        }
        XCTAssertEqual(systemNames.filter { $0.hasPrefix("csi-vcd-nodeplugin-") }.count, 2, "workers only")
        XCTAssertEqual(systemNames.filter { $0.hasPrefix("coredns-") }.count, 2)

        // VCD: the vApp with three powered-on VMs from the template, the control-plane virtual service and pool.
        XCTAssertEqual(h.sim.count(kind: Kind.vm) - vmsBefore, 3)
        let vapps = h.sim.capiRead { $0.all(Kind.vApp).filter { $0.name == "capi1" } }
        XCTAssertEqual(vapps.count, 1)
        let vms = h.sim.capiRead { s in s.children(Kind.vm, of: vapps[0].id).compactMap { try? $0.decode(XVM.self) } }
        XCTAssertEqual(vms.map(\.name).sorted(), nodeNames)
        XCTAssertTrue(vms.allSatisfy { $0.status == 4 && $0.extraConfig[key: "guestinfo.userdata"] != nil && $0.sizingPolicy == "capvcd-small" })
        XCTAssertEqual(Set(vms.map(\.diskMb)), [30720], "diskSize 30Gi")
        XCTAssertEqual(Set(vms.map(\.cpus)), [2], "sizing policy capvcd-small")
        let vss = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant))
        XCTAssertEqual(vss.count, 1)
        let cpVS = vss[0]
        XCTAssertTrue((cpVS["name"] as? String ?? "").hasPrefix("capi1-") && (cpVS["name"] as? String ?? "").hasSuffix("-tcp"), "\(cpVS)")
        XCTAssertEqual(cpVS["virtualIpAddress"] as? String, vip)
        let cpPoolId = (cpVS["loadBalancerPoolRef"] as? [String: Any])?["id"] as? String ?? ""
        let cpPool = h.json(h.call("GET", "/cloudapi/1.0.0/loadBalancer/pools/\(cpPoolId)", token: h.tenant))
        let cpIP = vms.first { $0.name.hasPrefix("capi1-control-plane-") }?.nics.first?.ip
        XCTAssertEqual((cpPool["members"] as? [[String: Any]])?.compactMap { $0["ipAddress"] as? String }, cpIP.map { [$0] })
        XCTAssertEqual((cpPool["members"] as? [[String: Any]])?.first?["port"] as? Int, 6443)

        // CPI: a LoadBalancer Service gets a VIP backed by a virtual service on port 80 → nodePort.
        let svc = kube(h, "capi1", "POST", "/api/v1/namespaces/default/services", json: [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "web", "namespace": "default"],
            "spec": ["type": "LoadBalancer", "selector": ["app": "web"], "ports": [["name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"]]]])
        XCTAssertEqual(svc.status, 201, svc.text)
        let lb = poll(h, "capi1", "/api/v1/namespaces/default/services/web") { r in
            (((self.status(self.obj(r))["loadBalancer"] as? [String: Any])?["ingress"] as? [[String: Any]])?.first?["ip"] as? String) != nil
        }
        let svcIP = ((status(obj(lb))["loadBalancer"] as? [String: Any])?["ingress"] as? [[String: Any]])?.first?["ip"] as? String ?? ""
        XCTAssertTrue(h.allocated(w.gw).contains(svcIP))
        XCTAssertNotEqual(svcIP, vip)
        let nodePort = (((obj(lb)["spec"] as? [String: Any])?["ports"] as? [[String: Any]])?.first?["nodePort"] as? Int) ?? 0
        XCTAssertTrue((30000...32767).contains(nodePort), "\(nodePort)")
        let vss2 = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant))
        XCTAssertEqual(vss2.count, 2)
        let svcVS = try XCTUnwrap(vss2.first { $0["virtualIpAddress"] as? String == svcIP })
        let vsName = svcVS["name"] as? String ?? ""
        XCTAssertNotNil(vsName.range(of: "^ingress-vs-web-capvcdCluster:[0-9a-f-]{36}-http$", options: .regularExpression),
                        "the real CPI's name, ingress-vs-<service>-<cluster id>-<port name>: \(vsName)")
        let svcPool = h.json(h.call("GET", "/cloudapi/1.0.0/loadBalancer/pools/\((svcVS["loadBalancerPoolRef"] as? [String: Any])?["id"] as? String ?? "")", token: h.tenant))
        let workerIPs = vms.filter { $0.name.hasPrefix("capi1-md-0-") }.compactMap { $0.nics.first?.ip }.sorted()
        XCTAssertEqual((svcPool["members"] as? [[String: Any]])?.compactMap { $0["ipAddress"] as? String }.sorted(), workerIPs)
        XCTAssertTrue((svcPool["members"] as? [[String: Any]] ?? []).allSatisfy { $0["port"] as? Int == nodePort })
        // Deleting the Service removes its virtual service and pool (the cleanup finalizer holds it until then).
        XCTAssertEqual(kube(h, "capi1", "DELETE", "/api/v1/namespaces/default/services/web").status, 200)
        poll(h, "capi1", "/api/v1/namespaces/default/services/web") { $0.status == 404 }
        let vss3 = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant))
        XCTAssertEqual(vss3.map { $0["name"] as? String ?? "" }, [cpVS["name"] as? String ?? ""])
        XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/poolSummaries", token: h.tenant)).count, 1)

        // A restart finds the same world: the simulator reopens its state file.
        let reopened = try Simulator(statePath: h.sim.statePath, options: h.sim.options)
        XCTAssertEqual(reopened.kubeCluster(atEndpoint: vip, port: 6443), "capi1")
        XCTAssertEqual(try reopened.integrityCheck(), "ok")

        // clusterctl move to a cluster with both providers: objects keep names, specs and statuses.
        XCTAssertThrowsError(try h.sim.moveClusterAPI(from: "kind", to: "capi1", namespace: "default")) { e in
            XCTAssertTrue("\(e)".contains("clusterctl init"), "\(e)")
        }
        try install(h, "capi1")
        let lines = try h.sim.moveClusterAPI(from: "kind", to: "capi1", namespace: "default")
        XCTAssertTrue(lines.contains("Moved Cluster default/capi1"), "\(lines)")
        XCTAssertTrue(lines.contains("Moved Secret default/capi1-kubeconfig"), "\(lines)")
        XCTAssertTrue(lines.contains("Moved Secret default/capi-user-credentials"), "\(lines)")
        XCTAssertEqual(lines.filter { $0.hasPrefix("Moved Machine ") }.count, 3, "\(lines)")
        XCTAssertEqual(items(kube(h, "kind", "GET", "\(Self.capi)/clusters")).count, 0)
        XCTAssertEqual(items(kube(h, "kind", "GET", "\(Self.capi)/machines")).count, 0)
        let moved = kube(h, "capi1", "GET", "\(Self.capi)/clusters/capi1")
        XCTAssertEqual(phase(moved), "Provisioned")
        XCTAssertNil(((obj(moved)["metadata"] as? [String: Any])?["annotations"] as? [String: Any])?[CAPIRes.pausedAnnotation])
        XCTAssertNotEqual((obj(moved)["spec"] as? [String: Any])?["paused"] as? Bool, true)
        XCTAssertEqual(items(kube(h, "capi1", "GET", "\(Self.capi)/machines")).map(name).sorted(), machines.map(name).sorted())
        XCTAssertEqual(h.sim.count(kind: Kind.vm) - vmsBefore, 3, "the VMs stay")
        // The source no longer reconciles them; the target does: scaling the workers to 3 there.
        for _ in 0..<5 { _ = kube(h, "kind", "GET", "\(Self.capi)/clusters") }
        XCTAssertEqual(h.sim.count(kind: Kind.vm) - vmsBefore, 3)
        let scaled = kube(h, "capi1", "PATCH", "\(Self.capi)/machinedeployments/capi1-md-0", json: ["spec": ["replicas": 3]],
                          contentType: "application/merge-patch+json")
        XCTAssertEqual(scaled.status, 200, scaled.text)
        poll(h, "capi1", "\(Self.capi)/machinedeployments/capi1-md-0") { r in
            self.status(self.obj(r))["readyReplicas"] as? Int == 3 && self.status(self.obj(r))["phase"] as? String == "Running"
        }
        XCTAssertEqual(h.sim.count(kind: Kind.vm) - vmsBefore, 4)
        XCTAssertEqual(items(kube(h, "capi1", "GET", "/api/v1/nodes")).count, 4)
        // Deleting the MachineDeployment takes its MachineSet, machines, VMs and nodes with it.
        XCTAssertEqual(kube(h, "capi1", "DELETE", "\(Self.capi)/machinedeployments/capi1-md-0").status, 200)
        poll(h, "capi1", "\(Self.capi)/machines") { self.items($0).count == 1 }
        XCTAssertEqual(items(kube(h, "capi1", "GET", "\(Self.capi)/machinesets")).count, 0)
        XCTAssertEqual(h.sim.count(kind: Kind.vm) - vmsBefore, 1)
        XCTAssertEqual(items(kube(h, "capi1", "GET", "/api/v1/nodes")).count, 1)
        XCTAssertEqual(phase(kube(h, "capi1", "GET", "\(Self.capi)/clusters/capi1")), "Provisioned")

        // Deleting the Cluster removes everything it made in VCD and the workload cluster.
        // (The management cluster is the workload cluster itself after this pivot: delete it back in kind.)
        let back = try h.sim.moveClusterAPI(from: "capi1", to: "kind", namespace: "default")
        XCTAssertTrue(back.contains("Moved Cluster default/capi1"))
        XCTAssertEqual(kube(h, "kind", "DELETE", "\(Self.capi)/clusters/capi1").status, 200)
        poll(h, "kind", "\(Self.capi)/clusters/capi1") { $0.status == 404 }
        XCTAssertEqual(h.sim.count(kind: Kind.vm), vmsBefore)
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0)
        XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/entities/\(rdeId)", token: h.provider).status, 404)
        XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant)).count, 0)
        XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/poolSummaries", token: h.tenant)).count, 0)
        XCTAssertFalse(h.sim.kubeClusters.contains { $0.name == "capi1" })
        XCTAssertNil(h.sim.kubeCluster(atEndpoint: vip, port: 6443))
        let used = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/usedIpAddresses", token: h.provider)).compactMap { $0["ipAddress"] as? String }
        XCTAssertFalse(used.contains(vip), "\(used)")
        XCTAssertFalse(used.contains(svcIP), "\(used)")
        XCTAssertEqual(items(kube(h, "kind", "GET", "\(Self.capi)/machines")).count, 0)
        XCTAssertEqual(kube(h, "kind", "GET", "/api/v1/namespaces/default/secrets/capi1-kubeconfig").status, 404)
    }

    func testUnknownTemplateFails() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        apply(h, "kind", manifests(name: "bad", template: "no-such-template"))
        let cl = poll(h, "kind", "\(Self.capi)/clusters/bad") { ["Failed", "Provisioned"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Failed")
        let msg = status(obj(cl))["failureMessage"] as? String ?? ""
        XCTAssertTrue(msg.contains("no-such-template") && msg.contains("cse"), msg)
        let ready = (status(obj(cl))["conditions"] as? [[String: Any]] ?? []).first { $0["type"] as? String == "Ready" }
        XCTAssertEqual(ready?["status"] as? String, "False")
        XCTAssertEqual(ready?["reason"] as? String, "TemplateNotFound")
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0, "nothing is created")
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.entity).count }, 0)
        // Deleting the failed Cluster works (finalizer honoured, nothing to tear down).
        XCTAssertEqual(kube(h, "kind", "DELETE", "\(Self.capi)/clusters/bad").status, 200)
        poll(h, "kind", "\(Self.capi)/clusters/bad") { $0.status == 404 }
    }

    func testALBNotEnabledFails() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try world(h, alb: false)
        try install(h, "kind")
        apply(h, "kind", manifests(name: "nolb"))
        let cl = poll(h, "kind", "\(Self.capi)/clusters/nolb") { ["Failed", "Provisioned"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Failed")
        let msg = status(obj(cl))["failureMessage"] as? String ?? ""
        XCTAssertTrue(msg.contains("load balancing is not enabled on edge gateway t1"), msg)
        let vc = obj(kube(h, "kind", "GET", "\(Self.infra)/vcdclusters/nolb"))
        XCTAssertEqual(status(vc)["ready"] as? Bool, false)
        XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant)).count, 0)
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0)
    }

    func testPausedClusterAndClustersWithoutProvidersDoNotMove() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        var objects = manifests(name: "held")
        var c = objects[1].1
        var spec = c["spec"] as! [String: Any]
        spec["paused"] = true
        c["spec"] = spec
        objects[1].1 = c
        apply(h, "kind", objects)
        for _ in 0..<20 { _ = kube(h, "kind", "GET", "\(Self.capi)/clusters/held") }
        XCTAssertEqual(phase(kube(h, "kind", "GET", "\(Self.capi)/clusters/held")), "", "a paused Cluster is left alone")
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0)
        // Without providers nothing reconciles either.
        try h.sim.createKubeCluster(name: "bare")
        XCTAssertThrowsError(try h.sim.moveClusterAPI(from: "kind", to: "bare", namespace: "default"))
        let unpause = kube(h, "kind", "PATCH", "\(Self.capi)/clusters/held", json: ["spec": ["paused": false]], contentType: "application/merge-patch+json")
        XCTAssertEqual(unpause.status, 200, unpause.text)
        h.sim.advanceClusterAPI()
        let after = h.sim.capiRead { KO.get($0, "kind", CAPIRes.clusters, "default", "held") }
        XCTAssertEqual(after?["status"]?["phase"]?.stringValue, "Pending", "one pass of the controllers when the simulator is asked")
    }

    /// With realistic timing, polls alone do not move a phase: virtual time must pass. The state
    /// written by a fast simulator mid-provisioning is taken over by a reopened (realistic) one.
    func testRealisticTimingAndReopenMidProvisioning() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        apply(h, "kind", manifests(name: "slow", workers: 1))
        poll(h, "kind", "\(Self.capi)/clusters/slow") { self.phase($0) == "Provisioning" }
        // How far the fast simulator got depends on wall time (its phases take 0.02 s): on a loaded
        // machine the control-plane machine may already run. What runs at the reopen is noted, and
        // only the rest is required to wait for virtual time.
        let runningAtReopen = Set(items(kube(h.sim, "kind", "GET", "\(Self.capi)/machines")).filter { status($0)["phase"] as? String == "Running" }.map(name))
        let sim = try Simulator(statePath: h.sim.statePath, options: SimulatorOptions(realisticTiming: true))
        let path = "\(Self.capi)/clusters/slow"
        let machinesPath = "\(Self.capi)/machines"
        for _ in 0..<30 { _ = kube(sim, "kind", "GET", path) }
        XCTAssertEqual(phase(kube(sim, "kind", "GET", path)), "Provisioning")
        XCTAssertFalse(items(kube(sim, "kind", "GET", machinesPath)).contains { status($0)["phase"] as? String == "Running" && !runningAtReopen.contains(name($0)) },
                       "no machine runs without virtual time")
        var steps = 0
        while phase(kube(sim, "kind", "GET", path)) != "Provisioned" && steps < 200 {
            sim.clock.advance(seconds: 5)
            steps += 1
        }
        XCTAssertEqual(phase(kube(sim, "kind", "GET", path)), "Provisioned")
        if runningAtReopen.isEmpty {
            XCTAssertGreaterThan(steps * 5, 60, "minutes of virtual time, as a real cluster takes")
        } else {
            XCTAssertGreaterThanOrEqual(steps * 5, 45, "at least the worker's bootstrap (three guest phases of 15 s)")
        }
        XCTAssertEqual(items(kube(sim, "kind", "GET", machinesPath)).filter { status($0)["phase"] as? String == "Running" }.count, 2)
    }

    /// Over a real socket (the path kubectl takes): the server's requests drive the controllers too.
    func testOverSocket() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try world(h)
        try install(h, "kind")
        let server = SimulatorServer(simulator: h.sim, ports: [.kube: 0])
        try Harness.blocking { try await server.start() }
        defer { try? Harness.blocking { await server.stop() }; socketBase = nil }
        socketBase = server.url(.kube)!
        apply(h, "kind", manifests(name: "net1", workers: 1))
        let cl = poll(h, "kind", "\(Self.capi)/clusters/net1") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Provisioned", cl.text)
        let vip = ((obj(cl)["spec"] as? [String: Any])?["controlPlaneEndpoint"] as? [String: Any])?["host"] as? String ?? ""
        XCTAssertEqual(h.sim.kubeCluster(atEndpoint: vip, port: 6443), "net1")
        XCTAssertEqual(items(kube(h, "net1", "GET", "/api/v1/nodes")).count, 2)
        XCTAssertEqual(kube(h, "net1", "POST", "/api/v1/namespaces/default/services", json: [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "web"],
            "spec": ["type": "LoadBalancer", "ports": [["port": 443, "protocol": "TCP"]]]]).status, 201)
        poll(h, "net1", "/api/v1/namespaces/default/services/web") { r in
            (((self.status(self.obj(r))["loadBalancer"] as? [String: Any])?["ingress"] as? [[String: Any]])?.first?["ip"] as? String) != nil
        }
        XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant)).count, 2)
    }

    /// Without SNAT the node's bootstrap hangs in the network phase (the simulated guest): the
    /// Machine stays Provisioned with the guest's reason, the RDE lists the error, no Provisioned.
    func testBootstrapStopsWithoutSNAT() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h, snat: false)
        try install(h, "kind")
        apply(h, "kind", manifests(name: "nosnat", workers: 1))
        let machines = poll(h, "kind", "\(Self.capi)/machines") { r in
            self.items(r).contains { m in
                ((self.status(m)["conditions"] as? [[String: Any]]) ?? []).contains { $0["reason"] as? String == "BootstrapFailed" }
            }
        }
        let cp = try XCTUnwrap(items(machines).first)
        XCTAssertEqual(status(cp)["phase"] as? String, "Provisioned")
        let ready = ((status(cp)["conditions"] as? [[String: Any]]) ?? []).first { $0["type"] as? String == "Ready" }
        XCTAssertTrue((ready?["message"] as? String ?? "").contains("no SNAT rule"), "\(String(describing: ready))")
        for _ in 0..<20 { _ = kube(h, "kind", "GET", "\(Self.capi)/clusters/nosnat") }
        let cl = obj(kube(h, "kind", "GET", "\(Self.capi)/clusters/nosnat"))
        XCTAssertEqual(status(cl)["phase"] as? String, "Provisioning")
        XCTAssertEqual(status(cl)["controlPlaneReady"] as? Bool, false)
        XCTAssertNil(h.sim.kubeCluster(atEndpoint: ((cl["spec"] as? [String: Any])?["controlPlaneEndpoint"] as? [String: Any])?["host"] as? String ?? "", port: 6443))
        let vc = obj(kube(h, "kind", "GET", "\(Self.infra)/vcdclusters/nosnat"))
        let rde = h.json(h.call("GET", "/cloudapi/1.0.0/entities/\(status(vc)["infraId"] as? String ?? "")", token: h.provider))
        let errors = (((rde["entity"] as? [String: Any])?["status"] as? [String: Any])?["capvcd"] as? [String: Any])?["errorSet"] as? [[String: Any]] ?? []
        XCTAssertEqual(errors.first?["name"] as? String, "VCDMachineScriptExecutionError")
    }

    /// A Cluster removed behind the controllers' back (no finalizer): its machines, VCDCluster,
    /// kubeconfig and everything in VCD go as garbage; a PUT without the finalizer gets it back.
    func testClusterGoneWithoutFinalizerIsCollected() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try world(h)
        try install(h, "kind")
        let vmsBefore = h.sim.count(kind: Kind.vm)
        apply(h, "kind", manifests(name: "gc", workers: 1))
        let cl = poll(h, "kind", "\(Self.capi)/clusters/gc") { self.phase($0) == "Provisioned" }
        var body = obj(cl)
        var meta = body["metadata"] as! [String: Any]
        meta["finalizers"] = [String]()
        body["metadata"] = meta
        let put = kube(h, "kind", "PUT", "\(Self.capi)/clusters/gc", json: body)
        XCTAssertEqual(put.status, 200, put.text)
        let again = obj(kube(h, "kind", "GET", "\(Self.capi)/clusters/gc"))
        XCTAssertEqual((again["metadata"] as? [String: Any])?["finalizers"] as? [String], ["cluster.cluster.x-k8s.io"])
        try h.sim.capiWrite { tx in
            if let o = KubeStore.get(tx, cluster: "kind", CAPIRes.clusters, namespace: "default", name: "gc") { try KubeStore.remove(tx, cluster: "kind", o) }
        }
        XCTAssertEqual(items(kube(h, "kind", "GET", "\(Self.capi)/machines")).count, 0)
        XCTAssertEqual(items(kube(h, "kind", "GET", "\(Self.infra)/vcdclusters")).count, 0)
        XCTAssertEqual(h.sim.count(kind: Kind.vm), vmsBefore)
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0)
        XCTAssertFalse(h.sim.kubeClusters.contains { $0.name == "gc" })
        XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant)).count, 0)
    }
}
