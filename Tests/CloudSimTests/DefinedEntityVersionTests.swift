import CloudWire
import XCTest
@testable import CloudSim

/// RDE type versions: the version wildcard of the by-type list (CAPVCD 1.1+ lists with
/// `vmware/capvcdCluster/1`) and the upgrade of an entity by a PUT that names a newer type.
final class DefinedEntityVersionTests: XCTestCase {
    static let entity: [String: Any] = ["kind": "CAPVCDCluster", "apiVersion": "capvcd.vmware.com/v1.1",
                                        "metadata": ["name": "capi-cluster"], "spec": [:]]

    private func registerType(_ h: Harness, _ version: String, nss: String = "capvcdCluster", extraRequired: [String] = []) {
        // The site's own 1.1.0 goes first: these tests register their own versions.
        if nss == "capvcdCluster", version == "1.1.0", h.call("GET", "/cloudapi/1.0.0/entityTypes/urn:vcloud:type:vmware:capvcdCluster:1.1.0", token: h.provider).status == 200 {
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/entityTypes/urn:vcloud:type:vmware:capvcdCluster:1.1.0", token: h.provider).status, 204)
        }
        var schema = DefinedEntityTests.schema
        schema["required"] = ["kind", "metadata", "spec", "apiVersion"] + extraRequired
        let r = h.call("POST", "/cloudapi/1.0.0/entityTypes", token: h.provider, json: [
            "name": "CAPVCD Cluster", "nss": nss, "version": version, "vendor": "vmware",
            "interfaces": ["urn:vcloud:interface:vmware:k8s:1.0.0"], "schema": schema])
        XCTAssertEqual(r.status, 201, r.text)
    }

    private func createEntity(_ h: Harness, _ version: String, name: String, nss: String = "capvcdCluster") -> String {
        var e = Self.entity
        e["metadata"] = ["name": name]
        let r = h.call("POST", "/cloudapi/1.0.0/entityTypes/urn:vcloud:type:vmware:\(nss):\(version)", token: h.provider,
                       json: ["name": name, "entity": e])
        return h.waitTask(r, token: h.provider).1 ?? ""
    }

    private func names(_ h: Harness, _ path: String) -> [String] {
        h.values(h.call("GET", path, token: h.provider)).compactMap { $0["name"] as? String }
    }

    func testVersionWildcardListsEveryMatchingTypeVersion() throws {
        try bothWays { h in
            registerType(h, "1.0.0")
            registerType(h, "1.1.0")
            registerType(h, "2.0.0")
            let a = createEntity(h, "1.0.0", name: "old")
            let b = createEntity(h, "1.1.0", name: "new")
            _ = createEntity(h, "2.0.0", name: "next")
            let base = "/cloudapi/1.0.0/entities/types/vmware/capvcdCluster"
            XCTAssertEqual(names(h, "\(base)/1"), ["old", "new"])
            XCTAssertEqual(names(h, "\(base)/1.1"), ["new"])
            XCTAssertEqual(names(h, "\(base)/1.1.0"), ["new"])
            XCTAssertEqual(names(h, "\(base)/2"), ["next"])
            XCTAssertEqual(names(h, base), ["old", "new", "next"])
            // CAPVCD's lookup: the wildcard with a name or id filter and its paging.
            let byName = h.call("GET", "\(base)/1?page=1&pageSize=25&filter=name==old", token: h.provider)
            XCTAssertEqual(h.values(byName).map { $0["id"] as? String }, [a])
            XCTAssertEqual(h.values(h.call("GET", "\(base)/1?filter=id==\(b)", token: h.provider)).count, 1)
            // A wildcard that matches no registered version is an empty list; a full version that is not registered is 404.
            let none = h.call("GET", "\(base)/3", token: h.provider)
            XCTAssertEqual(none.status, 200, none.text)
            XCTAssertEqual(h.json(none)["resultTotal"] as? Int, 0)
            XCTAssertEqual(h.call("GET", "\(base)/1.2.0", token: h.provider).status, 404)
            // The interface list takes the wildcard too.
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/entities/interfaces/vmware/k8s/1", token: h.provider)).count, 3)
            // Rights still apply: without the type's rights on its role, capvcd is refused.
            DefinedEntityTests.withoutSeededType(h, deleteType: false)
            XCTAssertEqual(h.call("GET", "\(base)/1", token: h.capvcd).status, 403)
        }
    }

    func testUpgradeByPutMovesTheEntityToTheNewerType() throws {
        try bothWays { h in
            registerType(h, "1.0.0")
            registerType(h, "1.1.0", extraRequired: ["status"])
            registerType(h, "1.0.0", nss: "otherCluster")
            let id = createEntity(h, "1.0.0", name: "cl")
            XCTAssertEqual(h.json(h.call("POST", "/cloudapi/1.0.0/entities/\(id)/resolve", token: h.provider))["state"] as? String, "RESOLVED")
            var got = h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.provider)
            var body = h.json(got)
            // Refused: another nss, an unregistered version, a body the new schema rejects.
            body["entityType"] = "urn:vcloud:type:vmware:otherCluster:1.0.0"
            let other = h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.provider, json: body, headers: ["If-Match": got.headers["ETag"]!])
            XCTAssertEqual(other.status, 400, other.text)
            XCTAssertEqual(h.minor(other), "BAD_REQUEST")
            body["entityType"] = "urn:vcloud:type:vmware:capvcdCluster:1.5.0"
            XCTAssertEqual(h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.provider, json: body, headers: ["If-Match": got.headers["ETag"]!]).status, 400)
            body["entityType"] = "urn:vcloud:type:vmware:capvcdCluster:1.1.0"
            let invalid = h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.provider, json: body, headers: ["If-Match": got.headers["ETag"]!])
            XCTAssertEqual(invalid.status, 400)
            XCTAssertTrue(h.message(invalid).contains("status is required"), h.message(invalid))
            // The upgrade: a body valid for 1.1.0 (ETag rules unchanged: a stale one is 412).
            var e = Self.entity
            e["status"] = ["capvcd": ["phase": "Provisioned"]]
            body["entity"] = e
            XCTAssertEqual(h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.provider, json: body, headers: ["If-Match": "\"0-stale\""]).status, 412)
            let up = h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.provider, json: body, headers: ["If-Match": got.headers["ETag"]!])
            XCTAssertEqual(up.status, 200, up.text)
            XCTAssertEqual(h.json(up)["entityType"] as? String, "urn:vcloud:type:vmware:capvcdCluster:1.1.0")
            XCTAssertEqual(h.json(up)["state"] as? String, "RESOLVED")
            XCTAssertEqual(names(h, "/cloudapi/1.0.0/entities/types/vmware/capvcdCluster/1.1.0"), ["cl"])
            XCTAssertEqual(names(h, "/cloudapi/1.0.0/entities/types/vmware/capvcdCluster/1.0.0"), [])
            // No way back: a downgrade is refused.
            got = h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.provider)
            body = h.json(got)
            body["entityType"] = "urn:vcloud:type:vmware:capvcdCluster:1.0.0"
            let down = h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.provider, json: body, headers: ["If-Match": got.headers["ETag"]!])
            XCTAssertEqual(down.status, 400)
            XCTAssertTrue(h.message(down).contains("higher version"), h.message(down))
            // The old type has no entity left, so it can be deleted; the entity survives a restart under its new type.
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/entityTypes/urn:vcloud:type:vmware:capvcdCluster:1.0.0", token: h.provider).status, 204)
            let again = try Simulator(statePath: h.sim.statePath, options: SimulatorOptions())
            let list = again.handle(HTTPRequestMessage(method: "GET", target: "/cloudapi/1.0.0/entities/types/vmware/capvcdCluster/1",
                                                       headers: ["Authorization": "Bearer \(h.provider)", "Accept": "application/json;version=37.2"]),
                                    service: .vcd)
            XCTAssertEqual(h.values(list).compactMap { $0["name"] as? String }, ["cl"])
        }
    }
}
