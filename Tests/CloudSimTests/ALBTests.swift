import CloudWire
import XCTest
@testable import CloudSim

final class ALBTests: XCTestCase {
    /// Provider imports seg-tenant (DEDICATED unless told) and returns its id.
    func importSEG(_ h: Harness, name: String = "seg-tenant", reservation: String = "DEDICATED") -> String {
        let cloud = h.values(h.call("GET", "/cloudapi/1.0.0/loadBalancer/clouds", token: h.provider)).first!["id"] as! String
        let importable = h.values(h.call("GET", "/cloudapi/1.0.0/nsxAlbResources/importableServiceEngineGroups?filter=_context==\(cloud)", token: h.provider))
        let seg = importable.first { $0["displayName"] as? String == name }!
        let r = h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups", token: h.provider, json: [
            "name": name, "reservationType": reservation,
            "serviceEngineGroupBacking": ["backingId": seg["id"]!, "loadBalancerCloudRef": ["id": cloud]]])
        let (status, owner, _) = h.waitTask(r, token: h.provider)
        XCTAssertEqual(status, "success")
        return owner ?? ""
    }

    func enableLB(_ h: Harness, _ gw: String) {
        let r = h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer", token: h.provider, json: ["enabled": true])
        XCTAssertEqual(h.waitTask(r, token: h.provider).0, "success")
    }

    func pool(_ h: Harness, _ gw: String, _ name: String, members: [String] = []) -> String {
        let r = h.call("POST", "/cloudapi/1.0.0/loadBalancer/pools", token: h.capvcd, json: [
            "name": name, "enabled": true, "defaultPort": 6443, "gracefulTimeoutPeriod": 0, "gatewayRef": ["id": gw],
            "algorithm": "ROUND_ROBIN", "healthMonitors": [["type": "TCP"]],
            "members": members.map { ["ipAddress": $0, "port": 6443, "ratio": 1, "enabled": true] }])
        let (s, owner, _) = h.waitTask(r, token: h.capvcd)
        XCTAssertEqual(s, "success")
        return owner ?? ""
    }

    func vsBody(_ gw: String, _ pool: String, _ seg: String, _ name: String, vip: String, port: Int = 6443) -> [String: Any] {
        ["name": name, "enabled": true, "virtualIpAddress": vip, "loadBalancerPoolRef": ["id": pool], "gatewayRef": ["id": gw],
         "serviceEngineGroupRef": ["id": seg], "servicePorts": [["tcpUdpProfile": ["type": "TCP_PROXY"], "portStart": port, "sslEnabled": false]],
         "applicationProfile": ["name": "System-HTTP", "type": "L4", "systemDefined": true]]
    }

    func testInfrastructureIsProviderOnlyAndImportable() throws {
        try bothWays { h in
            let denied = h.call("GET", "/cloudapi/1.0.0/loadBalancer/controllers", token: h.tenant)
            XCTAssertEqual(denied.status, 403)
            XCTAssertTrue(h.message(denied).contains("NSX-T ALB"), h.message(denied))
            let ctl = h.values(h.call("GET", "/cloudapi/1.0.0/loadBalancer/controllers", token: h.provider))
            XCTAssertEqual(ctl.first?["name"] as? String, "alb-lab")
            XCTAssertNil(ctl.first?["password"])
            let clouds = h.values(h.call("GET", "/cloudapi/1.0.0/nsxAlbResources/importableClouds?filter=_context==\(ctl.first!["id"] as! String)", token: h.provider))
            XCTAssertEqual(clouds.first?["alreadyImported"] as? Bool, true)
            let seg = importSEG(h)
            let again = h.values(h.call("GET", "/cloudapi/1.0.0/nsxAlbResources/importableServiceEngineGroups?filter=_context==\(h.values(h.call("GET", "/cloudapi/1.0.0/loadBalancer/clouds", token: h.provider)).first!["id"] as! String)", token: h.provider))
            XCTAssertFalse(again.contains { $0["displayName"] as? String == "seg-tenant" }, "an imported SEG is no longer importable")
            let s = h.json(h.call("GET", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/\(seg)", token: h.provider))
            XCTAssertEqual(s["maxVirtualServices"] as? Int, 20)
            XCTAssertEqual(s["reservationType"] as? String, "DEDICATED")
        }
    }

    func testLabFlowWithCapacityAndHealth() throws {
        try bothWays { h in
            let gw = h.createGateway("t1-capvcd", ips: 6)
            let seg = importSEG(h)
            // Pool before load balancing is enabled.
            let early = h.call("POST", "/cloudapi/1.0.0/loadBalancer/pools", token: h.capvcd, json: ["name": "p0", "gatewayRef": ["id": gw]])
            XCTAssertEqual(early.status, 400)
            XCTAssertTrue(h.message(early).contains("not enabled"), h.message(early))
            // Enabling is provider-only; the service network must be a /25.
            let tenantEnable = h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer", token: h.tenant, json: ["enabled": true])
            XCTAssertEqual(tenantEnable.status, 403)
            let badCIDR = h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer", token: h.provider, json: ["enabled": true, "serviceNetworkDefinition": "192.168.255.1/24"])
            XCTAssertEqual(badCIDR.status, 400)
            enableLB(h, gw)
            let lb = h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer", token: h.capvcd))
            XCTAssertEqual(lb["serviceNetworkDefinition"] as? String, "192.168.255.1/25")
            let p = pool(h, gw, "capi-tcp")
            let dupPool = h.call("POST", "/cloudapi/1.0.0/loadBalancer/pools", token: h.capvcd, json: ["name": "capi-tcp", "gatewayRef": ["id": gw]])
            XCTAssertEqual(h.minor(dupPool), "DUPLICATE_NAME")
            let ext = h.allocated(gw)[1]
            // SEG not assigned yet.
            let notAssigned = h.call("POST", "/cloudapi/1.0.0/loadBalancer/virtualServices", token: h.capvcd, json: vsBody(gw, p, seg, "capi-tcp", vip: ext))
            XCTAssertEqual(notAssigned.status, 400)
            XCTAssertTrue(h.message(notAssigned).contains("not assigned"), h.message(notAssigned))
            // DEDICATED assignments take no max/min.
            let withMax = h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments", token: h.provider,
                                 json: ["gatewayRef": ["id": gw], "serviceEngineGroupRef": ["id": seg], "maxVirtualServices": 5, "minVirtualServices": 1])
            XCTAssertEqual(withMax.status, 400)
            XCTAssertEqual(h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments", token: h.provider,
                                             json: ["gatewayRef": ["id": gw], "serviceEngineGroupRef": ["id": seg]]), token: h.provider).0, "success")
            // What CAPVCD reads to pick a SEG.
            let asg = h.values(h.call("GET", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments?filter=gatewayRef.id==\(gw)&page=1&pageSize=25", token: h.capvcd))
            XCTAssertEqual(asg.count, 1)
            XCTAssertEqual(asg[0]["maxVirtualServices"] as? Int, 20)
            XCTAssertEqual(asg[0]["numDeployedVirtualServices"] as? Int, 0)
            // VIP errors.
            let foreign = h.call("POST", "/cloudapi/1.0.0/loadBalancer/virtualServices", token: h.capvcd, json: vsBody(gw, p, seg, "x", vip: "203.0.113.240"))
            XCTAssertEqual(foreign.status, 400)
            XCTAssertTrue(h.message(foreign).contains("not allocated"), h.message(foreign))
            let r = h.call("POST", "/cloudapi/1.0.0/loadBalancer/virtualServices", token: h.capvcd, json: vsBody(gw, p, seg, "capi-tcp", vip: ext))
            let (s, vs, _) = h.waitTask(r, token: h.capvcd)
            XCTAssertEqual(s, "success")
            let samePort = h.call("POST", "/cloudapi/1.0.0/loadBalancer/virtualServices", token: h.capvcd, json: vsBody(gw, p, seg, "other", vip: ext))
            XCTAssertEqual(samePort.status, 400)
            XCTAssertTrue(h.message(samePort).contains("already in use"), h.message(samePort))
            // Health: PENDING right after creation, then DOWN (empty pool) once realised.
            let summaries = "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer/virtualServiceSummaries?filter=name==capi-tcp"
            h.sim.clock.advance(seconds: -5)
            XCTAssertEqual(h.values(h.call("GET", summaries, token: h.capvcd)).first?["healthStatus"] as? String, "PENDING")
            h.sim.clock.advance(seconds: 10)
            let sum = h.values(h.call("GET", summaries, token: h.capvcd)).first!
            XCTAssertEqual(sum["healthStatus"] as? String, "DOWN")
            XCTAssertEqual(sum["status"] as? String, "REALIZED")
            XCTAssertEqual(sum["applicationProfileType"] as? String, "L4")
            // CAPVCD adds control-plane members by PUT-ing the whole pool: the VS comes UP.
            var poolBody = h.json(h.call("GET", "/cloudapi/1.0.0/loadBalancer/pools/\(p)", token: h.capvcd))
            poolBody["members"] = [["ipAddress": "192.168.8.10", "port": 6443, "ratio": 1, "enabled": true]]
            XCTAssertEqual(h.waitTask(h.call("PUT", "/cloudapi/1.0.0/loadBalancer/pools/\(p)", token: h.capvcd, json: poolBody), token: h.capvcd).0, "success")
            let pj = h.json(h.call("GET", "/cloudapi/1.0.0/loadBalancer/pools/\(p)", token: h.capvcd))
            XCTAssertEqual(pj["memberCount"] as? Int, 1)
            XCTAssertEqual((pj["virtualServiceRefs"] as? [[String: Any]])?.first?["id"] as? String, vs)
            XCTAssertEqual(h.json(h.call("GET", "/cloudapi/1.0.0/loadBalancer/virtualServices/\(vs!)", token: h.capvcd))["healthStatus"] as? String, "UP")
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments?filter=gatewayRef.id==\(gw)", token: h.capvcd)).first?["numDeployedVirtualServices"] as? Int, 1)
            XCTAssertTrue(h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/usedIpAddresses", token: h.capvcd)).contains {
                $0["ipAddress"] as? String == ext && $0["category"] as? String == "Load_Balancer" })
            // Pool in use cannot go; VS delete frees it.
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/loadBalancer/pools/\(p)", token: h.capvcd).status, 400)
            XCTAssertEqual(h.waitTask(h.call("DELETE", "/cloudapi/1.0.0/loadBalancer/virtualServices/\(vs!)", token: h.capvcd), token: h.capvcd).0, "success")
            XCTAssertEqual(h.waitTask(h.call("DELETE", "/cloudapi/1.0.0/loadBalancer/pools/\(p)", token: h.capvcd), token: h.capvcd).0, "success")
        }
    }

    func testSharedSEGAtCapacity() throws {
        try bothWays { h in
            let gw = h.createGateway("t1", ips: 6)
            let seg = importSEG(h, name: "Default-Group", reservation: "SHARED")
            enableLB(h, gw)
            let noMax = h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments", token: h.provider,
                               json: ["gatewayRef": ["id": gw], "serviceEngineGroupRef": ["id": seg]])
            XCTAssertEqual(noMax.status, 400)
            XCTAssertEqual(h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments", token: h.provider,
                                             json: ["gatewayRef": ["id": gw], "serviceEngineGroupRef": ["id": seg], "maxVirtualServices": 1, "minVirtualServices": 1]),
                                      token: h.provider).0, "success")
            let p = pool(h, gw, "pool", members: ["192.168.8.10"])
            let ips = h.allocated(gw)
            XCTAssertEqual(h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/virtualServices", token: h.capvcd, json: vsBody(gw, p, seg, "vs1", vip: ips[1])), token: h.capvcd).0, "success")
            let full = h.call("POST", "/cloudapi/1.0.0/loadBalancer/virtualServices", token: h.capvcd, json: vsBody(gw, p, seg, "vs2", vip: ips[2]))
            XCTAssertEqual(full.status, 400)
            XCTAssertTrue(h.message(full).contains("maximum number of virtual services"), h.message(full))
            let s = h.json(h.call("GET", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/\(seg)", token: h.provider))
            XCTAssertEqual(s["reservedVirtualServices"] as? Int, 1)
            XCTAssertEqual(s["numDeployedVirtualServices"] as? Int, 1)
            // Disabling LB with objects in place is refused.
            XCTAssertEqual(h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer", token: h.provider, json: ["enabled": false]).status, 400)
        }
    }
}
