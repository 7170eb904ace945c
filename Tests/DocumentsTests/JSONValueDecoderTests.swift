import Documents
import Foundation
import XCTest

/// Decoding records straight from a `JSONValue`: strict as `JSONDecoder`, or lenient as the
/// simulated controllers read users' manifests.
final class JSONValueDecoderTests: XCTestCase {
    struct Ref: Decodable, Equatable { var name: String?; var namespace: String? }
    struct Spec: Decodable, Equatable {
        var replicas: Int?
        var version: String?
        var paused: Bool?
        var ref = Ref()
        var ports: [Ref]?
        var template: JSONValue?
    }
    struct Object: Decodable, Equatable { var spec = Spec() }
    struct Required: Decodable { var name: String; var size: Int; var ratio: Double }

    func doc(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    func testStrictDecodesLikeJSONDecoder() throws {
        let text = #"{"name":"md-0","size":3,"ratio":0.5}"#
        let direct = try doc(text).decode(Required.self)
        let viaText = try JSONDecoder().decode(Required.self, from: Data(text.utf8))
        XCTAssertEqual([direct.name, "\(direct.size)", "\(direct.ratio)"], [viaText.name, "\(viaText.size)", "\(viaText.ratio)"])
        XCTAssertEqual(try doc(#"{"name":"a","size":2.0,"ratio":1}"#).decode(Required.self).size, 2, "an integral double is an integer")
    }

    func testStrictRefusesWhatDoesNotFitAndSaysWhere() throws {
        XCTAssertThrowsError(try doc(#"{"name":"a","ratio":1}"#).decode(Required.self)) { e in
            guard case DecodingError.keyNotFound(let key, _)? = e as? DecodingError else { return XCTFail("\(e)") }
            XCTAssertEqual(key.stringValue, "size")
        }
        XCTAssertThrowsError(try doc(#"{"spec":{"replicas":"3"}}"#).decode(Object.self)) { e in
            guard case DecodingError.typeMismatch(_, let ctx)? = e as? DecodingError else { return XCTFail("\(e)") }
            XCTAssertEqual(ctx.codingPath.map(\.stringValue), ["spec", "replicas"])
            XCTAssertEqual(ctx.debugDescription, "expected an integer, found a string")
        }
        XCTAssertThrowsError(try doc(#"{"name":"a","size":2.5,"ratio":1}"#).decode(Required.self), "a fraction is no integer")
        XCTAssertThrowsError(try doc(#"{"name":"a","size":1e30,"ratio":1}"#).decode(Required.self), "out of range, not wrapped")
    }

    func testLenientConvertsScalarsAsTheControllersRead() throws {
        let o = try doc(#"{"spec":{"replicas":"3","version":1.27,"ref":{"name":7,"namespace":true}}}"#).decode(Object.self, leniency: .lenient)
        XCTAssertEqual(o.spec.replicas, 3)
        XCTAssertEqual(o.spec.version, "1.27")
        XCTAssertEqual(o.spec.ref, Ref(name: "7", namespace: "true"))
        XCTAssertEqual(try doc(#"{"spec":{"replicas":2.9}}"#).decode(Object.self, leniency: .lenient).spec.replicas, 2, "truncated")
        XCTAssertNil(try doc(#"{"spec":{"replicas":1e300}}"#).decode(Object.self, leniency: .lenient).spec.replicas, "out of range: absent")
        XCTAssertNil(try doc(#"{"spec":{"replicas":"three"}}"#).decode(Object.self, leniency: .lenient).spec.replicas)
    }

    func testLenientReadsWhatIsMissingOrOfAnotherTypeAsAbsent() throws {
        XCTAssertEqual(try doc("{}").decode(Object.self, leniency: .lenient), Object())
        XCTAssertEqual(try doc(#""not an object""#).decode(Object.self, leniency: .lenient), Object())
        let o = try doc(#"{"spec":{"replicas":{"a":1},"version":["x"],"paused":"yes","ref":"nope","ports":[{"name":"http"},"junk",null]}}"#)
            .decode(Object.self, leniency: .lenient)
        XCTAssertNil(o.spec.replicas)
        XCTAssertNil(o.spec.version)
        XCTAssertNil(o.spec.paused, "text is no boolean")
        XCTAssertEqual(o.spec.ref, Ref())
        XCTAssertEqual(o.spec.ports, [Ref(name: "http"), Ref(), Ref()], "an element of another type is an empty record")
        XCTAssertEqual(try doc(#"{"spec":{"ports":{"name":"x"}}}"#).decode(Object.self, leniency: .lenient).spec.ports, [], "no list: an empty one")
        XCTAssertThrowsError(try doc(#"{"size":1}"#).decode(Required.self, leniency: .lenient), "a required scalar that is absent still fails")
    }

    func testAJSONValueMemberTakesTheSubtreeInOrder() throws {
        let o = try doc(#"{"spec":{"template":{"z":1,"a":[true,null]}}}"#).decode(Object.self, leniency: .lenient)
        XCTAssertEqual(o.spec.template, ["z": 1, "a": [true, .null]])
        guard case .object(let members)? = o.spec.template else { return XCTFail("no template") }
        XCTAssertEqual(Array(members.keys), ["z", "a"])
        XCTAssertEqual(try doc(#"[1,"x"]"#).decode(JSONValue.self), [1, "x"])
    }
}
