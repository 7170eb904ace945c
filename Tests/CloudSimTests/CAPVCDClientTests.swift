import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The simulated CAPVCD as a client of VCD: only public routes, as the user of the cluster's
/// secret, in the order the real controller sends its requests (capvcd-wire.md), and the
/// failures of real labs where the real controllers show them.
extension CAPISimTests {
    /// `METHOD /route/{template}` of a logged request, from the route table every client goes
    /// through; nil when no route answers it.
    func template(_ h: Harness, _ e: RequestLogEntry) -> String? {
        guard case .found(let route, _) = h.sim.routes(.vcd).lookup(method: e.method, path: e.path) else { return nil }
        return "\(e.method) \(route.pattern)"
    }

    /// Whether `want` appears in `seen` in order (other requests may come between).
    func inOrder(_ want: [String], _ seen: [String]) -> [String] {
        var i = 0
        for s in seen where i < want.count && s == want[i] { i += 1 }
        return Array(want[i...])
    }

    func controllerRequests(_ h: Harness, since: Double) -> [RequestLogEntry] {
        h.sim.requestLog.filter { $0.time >= since && $0.service == .vcd && $0.user == "capvcd@xav_lab" }
    }

    func testControllersAreClientsOnPublicRoutesInTheRealOrder() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try world(h)
        try install(h, "kind")
        if case .found = h.sim.routes(.vcd).lookup(method: "POST", path: "/capvcd-controller") { XCTFail("no private route") }
        let start = h.sim.clock.now()
        let writes0 = h.sim.counters.writes
        apply(h, "kind", manifests(name: "seq", workers: 1))
        let cl = poll(h, "kind", "\(Self.capi)/clusters/seq") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Provisioned", cl.text)
        let create = controllerRequests(h, since: start)
        XCTAssertFalse(create.isEmpty)
        let unrouted = create.filter { template(h, $0) == nil }
        XCTAssertTrue(unrouted.isEmpty, "requests no route answers: \(unrouted.map { "\($0.method) \($0.path)" })")
        XCTAssertTrue(create.allSatisfy { $0.status < 400 }, "\(create.filter { $0.status >= 400 }.map { "\($0.method) \($0.path) \($0.status)" })")
        var firsts: [String] = []
        for e in create { if let t = template(h, e), !firsts.contains(t) { firsts.append(t) } }
        // capvcd-wire.md rows 3–5, 12–14, 25, 7, 6, 8–10, 22–24, 15–17, 10 (status), 26–28, 16 (members).
        let reference = [
            "POST /cloudapi/1.0.0/sessions", "GET /api/org", "GET /api/query", "GET /cloudapi/1.0.0/orgVdcNetworks",
            "GET /cloudapi/1.0.0/edgeGateways/{id}", "GET /cloudapi/1.0.0/edgeGateways/{id}/loadBalancer",
            "GET /cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments", "GET /api/vAppTemplate/{id}",
            "GET /cloudapi/1.0.0/entities/types/{vendor}/{nss}/{version}", "GET /cloudapi/1.0.0/entityTypes/{id}",
            "GET /cloudapi/1.0.0/edgeGateways/{id}/usedIpAddresses", "POST /cloudapi/1.0.0/entityTypes/{id}", "GET /api/task/{id}",
            "POST /cloudapi/1.0.0/entities/{id}/resolve", "GET /cloudapi/1.0.0/entities/{id}", "GET /api/vdc/{id}",
            "POST /api/vdc/{id}/action/composeVApp", "PUT /api/vApp/{id}/networkConfigSection", "PUT /api/vApp/{id}/metadata/{key}",
            "GET /cloudapi/1.0.0/edgeGateways/{id}/loadBalancer/virtualServiceSummaries",
            "GET /cloudapi/1.0.0/edgeGateways/{id}/loadBalancer/poolSummaries",
            "POST /cloudapi/1.0.0/loadBalancer/pools", "POST /cloudapi/1.0.0/loadBalancer/virtualServices",
            "PUT /cloudapi/1.0.0/entities/{id}", "GET /api/vApp/{id}", "GET /cloudapi/1.0.0/vdcs/{id}/computePolicies",
            "POST /api/vApp/{id}/action/recomposeVApp", "POST /api/vApp/{id}/action/reconfigureVm",
            "POST /api/vApp/{id}/power/action/{action}", "GET /cloudapi/1.0.0/loadBalancer/pools/{id}",
            "PUT /cloudapi/1.0.0/loadBalancer/pools/{id}",
        ]
        XCTAssertEqual(inOrder(reference, firsts), [], "first requests of each kind, in order: \(firsts)")
        // The sizing policy is looked up, the RDE by the "1" wildcard, the entity updated with If-Match.
        XCTAssertTrue(create.contains { $0.path.hasPrefix("/cloudapi/1.0.0/entities/types/vmware/capvcdCluster/1") && !$0.path.contains("1.1.0") })
        XCTAssertGreaterThan(h.sim.counters.writes, writes0, "the controllers' writes are counted")
        XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer/virtualServiceSummaries", token: h.tenant)).count, 1)

        // Deletion: virtual service, pool, vApp (powered off first), RDE — as capvcd, on public routes.
        let del0 = h.sim.clock.now()
        XCTAssertEqual(kube(h, "kind", "DELETE", "\(Self.capi)/clusters/seq").status, 200)
        poll(h, "kind", "\(Self.capi)/clusters/seq") { $0.status == 404 }
        let deletion = controllerRequests(h, since: del0)
        XCTAssertTrue(deletion.allSatisfy { template(h, $0) != nil })
        var dfirsts: [String] = []
        for e in deletion { if let t = template(h, e), !dfirsts.contains(t) { dfirsts.append(t) } }
        XCTAssertEqual(inOrder(["DELETE /cloudapi/1.0.0/loadBalancer/virtualServices/{id}", "DELETE /cloudapi/1.0.0/loadBalancer/pools/{id}",
                                "POST /api/vApp/{id}/action/undeploy", "DELETE /api/vApp/{id}", "DELETE /cloudapi/1.0.0/entities/{id}"], dfirsts), [],
                       "\(dfirsts)")
        XCTAssertEqual(h.sim.capiRead { ($0.all(Kind.vApp).count, $0.all(Kind.vm).count, $0.all(Kind.virtualService).count, $0.all(Kind.lbPool).count,
                                         $0.all(Kind.entity).count) }.0, 0)
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.virtualService).count + $0.all(Kind.lbPool).count + $0.all(Kind.entity).count + $0.all(Kind.vm).count }, 0,
                       "the teardown leaves nothing")
    }

    /// A wrong password in the cluster's secret: VCD's 401 on the Cluster (retried, not Failed);
    /// the fixed secret lets the next pass go on to Provisioned.
    func testWrongPasswordInTheSecretThenFixed() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        var objects = manifests(name: "pw", workers: 0)
        objects[0].1["data"] = ["username": Data("capvcd".utf8).base64EncodedString(), "password": Data("wrong".utf8).base64EncodedString(),
                                "refreshToken": ""]
        apply(h, "kind", objects)
        let cl = poll(h, "kind", "\(Self.capi)/clusters/pw") { self.readyReason($0) == "VCDLoginFailed" || self.phase($0) == "Failed" }
        XCTAssertNotEqual(phase(cl), "Failed", "credentials are fixed in place, not by a new cluster")
        let message = ready(cl)?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("401") && message.contains("capvcd@xav_lab"), message)
        XCTAssertFalse(message.contains("wrong"), "the password never shows: \(message)")
        XCTAssertEqual(ready(cl)?["severity"] as? String, "Error")
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0, "nothing made with refused credentials")
        let fixed = kube(h, "kind", "PATCH", "/api/v1/namespaces/default/secrets/capi-user-credentials",
                         json: ["data": ["password": Data(Harness.password.utf8).base64EncodedString()]], contentType: "application/merge-patch+json")
        XCTAssertEqual(fixed.status, 200, fixed.text)
        let done = poll(h, "kind", "\(Self.capi)/clusters/pw") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(done), "Provisioned", done.text)
    }

    /// The cluster's secret holds an API token (refresh token): CAPVCD exchanges it for a session.
    /// Once the token is revoked and that session has expired, the next change of the cluster
    /// shows VCD's refusal; a new token in the secret lets it go on.
    func testRevokedAPITokenThenANewOne() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        func makeToken(_ name: String) -> (id: String, refresh: String) {
            // A fresh session of capvcd (the harness's may have gone idle).
            let basic = Data("capvcd@xav_lab:\(Harness.password)".utf8).base64EncodedString()
            let login = h.call("POST", "/cloudapi/1.0.0/sessions", token: nil, headers: ["Authorization": "Basic \(basic)"])
            let session = login.headers["X-VMWARE-VCLOUD-ACCESS-TOKEN"] ?? ""
            let reg = h.call("POST", "/oauth/tenant/xav_lab/register", token: session, json: ["client_name": name])
            XCTAssertEqual(reg.status, 200, reg.text)
            let client = h.json(reg)["client_id"] as? String ?? ""
            let form = "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=\(session)&client_id=\(client)"
            let g = h.call("POST", "/oauth/tenant/xav_lab/token", token: nil, body: Data(form.utf8), headers: ["Content-Type": "application/x-www-form-urlencoded"])
            return ("urn:vcloud:token:\(client)", h.json(g)["refresh_token"] as? String ?? "")
        }
        let first = makeToken("capi-1")
        var objects = manifests(name: "tok", workers: 1)
        objects[0].1["data"] = ["username": Data("capvcd".utf8).base64EncodedString(), "password": "",
                                "refreshToken": Data(first.refresh.utf8).base64EncodedString()]
        apply(h, "kind", objects)
        let up = poll(h, "kind", "\(Self.capi)/clusters/tok") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(up), "Provisioned", up.text)
        XCTAssertTrue(h.sim.requestLog.contains { $0.path == "/oauth/tenant/xav_lab/token" && $0.status == 200 && ($0.agent ?? "").hasPrefix("cluster-api-provider") })
        XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/tokens/\(first.id)", token: h.provider).status, 204)
        h.sim.clock.advance(seconds: 3600)  // the controller's session ends idle
        let scale = kube(h, "kind", "PATCH", "\(Self.capi)/machinedeployments/tok-md-0", json: ["spec": ["replicas": 2]], contentType: "application/merge-patch+json")
        XCTAssertEqual(scale.status, 200, scale.text)
        let stuck = poll(h, "kind", "\(Self.capi)/clusters/tok") { self.readyReason($0) == "VCDLoginFailed" }
        let message = ready(stuck)?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("refresh token") && message.contains("invalid_grant"), message)
        XCTAssertFalse(message.contains(first.refresh), "the token never shows")
        let second = makeToken("capi-2")
        XCTAssertEqual(kube(h, "kind", "PATCH", "/api/v1/namespaces/default/secrets/capi-user-credentials",
                            json: ["data": ["refreshToken": Data(second.refresh.utf8).base64EncodedString()]], contentType: "application/merge-patch+json").status, 200)
        let machines = "\(Self.capi)/machines"
        let all = poll(h, "kind", machines) { self.items($0).filter { self.status($0)["phase"] as? String == "Running" }.count == 3 }
        XCTAssertEqual(items(all).map { status($0)["phase"] as? String ?? "" }.sorted(), ["Running", "Running", "Running"],
                       "\(items(all).map { status($0)["failureMessage"] ?? "" }) \(ready(kube(h, "kind", "GET", "\(Self.capi)/clusters/tok")) ?? [:])")
    }

    /// Each right of the least-privilege `capvcd` role taken away in turn: either the cluster still
    /// comes up (the controllers do not use it to create a cluster) or the Cluster shows VCD's 403
    /// naming that right. The set of rights creation needs is pinned.
    func testEachRightOfTheCapvcdRole() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        let role = try XCTUnwrap(h.values(h.call("GET", "/cloudapi/1.0.0/roles?filter=name==capvcd", token: h.provider)).first?["id"] as? String)
        let all = h.values(h.call("GET", "/cloudapi/1.0.0/roles/\(role)/rights?pageSize=128", token: h.provider))
        XCTAssertEqual(Set(all.compactMap { $0["name"] as? String }), Set(RightName.capvcdRole))
        func setRights(_ values: [[String: Any]]) {
            XCTAssertEqual(h.call("PUT", "/cloudapi/1.0.0/roles/\(role)/rights", token: h.provider, json: ["values": values]).status, 200)
        }
        var needed: [String] = []
        for (i, right) in RightName.capvcdRole.enumerated() {
            setRights(all.filter { $0["name"] as? String != right })
            let name = "r\(i)"
            apply(h, "kind", Array(manifests(name: name, workers: 0).dropFirst(i == 0 ? 0 : 1)))
            let cl = poll(h, "kind", "\(Self.capi)/clusters/\(name)") {
                ["Provisioned", "Failed"].contains(self.phase($0)) || self.readyReason($0) == "VCDAccessDenied"
            }
            if readyReason(cl) == "VCDAccessDenied" {
                let message = ready(cl)?["message"] as? String ?? ""
                // VCD names the first right of those that would do (Modify for Full Access).
                let named = right == RightName.capvcdClusterFullAccess ? "vmware:capvcdCluster: Modify" : right
                XCTAssertTrue(message.contains(named) && message.contains("403"), "\(right): \(message)")
                needed.append(right)
                setRights(all)
                let done = poll(h, "kind", "\(Self.capi)/clusters/\(name)") { ["Provisioned", "Failed"].contains(self.phase($0)) }
                XCTAssertEqual(phase(done), "Provisioned", "\(right) given back: \(done.text.prefix(800))")
            } else {
                XCTAssertEqual(phase(cl), "Provisioned", "\(right): \(cl.text.prefix(800))")
            }
            // The gateway has few addresses: each cluster goes before the next (with every right).
            setRights(all)
            XCTAssertEqual(kube(h, "kind", "DELETE", "\(Self.capi)/clusters/\(name)").status, 200)
            poll(h, "kind", "\(Self.capi)/clusters/\(name)") { $0.status == 404 }
        }
        setRights(all)
        XCTAssertEqual(needed, [RightName.gatewayView, RightName.lbView, RightName.lbConfigure, RightName.networkView, RightName.computePolicyView,
                                RightName.extraConfig, RightName.vappCreate, RightName.vappPower, RightName.vmEditProperties,
                                RightName.vmEditDisk, RightName.capvcdClusterFullAccess],
                       "the rights creating a cluster needs (View of the type comes with Full Access; NAT, tokens and certificates are for one-arm, CPI and TLS)")
    }

    /// The network's static pool runs out at the second worker: that machine fails with VCD's
    /// words and the Cluster says so; the control plane and the first worker are made.
    func testStaticPoolExhaustedFailsTheMachine() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        let net = try XCTUnwrap(h.values(h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks?filter=name==k8s-net", token: h.tenant)).first)
        var body = net
        body["subnets"] = ["values": [["gateway": "192.168.10.1", "prefixLength": 24, "dnsServer1": "198.51.100.53",
                                       "ipRanges": ["values": [["startAddress": "192.168.10.10", "endAddress": "192.168.10.11"]]]]]]
        XCTAssertEqual(h.waitTask(h.call("PUT", "/cloudapi/1.0.0/orgVdcNetworks/\(net["id"] as! String)", token: h.tenant, json: body), token: h.tenant).0, "success")
        try install(h, "kind")
        apply(h, "kind", manifests(name: "pool", workers: 2))
        let cl = poll(h, "kind", "\(Self.capi)/clusters/pool") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Failed")
        XCTAssertEqual(readyReason(cl), "IPPoolExhausted", cl.text)
        let failed = items(kube(h, "kind", "GET", "\(Self.capi)/machines")).filter { status($0)["phase"] as? String == "Failed" }
        XCTAssertEqual(failed.count, 1)
        XCTAssertTrue((status(failed[0])["failureMessage"] as? String ?? "").contains("k8s-net"), "\(failed)")
    }

    /// No address of the gateway left in the VCDCluster's vipSubnet: the Cluster fails before
    /// anything is made in VCD but the RDE.
    func testNoFreeVIPInTheSubnet() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        var objects = manifests(name: "novip", workers: 0)
        let i = try XCTUnwrap(objects.firstIndex { $0.1["kind"] as? String == "VCDCluster" })
        var spec = objects[i].1["spec"] as! [String: Any]
        spec["loadBalancerConfigSpec"] = ["vipSubnet": "198.18.7.0/24"]
        objects[i].1["spec"] = spec
        apply(h, "kind", objects)
        let cl = poll(h, "kind", "\(Self.capi)/clusters/novip") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Failed")
        XCTAssertEqual(readyReason(cl), "NoFreeVIP")
        XCTAssertTrue((status(obj(cl))["failureMessage"] as? String ?? "").contains("198.18.7.0/24"))
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count + $0.all(Kind.virtualService).count }, 0)
    }

    /// With server errors, throttling and failed tasks injected, the controllers retry as the real
    /// ones do and the cluster still comes up; the faults reached them (they are clients).
    func testInjectedFaultsAreRetriedAndTheClusterComesUp() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        // The same world reopened with faults: 10% 503 and 10% failed tasks for every client.
        let sim = try Simulator(statePath: h.sim.statePath, options: SimulatorOptions(faults: FaultSpec(errors: [("503", 0.1)], taskFailureRate: 0.1, seed: 11)))
        let start = sim.clock.now()
        for (path, o) in manifests(name: "flaky", workers: 1) {
            var r = kube(sim, "kind", "POST", path, json: o)
            for _ in 0..<20 where r.status >= 500 { r = kube(sim, "kind", "POST", path, json: o) }  // kubectl retries too
            XCTAssertEqual(r.status, 201, r.text)
        }
        var cl = kube(sim, "kind", "GET", "\(Self.capi)/clusters/flaky")
        for _ in 0..<3000 where !["Provisioned", "Failed"].contains(phase(cl)) {
            Thread.sleep(forTimeInterval: 0.002)
            cl = kube(sim, "kind", "GET", "\(Self.capi)/clusters/flaky")
        }
        XCTAssertEqual(phase(cl), "Provisioned", cl.text)
        let mine = sim.requestLog.filter { $0.time >= start && $0.service == .vcd && $0.user == "capvcd@xav_lab" }
        XCTAssertTrue(mine.contains { $0.status == 503 }, "faults reached the controllers")
    }

    /// On a gateway that uses IP spaces, CAPVCD's control-plane VIP and the CPI's service VIP are
    /// floating IPs allocated from the IP space and claimed (USED_MANUAL); deleting the cluster
    /// gives them back.
    func testClusterOnAGatewayWithIPSpaces() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let spaces = IPSpaceHelpers()
        let w = spaces.build(h, quota: 5)
        let snatIP = try XCTUnwrap(spaces.allocate(h, w.space, token: h.tenant, ["type": "FLOATING_IP", "quantity": 1])?.first?["value"] as? String)
        _ = try world(h, gateway: w.gateway, snatIP: snatIP)
        try install(h, "kind")
        apply(h, "kind", manifests(name: "ips", workers: 1))
        let cl = poll(h, "kind", "\(Self.capi)/clusters/ips") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(cl), "Provisioned", cl.text)
        let vip = ((obj(cl)["spec"] as? [String: Any])?["controlPlaneEndpoint"] as? [String: Any])?["host"] as? String ?? ""
        XCTAssertTrue(vip.hasPrefix("198.51.100.") && vip != snatIP, vip)
        let claimed = spaces.allocation(h, w.space, token: h.tenant, filter: "usageState==USED_MANUAL;type==FLOATING_IP")
        XCTAssertTrue(claimed.contains { $0["value"] as? String == vip }, "\(claimed)")
        // The CPI's LoadBalancer service gets its own floating IP.
        let svc = kube(h, "ips", "POST", "/api/v1/namespaces/default/services", json: [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "web", "namespace": "default"],
            "spec": ["type": "LoadBalancer", "ports": [["port": 80, "protocol": "TCP"]]]])
        XCTAssertEqual(svc.status, 201, svc.text)
        let lb = poll(h, "ips", "/api/v1/namespaces/default/services/web") {
            (((self.obj($0)["status"] as? [String: Any])?["loadBalancer"] as? [String: Any])?["ingress"] as? [[String: Any]])?.first?["ip"] != nil
        }
        let svcIP = (((obj(lb)["status"] as? [String: Any])?["loadBalancer"] as? [String: Any])?["ingress"] as? [[String: Any]])?.first?["ip"] as? String ?? ""
        XCTAssertTrue(svcIP.hasPrefix("198.51.100.") && svcIP != vip && svcIP != snatIP, svcIP)
        XCTAssertEqual(kube(h, "kind", "DELETE", "\(Self.capi)/clusters/ips").status, 200)
        poll(h, "kind", "\(Self.capi)/clusters/ips") { $0.status == 404 }
        let left = spaces.allocation(h, w.space, token: h.tenant, filter: "type==FLOATING_IP").compactMap { $0["value"] as? String }
        XCTAssertEqual(left, [snatIP], "the cluster's floating IPs went back; the SNAT's stays")
    }

    /// A template whose upload has not finished (not RESOLVED): the Cluster waits with VCD's
    /// status in its Ready condition, not Failed.
    func testTemplateNotResolvedYetIsWaitedFor() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        let accept = ["Accept": "application/*+xml;version=36.0"]
        let records = try? XMLTree.parse(h.call("GET", "/api/query?type=catalog&format=records", token: h.tenant, headers: accept).body)
        let catalogHref = try XCTUnwrap(records?.all("CatalogRecord").first { $0.attr("name") == "cse" }?.attr("href"))
        let catalog = try? XMLTree.parse(h.call("GET", URL(string: catalogHref)!.path, token: h.tenant, headers: accept).body)
        let upload = try XCTUnwrap(catalog?.all("Link").first { $0.attr("type") == XType.upload }?.attr("href"))
        let r = h.call("POST", URL(string: upload)!.path, token: h.tenant,
                       body: Data("<UploadVAppTemplateParams xmlns=\"http://www.vmware.com/vcloud/v1.5\" name=\"half\"><Description>node</Description></UploadVAppTemplateParams>".utf8),
                       headers: accept.merging(["Content-Type": XType.upload]) { a, _ in a })
        XCTAssertEqual(r.status, 201, r.text)
        try install(h, "kind")
        apply(h, "kind", manifests(name: "half", template: "half", workers: 0))
        let cl = poll(h, "kind", "\(Self.capi)/clusters/half") { self.readyReason($0) == "TemplateNotReady" || self.phase($0) == "Failed" }
        XCTAssertNotEqual(phase(cl), "Failed")
        XCTAssertEqual(ready(cl)?["severity"] as? String, "Warning")
        XCTAssertTrue((ready(cl)?["message"] as? String ?? "").contains("not resolved yet"), cl.text)
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vApp).count }, 0)
    }

    /// An upgrade (new Kubernetes version on the control plane and the workers) rolls the machines
    /// one at a time per pool: a surge machine of the new version first, an old one deleted (VM
    /// included) once the new one runs; the Cluster is Provisioned again only when every machine
    /// is new. Then the workers scale 2 → 3 → 1.
    func testRollingUpgradeAndScale() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        apply(h, "kind", manifests(name: "roll", workers: 2))
        XCTAssertEqual(phase(poll(h, "kind", "\(Self.capi)/clusters/roll") { ["Provisioned", "Failed"].contains(self.phase($0)) }), "Provisioned")
        let cp = "/apis/controlplane.cluster.x-k8s.io/v1beta1/namespaces/default/kubeadmcontrolplanes/roll-control-plane"
        let md = "\(Self.capi)/machinedeployments/roll-md-0"
        let patch = "application/merge-patch+json"
        XCTAssertEqual(kube(h, "kind", "PATCH", cp, json: ["spec": ["version": "v1.28.2+vmware.1"]], contentType: patch).status, 200)
        XCTAssertEqual(kube(h, "kind", "PATCH", md, json: ["spec": ["template": ["spec": ["version": "v1.28.2+vmware.1"]]]], contentType: patch).status, 200)
        var most = (cp: 0, md: 0)
        var newBeforeOldGone = false
        let done = poll(h, "kind", "\(Self.capi)/clusters/roll", max: 2000) { r in
            let ms = self.items(self.kube(h, "kind", "GET", "\(Self.capi)/machines")).filter { ($0["metadata"] as? [String: Any])?["deletionTimestamp"] == nil }
            let cpMachines = ms.filter { (($0["metadata"] as? [String: Any])?["labels"] as? [String: String])?["cluster.x-k8s.io/control-plane"] != nil }
            most = (max(most.cp, cpMachines.count), max(most.md, ms.count - cpMachines.count))
            let versions = ms.map { ($0["spec"] as? [String: Any])?["version"] as? String ?? "" }
            if versions.contains("v1.28.2+vmware.1") && versions.contains("v1.27.5+vmware.1") { newBeforeOldGone = true }
            return self.phase(r) == "Provisioned" && ms.count == 3 && versions.allSatisfy { $0 == "v1.28.2+vmware.1" }
                && ms.allSatisfy { self.status($0)["phase"] as? String == "Running" }
        }
        XCTAssertEqual(phase(done), "Provisioned")
        XCTAssertEqual(most.cp, 2, "one surge control-plane machine at a time")
        XCTAssertEqual(most.md, 3, "one surge worker at a time")
        XCTAssertTrue(newBeforeOldGone, "new machines ran beside the old ones")
        XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vm).count }, 3, "the old VMs are deleted")
        let kcp = obj(kube(h, "kind", "GET", cp))
        XCTAssertEqual(status(kcp)["version"] as? String, "v1.28.2+vmware.1")
        XCTAssertEqual(status(kcp)["updatedReplicas"] as? Int, 1)
        let nodes = items(kube(h, "roll", "GET", "/api/v1/nodes"))
        XCTAssertEqual(nodes.count, 3)
        XCTAssertTrue(nodes.allSatisfy { ((($0["status"] as? [String: Any])?["nodeInfo"] as? [String: Any])?["kubeletVersion"] as? String) == "v1.28.2+vmware.1" },
                      "\(nodes.map { (($0["status"] as? [String: Any])?["nodeInfo"] as? [String: Any])?["kubeletVersion"] ?? "" })")
        for replicas in [3, 1] {
            XCTAssertEqual(kube(h, "kind", "PATCH", md, json: ["spec": ["replicas": replicas]], contentType: patch).status, 200)
            poll(h, "kind", "\(Self.capi)/machines") { r in
                let live = self.items(r).filter { ($0["metadata"] as? [String: Any])?["deletionTimestamp"] == nil }
                return live.count == 1 + replicas && self.items(r).count == live.count && live.allSatisfy { self.status($0)["phase"] as? String == "Running" }
            }
            XCTAssertEqual(h.sim.capiRead { $0.all(Kind.vm).count }, 1 + replicas)
        }
    }

    /// A SHARED service engine group whose assignment allows one virtual service on the gateway:
    /// the first cluster's control plane takes it; its LoadBalancer Service gets the CPI's Warning
    /// event with VCD's words, and a second cluster fails with them.
    func testServiceEngineGroupAtItsVirtualServiceLimit() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let w = try world(h, alb: false)
        let cloud = h.values(h.call("GET", "/cloudapi/1.0.0/loadBalancer/clouds", token: h.provider)).first!["id"] as! String
        let importable = h.values(h.call("GET", "/cloudapi/1.0.0/nsxAlbResources/importableServiceEngineGroups?filter=_context==\(cloud)", token: h.provider))
        let backing = importable.first { $0["displayName"] as? String == "seg-tenant" }!
        let (st, segId, _) = h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups", token: h.provider, json: [
            "name": "seg-shared", "reservationType": "SHARED",
            "serviceEngineGroupBacking": ["backingId": backing["id"]!, "loadBalancerCloudRef": ["id": cloud]]]), token: h.provider)
        XCTAssertEqual(st, "success")
        XCTAssertEqual(h.waitTask(h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(w.gw)/loadBalancer", token: h.provider, json: ["enabled": true]), token: h.provider).0, "success")
        XCTAssertEqual(h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments", token: h.provider, json: [
            "gatewayRef": ["id": w.gw], "serviceEngineGroupRef": ["id": segId!], "maxVirtualServices": 1, "minVirtualServices": 0]), token: h.provider).0, "success")
        try install(h, "kind")
        apply(h, "kind", manifests(name: "seg1", workers: 1))
        XCTAssertEqual(phase(poll(h, "kind", "\(Self.capi)/clusters/seg1") { ["Provisioned", "Failed"].contains(self.phase($0)) }), "Provisioned")
        XCTAssertEqual(kube(h, "seg1", "POST", "/api/v1/namespaces/default/services", json: [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "web", "namespace": "default"],
            "spec": ["type": "LoadBalancer", "ports": [["port": 80, "protocol": "TCP"]]]]).status, 201)
        let events = poll(h, "seg1", "/api/v1/namespaces/default/events") { r in self.items(r).contains { $0["reason"] as? String == "SyncLoadBalancerFailed" } }
        let warning = items(events).first { $0["reason"] as? String == "SyncLoadBalancerFailed" }?["message"] as? String ?? ""
        XCTAssertTrue(warning.contains("maximum number of virtual services (1)"), warning)
        apply(h, "kind", Array(manifests(name: "seg2", workers: 0).dropFirst()))
        let second = poll(h, "kind", "\(Self.capi)/clusters/seg2") { ["Provisioned", "Failed"].contains(self.phase($0)) }
        XCTAssertEqual(phase(second), "Failed")
        XCTAssertEqual(readyReason(second), "LoadBalancerCreateFailed")
        XCTAssertTrue((status(obj(second))["failureMessage"] as? String ?? "").contains("maximum number of virtual services"), second.text)
        // What the failed first reconcile made (RDE, vApp, pool) goes with the cluster.
        let before = h.sim.capiRead { ($0.all(Kind.entity).count, $0.all(Kind.vApp).count, $0.all(Kind.lbPool).count) }
        XCTAssertEqual(kube(h, "kind", "DELETE", "\(Self.capi)/clusters/seg2").status, 200)
        poll(h, "kind", "\(Self.capi)/clusters/seg2") { $0.status == 404 }
        let after = h.sim.capiRead { ($0.all(Kind.entity).count, $0.all(Kind.vApp).count, $0.all(Kind.lbPool).count) }
        XCTAssertEqual(after.0, before.0 - 1, "the RDE")
        XCTAssertEqual(after.1, before.1 - 1, "the vApp")
        XCTAssertEqual(after.2, before.2 - 1, "the pool made before the refused virtual service")
    }

    func ready(_ r: HTTPResponseMessage) -> [String: Any]? {
        (status(obj(r))["conditions"] as? [[String: Any]] ?? []).first { $0["type"] as? String == "Ready" }
    }

    func readyReason(_ r: HTTPResponseMessage) -> String? { ready(r)?["reason"] as? String }
}

/// The IP-space helpers outside their test class.
struct IPSpaceHelpers: IPSpaceWorld {}
