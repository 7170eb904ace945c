import CloudWire
import XCTest
@testable import CloudSim

final class WireTests: XCTestCase {
    func testAPIVersionFromAnyAccept() {
        XCTAssertEqual(APIVersion.from(accept: "application/json;version=36.0"), "36.0")
        XCTAssertEqual(APIVersion.from(accept: "*_/_*;version=37.2"), "37.2")
        XCTAssertEqual(APIVersion.from(accept: "application/*+xml; version = 38.0"), "38.0")
        XCTAssertNil(APIVersion.from(accept: "application/json"))
        XCTAssertNil(APIVersion.from(accept: nil))
    }

    func testURNs() {
        let u = URN("urn:vcloud:type:vmware:capvcdCluster:1.1.0")!
        XCTAssertEqual(u.kind, "type")
        XCTAssertEqual(u.rest, "vmware:capvcdCluster:1.1.0")
        XCTAssertNil(URN("urn:other:org:1"))
        XCTAssertEqual(URN.normalize("ABC-1", kind: "org"), "urn:vcloud:org:abc-1")
        XCTAssertEqual(URN.normalize("urn:vcloud:org:x", kind: "org"), "urn:vcloud:org:x")
        XCTAssertTrue(URN.make("gateway").description.hasPrefix("urn:vcloud:gateway:"))
    }

    func testLinkHeaderParsing() {
        let links = LinkHeader.parse([
            "<https://h/cloudapi/1.0.0/x?page=2&pageSize=1>;rel=\"nextPage\";type=\"application/json\";model=\"X\", <https://h/cloudapi/1.0.0/x?page=3>;rel=\"lastPage nextPage\""])
        XCTAssertEqual(links.count, 2)
        XCTAssertEqual(links[0].url, "https://h/cloudapi/1.0.0/x?page=2&pageSize=1")
        XCTAssertEqual(links[0].rels, ["nextPage"])
        XCTAssertEqual(links[1].rels, ["lastPage", "nextPage"])
    }

    func testWireTypesUseGovcdFieldNames() throws {
        var rule = NatRule()
        rule.ruleType = "DNAT"
        rule.applicationPortProfile = OpenAPIReference(name: "p", id: "urn:vcloud:applicationPortProfile:1")
        let text = String(decoding: try JSONEncoder.vcd().encode(rule), as: UTF8.self)
        XCTAssertTrue(text.contains("\"ruleType\":\"DNAT\""))
        XCTAssertFalse(text.contains("\"type\""), "unset fields are omitted")
        var port = ApplicationPort(protocol_: "TCP", destinationPorts: ["6443"])
        port.destinationPorts?.append("443")
        XCTAssertTrue(String(decoding: try JSONEncoder.vcd().encode(port), as: UTF8.self).contains("\"protocol\":\"TCP\""))
        let entity = try JSONDecoder().decode(DefinedEntity.self, from: Data(#"{"id":"urn:vcloud:entity:a:b:1","entity":{"spec":{"n":[1,2.5,true,null]}}}"#.utf8))
        XCTAssertEqual(entity.entity?.value(at: "spec.n"), .array([.int(1), .double(2.5), .bool(true), .null]))
        let err = String(decoding: try JSONEncoder.vcd().encode(VCDError(minorErrorCode: "X", message: "a/b")), as: UTF8.self)
        XCTAssertTrue(err.contains(#""message":"a/b""#), err)
        XCTAssertFalse(err.contains("stackTrace"), err)
    }

    func testLegacyPathsAnswerXMLErrors() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let r = h.call("GET", "/api/task/\(UUID().uuidString)", token: h.tenant, headers: ["Accept": "application/*+xml;version=37.0"])
        XCTAssertEqual(r.status, 403)
        XCTAssertEqual(r.headers["Content-Type"], MediaType.error)
        XCTAssertTrue(r.text.contains("<Error xmlns=\"http://www.vmware.com/vcloud/v1.5\" minorErrorCode=\"ACCESS_TO_RESOURCE_IS_FORBIDDEN\""), r.text)
        XCTAssertTrue(r.text.contains("majorErrorCode=\"403\""))
        let v2 = h.values(h.call("GET", "/cloudapi/2.0.0/vdcComputePolicies", token: h.tenant))
        XCTAssertTrue(v2.allSatisfy { $0["policyType"] as? String == "VdcVmPolicy" })
        let v1 = h.values(h.call("GET", "/cloudapi/1.0.0/vdcComputePolicies", token: h.tenant))
        XCTAssertTrue(v1.allSatisfy { $0["policyType"] == nil })
    }
}
