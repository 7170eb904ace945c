import CloudWire
import Foundation
import XCTest
import TestFixtures
@testable import CloudSim

/// The tenant world the Cluster API tests build in VCD before a cluster: gateway, ALB, network,
/// SNAT, the node template in a catalog (shared by CAPISimTests and CAPVCD05Tests).
struct CAPIWorld { var gw: String; var seg: String? }

protocol CAPITestWorld {}

extension CAPITestWorld {
    /// Uploads the test node OVA (`TestNodeOVA`) into catalog `catalog` as `item` (as pyvcloud does).
    func upload(_ h: Harness, token: String, catalog: String, item: String) throws {
        func xml(_ r: HTTPResponseMessage) -> XMLTree { try! XMLTree.parse(r.body) }
        func path(_ url: String) -> String { URL(string: url).map { $0.path + ($0.query.map { "?" + $0 } ?? "") } ?? url }
        func get(_ url: String) -> HTTPResponseMessage { h.call("GET", path(url), token: token, headers: ["Accept": "application/*+xml;version=36.0"]) }
        func send(_ method: String, _ url: String, _ body: String, type: String) -> HTTPResponseMessage {
            h.call(method, path(url), token: token, body: Data(body.utf8), headers: ["Accept": "application/*+xml;version=36.0", "Content-Type": type])
        }
        func wait(_ task: XMLTree) {
            for _ in 0..<50 {
                let t = xml(get(task.attr("href")!))
                if ["success", "error", "aborted"].contains(t.attr("status") ?? "") { return }
            }
        }
        let org = xml(get("/api/org/")).child("Org")!.attr("href")!
        let add = xml(get(org)).all("Link").first { $0.attr("rel") == "add" && $0.attr("type") == XType.adminCatalog }!.attr("href")!
        let created = send("POST", add, "<AdminCatalog xmlns=\"http://www.vmware.com/vcloud/v1.5\" name=\"\(catalog)\"><Description>d</Description></AdminCatalog>",
                           type: XType.adminCatalog)
        XCTAssertEqual(created.status, 201, created.text)
        let cat = xml(created)
        wait(cat.child("Tasks")!.child("Task")!)
        let catalogXML = xml(get(cat.all("Link").first { $0.attr("rel") == "alternate" }!.attr("href")!))
        let uploadLink = catalogXML.all("Link").first { $0.attr("type") == XType.upload }!.attr("href")!
        let itemR = send("POST", uploadLink, "<UploadVAppTemplateParams xmlns=\"http://www.vmware.com/vcloud/v1.5\" name=\"\(item)\"><Description>node</Description></UploadVAppTemplateParams>",
                         type: XType.upload)
        XCTAssertEqual(itemR.status, 201, itemR.text)
        let tplHref = xml(itemR).child("Entity")!.attr("href")!
        var tpl = xml(get(tplHref))
        let importTask = tpl.child("Tasks")!.child("Task")!
        let members = try XCTUnwrap(OVF.untar(try Data(contentsOf: TestNodeOVA.url)))
        let descriptor = members.first { $0.name.hasSuffix(".ovf") }!.data
        XCTAssertEqual(send("PUT", tpl.child("Files")!.child("File")!.child("Link")!.attr("href")!, String(decoding: descriptor, as: UTF8.self), type: "text/xml").status, 200)
        tpl = xml(get(tplHref))
        for f in tpl.child("Files")!.all("File") where !(f.attr("name") ?? "").hasSuffix(".ovf") {
            let data = members.first { $0.name == f.attr("name") }!.data
            let r = h.call("PUT", path(f.child("Link")!.attr("href")!), token: token, body: data,
                           headers: ["Content-Range": "bytes 0-\(data.count - 1)/\(data.count)"])
            XCTAssertEqual(r.status, 200, r.text)
        }
        wait(importTask)
        XCTAssertEqual(xml(get(tplHref)).attr("status"), "8")
    }

    /// The lab's tenant side: gateway t1 with 8 addresses, routed network k8s-net (static pool, DNS)
    /// with an SNAT rule, template cse/ubuntu-k8s; with `alb`, load balancing on and seg-tenant assigned.
    func world(_ h: Harness, alb: Bool = true, snat: Bool = true, gateway: String? = nil, snatIP: String? = nil) throws -> CAPIWorld {
        let gw = gateway ?? h.createGateway("t1", ips: 8)
        var seg: String? = nil
        if alb {
            let cloud = h.values(h.call("GET", "/cloudapi/1.0.0/loadBalancer/clouds", token: h.provider)).first!["id"] as! String
            let importable = h.values(h.call("GET", "/cloudapi/1.0.0/nsxAlbResources/importableServiceEngineGroups?filter=_context==\(cloud)", token: h.provider))
            let s = importable.first { $0["displayName"] as? String == "seg-tenant" }!
            let r = h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups", token: h.provider, json: [
                "name": "seg-tenant", "reservationType": "DEDICATED",
                "serviceEngineGroupBacking": ["backingId": s["id"]!, "loadBalancerCloudRef": ["id": cloud]]])
            let (st, segId, _) = h.waitTask(r, token: h.provider)
            XCTAssertEqual(st, "success")
            seg = segId
            XCTAssertEqual(h.waitTask(h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer", token: h.provider, json: ["enabled": true]),
                                      token: h.provider).0, "success")
            XCTAssertEqual(h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments", token: h.provider,
                                             json: ["gatewayRef": ["id": gw], "serviceEngineGroupRef": ["id": segId!]]), token: h.provider).0, "success")
        }
        let (s, _, _) = h.waitTask(h.call("POST", "/cloudapi/1.0.0/orgVdcNetworks", token: h.tenant, json: [
            "name": "k8s-net", "ownerRef": ["id": h.vdcID], "networkType": "NAT_ROUTED",
            "connection": ["routerRef": ["id": gw], "connectionType": "INTERNAL"],
            "subnets": ["values": [["gateway": "192.168.10.1", "prefixLength": 24, "dnsServer1": "198.51.100.53",
                                    "ipRanges": ["values": [["startAddress": "192.168.10.10", "endAddress": "192.168.10.40"]]]]]]]), token: h.tenant)
        XCTAssertEqual(s, "success")
        if snat {
            h.waitTask(h.call("POST", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.tenant, json: [
                "name": "snat-k8s", "type": "SNAT", "externalAddresses": snatIP ?? h.allocated(gw)[0], "internalAddresses": "192.168.10.0/24"]), token: h.tenant)
        }
        try upload(h, token: h.tenant, catalog: "cse", item: "ubuntu-k8s")
        return CAPIWorld(gw: gw, seg: seg)
    }
}
