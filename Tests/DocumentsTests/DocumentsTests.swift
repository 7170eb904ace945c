import CloudWire
import Documents
import Foundation
import XCTest

/// The one JSON model and the one YAML bridge: order kept across every conversion, several
/// documents, kubeconfig files written and read back, errors that say where.
final class DocumentsTests: XCTestCase {
    func keys(_ v: JSONValue?) -> [String] {
        if case .object(let o)? = v { return Array(o.keys) }
        return []
    }

    func testJSONKeepsKeyOrderBothWays() throws {
        let text = #"{"zeta":1,"alpha":{"y":true,"b":null},"mid":[2.5,"x"],"a0":-3}"#
        let v = try JSONValue.parse(Data(text.utf8))
        XCTAssertEqual(keys(v), ["zeta", "alpha", "mid", "a0"])
        XCTAssertEqual(keys(v["alpha"]), ["y", "b"])
        XCTAssertEqual(v.jsonText(), text)
        XCTAssertEqual(v["a0"], .int(-3))
        XCTAssertEqual(v["mid"], .array([.double(2.5), .string("x")]))
    }

    func testEqualityIgnoresKeyOrderLikeJSON() throws {
        let a = try JSONValue.parse(Data(#"{"a":1,"b":[1,{"c":2,"d":3}]}"#.utf8))
        let b = try JSONValue.parse(Data(#"{"b":[1,{"d":3,"c":2}],"a":1}"#.utf8))
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, try JSONValue.parse(Data(#"{"a":1,"b":[{"d":3,"c":2},1]}"#.utf8)), "array order counts")
        XCTAssertNotEqual(a.jsonText(), b.jsonText(), "but each is written in its own order")
    }

    func testLiteralsKeepTheirOrderAndDictionariesAreSorted() {
        let literal: JSONValue = ["kind": "Service", "apiVersion": "v1", "metadata": ["name": "web"]]
        XCTAssertEqual(keys(literal), ["kind", "apiVersion", "metadata"])
        let fromDictionary: [String: JSONValue] = ["b": 1, "c": 2, "a": 3]
        XCTAssertEqual(keys(.object(fromDictionary)), ["a", "b", "c"])
    }

    func testCodableEncodesMembersInOrder() throws {
        let v: JSONValue = ["z": 1, "a": ["q": "x"]]
        let back = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(v))
        XCTAssertEqual(back, v)
        XCTAssertEqual(back["a"]?["q"]?.stringValue, "x")
    }

    func testBadJSONSaysWhere() {
        XCTAssertThrowsError(try JSONReader.parse("{\n  \"a\": 1,\n  \"b\" 2\n}")) { e in
            let s = e as? JSONSyntaxError
            XCTAssertEqual(s?.line, 3)
            XCTAssertEqual(s?.column, 7)
            XCTAssertEqual(s?.description, "invalid JSON at line 3, column 7: expected : after the key")
        }
    }

    func testOrderKeptYAMLToJSONToYAML() throws {
        let yaml = """
            kind: Deployment
            apiVersion: apps/v1
            metadata:
              name: web
              labels:
                zone: b
                app: web
            spec:
              replicas: 2
              ports:
              - 80
              - 443

            """
        let doc = try YAMLReader.document(yaml)
        XCTAssertEqual(keys(doc), ["kind", "apiVersion", "metadata", "spec"])
        XCTAssertEqual(keys(doc["metadata"]?["labels"]), ["zone", "app"])
        let json = doc.jsonText()
        XCTAssertEqual(json, #"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","labels":{"zone":"b","app":"web"}},"spec":{"replicas":2,"ports":[80,443]}}"#)
        let again = try JSONValue.parse(Data(json.utf8))
        XCTAssertEqual(try YAMLWriter.text(again), yaml)
    }

    func testMultiDocumentYAML() throws {
        let text = "a: 1\n---\n# nothing here\n---\n- x\n- 'yes'\n- yes\n"
        let core = try YAMLReader.documents(text)
        XCTAssertEqual(core, [["a": 1], .null, [.string("x"), .string("yes"), .string("yes")]])
        let k8s = try YAMLReader.documents(text, schema: .yaml11)
        XCTAssertEqual(k8s[2], [.string("x"), .string("yes"), .bool(true)], "YAML 1.1: plain yes is a boolean, quoted it stays text")
        let written = try YAMLWriter.text(documents: [["b": 2], ["c": "yes"]])
        XCTAssertEqual(written, "b: 2\n---\nc: 'yes'\n".replacingOccurrences(of: "'yes'", with: "\"yes\""))
        XCTAssertEqual(try YAMLReader.documents(written, schema: .yaml11), [["b": 2], ["c": "yes"]])
    }

    func testBudgetStopsAnAliasBomb() {
        struct Spent: Error {}
        let bomb = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n"
        var total = 0
        XCTAssertThrowsError(try YAMLReader.documents(bomb, budget: { n in total += n; if total > 100 { throw Spent() } })) { e in
            XCTAssertTrue(e is Spent, "the budget's own error comes through: \(e)")
        }
    }

    func testBadYAMLSaysWhichLine() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [web\n  labels: {}\n"
        XCTAssertThrowsError(try YAMLReader.documents(text)) { e in
            guard let s = e as? YAMLSyntaxError else { return XCTFail("\(e)") }
            XCTAssertNotNil(s.line)
            XCTAssertGreaterThanOrEqual(s.line ?? 0, 4)
            XCTAssertTrue(s.description.hasPrefix("\(s.line!):\(s.column!): error: "), s.description)
        }
    }

    func testStringsThatWouldReadBackAsSomethingElseAreQuoted() throws {
        let v: JSONValue = ["on": "on", "n": "007", "t": "true", "empty": "", "plain": "web-1", "lines": "a\nb\n"]
        let text = try YAMLWriter.text(v)
        XCTAssertEqual(text, "\"on\": \"on\"\n\"n\": \"007\"\nt: \"true\"\nempty: \"\"\nplain: web-1\nlines: |\n  a\n  b\n")
        XCTAssertEqual(try YAMLReader.document(text, schema: .yaml11), v)
        XCTAssertEqual(try YAMLReader.document(text, schema: .core), v)
    }

    func testKubeconfigRoundTrip() throws {
        let text = KubeconfigText.yaml(cluster: "wc", server: "https://127.0.0.1:18446/clusters/wc", token: "t0k\"en",
                                       caData: "UEVN", insecure: false)
        XCTAssertTrue(text.contains("server: \"https://127.0.0.1:18446/clusters/wc\""), text)
        XCTAssertTrue(text.contains("current-context: \"wc-admin@wc\""), text)
        let doc = try YAMLReader.document(text, schema: .yaml11)
        XCTAssertEqual(keys(doc), ["apiVersion", "kind", "clusters", "contexts", "current-context", "preferences", "users"])
        XCTAssertEqual(doc, KubeconfigText.document(cluster: "wc", server: "https://127.0.0.1:18446/clusters/wc", token: "t0k\"en", caData: "UEVN"))
        XCTAssertEqual(doc["users"]?.values(at: ["user", "token"]), [.string("t0k\"en")])
        XCTAssertEqual(doc["clusters"]?.values(at: ["cluster", "certificate-authority-data"]), [.string("UEVN")])
        let insecure = try YAMLReader.document(KubeconfigText.yaml(cluster: "c", server: "https://h", token: "x", insecure: true), schema: .yaml11)
        XCTAssertEqual(insecure["clusters"]?.values(at: ["cluster", "insecure-skip-tls-verify"]), [.bool(true)])
        XCTAssertEqual(KubeconfigText.quoted("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"")
    }
}
