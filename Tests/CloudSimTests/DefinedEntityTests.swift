import CloudWire
import XCTest
@testable import CloudSim

final class DefinedEntityTests: XCTestCase {
    static let schema: [String: Any] = [
        "type": "object", "required": ["kind", "metadata", "spec", "apiVersion"],
        "properties": ["kind": ["type": "string"], "apiVersion": ["type": "string"],
                       "metadata": ["type": "object", "required": ["name"], "properties": ["name": ["type": "string"]]],
                       "spec": ["type": "object"], "status": ["type": "object"]]]

    /// The site's own capvcdCluster type goes, and the rights the seeded roles hold on it, so that
    /// these tests register the type as a provider does on a site without it.
    func withoutSeededType(_ h: Harness) { Self.withoutSeededType(h) }

    static func withoutSeededType(_ h: Harness, deleteType: Bool = true) {
        if deleteType {
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/entityTypes/urn:vcloud:type:vmware:capvcdCluster:1.1.0", token: h.provider).status, 204)
        }
        for name in ["capvcd", "Organization Administrator"] {
            guard let role = h.values(h.call("GET", "/cloudapi/1.0.0/roles?filter=name==\(name.replacingOccurrences(of: " ", with: "%20"))", token: h.provider)).first?["id"] as? String else { continue }
            let rights = h.values(h.call("GET", "/cloudapi/1.0.0/roles/\(role)/rights?pageSize=128", token: h.provider))
                .filter { !(($0["name"] as? String) ?? "").hasPrefix("vmware:capvcdCluster:") }
            XCTAssertEqual(h.call("PUT", "/cloudapi/1.0.0/roles/\(role)/rights", token: h.provider, json: ["values": rights]).status, 200)
        }
    }

    func registerType(_ h: Harness) {
        withoutSeededType(h)
        let r = h.call("POST", "/cloudapi/1.0.0/entityTypes", token: h.provider, json: [
            "name": "CAPVCD Cluster", "description": "", "nss": "capvcdCluster", "version": "1.1.0", "vendor": "vmware",
            "interfaces": ["urn:vcloud:interface:vmware:k8s:1.0.0"], "readonly": false, "schema": Self.schema])
        XCTAssertEqual(r.status, 201, r.text)
    }

    func testTypeRegistrationIsProviderOnlyAndCreatesRights() throws {
        try bothWays { h in
            let denied = h.call("POST", "/cloudapi/1.0.0/entityTypes", token: h.tenant, json: ["name": "x"])
            XCTAssertEqual(denied.status, 403)
            registerType(h)
            XCTAssertEqual(h.minor(h.call("POST", "/cloudapi/1.0.0/entityTypes", token: h.provider, json: [
                "name": "CAPVCD Cluster", "nss": "capvcdCluster", "version": "1.1.0", "vendor": "vmware", "schema": Self.schema])), "DUPLICATE_NAME")
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/entityTypes/urn:vcloud:type:vmware:capvcdCluster:1.1.0", token: h.capvcd).status, 200)
            let bundles = h.values(h.call("GET", "/cloudapi/1.0.0/rightsBundles?filter=name==vmware:capvcdCluster%20Entitlement", token: h.provider))
            XCTAssertEqual(bundles.count, 1)
            let rights = h.values(h.call("GET", "/cloudapi/1.0.0/rightsBundles/\(bundles[0]["id"] as! String)/rights", token: h.provider)).compactMap { $0["name"] as? String }
            XCTAssertTrue(rights.contains("vmware:capvcdCluster: Full Access"), "\(rights)")
        }
    }

    func testEntityLifecycleWithETagsAndRights() throws {
        try bothWays { h in
            registerType(h)
            let typeURN = "urn:vcloud:type:vmware:capvcdCluster:1.1.0"
            let entity: [String: Any] = ["kind": "CAPVCDCluster", "apiVersion": "capvcd.vmware.com/v1.1",
                                         "metadata": ["name": "capi-cluster", "orgName": "xav_lab"], "spec": ["capiYaml": ""]]
            // capvcd holds no rights on the type yet.
            let denied = h.call("POST", "/cloudapi/1.0.0/entityTypes/\(typeURN)", token: h.capvcd, json: ["name": "capi-cluster", "entity": entity])
            XCTAssertEqual(denied.status, 403)
            XCTAssertTrue(h.message(denied).contains("vmware:capvcdCluster: Modify"), h.message(denied))
            // The org admin grants Full Access to the capvcd role.
            let role = h.values(h.call("GET", "/cloudapi/1.0.0/roles?filter=name==capvcd", token: h.provider)).first!["id"] as! String
            XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/roles/\(role)/rights", token: h.provider, json: ["values": [["name": "vmware:capvcdCluster: Full Access"]]]).status, 200)
            let r = h.call("POST", "/cloudapi/1.0.0/entityTypes/\(typeURN)", token: h.capvcd, json: ["name": "capi-cluster", "entity": entity])
            XCTAssertEqual(r.status, 202, r.text)
            // CAPVCD reads the new id from the task's Owner on the very first read.
            let loc = r.headers["Location"]!
            let first = h.json(h.call("GET", String(loc[loc.range(of: "/api/task/")!.lowerBound...]), token: h.capvcd, headers: ["Accept": "application/json"]))
            let id = (first["owner"] as? [String: Any])?["id"] as! String
            XCTAssertTrue(id.hasPrefix("urn:vcloud:entity:vmware:capvcdCluster:"), id)
            let got = h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd)
            XCTAssertEqual(h.json(got)["state"] as? String, "PRE_CREATED")
            let etag = got.headers["ETag"]!
            var body = h.json(got)
            body["entity"] = entity.merging(["status": ["capvcd": ["phase": "Provisioning"]]]) { a, _ in a }
            let put = h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd, json: body, headers: ["If-Match": etag])
            XCTAssertEqual(put.status, 200, put.text)
            XCTAssertNotEqual(put.headers["ETag"], etag)
            let stale = h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd, json: body, headers: ["If-Match": etag])
            XCTAssertEqual(stale.status, 412)
            XCTAssertEqual(h.minor(stale), "PRECONDITION_FAILED")
            let resolved = h.call("POST", "/cloudapi/1.0.0/entities/\(id)/resolve", token: h.capvcd)
            XCTAssertEqual(resolved.status, 200)
            XCTAssertEqual(h.json(resolved)["state"] as? String, "RESOLVED")
            // Listing by type with a name filter (CAPVCD's lookup), and by interface.
            let byType = h.values(h.call("GET", "/cloudapi/1.0.0/entities/types/vmware/capvcdCluster/1.1.0?page=1&pageSize=25&filter=name==capi-cluster", token: h.capvcd))
            XCTAssertEqual(byType.map { $0["id"] as? String }, [id])
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/entities/interfaces/vmware/k8s/1.0.0", token: h.capvcd)).count, 1)
            // A broken entity fails resolution; updating it sends it back to PRE_CREATED.
            let bad = h.call("POST", "/cloudapi/1.0.0/entityTypes/\(typeURN)", token: h.capvcd, json: ["name": "broken", "entity": ["kind": 3]])
            let badID = h.waitTask(bad, token: h.capvcd).1!
            let res = h.json(h.call("POST", "/cloudapi/1.0.0/entities/\(badID)/resolve", token: h.capvcd))
            XCTAssertEqual(res["state"] as? String, "RESOLUTION_ERROR")
            XCTAssertTrue((res["message"] as? String ?? "").contains("entity.kind should be string"), "\(res)")
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd).status, 204)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd).status, 404)
        }
    }
}
