import CloudWire
import Foundation
import XCTest
import Yams
@testable import CloudSim

/// The blog's CAPVCD 0.5.x path, through the Kubernetes API as kubectl and clusterctl drive it:
/// `clusterctl init --core cluster-api:v0.4.2 …`, `kubectl apply -k config/default` of CAPVCD's own
/// kustomize config (edited as the blog edits it), then a v1alpha4 cluster shaped like CAPVCD's
/// `examples/capi-quickstart.yaml`. The objects are generated from the files in
/// `../shared/fixtures/capvcd/0.5.x` when that folder exists, else from the inline copies below
/// (the same objects, written here).
final class CAPVCD05Tests: XCTestCase, CAPITestWorld {
    // MARK: Kubernetes calls (in-process, as the served API answers kubectl)

    func kube(_ h: Harness, _ cluster: String, _ method: String, _ path: String, json: Any? = nil,
              contentType: String = "application/json", accept: String = "application/json") -> HTTPResponseMessage {
        var hd = HTTPHeaderFields()
        let token = KubeHarness.token(in: (try? h.sim.kubeconfig(cluster: cluster, server: "https://kube.sim.test")) ?? "")
        hd["Authorization"] = "Bearer \(token)"
        hd["Accept"] = accept
        var body = Data()
        if let json { body = try! JSONSerialization.data(withJSONObject: json); hd["Content-Type"] = contentType }
        return h.sim.handle(HTTPRequestMessage(method: method, target: "/clusters/\(cluster)\(path)", headers: hd, body: body), service: .kube)
    }

    func obj(_ r: HTTPResponseMessage) -> [String: Any] { (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:] }
    func items(_ r: HTTPResponseMessage) -> [[String: Any]] { obj(r)["items"] as? [[String: Any]] ?? [] }
    func status(_ o: [String: Any]) -> [String: Any] { o["status"] as? [String: Any] ?? [:] }
    func phase(_ r: HTTPResponseMessage) -> String { status(obj(r))["phase"] as? String ?? "" }
    func condition(_ o: [String: Any], _ type: String) -> [String: Any]? {
        (status(o)["conditions"] as? [[String: Any]] ?? []).first { $0["type"] as? String == type }
    }

    @discardableResult
    func poll(_ h: Harness, _ cluster: String, _ path: String, max: Int = 400, file: StaticString = #filePath, line: UInt = #line,
              until: (HTTPResponseMessage) -> Bool) -> HTTPResponseMessage {
        var r = kube(h, cluster, "GET", path)
        for _ in 0..<max {
            if until(r) { return r }
            r = kube(h, cluster, "GET", path)
        }
        XCTFail("condition never held on \(path): \(r.text.prefix(1500))", file: file, line: line)
        return r
    }

    static let capi = "/apis/cluster.x-k8s.io/v1alpha4/namespaces/default"
    static let infra = "/apis/infrastructure.cluster.x-k8s.io/v1alpha4/namespaces/default"

    /// The API path that creates `o` (POST), from its apiVersion and kind.
    func createPath(_ o: [String: Any]) -> String {
        let apiVersion = o["apiVersion"] as? String ?? "v1", kind = o["kind"] as? String ?? ""
        let clusterScoped = ["Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"].contains(kind)
        let ns = (o["metadata"] as? [String: Any])?["namespace"] as? String ?? "default"
        return (apiVersion.contains("/") ? "/apis/\(apiVersion)" : "/api/\(apiVersion)") + (clusterScoped ? "" : "/namespaces/\(ns)")
            + "/\(kind.lowercased())s"
    }

    func apply(_ h: Harness, _ cluster: String, _ objects: [[String: Any]], file: StaticString = #filePath, line: UInt = #line) {
        for o in objects {
            let r = kube(h, cluster, "POST", createPath(o), json: o)
            XCTAssertTrue(r.status == 201 || r.status == 409, "\(createPath(o)): \(r.text)", file: file, line: line)
        }
    }

    /// `clusterctl init --core cluster-api:v0.4.2 -b kubeadm:v0.4.2 -c kubeadm:v0.4.2`: its objects, created one by one.
    func clusterctlInit(_ h: Harness, _ cluster: String) throws {
        var components = [ClusterctlComponents.certManager()]
        components.append(try ClusterctlComponents.provider(.core, "cluster-api:v0.4.2"))
        components.append(try ClusterctlComponents.provider(.bootstrap, "kubeadm:v0.4.2"))
        components.append(try ClusterctlComponents.provider(.controlPlane, "kubeadm:v0.4.2"))
        for c in components {
            for o in c.objects {
                let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(o)) as! [String: Any]
                let r = kube(h, cluster, "POST", createPath(json), json: json)
                XCTAssertTrue(r.status == 201 || r.status == 409, r.text)
            }
        }
    }

    // MARK: The blog's files

    static let fixtures = Fixture.root.appendingPathComponent("capvcd/0.5.x")
    static var haveFixtures: Bool { FileManager.default.fileExists(atPath: fixtures.appendingPathComponent("config/default/kustomization.yaml").path) }

    /// A file of CAPVCD's 0.5.x branch, or the inline copy when the fixtures are not there.
    func text(_ relative: String, inline: String) -> String {
        guard Self.haveFixtures, let d = FileManager.default.contents(atPath: Self.fixtures.appendingPathComponent(relative).path) else { return inline }
        return String(decoding: d, as: UTF8.self)
    }

    func documents(_ yaml: String) throws -> [[String: Any]] {
        try Yams.load_all(yaml: yaml).compactMap { $0 as? [String: Any] }
    }

    /// The blog's edits of `config/manager/controller_manager_config.yaml` and of the secret literals.
    struct Settings {
        var host = "https://vcd.sim.test"
        var org = "xav_lab"
        var vdc = "t-tenant"
        var network = "k8s-net"
        var vipSubnet = "203.0.113.1/24"
        var username = "system/administrator"
        var password = Harness.password
    }

    /// What `kubectl kustomize config/default` gives for the edited files: the CRDs, the namespace,
    /// the config map `capvcd-manager-config`, the secret `capvcd-vcloud-basic-auth`, the
    /// Deployment `capvcd-controller-manager` (namePrefix `capvcd-`, namespace `capvcd-system`).
    func kustomized(_ s: Settings, configMap: Bool = true, configText: ((String) -> String)? = nil) throws -> [[String: Any]] {
        let ns = "capvcd-system", prefix = "capvcd-"
        var out: [[String: Any]] = [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": ns]]]
        for (file, inline) in [("vcdclusters", Inline.crd("VCDCluster")), ("vcdmachines", Inline.crd("VCDMachine")),
                               ("vcdmachinetemplates", Inline.crd("VCDMachineTemplate"))] {
            out += try documents(text("config/crd/bases/infrastructure.cluster.x-k8s.io_\(file).yaml", inline: inline))
        }
        var config = text("config/manager/controller_manager_config.yaml", inline: Inline.managerConfig)
        for (from, to) in [("host: VCD_HOST", "host: \(s.host)"), ("org: ORG", "org: \(s.org)"), ("vdc: OVDC", "vdc: \(s.vdc)"),
                           ("network: NETWORK", "network: \(s.network)"), ("vipSubnet: VIP_SUBNET_CIDR", "vipSubnet: \(s.vipSubnet)")] {
            config = config.replacingOccurrences(of: from, with: to)
        }
        if let configText { config = configText(config) }
        let file = "controller_manager_config.yaml"
        if configMap {
            out.append(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "\(prefix)manager-config", "namespace": ns], "data": [file: config]])
        }
        // secretGenerator literals `key=value`, edited as the blog does.
        let kz = try documents(text("config/manager/kustomization.yaml", inline: Inline.managerKustomization)).first ?? [:]
        var data: [String: String] = [:]
        for gen in kz["secretGenerator"] as? [[String: Any]] ?? [] {
            for lit in gen["literals"] as? [String] ?? [] {
                guard let eq = lit.firstIndex(of: "=") else { continue }
                let key = String(lit[..<eq])
                let value = key == "username" ? s.username : key == "password" ? s.password : String(lit[lit.index(after: eq)...])
                data[key] = Data(value.utf8).base64EncodedString()
            }
        }
        out.append(["apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": ["name": "\(prefix)vcloud-basic-auth", "namespace": ns], "data": data])
        // The Deployment with kustomize's renames (its own name, the volumes' sources, the service account).
        var d = try documents(text("config/manager/manager.yaml", inline: Inline.manager)).first { $0["kind"] as? String == "Deployment" } ?? [:]
        var meta = d["metadata"] as? [String: Any] ?? [:]
        meta["name"] = prefix + (meta["name"] as? String ?? "")
        meta["namespace"] = ns
        d["metadata"] = meta
        var spec = d["spec"] as? [String: Any] ?? [:], template = spec["template"] as? [String: Any] ?? [:]
        var podSpec = template["spec"] as? [String: Any] ?? [:]
        podSpec["volumes"] = (podSpec["volumes"] as? [[String: Any]] ?? []).map { v -> [String: Any] in
            var v = v
            if var cm = v["configMap"] as? [String: Any] { cm["name"] = prefix + (cm["name"] as? String ?? ""); v["configMap"] = cm }
            if var sec = v["secret"] as? [String: Any] { sec["secretName"] = prefix + (sec["secretName"] as? String ?? ""); v["secret"] = sec }
            return v
        }
        if let sa = podSpec["serviceAccountName"] as? String { podSpec["serviceAccountName"] = prefix + sa }
        template["spec"] = podSpec
        spec["template"] = template
        d["spec"] = spec
        out.append(d)
        return out
    }

    /// The quickstart cluster (`capi-cluster`: 1 control plane, 1 worker), edited for this world.
    func quickstart(username: String = "system/administrator", password: String = Harness.password, workers: Int = 1) throws -> [[String: Any]] {
        var t = text("examples/capi-quickstart.yaml", inline: Inline.quickstart)
        for (from, to) in [("site: https://vcd.vmware.com", "site: https://vcd.sim.test"), ("org: test_org", "org: xav_lab"),
                           ("ovdc: test_orgvdc", "ovdc: t-tenant"), ("ovdcNetwork: test_orgvdc_net", "ovdcNetwork: k8s-net"),
                           ("username: username", "username: \"\(username)\""), ("password: vmware", "password: \"\(password)\""),
                           ("catalog: tkgm-cat", "catalog: cse"),
                           ("template: ubuntu-2004-kube-v1.20.8+vmware.1-tkg.1-17589475007677388652", "template: ubuntu-k8s"),
                           ("computePolicy: tkgm-compute-policy", "computePolicy: capvcd-small")] {
            t = t.replacingOccurrences(of: from, with: to)
        }
        return try documents(t).map { o in
            guard o["kind"] as? String == "MachineDeployment", var spec = o["spec"] as? [String: Any] else { return o }
            var o = o
            spec["replicas"] = workers
            o["spec"] = spec
            return o
        }
    }

    /// kind cluster + clusterctl init v0.4.2 + kubectl apply -k of the edited CAPVCD config.
    func install(_ h: Harness, _ cluster: String, _ s: Settings = Settings(), configMap: Bool = true) throws {
        if !h.sim.kubeClusters.contains(where: { $0.name == cluster }) { try h.sim.createKubeCluster(name: cluster, kubernetesVersion: "v1.21.1") }
        try clusterctlInit(h, cluster)
        apply(h, cluster, try kustomized(s, configMap: configMap))
    }

    func deployment(_ h: Harness, _ cluster: String) -> [String: Any] {
        obj(kube(h, cluster, "GET", "/apis/apps/v1/namespaces/capvcd-system/deployments/capvcd-controller-manager"))
    }

    func natRules(_ h: Harness, _ gw: String) -> [[String: Any]] {
        h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules?pageSize=128", token: h.tenant))
    }

    // MARK: Tests

    func testBlogInstallAndV1Alpha4ClusterWithOneArmDNAT() throws {
        print("CAPVCD 0.5.x objects from \(Self.haveFixtures ? Self.fixtures.path : "the inline copies (no fixtures at \(Self.fixtures.path))")")
        if !Self.haveFixtures && ProcessInfo.processInfo.environment["VCDSCRIPT_REQUIRE_FIXTURES"] == "1" {
            XCTFail("no fixtures at \(Self.fixtures.path) (VCDSCRIPT_REQUIRE_FIXTURES=1): the inline copies stand in")
        }
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try world(h)
        try install(h, "capvcd")
        XCTAssertEqual(h.sim.capiRead { CAPVCDRelease.of($0, "capvcd") }, .v05(tag: "0.5.1"))
        let vmsBefore = h.sim.count(kind: Kind.vm)
        apply(h, "capvcd", try quickstart())

        let cl = poll(h, "capvcd", "\(Self.capi)/clusters/capi-cluster") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Provisioned", cl.text)
        XCTAssertEqual(obj(cl)["apiVersion"] as? String, "cluster.x-k8s.io/v1alpha4")
        XCTAssertEqual(status(deployment(h, "capvcd"))["readyReplicas"] as? Int, 1, "the controller runs")

        // kubectl get cluster: NAME PHASE (v1alpha4's printer columns).
        let table = obj(kube(h, "capvcd", "GET", "\(Self.capi)/clusters", accept: "application/json;as=Table;v=v1;g=meta.k8s.io"))
        let columns = (table["columnDefinitions"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertTrue(columns.contains("Phase"), "\(columns)")
        let row = (table["rows"] as? [[String: Any]])?.first?["cells"] as? [Any] ?? []
        XCTAssertEqual(row.first as? String, "capi-cluster")
        XCTAssertTrue(row.contains { $0 as? String == "Provisioned" }, "\(row)")

        // The CRDs of clusterctl's v0.4.2 declare columns and short names on v1alpha4 too (`kubectl get md`).
        let mdCRD = obj(kube(h, "capvcd", "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/machinedeployments.cluster.x-k8s.io"))
        let mdSpec = mdCRD["spec"] as? [String: Any] ?? [:]
        XCTAssertEqual((mdSpec["names"] as? [String: Any])?["shortNames"] as? [String], ["md"])
        let v1alpha4 = (mdSpec["versions"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "v1alpha4" }
        XCTAssertTrue((v1alpha4?["additionalPrinterColumns"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "Phase" })

        // Machines: one control plane, one worker, Running, on VMs with the computePolicy's sizing.
        let machines = items(kube(h, "capvcd", "GET", "\(Self.capi)/machines"))
        XCTAssertEqual(machines.count, 2)
        XCTAssertTrue(machines.allSatisfy { status($0)["phase"] as? String == "Running" }, "\(machines.map(status))")
        XCTAssertEqual(h.sim.count(kind: Kind.vm) - vmsBefore, 2)
        let vapp = try XCTUnwrap(h.sim.capiRead { $0.all(Kind.vApp).first { $0.name == "capi-cluster" } })
        let vms = h.sim.capiRead { s in s.children(Kind.vm, of: vapp.id).compactMap { try? $0.decode(XVM.self) } }
        XCTAssertTrue(vms.allSatisfy { $0.sizingPolicy == "capvcd-small" && $0.status == 4 }, "\(vms.map(\.sizingPolicy))")

        // The endpoint: an external address of the gateway, DNAT'd to the one-arm virtual service.
        let vc = obj(kube(h, "capvcd", "GET", "\(Self.infra)/vcdclusters/capi-cluster"))
        XCTAssertEqual(vc["apiVersion"] as? String, "infrastructure.cluster.x-k8s.io/v1alpha4")
        let endpoint = (vc["spec"] as? [String: Any])?["controlPlaneEndpoint"] as? [String: Any] ?? [:]
        let vip = endpoint["host"] as? String ?? ""
        XCTAssertEqual(endpoint["port"] as? Int, 6443)
        XCTAssertTrue(h.allocated(w.gw).contains(vip), "\(vip) is allocated to the gateway")
        XCTAssertNotEqual(vip, h.allocated(w.gw)[0], "the SNAT address is in use")
        XCTAssertEqual(status(vc)["ready"] as? Bool, true)
        let infraId = status(vc)["infraId"] as? String ?? ""
        XCTAssertTrue(infraId.hasPrefix("NO_RDE_"), "no capvcdCluster:1.0.0 type registered: \(infraId)")
        let dnat = natRules(h, w.gw).filter { $0["ruleType"] as? String == "DNAT" }
        XCTAssertEqual(dnat.count, 1)
        XCTAssertEqual(dnat.first?["name"] as? String, "dnat-capi-cluster-\(infraId)-tcp")
        XCTAssertEqual(dnat.first?["externalAddresses"] as? String, vip)
        XCTAssertEqual(dnat.first?["internalAddresses"] as? String, "192.168.8.2", "the first address of loadbalancer.oneArm")
        XCTAssertEqual(dnat.first?["dnatExternalPort"] as? String, "6443")
        XCTAssertNil(dnat.first?["applicationPortProfile"] as? [String: Any])
        let vss = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant))
        XCTAssertEqual(vss.count, 1)
        XCTAssertEqual(vss.first?["name"] as? String, "capi-cluster-\(infraId)-tcp")
        XCTAssertEqual(vss.first?["virtualIpAddress"] as? String, "192.168.8.2")
        let poolId = (vss.first?["loadBalancerPoolRef"] as? [String: Any])?["id"] as? String ?? ""
        let pool = h.json(h.call("GET", "/cloudapi/1.0.0/loadBalancer/pools/\(poolId)", token: h.tenant))
        let cpIP = vms.first { $0.name.hasPrefix("capi-cluster-control-plane-") }?.nics.first?.ip
        XCTAssertEqual((pool["members"] as? [[String: Any]])?.compactMap { $0["ipAddress"] as? String }, cpIP.map { [$0] })
        XCTAssertEqual(pool["algorithm"] as? String, "ROUND_ROBIN")
        let used = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/usedIpAddresses", token: h.provider))
        XCTAssertTrue(used.contains { $0["ipAddress"] as? String == vip && $0["category"] as? String == "DNAT" }, "\(used)")

        // The kubeconfig names the external address; the simulator maps it to the workload cluster.
        let secret = obj(kube(h, "capvcd", "GET", "/api/v1/namespaces/default/secrets/capi-cluster-kubeconfig"))
        let kc = String(decoding: Data(base64Encoded: (secret["data"] as? [String: Any])?["value"] as? String ?? "") ?? Data(), as: UTF8.self)
        XCTAssertTrue(kc.contains("server: \"https://\(vip):6443\""), kc)
        XCTAssertEqual(h.sim.kubeCluster(atEndpoint: vip, port: 6443), "capi-cluster")
        XCTAssertEqual(items(kube(h, "capi-cluster", "GET", "/api/v1/nodes")).count, 2)

        // Deletion removes the virtual service, pool, DNAT rule, VMs, vApp and the workload cluster.
        XCTAssertEqual(kube(h, "capvcd", "DELETE", "\(Self.capi)/clusters/capi-cluster").status, 200)
        poll(h, "capvcd", "\(Self.capi)/clusters/capi-cluster") { $0.status == 404 }
        XCTAssertEqual(natRules(h, w.gw).filter { $0["ruleType"] as? String == "DNAT" }.count, 0)
        XCTAssertEqual(natRules(h, w.gw).count, 1, "the lab's SNAT rule stays")
        XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant)).count, 0)
        XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/poolSummaries", token: h.tenant)).count, 0)
        XCTAssertEqual(h.sim.count(kind: Kind.vm), vmsBefore)
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0)
        XCTAssertFalse(h.sim.kubeClusters.contains { $0.name == "capi-cluster" })
        let usedAfter = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/usedIpAddresses", token: h.provider))
        XCTAssertFalse(usedAfter.contains { $0["ipAddress"] as? String == vip }, "\(usedAfter)")
    }

    /// A wrong password in the basic-auth secret: the controller cannot start (its log would say
    /// it cannot log in), the cluster waits with the reason on its conditions and nothing is made
    /// in VCD; with the secret fixed the controller starts and the cluster is provisioned.
    func testWrongPasswordInBasicAuthSecret() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try world(h)
        var s = Settings()
        s.password = "not-the-password"
        try install(h, "capvcd", s)
        apply(h, "capvcd", try quickstart())
        for _ in 0..<10 { _ = kube(h, "capvcd", "GET", "\(Self.capi)/clusters/capi-cluster") }
        let cl = obj(kube(h, "capvcd", "GET", "\(Self.capi)/clusters/capi-cluster"))
        XCTAssertEqual(status(cl)["phase"] as? String, "Pending", "not Failed: the cluster carries on once the controller starts")
        let infra = try XCTUnwrap(condition(cl, "InfrastructureReady"))
        XCTAssertEqual(infra["status"] as? String, "False")
        XCTAssertEqual(infra["reason"] as? String, "VCDLoginFailed")
        let msg = infra["message"] as? String ?? ""
        XCTAssertTrue(msg.contains("capvcd-system/capvcd-controller-manager") && msg.contains("username [administrator] and org [system]")
                      && msg.contains("401"), msg)
        let vc = obj(kube(h, "capvcd", "GET", "\(Self.infra)/vcdclusters/capi-cluster"))
        XCTAssertEqual(condition(vc, "Ready")?["reason"] as? String, "VCDLoginFailed")
        XCTAssertEqual(status(vc)["ready"] as? Bool, false)
        let dep = deployment(h, "capvcd")
        XCTAssertEqual(status(dep)["readyReplicas"] as? Int, 0)
        XCTAssertEqual(condition(dep, "Available")?["status"] as? String, "False")
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0)
        XCTAssertTrue(natRules(h, w.gw).allSatisfy { $0["ruleType"] as? String != "DNAT" })

        // kubectl apply -k again with the right password.
        var secret = obj(kube(h, "capvcd", "GET", "/api/v1/namespaces/capvcd-system/secrets/capvcd-vcloud-basic-auth"))
        secret["data"] = ["username": Data("system/administrator".utf8).base64EncodedString(), "password": Data(Harness.password.utf8).base64EncodedString()]
        XCTAssertEqual(kube(h, "capvcd", "PUT", "/api/v1/namespaces/capvcd-system/secrets/capvcd-vcloud-basic-auth", json: secret).status, 200)
        let done = poll(h, "capvcd", "\(Self.capi)/clusters/capi-cluster") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(done), "Provisioned", done.text)
        XCTAssertEqual(condition(obj(done), "Ready")?["status"] as? String, "True")
        XCTAssertEqual(status(obj(kube(h, "capvcd", "GET", "\(Self.infra)/vcdclusters/capi-cluster")))["ready"] as? Bool, true)
        XCTAssertEqual(status(deployment(h, "capvcd"))["readyReplicas"] as? Int, 1)
    }

    /// The configuration problems the real controller meets at start, one after the other, each
    /// named on the cluster's conditions: no config map, a key yaml.v2 does not know, a host that
    /// is not this VCD, a VIP subnet that is not an uplink subnet written `gateway/prefix`.
    func testControllerConfigProblems() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "capvcd", configMap: false)
        apply(h, "capvcd", try quickstart())
        func reason() -> (String, String) {
            for _ in 0..<5 { _ = kube(h, "capvcd", "GET", "\(Self.capi)/clusters/capi-cluster") }
            let c = condition(obj(kube(h, "capvcd", "GET", "\(Self.infra)/vcdclusters/capi-cluster")), "Ready")
            return (c?["reason"] as? String ?? "", c?["message"] as? String ?? "")
        }
        var (r, m) = reason()
        XCTAssertEqual(r, "CAPVCDConfigMissing")
        XCTAssertTrue(m.contains("configmap \"capvcd-manager-config\" not found"), m)

        func putConfig(_ s: Settings, edit: ((String) -> String)? = nil) throws {
            let cm = try kustomized(s, configText: edit).first { $0["kind"] as? String == "ConfigMap" }!
            let path = "/api/v1/namespaces/capvcd-system/configmaps/capvcd-manager-config"
            if kube(h, "capvcd", "GET", path).status == 404 {
                XCTAssertEqual(kube(h, "capvcd", "POST", "/api/v1/namespaces/capvcd-system/configmaps", json: cm).status, 201)
            } else {
                XCTAssertEqual(kube(h, "capvcd", "PUT", path, json: cm).status, 200)
            }
        }
        try putConfig(Settings()) { $0.replacingOccurrences(of: "  host:", with: "  hots:") }
        (r, m) = reason()
        XCTAssertEqual(r, "CAPVCDConfigInvalid")
        XCTAssertTrue(m.contains("field hots not found in type config.VCDConfig"), m)

        var s = Settings()
        s.host = "https://vcd.example.com"
        try putConfig(s)
        (r, m) = reason()
        XCTAssertEqual(r, "VCDUnreachable")
        XCTAssertTrue(m.contains("vcd.example.com") && m.contains("https://vcd.sim.test"), m)
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0)

        // The controller starts; the cluster's own VIP subnet check is the one 0.5.x makes.
        s = Settings()
        s.vipSubnet = "203.0.113.0/24"
        try putConfig(s)
        let failed = poll(h, "capvcd", "\(Self.capi)/clusters/capi-cluster") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(failed), "Failed")
        let why = status(obj(failed))["failureMessage"] as? String ?? ""
        XCTAssertTrue(why.contains("IPAM subnet mask [203.0.113.0/24]") && why.contains("203.0.113.1/24"), why)
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0, "nothing is made")
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.natRule).filter { $0.json["ruleType"]?.stringValue == "DNAT" }.count }, 0)
    }

    /// With `vmware:capvcdCluster:1.0.0` registered (the schema the blog applies before installing),
    /// 0.5.x keeps a RESOLVED RDE whose id prefixes the load balancer's names, and removes it with the
    /// cluster. A 1.x-only type (1.1.0) is not used by 0.5.x.
    func testRDEOfType100WhenRegistered() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try world(h)
        func t(_ type: String) -> [String: Any] { ["type": type] }
        let schema: [String: Any] = [
            "type": "object", "required": ["kind", "spec", "metadata", "apiVersion"],
            "properties": [
                "kind": ["type": "string", "enum": ["CAPVCDCluster"]], "apiVersion": t("string"),
                "metadata": ["type": "object", "required": ["orgName", "virtualDataCenterName", "name", "site"],
                             "properties": ["orgName": t("string"), "virtualDataCenterName": t("string"), "name": t("string"), "site": t("string")]],
                "spec": ["type": "object", "properties": [
                    "settings": ["type": "object", "properties": ["ovdcNetwork": t("string")]],
                    "distribution": ["type": "object", "required": ["version"], "properties": ["version": t("string")]]]],
                "status": ["type": "object", "properties": ["phase": t("string"), "kubernetes": t("string"), "capvcdVersion": t("string")]],
            ]]
        let r = h.call("POST", "/cloudapi/1.0.0/entityTypes", token: h.provider, json: [
            "name": "CAPVCD Cluster", "vendor": "vmware", "nss": "capvcdCluster", "version": "1.0.0", "schema": schema, "readonly": false])
        XCTAssertEqual(r.status, 201, r.text)
        try install(h, "capvcd")
        apply(h, "capvcd", try quickstart())
        let cl = poll(h, "capvcd", "\(Self.capi)/clusters/capi-cluster") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Provisioned", cl.text)
        let infraId = status(obj(kube(h, "capvcd", "GET", "\(Self.infra)/vcdclusters/capi-cluster")))["infraId"] as? String ?? ""
        XCTAssertTrue(infraId.hasPrefix("urn:vcloud:entity:vmware:capvcdCluster:"), infraId)
        let rde = h.json(h.call("GET", "/cloudapi/1.0.0/entities/\(infraId)", token: h.provider))
        XCTAssertEqual(rde["entityType"] as? String, "urn:vcloud:type:vmware:capvcdCluster:1.0.0")
        XCTAssertEqual(rde["state"] as? String, "RESOLVED")
        let entity = rde["entity"] as? [String: Any] ?? [:]
        XCTAssertEqual(entity["apiVersion"] as? String, "capvcd.vmware.com/v1.0")
        XCTAssertEqual((entity["status"] as? [String: Any])?["phase"] as? String, "Ready")
        XCTAssertEqual(h.sim.capiRead { Set($0.all(Kind.entityType).map(\.id).filter { $0.hasPrefix("urn:vcloud:type:vmware:capvcdCluster:") }) },
                       ["urn:vcloud:type:vmware:capvcdCluster:1.0.0", "urn:vcloud:type:vmware:capvcdCluster:1.1.0"],
                       "0.5.x registers no type of its own (1.1.0 is the site's)")
        XCTAssertEqual(natRules(h, w.gw).first { $0["ruleType"] as? String == "DNAT" }?["name"] as? String, "dnat-capi-cluster-\(infraId)-tcp")
        XCTAssertEqual(kube(h, "capvcd", "DELETE", "\(Self.capi)/clusters/capi-cluster").status, 200)
        poll(h, "capvcd", "\(Self.capi)/clusters/capi-cluster") { $0.status == 404 }
        XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/entities/\(infraId)", token: h.provider).status, 404)
    }

    /// The pivot: CAPI v0.4.2 and the same CAPVCD config in the workload cluster, then the move;
    /// the workload cluster's own controllers adopt the cluster and act on it (scaling the workers).
    func testPivotIntoTheWorkloadCluster() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "capvcd")
        apply(h, "capvcd", try quickstart())
        let cl = poll(h, "capvcd", "\(Self.capi)/clusters/capi-cluster") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Provisioned", cl.text)
        let vmsBefore = h.sim.count(kind: Kind.vm)
        try install(h, "capi-cluster")
        let lines = try h.sim.moveClusterAPI(from: "capvcd", to: "capi-cluster", namespace: "default")
        XCTAssertTrue(lines.contains("Moved Cluster default/capi-cluster"), "\(lines)")
        XCTAssertTrue(lines.contains("Moved Secret default/capi-cluster-kubeconfig"), "\(lines)")
        XCTAssertEqual(items(kube(h, "capvcd", "GET", "\(Self.capi)/clusters")).count, 0)
        let moved = poll(h, "capi-cluster", "\(Self.capi)/clusters/capi-cluster") { self.phase($0) == "Provisioned" }
        XCTAssertEqual(phase(moved), "Provisioned")
        let scaled = kube(h, "capi-cluster", "PATCH", "\(Self.capi)/machinedeployments/capi-cluster-md0", json: ["spec": ["replicas": 2]],
                          contentType: "application/merge-patch+json")
        XCTAssertEqual(scaled.status, 200, scaled.text)
        poll(h, "capi-cluster", "\(Self.capi)/machinedeployments/capi-cluster-md0") { r in
            self.status(self.obj(r))["readyReplicas"] as? Int == 2
        }
        XCTAssertEqual(h.sim.count(kind: Kind.vm) - vmsBefore, 1, "one more worker, made from the workload cluster")
        XCTAssertEqual(items(kube(h, "capi-cluster", "GET", "/api/v1/nodes")).count, 3)
    }
}

/// The inline copies used when the fixtures are not on this machine: the same objects as CAPVCD's
/// 0.5.x files, reduced to what the simulator reads (written for these tests).
enum Inline {
    static func crd(_ kind: String) -> String {
        let plural = kind.lowercased() + "s"
        return """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: \(plural).infrastructure.cluster.x-k8s.io
            spec:
              group: infrastructure.cluster.x-k8s.io
              names: {kind: \(kind), listKind: \(kind)List, plural: \(plural), singular: \(kind.lowercased())}
              scope: Namespaced
              versions:
              - name: v1alpha4
                served: true
                storage: true
                schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                subresources: {status: {}}
            """
    }

    static let managerConfig = """
        vcd:
          host: VCD_HOST
          org: ORG
          vdc: OVDC
          network: NETWORK
          vipSubnet: VIP_SUBNET_CIDR
        loadbalancer:
          oneArm:
            startIP: "192.168.8.2"
            endIP: "192.168.8.100"
          ports:
            http: 80
            https: 443
            tcp: 6443
        managementClusterRDEId: ""
        clusterResourceSet:
          csi: 1.1.0
          cpi: 1.1.0
          cni: 0.11.3
        """

    static let managerKustomization = """
        resources:
        - manager.yaml
        generatorOptions:
          disableNameSuffixHash: true
        secretGenerator:
          - name: vcloud-basic-auth
            literals:
              - username=USER
              - password=PASSWORD
        configMapGenerator:
        - files:
          - controller_manager_config.yaml
          name: manager-config
        """

    static let manager = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: controller-manager
          namespace: system
          labels: {control-plane: controller-manager}
        spec:
          replicas: 1
          selector: {matchLabels: {control-plane: controller-manager}}
          template:
            metadata: {labels: {control-plane: controller-manager}}
            spec:
              containers:
              - name: manager
                command: [/opt/vcloud/bin/cluster-api-provider-cloud-director]
                image: projects.registry.vmware.com/vmware-cloud-director/cluster-api-provider-cloud-director:0.5.1
                volumeMounts:
                - {name: controller-manager-config-volume, mountPath: /etc/kubernetes/vcloud}
                - {name: controller-manager-vcloud-basic-auth-volume, mountPath: /etc/kubernetes/vcloud/basic-auth}
              volumes:
              - name: controller-manager-config-volume
                configMap: {name: manager-config}
              - name: controller-manager-vcloud-basic-auth-volume
                secret: {secretName: vcloud-basic-auth}
              serviceAccountName: controller-manager
        """

    static let quickstart = """
        apiVersion: cluster.x-k8s.io/v1alpha4
        kind: Cluster
        metadata: {name: capi-cluster, namespace: default}
        spec:
          clusterNetwork:
            pods: {cidrBlocks: [100.96.0.0/11]}
            serviceDomain: k8s.test
            services: {cidrBlocks: [100.64.0.0/13]}
          controlPlaneRef: {apiVersion: controlplane.cluster.x-k8s.io/v1alpha4, kind: KubeadmControlPlane, name: capi-cluster-control-plane, namespace: default}
          infrastructureRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1alpha4, kind: VCDCluster, name: capi-cluster, namespace: default}
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1alpha4
        kind: VCDCluster
        metadata: {name: capi-cluster, namespace: default}
        spec:
          site: https://vcd.vmware.com
          org: test_org
          ovdc: test_orgvdc
          ovdcNetwork: test_orgvdc_net
          userContext:
            username: username
            password: vmware
            refreshToken: ""
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1alpha4
        kind: VCDMachineTemplate
        metadata: {name: capi-cluster-control-plane, namespace: default}
        spec:
          template:
            spec:
              catalog: tkgm-cat
              template: ubuntu-2004-kube-v1.20.8+vmware.1-tkg.1-17589475007677388652
              computePolicy: tkgm-compute-policy
        ---
        apiVersion: controlplane.cluster.x-k8s.io/v1alpha4
        kind: KubeadmControlPlane
        metadata: {name: capi-cluster-control-plane, namespace: default}
        spec:
          kubeadmConfigSpec:
            users: [{name: root, sshAuthorizedKeys: ["ssh-key"]}]
          machineTemplate:
            infrastructureRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1alpha4, kind: VCDMachineTemplate, name: capi-cluster-control-plane, namespace: default}
          replicas: 1
          version: v1.20.8+vmware.1
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1alpha4
        kind: VCDMachineTemplate
        metadata: {name: capi-cluster-md0, namespace: default}
        spec:
          template:
            spec:
              catalog: tkgm-cat
              template: ubuntu-2004-kube-v1.20.8+vmware.1-tkg.1-17589475007677388652
              computePolicy: tkgm-compute-policy
        ---
        apiVersion: bootstrap.cluster.x-k8s.io/v1alpha4
        kind: KubeadmConfigTemplate
        metadata: {name: capi-cluster-md0, namespace: default}
        spec:
          template:
            spec:
              users: [{name: root, sshAuthorizedKeys: ["ssh-key"]}]
        ---
        apiVersion: cluster.x-k8s.io/v1alpha4
        kind: MachineDeployment
        metadata: {name: capi-cluster-md0, namespace: default}
        spec:
          clusterName: capi-cluster
          replicas: 1
          selector: {matchLabels: null}
          template:
            spec:
              bootstrap:
                configRef: {apiVersion: bootstrap.cluster.x-k8s.io/v1alpha4, kind: KubeadmConfigTemplate, name: capi-cluster-md0, namespace: default}
              clusterName: capi-cluster
              infrastructureRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1alpha4, kind: VCDMachineTemplate, name: capi-cluster-md0, namespace: default}
              version: v1.20.8+vmware.1
        """
}
