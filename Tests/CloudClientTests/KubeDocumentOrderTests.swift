import XCTest
import CloudWire
@testable import CloudClient

/// A manifest read from YAML goes on the wire in the order it was written, and the kubeconfig
/// the simulator writes reads back through the same bridge.
final class KubeDocumentOrderTests: XCTestCase {
    func testManifestIsSentInItsOwnOrder() throws {
        let manifest = """
            kind: ConfigMap
            apiVersion: v1
            metadata: {name: settings, namespace: default}
            data:
              zeta: "1"
              alpha: "2"
            """
        let objects = try KubeManifest.objects(manifest)
        XCTAssertEqual(objects.count, 1)
        var sent = ""
        let transport = InProcessTransport { req in
            sent = String(decoding: req.body, as: UTF8.self)
            return HTTPResponseMessage(status: 201, headers: ["Content-Type": "application/json"], body: req.body)
        }
        let client = KubeClient(server: "https://127.0.0.1:6443", transport: transport, token: "t")
        let back = try client.send("POST", "/api/v1/namespaces/default/configmaps", body: objects[0])
        XCTAssertEqual(sent, #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"settings","namespace":"default"},"data":{"zeta":"1","alpha":"2"}}"#)
        guard case .object(let o) = back, case .object(let data)? = back["data"] else { return XCTFail("\(back)") }
        XCTAssertEqual(Array(o.keys), ["kind", "apiVersion", "metadata", "data"])
        XCTAssertEqual(Array(data.keys), ["zeta", "alpha"])
    }

    func testSimulatorKubeconfigReadsBack() throws {
        let text = KubeconfigText.yaml(cluster: "wc", server: "https://127.0.0.1:18446/clusters/wc", token: "secret-token", insecure: true)
        let config = try KubeConfig.parse(text)
        let r = try config.resolve()
        XCTAssertEqual(r.contextName, "wc-admin@wc")
        XCTAssertEqual(r.server, "https://127.0.0.1:18446/clusters/wc")
        XCTAssertEqual(r.token, "secret-token")
        XCTAssertEqual(r.namespace, "default")
        XCTAssertTrue(r.insecure)
    }

    func testBadKubeconfigSaysWhichLine() {
        XCTAssertThrowsError(try KubeConfig.parse("apiVersion: v1\nclusters:\n- name: [x\n", source: "kc")) { e in
            let m = (e as? KubeConfigError)?.message ?? "\(e)"
            XCTAssertTrue(m.hasPrefix("the kubeconfig kc is not valid YAML: 4:1: error: "), m)
        }
    }
}
