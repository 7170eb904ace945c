import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The per-request parsing of the served hot path (path, query, Accept version, route segments)
/// works on bytes; these pin it to the Character-level versions it replaced, odd inputs included.
final class RequestParsingTests: XCTestCase {
    /// The Character-level `APIVersion.from(accept:)` of session 8, as the oracle.
    private func characterVersion(_ accept: String?) -> String? {
        guard let accept else { return nil }
        func trim(_ s: Substring) -> Substring {
            var t = s
            while let f = t.first, f == " " || f == "\"" { t = t.dropFirst() }
            while let l = t.last, l == " " || l == "\"" { t = t.dropLast() }
            return t
        }
        for range in accept.split(separator: ",") {
            for param in range.split(separator: ";").dropFirst() {
                let kv = param.split(separator: "=", maxSplits: 1)
                if kv.count == 2, trim(kv[0]).lowercased() == "version" { return String(trim(kv[1])) }
            }
        }
        return nil
    }

    func testAcceptVersionMatchesTheCharacterLevelParser() {
        let accepts: [String?] = [
            nil, "", "application/json", "application/json;version=37.2", "application/*+xml;version=36.0",
            "*_/_*;version=37.2", "application/*+xml; version = 38.0", "application/json;VERSION=36.1",
            "application/json;Version=\"37.0\"", "application/json;version=", "application/json;=version=5",
            "application/json;version==5", ";version=1", "version=1", "a;b;;version=2", "a;x=1;version=3;version=4",
            "text/html, application/json;version=37.1", "a;charset=utf-8, b;version=36.3", ",,;version=9,",
            "a; \"version\" = \" 38.1 \" ", "a;versions=1", "a;version", "a;versio=1", "a;version=é", "a;vérsion=1",
            "a;version=1,b;version=2", "  ;  version=37.2",
        ]
        for a in accepts {
            XCTAssertEqual(APIVersion.from(accept: a), characterVersion(a), "Accept: \(a ?? "nil")")
        }
        // The per-value memo of the served path answers the same, first time and remembered, and
        // does not keep values longer than 256 bytes.
        let long = "application/json;" + String(repeating: "x=1;", count: 80) + "version=36.2"
        for round in 0..<2 {
            for a in accepts + [long] {
                XCTAssertEqual(APIVersions.asked(a), characterVersion(a), "round \(round), Accept: \(a ?? "nil")")
            }
        }
    }

    func testPathAndQueryMatchTheCharacterLevelSplit() {
        let targets = [
            "/cloudapi/1.0.0/edgeGateways", "/cloudapi/1.0.0/edgeGateways?", "/x?page=2&pageSize=25",
            "/x?&&page=2&&", "/x?filter=name==a%3Bb;id==c&sortAsc=name", "/x?a=b=c&d", "/x?=v&n=", "/x?a=%E2%82%AC",
            "/x?q=caf%C3%A9&r=%zz", "/é/ü?ß=ü", "?only=query", "/x??a=1", "/x?a=1?b=2",
        ]
        for t in targets {
            let m = HTTPRequestMessage(method: "GET", target: t)
            let q = t.firstIndex(of: "?")
            XCTAssertEqual(m.path, q.map { String(t[..<$0]) } ?? t, t)
            let raw = q.map { String(t[t.index(after: $0)...]) } ?? ""
            XCTAssertEqual(m.rawQuery, raw, t)
            func decode(_ s: Substring) -> String { s.contains("%") ? (String(s).removingPercentEncoding ?? String(s)) : String(s) }
            let expected = raw.split(separator: "&").map { pair -> [String] in
                if let eq = pair.firstIndex(of: "=") { return [decode(pair[..<eq]), decode(pair[pair.index(after: eq)...])] }
                return [decode(pair), ""]
            }
            XCTAssertEqual(m.queryItems.map { [$0.name, $0.value] }, expected, t)
        }
        let m = HTTPRequestMessage(method: "GET", target: "/x?filter=name==a%20b&page=3")
        XCTAssertEqual(m.query("filter"), "name==a b")
        XCTAssertEqual(m.query("page"), "3")
        XCTAssertNil(m.query("pageSize"))
    }

    func testRouteSegmentsAreDecodedAndLiteralsWin() {
        XCTAssertEqual(RouteTable.split("/cloudapi/1.0.0/edgeGateways/urn%3Avcloud%3Agateway%3A1//nat/rules/"),
                       ["cloudapi", "1.0.0", "edgeGateways", "urn:vcloud:gateway:1", "nat", "rules"])
        XCTAssertEqual(RouteTable.split("/a/%zz/é"), ["a", "%zz", "é"])
        let table = RouteTable()
        let answer: Handler = { _ in HTTPResponseMessage(status: 200) }
        table.get("/t/{id}/x", .open, "BY_ID", answer)
        table.get("/t/assignments/x", .open, "LITERAL", answer)
        table.delete("/t/{id}/x", .open, "DELETE_BY_ID", answer)
        guard case .found(let literal, let none) = table.lookup(method: "GET", path: "/t/assignments/x") else { return XCTFail("no route") }
        XCTAssertEqual(literal.operation, "LITERAL")
        XCTAssertEqual(none, [:])
        guard case .found(let byID, let params) = table.lookup(method: "GET", path: "/t/urn%3Aa%3Ab/x") else { return XCTFail("no route") }
        XCTAssertEqual(byID.operation, "BY_ID")
        XCTAssertEqual(params, ["id": "urn:a:b"])
        guard case .methodNotAllowed(let allowed) = table.lookup(method: "PUT", path: "/t/1/x") else { return XCTFail("expected 405") }
        XCTAssertEqual(allowed, ["GET", "DELETE"])
        guard case .notFound = table.lookup(method: "GET", path: "/t/1/y") else { return XCTFail("expected 404") }
    }
}
