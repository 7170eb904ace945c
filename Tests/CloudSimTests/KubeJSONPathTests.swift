import CloudWire
import XCTest
@testable import CloudSim

/// `KubeJSONPath` alone: the forms each user writes (printer columns, scale subresources, field
/// selectors), what they find in an object, and the paths the apiserver would refuse.
final class KubeJSONPathTests: XCTestCase {
    private let machine: JSONValue = try! JSONValue.parse(Data("""
        {"metadata": {"name": "m1", "namespace": "default",
                      "labels": {"cluster.x-k8s.io/cluster-name": "c1", "app": "web"}},
         "spec": {"replicas": 3, "providerID": "vmware-cloud-director://abc"},
         "status": {"phase": "Running", "ready": true, "selector": "app=web",
                    "addresses": [{"type": "InternalIP", "address": "10.0.0.5"}, {"type": "Hostname", "address": "m1"}]}}
        """.utf8))

    private func at(_ path: String) throws -> JSONValue? { try KubeJSONPath(jsonPath: path).value(in: machine) }

    func testPrinterColumnAndScalePaths() throws {
        XCTAssertEqual(try at(".spec.replicas"), .int(3))
        XCTAssertEqual(try at(".status.ready"), .bool(true))
        XCTAssertEqual(try at(".status.selector"), .string("app=web"))
        XCTAssertEqual(try at(".status.addresses[1].address"), .string("m1"))
        XCTAssertNil(try at(".status.addresses[2].address"), "past the end")
        XCTAssertNil(try at(".status.nodeRef.name"), "absent")
        XCTAssertNil(try at(".spec.replicas.x"), "a scalar has no members")
        XCTAssertEqual(try at("."), machine, "the whole object")
    }

    func testBracketKeysAsCAPIWritesThem() throws {
        // Cluster API's Machine and MachineDeployment columns escape the label's dots.
        XCTAssertEqual(try at(".metadata.labels['cluster\\.x-k8s\\.io/cluster-name']"), .string("c1"))
        XCTAssertEqual(try at(".metadata.labels[\"app\"]"), .string("web"))
        XCTAssertEqual(try at(".metadata['labels']['app']"), .string("web"))
        // An escaped dot in the dotted form too.
        XCTAssertEqual(try at(".metadata.labels.cluster\\.x-k8s\\.io/cluster-name"), .string("c1"))
        // Unescaped, the dots inside the quotes are steps, as client-go reads them.
        XCTAssertNil(try at(".metadata.labels['cluster.x-k8s.io/cluster-name']"))
        XCTAssertEqual(try KubeJSONPath(jsonPath: ".metadata['labels.app']").steps, [.field("metadata"), .field("labels"), .field("app")])
    }

    func testFieldSelectorPaths() throws {
        XCTAssertEqual(try KubeJSONPath(fieldPath: "metadata.name").value(in: machine), .string("m1"))
        XCTAssertEqual(try KubeJSONPath(fieldPath: "status.phase").value(in: machine), .string("Running"))
        XCTAssertEqual(try KubeJSONPath(fieldPath: "metadata.name").steps, [.field("metadata"), .field("name")])
        XCTAssertThrowsError(try KubeJSONPath(fieldPath: ".metadata.name"), "a field selector has no leading dot")
        XCTAssertThrowsError(try KubeJSONPath(fieldPath: ""))
    }

    func testBadPathsAreReportedWithTheReason() {
        func reason(_ path: String) -> String? {
            do { _ = try KubeJSONPath(jsonPath: path); return nil } catch let e as KubeJSONPath.Invalid { return e.reason } catch { return "\(error)" }
        }
        XCTAssertEqual(reason("spec.replicas"), "must be a simple json path starting with .")
        XCTAssertEqual(reason(""), "must be a simple json path starting with .")
        XCTAssertEqual(reason(".spec..replicas"), "empty field name at offset 6")
        XCTAssertEqual(reason(".spec."), "ends with a '.'")
        XCTAssertEqual(reason(".status.addresses[0"), "unterminated '['")
        XCTAssertEqual(reason(".status.conditions[?(@.type==\"Ready\")].status"),
                       "unsupported subscript '[?(@.type==\"Ready\")]' (only an index or a quoted key)")
        XCTAssertEqual(reason(".status.addresses[*]"), "unsupported subscript '[*]' (only an index or a quoted key)")
        XCTAssertEqual(reason(".status.addresses[0]address"), "a '.' must separate '.status.addresses[0]' from what follows")
        XCTAssertNil(reason(".status.addresses[0].address"))
    }

    func testMergePatchSetsThePath() throws {
        XCTAssertEqual(try KubeJSONPath(jsonPath: ".spec.replicas").mergePatch(setting: .int(5)),
                       .object(["spec": .object(["replicas": .int(5)])]))
        XCTAssertNil(try KubeJSONPath(jsonPath: ".spec.list[0]").mergePatch(setting: .int(5)), "a merge patch cannot address an element")
    }

    func testScaleSpecOfACRD() throws {
        let declared: JSONValue = .object(["specReplicasPath": .string(".spec.replicas"), "statusReplicasPath": .string(".status.replicas"),
                                           "labelSelectorPath": .string(".status.selector")])
        let spec = try XCTUnwrap(KubeScaleSpec(crdScale: declared))
        XCTAssertEqual(spec.labelSelector?.value(in: machine), .string("app=web"))
        XCTAssertNil(KubeScaleSpec(crdScale: .object(["specReplicasPath": .string("spec.replicas"), "statusReplicasPath": .string(".status.replicas")])),
                     "a path without its leading dot: no scale subresource")
        XCTAssertNil(KubeScaleSpec(crdScale: nil))
        XCTAssertEqual(KubeScaleSpec.builtIn.specReplicas.value(in: machine), .int(3))
    }
}
