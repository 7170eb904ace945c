import CloudWire
import XCTest
@testable import CloudSim

/// IP spaces as VCD 10.4.1+ serves them and as CPI 1.6 / CAPVCD 1.3 use them on a gateway with
/// IP spaces: the provider builds a PUBLIC space, a provider gateway that uses IP spaces and the
/// uplink binding them; the tenant's gateway on it takes floating IPs by allocation (task result),
/// finds them by filter, claims one (USED_MANUAL), serves it in a virtual service and releases it.
/// The provider's side: a PUBLIC space (198.51.100.10–14, quota 2; /30 prefixes from .64, quota
/// 1), a provider gateway with IP spaces, the uplink, and `t1-ipspace` of xav_lab on it.
struct IPSpaceWorldIDs {
    var space = ""
    var external = ""
    var uplink = ""
    var gateway = ""
}

/// The IP-space world the tests build (shared by IPSpaceTests and the CAPVCD tests on a gateway
/// with IP spaces).
protocol IPSpaceWorld {}

extension IPSpaceWorld {
    typealias World = IPSpaceWorldIDs
    static var spaces: String { "/cloudapi/1.0.0/ipSpaces" }


    func publicSpace(_ h: Harness, name: String = "public-ips", ranges: [[String: Any]]? = nil, quota: Int? = 2) -> HTTPResponseMessage {
        var r: [String: Any] = ["ipRanges": ranges ?? [["startIpAddress": "198.51.100.10", "endIpAddress": "198.51.100.14"]]]
        if let quota { r["defaultFloatingIpQuota"] = quota }
        return h.call("POST", Self.spaces, token: h.provider, json: [
            "name": name, "type": "PUBLIC", "ipSpaceInternalScope": ["198.51.100.0/24"], "ipSpaceExternalScope": "0.0.0.0/0",
            "routeAdvertisementEnabled": false, "ipSpaceRanges": r,
            "ipSpacePrefixes": [["ipPrefixSequence": [["startingPrefixIpAddress": "198.51.100.64", "prefixLength": 30, "totalPrefixCount": 4]],
                                 "defaultQuotaForPrefixLength": 1]],
        ])
    }

    func build(_ h: Harness, gateway: Bool = true, quota: Int? = 2) -> World {
        var w = World()
        var (s, owner, _) = h.waitTask(publicSpace(h, quota: quota), token: h.provider)
        XCTAssertEqual(s, "success")
        w.space = owner ?? ""
        (s, owner, _) = h.waitTask(h.call("POST", "/cloudapi/1.0.0/externalNetworks", token: h.provider, json: [
            "name": "t0-ipspace", "description": "provider gateway with IP spaces", "usingIpSpace": true,
            "networkBackings": ["values": [["backingId": "t0-ipspace", "backingTypeValue": "NSXT_TIER0"]]],
            // govcd sends its empty Subnets struct as `{"values": null}`.
            "subnets": ["values": NSNull()],
        ]), token: h.provider)
        XCTAssertEqual(s, "success")
        w.external = owner ?? ""
        (s, owner, _) = h.waitTask(h.call("POST", "/cloudapi/1.0.0/ipSpaceUplinks", token: h.provider, json: [
            "name": "uplink-public", "externalNetworkRef": ["id": w.external], "ipSpaceRef": ["id": w.space]]), token: h.provider)
        XCTAssertEqual(s, "success")
        w.uplink = owner ?? ""
        if gateway {
            (s, owner, _) = h.waitTask(h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
                "name": "t1-ipspace", "ownerRef": ["id": h.vdcID],
                "edgeGatewayUplinks": [["uplinkId": w.external, "subnets": ["values": NSNull()]]]]), token: h.provider)
            XCTAssertEqual(s, "success")
            w.gateway = owner ?? ""
        }
        return w
    }

    /// Allocates as govcd does; returns the task's result array (nil when the request is refused).
    func allocate(_ h: Harness, _ space: String, token: String, _ body: [String: Any], headers: [String: String] = [:]) -> [[String: Any]]? {
        let r = h.call("POST", "\(Self.spaces)/\(space)/allocate", token: token, json: body, headers: headers)
        guard r.status == 202 else { return nil }
        XCTAssertEqual(h.waitTask(r, token: token).0, "success")
        // What govcd reads: the XML task's Result/ResultContent text, a JSON array.
        let loc = r.headers["Location"]!
        let path = String(loc[loc.range(of: "/api/task/")!.lowerBound...])
        let xml = h.call("GET", path, token: token, headers: ["Accept": "application/*+xml;version=37.2"]).text
        let json = ((h.json(h.call("GET", path, token: token))["result"] as? [String: Any])?["resultContent"] as? String) ?? ""
        guard let start = xml.range(of: "xsi:type=\"xs:string\">"), let end = xml.range(of: "</ResultContent>") else {
            XCTFail("no Result/ResultContent in \(xml)"); return nil
        }
        let text = String(xml[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
        XCTAssertEqual(text, json, "the JSON task carries the same result")
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]]
    }

    /// The ALB side of the gateway (as ALBTests does it): seg-tenant imported and assigned, load
    /// balancing enabled, an empty pool. Returns (SEG, pool).
    func loadBalancing(_ h: Harness, _ gw: String) -> (String, String) {
        let cloud = h.values(h.call("GET", "/cloudapi/1.0.0/loadBalancer/clouds", token: h.provider)).first!["id"] as! String
        let importable = h.values(h.call("GET", "/cloudapi/1.0.0/nsxAlbResources/importableServiceEngineGroups?filter=_context==\(cloud)", token: h.provider))
        let backing = importable.first { $0["displayName"] as? String == "seg-tenant" }!["id"]!
        let seg = h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups", token: h.provider, json: [
            "name": "seg-tenant", "reservationType": "DEDICATED",
            "serviceEngineGroupBacking": ["backingId": backing, "loadBalancerCloudRef": ["id": cloud]]]), token: h.provider).1 ?? ""
        XCTAssertEqual(h.waitTask(h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer", token: h.provider, json: ["enabled": true]),
                                  token: h.provider).0, "success")
        XCTAssertEqual(h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments", token: h.provider,
                                         json: ["gatewayRef": ["id": gw], "serviceEngineGroupRef": ["id": seg]]), token: h.provider).0, "success")
        let pool = h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/pools", token: h.capvcd, json: [
            "name": "capi1-tcp", "enabled": true, "defaultPort": 6443, "gracefulTimeoutPeriod": 0, "gatewayRef": ["id": gw],
            "algorithm": "ROUND_ROBIN", "healthMonitors": [["type": "TCP"]], "members": [] as [Any]]), token: h.capvcd).1 ?? ""
        return (seg, pool)
    }

    func vsBody(_ gw: String, _ pool: String, _ seg: String, _ name: String, vip: String) -> [String: Any] {
        ["name": name, "enabled": true, "virtualIpAddress": vip, "loadBalancerPoolRef": ["id": pool], "gatewayRef": ["id": gw],
         "serviceEngineGroupRef": ["id": seg], "servicePorts": [["tcpUdpProfile": ["type": "TCP_PROXY"], "portStart": 6443, "sslEnabled": false]],
         "applicationProfile": ["name": "System-L4-Application", "type": "L4", "systemDefined": true]]
    }

    func allocation(_ h: Harness, _ space: String, token: String, filter: String) -> [[String: Any]] {
        h.values(h.call("GET", "\(Self.spaces)/\(space)/allocations?filter=\(filter)&page=1&pageSize=25", token: token))
    }

}

final class IPSpaceTests: XCTestCase, IPSpaceWorld {
    func testProviderBuildsAPublicSpaceAndAGatewayOnIt() throws {
        try bothWays { h in
            let classic = h.createGateway("t1-classic", ips: 2)
            let w = build(h)
            // The space as govcd reads it.
            let got = h.call("GET", "\(Self.spaces)/\(w.space)", token: h.provider)
            XCTAssertEqual(got.status, 200, got.text)
            let s = h.json(got)
            XCTAssertTrue(w.space.hasPrefix("urn:vcloud:ipSpace:"), w.space)
            XCTAssertEqual(s["type"] as? String, "PUBLIC")
            XCTAssertEqual(s["status"] as? String, "REALIZED")
            XCTAssertEqual(s["ipSpaceInternalScope"] as? [String], ["198.51.100.0/24"])
            XCTAssertNil(s["orgRef"])
            let ranges = s["ipSpaceRanges"] as? [String: Any]
            XCTAssertEqual(ranges?["defaultFloatingIpQuota"] as? Int, 2)
            let r0 = (ranges?["ipRanges"] as? [[String: Any]])?.first
            XCTAssertNotNil(r0?["id"] as? String)
            XCTAssertEqual(r0?["totalIpCount"] as? String, "5")
            XCTAssertEqual(r0?["allocatedIpCount"] as? String, "0")
            let seq = ((s["ipSpacePrefixes"] as? [[String: Any]])?.first?["ipPrefixSequence"] as? [[String: Any]])?.first
            XCTAssertEqual(seq?["startingPrefixIpAddress"] as? String, "198.51.100.64")
            XCTAssertEqual(seq?["totalPrefixCount"] as? Int, 4)
            let fip = (s["utilization"] as? [String: Any])?["floatingIPs"] as? [String: Any]
            XCTAssertEqual(fip?["totalCount"] as? String, "5")
            XCTAssertEqual(fip?["allocatedCount"] as? String, "0")
            // No list of full spaces in VCD: only summaries.
            XCTAssertEqual(h.call("GET", Self.spaces, token: h.provider).status, 405)
            let sums = h.values(h.call("GET", "\(Self.spaces)/summaries?filter=name==public-ips", token: h.provider))
            XCTAssertEqual(sums.map { $0["id"] as? String }, [w.space])
            XCTAssertNil(sums.first?["ipSpaceRanges"])
            // The uplink, found the way govcd looks for it.
            let ups = h.values(h.call("GET", "/cloudapi/1.0.0/ipSpaceUplinks?filter=externalNetworkRef.id==\(w.external)", token: h.provider))
            XCTAssertEqual(ups.count, 1)
            XCTAssertEqual(ups.first?["ipSpaceType"] as? String, "PUBLIC")
            XCTAssertEqual((ups.first?["ipSpaceRef"] as? [String: Any])?["name"] as? String, "public-ips")
            // The gateway uses IP spaces (CPI reads the first uplink's flag).
            let gw = h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gateway)", token: h.capvcd))
            XCTAssertEqual(gw["usingIpSpace"] as? Bool, true)
            let up = (gw["edgeGatewayUplinks"] as? [[String: Any]])?.first
            XCTAssertEqual(up?["usingIpSpace"] as? Bool, true)
            XCTAssertEqual(up?["uplinkName"] as? String, "t0-ipspace")
            XCTAssertEqual(((up?["subnets"] as? [String: Any])?["values"] as? [Any])?.count, 0)
            XCTAssertEqual(gw["status"] as? String, "REALIZED")
            // The classic gateway is what it was.
            let c = h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(classic)", token: h.capvcd))
            XCTAssertEqual(c["usingIpSpace"] as? Bool, false)
            XCTAssertEqual((c["edgeGatewayUplinks"] as? [[String: Any]])?.first?["usingIpSpace"] as? Bool, false)
            XCTAssertEqual(h.allocated(classic), ["203.0.113.10", "203.0.113.11"])
            // Refusals of the provider's side.
            let subnetsOnIPSpace = h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
                "name": "t1-x", "ownerRef": ["id": h.vdcID], "edgeGatewayUplinks": [["uplinkId": w.external, "quickAddAllocatedIpCount": 1]]])
            XCTAssertEqual(subnetsOnIPSpace.status, 400)
            let mixed = h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
                "name": "t1-x", "ownerRef": ["id": h.vdcID],
                "edgeGatewayUplinks": [["uplinkId": w.external], ["uplinkId": h.externalNetworkID, "quickAddAllocatedIpCount": 1]]])
            XCTAssertEqual(mixed.status, 400)
            let claimed = h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
                "name": "t1-x", "ownerRef": ["id": h.vdcID], "usingIpSpace": true,
                "edgeGatewayUplinks": [["uplinkId": h.externalNetworkID, "quickAddAllocatedIpCount": 1]]])
            XCTAssertEqual(claimed.status, 400)
            let classicUplink = h.call("POST", "/cloudapi/1.0.0/ipSpaceUplinks", token: h.provider, json: [
                "name": "u2", "externalNetworkRef": ["id": h.externalNetworkID], "ipSpaceRef": ["id": w.space]])
            XCTAssertEqual(classicUplink.status, 400)
            XCTAssertTrue(h.message(classicUplink).contains("does not use IP spaces"), h.message(classicUplink))
            let twice = h.call("POST", "/cloudapi/1.0.0/ipSpaceUplinks", token: h.provider, json: [
                "name": "u2", "externalNetworkRef": ["id": w.external], "ipSpaceRef": ["id": w.space]])
            XCTAssertEqual(twice.status, 400)
            let overlap = publicSpace(h, name: "overlapping", ranges: [["startIpAddress": "198.51.100.14", "endIpAddress": "198.51.100.20"]])
            XCTAssertEqual(overlap.status, 400)
            XCTAssertTrue(h.message(overlap).contains("overlaps IP space public-ips"), h.message(overlap))
            let outsideScope = publicSpace(h, name: "outside", ranges: [["startIpAddress": "192.0.2.10", "endIpAddress": "192.0.2.20"]])
            XCTAssertEqual(outsideScope.status, 400)
            let withSubnets = h.call("POST", "/cloudapi/1.0.0/externalNetworks", token: h.provider, json: [
                "name": "t0-bad", "usingIpSpace": true, "networkBackings": ["values": [["backingId": "t0-bad"]]],
                "subnets": ["values": [["gateway": "192.0.2.1", "prefixLength": 24]]]])
            XCTAssertEqual(withSubnets.status, 400)
            let sameT0 = h.call("POST", "/cloudapi/1.0.0/externalNetworks", token: h.provider, json: [
                "name": "t0-again", "usingIpSpace": true, "networkBackings": ["values": [["backingId": "t0-lab"]]]])
            XCTAssertEqual(sameT0.status, 400)
            // In use: the uplink keeps the space and the provider gateway.
            XCTAssertEqual(h.call("DELETE", "\(Self.spaces)/\(w.space)", token: h.provider).status, 400)
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/externalNetworks/\(w.external)", token: h.provider).status, 400)
            // Update: the quota and the name change; PUBLIC cannot become PRIVATE.
            var body = s
            body["name"] = "public-ips-2"
            var rr = body["ipSpaceRanges"] as! [String: Any]
            rr["defaultFloatingIpQuota"] = 3
            body["ipSpaceRanges"] = rr
            XCTAssertEqual(h.waitTask(h.call("PUT", "\(Self.spaces)/\(w.space)", token: h.provider, json: body), token: h.provider).0, "success")
            let after = h.json(h.call("GET", "\(Self.spaces)/\(w.space)", token: h.provider))
            XCTAssertEqual(after["name"] as? String, "public-ips-2")
            XCTAssertEqual((after["ipSpaceRanges"] as? [String: Any])?["defaultFloatingIpQuota"] as? Int, 3)
            XCTAssertEqual((after["ipSpaceRanges"] as? [String: Any])?["ipRanges"].flatMap { ($0 as? [[String: Any]])?.first?["id"] as? String },
                           r0?["id"] as? String, "range ids survive an update")
            body["type"] = "PRIVATE"
            XCTAssertEqual(h.call("PUT", "\(Self.spaces)/\(w.space)", token: h.provider, json: body).status, 400)
            // Tear down in VCD's order.
            XCTAssertEqual(h.waitTask(h.call("DELETE", "/cloudapi/1.0.0/edgeGateways/\(w.gateway)", token: h.provider), token: h.provider).0, "success")
            XCTAssertEqual(h.waitTask(h.call("DELETE", "/cloudapi/1.0.0/ipSpaceUplinks/\(w.uplink)", token: h.provider), token: h.provider).0, "success")
            XCTAssertEqual(h.waitTask(h.call("DELETE", "/cloudapi/1.0.0/externalNetworks/\(w.external)", token: h.provider), token: h.provider).0, "success")
            XCTAssertEqual(h.waitTask(h.call("DELETE", "\(Self.spaces)/\(w.space)", token: h.provider), token: h.provider).0, "success")
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/\(w.space)", token: h.provider).status, 404)
        }
    }

    /// CPI's `ReserveIpForLoadBalancer` and `ReleaseIpFromLoadBalancer`, request by request, as the
    /// least-privilege capvcd user, with the IP served by a virtual service in between.
    func testCPIReservesServesAndReleasesAFloatingIP() throws {
        try bothWays { h in
            let w = build(h)
            let suggest = "\(Self.spaces)/floatingIpSuggestions?filter=gatewayId==\(w.gateway)&sortAsc=ipSpaceRef.name&sortDesc=&page=1&pageSize=10"
            // FetchIpSpacesBackingGateway: one applicable space, nothing allocated yet.
            var sug = h.values(h.call("GET", suggest, token: h.capvcd))
            XCTAssertEqual(sug.count, 1)
            XCTAssertEqual((sug[0]["ipSpaceRef"] as? [String: Any])?["id"] as? String, w.space)
            XCTAssertEqual((sug[0]["unusedValues"] as? [String])?.count, 0)
            // FilterIpSpacesByType: GetIpSpaceById as the tenant.
            let space = h.json(h.call("GET", "\(Self.spaces)/\(w.space)", token: h.capvcd))
            XCTAssertEqual(space["type"] as? String, "PUBLIC")
            let mine = (space["utilization"] as? [String: Any])?["floatingIPs"] as? [String: Any]
            XCTAssertEqual(mine?["totalCount"] as? String, "2", "a tenant sees its quota")
            // FindIpAllocationByMarker finds no claim; AllocateIpFromIpSpace.
            let marker = "cluster-capi1-id-urn:vcloud:entity:vmware:capvcdCluster:0001"
            XCTAssertEqual(allocation(h, w.space, token: h.capvcd, filter: "usageState==USED_MANUAL;type==FLOATING_IP").count, 0)
            let result = allocate(h, w.space, token: h.capvcd, ["type": "FLOATING_IP", "quantity": 1])
            XCTAssertEqual(result?.count, 1)
            let ip = result?.first?["value"] as? String ?? ""
            XCTAssertEqual(ip, "198.51.100.10")
            XCTAssertTrue((result?.first?["id"] as? String ?? "").hasPrefix("urn:vcloud:ipSpaceIpAllocation:"))
            sug = h.values(h.call("GET", suggest, token: h.capvcd))
            XCTAssertEqual(sug.first?["unusedValues"] as? [String], [ip])
            XCTAssertEqual(h.values(h.call("GET", "\(suggest.replacingOccurrences(of: "&sortAsc", with: ";ipType==IPV6&sortAsc"))", token: h.capvcd)).count, 0)
            // FindIpAllocationByIp, MarkIpAsUsed.
            let found = allocation(h, w.space, token: h.capvcd, filter: "value==\(ip);type==FLOATING_IP")
            XCTAssertEqual(found.count, 1)
            var alloc = found[0]
            XCTAssertEqual(alloc["usageState"] as? String, "UNUSED")
            XCTAssertEqual((alloc["orgRef"] as? [String: Any])?["name"] as? String, "xav_lab")
            XCTAssertNotNil(alloc["allocationDate"] as? String)
            let allocId = alloc["id"] as! String
            let allocPath = "\(Self.spaces)/\(w.space)/allocations/\(allocId)"
            alloc["usageState"] = "USED_MANUAL"
            alloc["description"] = marker
            XCTAssertEqual(h.waitTask(h.call("PUT", allocPath, token: h.capvcd, json: alloc), token: h.capvcd).0, "success")
            let claimed = allocation(h, w.space, token: h.capvcd, filter: "usageState==USED_MANUAL;type==FLOATING_IP")
            XCTAssertEqual(claimed.map { $0["description"] as? String }, [marker])
            XCTAssertEqual(h.values(h.call("GET", suggest, token: h.capvcd)).first?["unusedValues"] as? [String], [], "a claimed IP is no suggestion")
            // Serve it: a virtual service on the gateway.
            let (seg, pool) = loadBalancing(h, w.gateway)
            let unallocated = h.call("POST", "/cloudapi/1.0.0/loadBalancer/virtualServices", token: h.capvcd,
                                     json: vsBody(w.gateway, pool, seg, "capi1-tcp", vip: "198.51.100.11"))
            XCTAssertEqual(unallocated.status, 400)
            XCTAssertTrue(h.message(unallocated).contains("not allocated to org xav_lab"), h.message(unallocated))
            let vsr = h.call("POST", "/cloudapi/1.0.0/loadBalancer/virtualServices", token: h.capvcd, json: vsBody(w.gateway, pool, seg, "capi1-tcp", vip: ip))
            let (vsStatus, vs, _) = h.waitTask(vsr, token: h.capvcd)
            XCTAssertEqual(vsStatus, "success")
            let used = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(w.gateway)/usedIpAddresses?page=1&pageSize=25", token: h.capvcd))
            XCTAssertEqual(used.map { $0["ipAddress"] as? String }, [ip])
            XCTAssertEqual(used.first?["category"] as? String, "Load_Balancer")
            // The claim sticks (CPI finds it again by state and marker) and shows who uses the IP.
            let serving = h.json(h.call("GET", allocPath, token: h.capvcd))
            XCTAssertEqual(serving["usageState"] as? String, "USED_MANUAL")
            XCTAssertEqual((serving["usedByRef"] as? [String: Any])?["id"] as? String, w.gateway)
            XCTAssertEqual(serving["usageCategories"] as? [String], ["LOAD_BALANCER"])
            XCTAssertEqual(allocation(h, w.space, token: h.capvcd, filter: "usageState==USED_MANUAL;type==FLOATING_IP").count, 1)
            let util = (h.json(h.call("GET", "\(Self.spaces)/\(w.space)", token: h.provider))["utilization"] as? [String: Any])?["floatingIPs"] as? [String: Any]
            XCTAssertEqual(util?["allocatedCount"] as? String, "1")
            XCTAssertEqual(util?["usedCount"] as? String, "1")
            XCTAssertEqual(util?["allocatedPercentage"] as? Double, 20)
            // A second IP for a DNAT rule: unallocated first, then allocated by value (37.2+).
            let dnat: [String: Any] = ["name": "dnat-ssh", "ruleType": "DNAT", "externalAddresses": "198.51.100.12",
                                       "internalAddresses": "10.0.0.5", "dnatExternalPort": "22"]
            let natPath = "/cloudapi/1.0.0/edgeGateways/\(w.gateway)/nat/rules"
            XCTAssertEqual(h.call("POST", natPath, token: h.capvcd, json: dnat).status, 400)
            XCTAssertEqual(allocate(h, w.space, token: h.capvcd, ["type": "FLOATING_IP", "value": "198.51.100.12"])?.first?["value"] as? String, "198.51.100.12")
            XCTAssertEqual(h.waitTask(h.call("POST", natPath, token: h.capvcd, json: dnat), token: h.capvcd).0, "success")
            let natIP = allocation(h, w.space, token: h.capvcd, filter: "value==198.51.100.12")
            XCTAssertEqual(natIP.first?["usageState"] as? String, "USED")
            XCTAssertEqual(natIP.first?["usageCategories"] as? [String], ["DNAT"])
            XCTAssertEqual(allocation(h, w.space, token: h.capvcd, filter: "usageState==USED").count, 1)
            // Release refused while served; then CPI's order: VS, pool, MarkIpAsUnused, ReleaseIp.
            let busy = h.call("DELETE", allocPath, token: h.capvcd)
            XCTAssertEqual(busy.status, 400)
            XCTAssertTrue(h.message(busy).contains("in use"), h.message(busy))
            XCTAssertEqual(h.waitTask(h.call("DELETE", "/cloudapi/1.0.0/loadBalancer/virtualServices/\(vs!)", token: h.capvcd), token: h.capvcd).0, "success")
            XCTAssertEqual(h.waitTask(h.call("DELETE", "/cloudapi/1.0.0/loadBalancer/pools/\(pool)", token: h.capvcd), token: h.capvcd).0, "success")
            var back = h.json(h.call("GET", allocPath, token: h.capvcd))
            XCTAssertNil(back["usedByRef"])
            back["usageState"] = "UNUSED"
            back["description"] = ""
            XCTAssertEqual(h.waitTask(h.call("PUT", allocPath, token: h.capvcd, json: back), token: h.capvcd).0, "success")
            XCTAssertEqual(h.json(h.call("GET", allocPath, token: h.capvcd))["usageState"] as? String, "UNUSED")
            XCTAssertEqual(h.waitTask(h.call("DELETE", allocPath, token: h.capvcd), token: h.capvcd).0, "success")
            XCTAssertEqual(h.call("GET", allocPath, token: h.capvcd).status, 404)
            XCTAssertEqual(allocation(h, w.space, token: h.capvcd, filter: "value==\(ip)").count, 0)
            // USED is the system's: echoing it on a used IP changes nothing, setting it on an unused one is refused.
            XCTAssertEqual(h.waitTask(h.call("PUT", "\(Self.spaces)/\(w.space)/allocations/\(natIP[0]["id"]!)", token: h.capvcd, json: natIP[0]),
                                      token: h.capvcd).0, "success")
            let spare = allocate(h, w.space, token: h.capvcd, ["type": "FLOATING_IP", "quantity": 1])?.first?["id"] as? String ?? ""
            let sparePath = "\(Self.spaces)/\(w.space)/allocations/\(spare)"
            XCTAssertEqual(h.call("PUT", sparePath, token: h.capvcd, json: ["usageState": "USED"]).status, 400)
            XCTAssertEqual(h.call("PUT", sparePath, token: h.capvcd, json: ["usageState": "BOGUS"]).status, 400)
            XCTAssertEqual(h.call("PUT", sparePath, token: h.capvcd, json: ["usageState": "UNUSED", "value": "198.51.100.99"]).status, 400)
        }
    }

    func testQuotaExhaustionAndBadRequests() throws {
        try bothWays { h in
            let w = build(h)
            func refused(_ body: [String: Any], token: String? = nil, _ text: String, file: StaticString = #filePath, line: UInt = #line) {
                let r = h.call("POST", "\(Self.spaces)/\(w.space)/allocate", token: token ?? h.capvcd, json: body)
                XCTAssertEqual(r.status, 400, r.text, file: file, line: line)
                XCTAssertEqual(h.minor(r), "BAD_REQUEST", file: file, line: line)
                XCTAssertTrue(h.message(r).contains(text), h.message(r), file: file, line: line)
            }
            // Quota 2 floating IPs per org.
            XCTAssertEqual(allocate(h, w.space, token: h.capvcd, ["type": "FLOATING_IP", "quantity": 1])?.count, 1)
            refused(["type": "FLOATING_IP", "quantity": 2], "quota exceeded")
            refused(["type": "FLOATING_IP", "value": "198.51.100.200"], "not within the IP ranges")
            refused(["type": "FLOATING_IP", "value": "198.51.100.10"], "already allocated")
            refused(["type": "FLOATING_IP", "value": "not-an-ip"], "Invalid IP address")
            refused(["type": "FLOATING_IP", "quantity": 1, "value": "198.51.100.11"], "either quantity or value")
            refused(["type": "FLOATING_IP"], "quantity")
            refused(["type": "ANYTHING", "quantity": 1], "FLOATING_IP or IP_PREFIX")
            // `value` is a 37.2 field: at 37.1 VCD does not know it.
            let old = h.call("POST", "\(Self.spaces)/\(w.space)/allocate", token: h.capvcd, json: ["type": "FLOATING_IP", "value": "198.51.100.11"],
                             headers: ["Accept": "application/json;version=37.1"])
            XCTAssertEqual(old.status, 400)
            // The provider (System, no quota) takes the rest: the space is exhausted for the tenant.
            let sys = allocate(h, w.space, token: h.provider, ["type": "FLOATING_IP", "quantity": 3])
            XCTAssertEqual(sys?.compactMap { $0["value"] as? String }, ["198.51.100.11", "198.51.100.12", "198.51.100.13"])
            XCTAssertNotNil(allocate(h, w.space, token: h.provider, ["type": "FLOATING_IP", "quantity": 1]))
            refused(["type": "FLOATING_IP", "quantity": 1], "not enough free IP addresses")
            refused(["type": "FLOATING_IP", "quantity": 1], token: h.provider, "not enough free IP addresses")
            // The tenant sees its org's allocations, the provider all, or one org's with a tenant context.
            XCTAssertEqual(allocation(h, w.space, token: h.capvcd, filter: "type==FLOATING_IP").count, 1)
            XCTAssertEqual(allocation(h, w.space, token: h.provider, filter: "type==FLOATING_IP").count, 5)
            let lab = h.id("orgs", named: "xav_lab", token: h.provider)
            let ctx = h.call("GET", "\(Self.spaces)/\(w.space)/allocations", token: h.provider, headers: ["X-VMWARE-VCLOUD-TENANT-CONTEXT": lab])
            XCTAssertEqual(h.values(ctx).count, 1)
            let sysAlloc = allocation(h, w.space, token: h.provider, filter: "orgRef.name==System").first?["id"] as? String ?? ""
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/\(w.space)/allocations/\(sysAlloc)", token: h.capvcd).status, 403)
            // Prefixes: quota 1 per org for /30.
            let p = allocate(h, w.space, token: h.capvcd, ["type": "IP_PREFIX", "quantity": 1, "prefixLength": 30])
            XCTAssertEqual(p?.first?["value"] as? String, "198.51.100.64/30")
            refused(["type": "IP_PREFIX", "quantity": 1, "prefixLength": 30], "quota exceeded")
            refused(["type": "IP_PREFIX", "quantity": 1], "prefixLength")
            refused(["type": "IP_PREFIX", "quantity": 1, "prefixLength": 29], "no IP prefixes of length 29")
            refused(["type": "IP_PREFIX", "value": "198.51.100.65/30"], "not one of the prefixes")
            XCTAssertEqual(allocate(h, w.space, token: h.provider, ["type": "IP_PREFIX", "value": "198.51.100.72/30"])?.first?["value"] as? String, "198.51.100.72/30")
            let provider = allocate(h, w.space, token: h.provider, ["type": "IP_PREFIX", "quantity": 2, "prefixLength": 30])
            XCTAssertEqual(provider?.compactMap { $0["value"] as? String }, ["198.51.100.68/30", "198.51.100.76/30"])
            let pfx = (h.json(h.call("GET", "\(Self.spaces)/\(w.space)", token: h.provider))["utilization"] as? [String: Any])?["ipPrefixes"] as? [String: Any]
            XCTAssertEqual(pfx?["totalCount"] as? String, "4")
            XCTAssertEqual(pfx?["allocatedCount"] as? String, "4")
            XCTAssertEqual((pfx?["prefixLengthUtilizations"] as? [[String: Any]])?.first?["allocatedCount"] as? Int, 4)
            // An update may not drop allocated addresses.
            var body = h.json(h.call("GET", "\(Self.spaces)/\(w.space)", token: h.provider))
            body["ipSpaceRanges"] = ["ipRanges": [["startIpAddress": "198.51.100.10", "endIpAddress": "198.51.100.12"]], "defaultFloatingIpQuota": 2]
            let shrink = h.call("PUT", "\(Self.spaces)/\(w.space)", token: h.provider, json: body)
            XCTAssertEqual(shrink.status, 400)
            XCTAssertTrue(h.message(shrink).contains("outside IP space"), h.message(shrink))
        }
    }

    func testRightsVisibilityAndNotFound() throws {
        try bothWays { h in
            // Tenants create no PUBLIC space and no uplink.
            let denied = h.call("POST", Self.spaces, token: h.tenant, json: [
                "name": "mine", "type": "PUBLIC", "ipSpaceInternalScope": ["10.0.0.0/24"]])
            XCTAssertEqual(denied.status, 403)
            XCTAssertEqual(h.minor(denied), "ACCESS_TO_RESOURCE_IS_FORBIDDEN")
            XCTAssertTrue(h.message(denied).contains("IP Spaces: Manage"), h.message(denied))
            let w = build(h, gateway: false)
            XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/ipSpaceUplinks", token: h.tenant, json: [
                "name": "u", "externalNetworkRef": ["id": w.external], "ipSpaceRef": ["id": w.space]]).status, 403)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/ipSpaceUplinks", token: h.tenant).status, 403)
            XCTAssertEqual(h.call("DELETE", "\(Self.spaces)/\(w.space)", token: h.tenant).status, 403)
            // Before the org has a gateway on its provider gateway, the PUBLIC space is not the org's.
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/\(w.space)", token: h.capvcd).status, 403)
            XCTAssertEqual(h.call("POST", "\(Self.spaces)/\(w.space)/allocate", token: h.capvcd, json: ["type": "FLOATING_IP", "quantity": 1]).status, 403)
            XCTAssertEqual(h.values(h.call("GET", "\(Self.spaces)/summaries", token: h.capvcd)).count, 0)
            let lab = h.id("orgs", named: "xav_lab", token: h.provider)
            let forOrg = h.call("POST", "\(Self.spaces)/\(w.space)/allocate", token: h.provider, json: ["type": "FLOATING_IP", "quantity": 1],
                                headers: ["X-VMWARE-VCLOUD-TENANT-CONTEXT": lab])
            XCTAssertEqual(forOrg.status, 400)
            XCTAssertTrue(h.message(forOrg).contains("not available to org xav_lab"), h.message(forOrg))
            let gw = h.waitTask(h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
                "name": "t1-ipspace", "ownerRef": ["id": h.vdcID], "edgeGatewayUplinks": [["uplinkId": w.external]]]), token: h.provider).1 ?? ""
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/\(w.space)", token: h.capvcd).status, 200)
            XCTAssertEqual(h.values(h.call("GET", "\(Self.spaces)/summaries", token: h.capvcd)).map { $0["name"] as? String }, ["public-ips"])
            // SHARED_SERVICES spaces are never the tenants'.
            let shared = h.waitTask(h.call("POST", Self.spaces, token: h.provider, json: [
                "name": "mgmt", "type": "SHARED_SERVICES", "ipSpaceInternalScope": ["192.0.2.0/24"],
                "ipSpaceRanges": ["ipRanges": [["startIpAddress": "192.0.2.100", "endIpAddress": "192.0.2.110"]]]]), token: h.provider).1 ?? ""
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/\(shared)", token: h.tenant).status, 403)
            XCTAssertEqual(h.values(h.call("GET", "\(Self.spaces)/summaries?filter=type==SHARED_SERVICES", token: h.provider)).count, 1)
            XCTAssertEqual(h.values(h.call("GET", "\(Self.spaces)/summaries?filter=type==SHARED_SERVICES", token: h.tenant)).count, 0)
            // A PRIVATE space of the tenant's own org (Private IP Spaces: Manage), not of another org.
            let priv = h.call("POST", Self.spaces, token: h.tenant, json: [
                "name": "private-net", "type": "PRIVATE", "orgRef": ["id": lab], "ipSpaceInternalScope": ["10.10.0.0/16"],
                "ipSpacePrefixes": [["ipPrefixSequence": [["startingPrefixIpAddress": "10.10.0.0", "prefixLength": 24, "totalPrefixCount": 4]]]]])
            let (ps, pid, _) = h.waitTask(priv, token: h.tenant)
            XCTAssertEqual(ps, "success")
            let pj = h.json(h.call("GET", "\(Self.spaces)/\(pid!)", token: h.tenant))
            XCTAssertEqual((pj["orgRef"] as? [String: Any])?["name"] as? String, "xav_lab")
            XCTAssertEqual((pj["ipSpacePrefixes"] as? [[String: Any]])?.first?["defaultQuotaForPrefixLength"] as? Int, -1)
            XCTAssertEqual((pj["ipSpaceRanges"] as? [String: Any])?["defaultFloatingIpQuota"] as? Int, -1)
            XCTAssertEqual(allocate(h, pid!, token: h.tenant, ["type": "IP_PREFIX", "quantity": 3, "prefixLength": 24])?.count, 3, "no cap in the org's own space")
            XCTAssertEqual(h.call("POST", Self.spaces, token: h.tenant, json: [
                "name": "other", "type": "PRIVATE", "orgRef": ["id": Seed.systemOrgID], "ipSpaceInternalScope": ["10.20.0.0/16"]]).status, 403)
            XCTAssertEqual(h.call("POST", Self.spaces, token: h.tenant, json: [
                "name": "private-net", "type": "PRIVATE", "orgRef": ["id": lab], "ipSpaceInternalScope": ["10.30.0.0/16"]]).status, 400)
            // 404s and 403s of unknown things.
            let unknown = "urn:vcloud:ipSpace:00000000-0000-0000-0000-000000000000"
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/\(unknown)", token: h.capvcd).status, 404)
            XCTAssertEqual(h.minor(h.call("GET", "\(Self.spaces)/\(unknown)", token: h.capvcd)), "RESOURCE_NOT_FOUND")
            XCTAssertEqual(h.call("POST", "\(Self.spaces)/\(unknown)/allocate", token: h.capvcd, json: ["type": "FLOATING_IP", "quantity": 1]).status, 404)
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/\(w.space)/allocations/urn:vcloud:ipSpaceIpAllocation:00000000-0000-0000-0000-000000000000", token: h.capvcd).status, 404)
            XCTAssertEqual(h.call("DELETE", "\(Self.spaces)/\(w.space)/allocations/nope", token: h.capvcd).status, 404)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/ipSpaceUplinks/urn:vcloud:ipSpaceUplink:00000000-0000-0000-0000-000000000000", token: h.provider).status, 404)
            // Suggestions: the gateway filter is required; an unknown gateway or one without IP spaces → 403.
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/floatingIpSuggestions", token: h.capvcd).status, 400)
            let noSuch = h.call("GET", "\(Self.spaces)/floatingIpSuggestions?filter=gatewayId==urn:vcloud:gateway:00000000-0000-0000-0000-000000000000", token: h.capvcd)
            XCTAssertEqual(noSuch.status, 403)
            XCTAssertEqual(h.minor(noSuch), "ACCESS_TO_RESOURCE_IS_FORBIDDEN")
            let classic = h.createGateway("t1-classic", ips: 1)
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/floatingIpSuggestions?filter=gatewayId==\(classic)", token: h.capvcd).status, 403)
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/floatingIpSuggestions?filter=gatewayId==\(gw)", token: h.capvcd).status, 200)
            // IP spaces are 37.1+: VCD's version filter answers 405 below.
            XCTAssertEqual(h.call("GET", "\(Self.spaces)/\(w.space)", token: h.capvcd, headers: ["Accept": "application/json;version=37.0"]).status, 405)
        }
    }
}
