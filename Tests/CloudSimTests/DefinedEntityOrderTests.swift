import CloudWire
import XCTest
@testable import CloudSim

/// A defined entity's body comes back in the key order its client wrote it (VCD returns the body
/// as stored), through create, update, resolve, get and list; the entity's own fields come in
/// `DefinedEntity`'s order.
final class DefinedEntityOrderTests: XCTestCase {
    private let typeURN = "urn:vcloud:type:vmware:capvcdCluster:1.1.0"

    /// The members of the object at `path` in `data`, in the order the text gives them.
    private func keys(_ data: Data, _ path: String...) throws -> [String] {
        var cur: JSONValue? = try JSONValue.parse(data)
        for p in path { cur = cur?[p] }
        guard case .object(let o)? = cur else { XCTFail("no object at \(path) in \(String(decoding: data, as: UTF8.self))"); return [] }
        return Array(o.keys)
    }

    func testEntityBodyKeepsTheClientsKeyOrder() throws {
        try bothWays { h in
            let created = h.call("POST", "/cloudapi/1.0.0/entityTypes/\(typeURN)", token: h.provider, body: Data("""
                {"name": "ordered", "entity": {"spec": {"zeta": 1, "alpha": 2, "mid": {"y": 1, "x": 2}},
                 "metadata": {"name": "ordered", "site": "https://vcd.example"}, "kind": "CAPVCDCluster",
                 "apiVersion": "capvcd.vmware.com/v1.2", "status": {}, "omega": true, "beta": null}}
                """.utf8), headers: ["Content-Type": "application/json"])
            XCTAssertEqual(created.status, 202, created.text)
            let id = try XCTUnwrap(h.waitTask(created, token: h.provider).1)
            let got = h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.provider)
            XCTAssertEqual(try keys(got.body, "entity"), ["spec", "metadata", "kind", "apiVersion", "status", "omega", "beta"])
            XCTAssertEqual(try keys(got.body, "entity", "spec"), ["zeta", "alpha", "mid"])
            XCTAssertEqual(try keys(got.body, "entity", "spec", "mid"), ["y", "x"])
            XCTAssertEqual(try keys(got.body), ["id", "entityType", "name", "entity", "state", "owner", "org"])
            XCTAssertEqual(try keys(got.body, "owner"), ["name", "id"])
            XCTAssertTrue(got.text.contains("\"site\":\"https://vcd.example\""), "slashes unescaped, as VCD writes them: \(got.text)")

            // A PUT in another order is stored in that order.
            let put = h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.provider, body: Data("""
                {"name": "ordered", "entityType": "\(typeURN)", "entity": {"kind": "CAPVCDCluster", "status": {"capvcd": {"phase": "Provisioning", "errorSet": []}},
                 "apiVersion": "capvcd.vmware.com/v1.2", "metadata": {"site": "https://vcd.example", "name": "ordered"}, "spec": {"mid": {}, "zeta": 1}}}
                """.utf8), headers: ["Content-Type": "application/json", "If-Match": try XCTUnwrap(got.headers["ETag"])])
            XCTAssertEqual(put.status, 200, put.text)
            let order = ["kind", "status", "apiVersion", "metadata", "spec"]
            XCTAssertEqual(try keys(put.body, "entity"), order)
            XCTAssertEqual(try keys(put.body, "entity", "status", "capvcd"), ["phase", "errorSet"])
            XCTAssertEqual(try keys(h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.provider).body, "entity"), order)

            // Resolving keeps it (both in its answer and as stored), and so does a list.
            let resolved = h.call("POST", "/cloudapi/1.0.0/entities/\(id)/resolve", token: h.provider)
            XCTAssertEqual(resolved.status, 200, resolved.text)
            XCTAssertEqual(Array(try keys(resolved.body).prefix(3)), ["id", "entity", "state"])
            XCTAssertEqual(try keys(resolved.body, "entity"), order)
            XCTAssertEqual(try keys(h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.provider).body, "entity", "metadata"), ["site", "name"])
            let list = h.call("GET", "/cloudapi/1.0.0/entities/types/vmware/capvcdCluster/1.1.0?filter=name==ordered", token: h.provider)
            guard case .array(let values)? = try JSONValue.parse(list.body)["values"], case .object(let first)? = values.first?["entity"] else {
                return XCTFail("no entity listed: \(list.text)")
            }
            XCTAssertEqual(Array(first.keys), order)
        }
    }
}
