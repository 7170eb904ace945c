import CloudSim
import Foundation
import ScriptCloud
import XCTest
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// Counts the requests that reach the simulated Kubernetes API, by method.
final class RecordingTransport: HTTPTransport {
    let inner: HTTPTransport
    private let lock = NSLock()
    private var _requests: [String] = []
    init(_ inner: HTTPTransport) { self.inner = inner }
    var requests: [String] { lock.lock(); defer { lock.unlock() }; return _requests }
    /// Everything but reads.
    var writes: [String] { requests.filter { !$0.hasPrefix("GET ") } }
    func reset() { lock.lock(); _requests = []; lock.unlock() }
    func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        lock.lock(); _requests.append("\(request.method) \(request.path)"); lock.unlock()
        return try inner.send(request, to: baseURL)
    }
}

/// A simulator with one Kubernetes cluster `wc`, and scripts whose `kube.connect` reaches it
/// in-process (a kubeconfig whose server is https://kube.sim.test).
final class KubeHarness {
    let h: SimHarness
    let recorder: RecordingTransport
    let kubeconfig: String
    var output: [String] = []
    var debug: [String] = []
    var deleteTimeout: Double = 5
    private let lock = NSLock()

    init() throws {
        h = try SimHarness()
        try h.sim.createKubeCluster(name: "wc")
        let sim = h.sim
        recorder = RecordingTransport(InProcessTransport { sim.handle($0, service: .kube) })
        kubeconfig = h.dir + "/wc.kubeconfig"
        try write(try h.sim.kubeconfig(cluster: "wc", server: "https://kube.sim.test"), to: kubeconfig)
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Runs vcdscript code; `KC` in the code is replaced by the kubeconfig path (quoted).
    @discardableResult
    func run(_ code: String, mode: EngineMode = .apply) throws -> [String] {
        output = []
        let gate = MutationGate(mode: mode) { [weak self] line in self?.lock.lock(); self?.output.append(line); self?.lock.unlock() }
        let recorder = self.recorder
        var wiring = KubeWiring(gate: gate, debugSink: { [weak self] line in self?.lock.lock(); self?.debug.append(line); self?.lock.unlock() },
                                transport: { r in r.server.hasPrefix("https://kube.sim.test") ? recorder : nil })
        wiring.retry = RetryPolicy(maxAttempts: 2, baseDelay: 0.001, maxDelay: 0.01, maxTotalDelay: 1)
        wiring.deleteTimeout = deleteTimeout
        wiring.clock = h.sim.clock
        let e = h.engine(mode: mode)
        let source = code.replacingOccurrences(of: "KC", with: "\"\(kubeconfig)\"")
        try ScriptRun(engine: e, kube: wiring, output: { [weak self] line in self?.lock.lock(); self?.output.append(line); self?.lock.unlock() },
                      clock: h.hostClock).run(source)
        return output
    }

    /// The script error of running `code`.
    func failure(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> ScriptError? {
        scriptError(file: file, line: line) { try run(code) }
    }

    /// An object as the simulated apiserver holds it.
    func stored(_ path: String) throws -> JSONValue? {
        let token = try XCTUnwrap(KubeConfig.load(path: kubeconfig).resolve().token)
        let r = h.sim.handle(HTTPRequestMessage(method: "GET", target: "/clusters/wc" + path, headers: ["Authorization": "Bearer " + token]), service: .kube)
        return r.status == 200 ? try JSONValue.parse(r.body) : nil
    }
}

final class KubeTests: XCTestCase {
    func testVersionNamespacesAndEnsureTwiceIsUnchangedWithoutAWrite() throws {
        let k = try KubeHarness()
        let ensure = """
            let k = kube.connect(kubeconfig: KC, context: nil)
            print(k.version)
            print(k.namespaces)
            let d = k.deployments.ensure(name: "test-lb", namespace: "default", image: "containous/whoami", replicas: 3)
            print(d.replicas, d.image, d.resourceVersion)
            """
        let first = try k.run(ensure)
        XCTAssertEqual(first.first, "v1.29.2")
        let text = first.joined(separator: "\n")
        XCTAssertTrue(text.contains("NAME                PHASE   AGE\ndefault             Active  "), text)
        XCTAssertTrue(text.contains("\nkube-system         Active  "), text)
        XCTAssertTrue(first.contains("+ created deployment default/test-lb"), first.joined(separator: "\n"))
        XCTAssertEqual(k.recorder.writes, ["POST /clusters/wc/apis/apps/v1/namespaces/default/deployments"])
        // The cluster's controllers write the Deployment's status for a few passes; after that only
        // a write of the engine would change its resourceVersion.
        for _ in 0..<5 { k.h.sim.advanceClusterAPI() }
        let rv = try XCTUnwrap(k.stored("/apis/apps/v1/namespaces/default/deployments/test-lb")?["metadata"]?["resourceVersion"]?.stringValue)
        XCTAssertTrue(first.last?.hasPrefix("3 containous/whoami ") == true, first.joined(separator: "\n"))

        k.recorder.reset()
        let second = try k.run(ensure)
        XCTAssertTrue(second.contains("= unchanged deployment default/test-lb"), second.joined(separator: "\n"))
        XCTAssertEqual(k.recorder.writes, [], "a second ensure must send no write")
        XCTAssertEqual(try k.stored("/apis/apps/v1/namespaces/default/deployments/test-lb")?["metadata"]?["resourceVersion"]?.stringValue, rv)

        // Only the field given and different is updated; the others stay.
        k.recorder.reset()
        let third = try k.run("""
            let d = kube.connect(kubeconfig: KC).deployments.ensure(name: "test-lb", replicas: 5)
            print(d.replicas, d.image)
            """)
        XCTAssertTrue(third.contains("~ updated deployment default/test-lb (replicas)"), third.joined(separator: "\n"))
        XCTAssertEqual(third.last, "5 containous/whoami")
        XCTAssertEqual(k.recorder.writes, ["PATCH /clusters/wc/apis/apps/v1/namespaces/default/deployments/test-lb"])
        let image = try k.run("""
            let d = kube.connect(kubeconfig: KC).deployments.ensure(name: "test-lb", image: "containous/whoami:v1.5")
            print(d.images, d.replicas)
            """)
        XCTAssertTrue(image.contains("~ updated deployment default/test-lb (image)"), image.joined(separator: "\n"))
        XCTAssertEqual(image.last, "[\"containous/whoami:v1.5\"] 5")
    }

    func testPlanModeRecordsAndSendsNothing() throws {
        let k = try KubeHarness()
        let out = try k.run("""
            let k = kube.connect(kubeconfig: KC)
            let d = k.deployments.ensure(name: "web", image: "nginx", replicas: 2)
            print(d.name, d.uid)
            k.configMaps.ensure(name: "cfg", data: {a: "1"})
            """, mode: .plan)
        XCTAssertEqual(out.filter { $0.hasPrefix("+ create ") }, ["+ create deployment default/web", "+ create configmap default/cfg"])
        XCTAssertTrue(out.contains("web (known after apply)"), out.joined(separator: "\n"))
        XCTAssertEqual(k.recorder.writes, [])
        XCTAssertNil(try k.stored("/apis/apps/v1/namespaces/default/deployments/web"))

        // An update planned shows the object as it would be; nothing is sent.
        try k.run("""
            kube.connect(kubeconfig: KC).deployments.ensure(name: "web", image: "nginx", replicas: 2)
            """)
        k.recorder.reset()
        let planned = try k.run("""
            let d = kube.connect(kubeconfig: KC).deployments.ensure(name: "web", image: "nginx:1.27", replicas: 4)
            print(d.replicas, d.image, d.images)
            """, mode: .plan)
        XCTAssertEqual(planned, ["~ update deployment default/web (replicas, image)", "4 nginx:1.27 [\"nginx:1.27\"]"])
        XCTAssertEqual(k.recorder.writes, [])
    }

    /// `ensure` on Kubernetes objects that exist changes only what it is given: each kind ensured
    /// with its name alone sends no write.
    func testEnsureWithOmittedArgumentsChangesNothingOnEachKubeKind() throws {
        let k = try KubeHarness()
        _ = try k.run("""
            let k = kube.connect(kubeconfig: KC)
            k.namespaces.ensure(name: "shop", labels: {team: "web"})
            k.deployments.ensure(name: "web", namespace: "shop", image: "nginx:1.27", replicas: 3, port: 8080, env: {MODE: "prod"}, labels: {tier: "front"})
            k.services.ensure(name: "web", namespace: "shop", port: 80, targetPort: 8080, selector: {app: "web"}, type: "LoadBalancer")
            k.configMaps.ensure(name: "web", namespace: "shop", data: {a: "1"})
            k.secrets.ensure(name: "web", namespace: "shop", data: {token: "s3cr3t"})
            """)
        k.recorder.reset()
        let out = try k.run("""
            let k = kube.connect(kubeconfig: KC)
            k.namespaces.ensure(name: "shop")
            k.deployments.ensure(name: "web", namespace: "shop")
            k.services.ensure(name: "web", namespace: "shop")
            k.configMaps.ensure(name: "web", namespace: "shop")
            k.secrets.ensure(name: "web", namespace: "shop")
            """)
        XCTAssertEqual(k.recorder.writes, [], out.joined(separator: "\n"))
        XCTAssertEqual(out.filter { $0.hasPrefix("+") || $0.hasPrefix("~") || $0.hasPrefix("-") }, [], out.joined(separator: "\n"))
        XCTAssertEqual(out.filter { $0.hasPrefix("= unchanged") }.count, 5, out.joined(separator: "\n"))
    }

    func testExposeCreatesAServiceSelectingTheDeploymentsPods() throws {
        let k = try KubeHarness()
        let script = """
            let k = kube.connect(kubeconfig: KC)
            let d = k.deployments.ensure(name: "test-lb", namespace: "default", image: "containous/whoami", replicas: 3)
            let svc = k.expose(deployment: d, port: 8080, targetPort: 80, type: "LoadBalancer")
            let p = k.services.get("test-lb").ports
            print(p[0].port, p[0].targetPort, p[0].protocol, svc.type, svc.selector, svc.externalIP)
            print(k.services)
            """
        let out = try k.run(script)
        XCTAssertTrue(out.contains("+ created service default/test-lb"), out.joined(separator: "\n"))
        XCTAssertTrue(out.contains("8080 80 TCP LoadBalancer {app: \"test-lb\"} <pending>"), out.joined(separator: "\n"))
        XCTAssertTrue(out.joined(separator: "\n").contains("NAME        TYPE          CLUSTERIP   EXTERNALIP  PORTLIST        AGE\nkubernetes  ClusterIP     10.96.0.1   <none>      443/TCP"),
                      out.joined(separator: "\n"))
        XCTAssertTrue(out.joined(separator: "\n").contains("\ntest-lb     LoadBalancer  10.96.0.11  <pending>   8080:30000/TCP"), out.joined(separator: "\n"))
        let s = try XCTUnwrap(k.stored("/api/v1/namespaces/default/services/test-lb"))
        XCTAssertEqual(s["spec"]?["selector"], ["app": "test-lb"])
        XCTAssertEqual(s["spec"]?["type"], "LoadBalancer")
        guard case .array(let ports)? = s["spec"]?["ports"] else { return XCTFail("no ports") }
        XCTAssertEqual(ports.count, 1)
        XCTAssertEqual(ports.first?["port"], 8080)
        XCTAssertEqual(ports.first?["targetPort"], 80)
        // Again: nothing to do.
        k.recorder.reset()
        let again = try k.run(script)
        XCTAssertTrue(again.contains("= unchanged service default/test-lb"), again.joined(separator: "\n"))
        XCTAssertEqual(k.recorder.writes, [])
        // Another port: updated in place, still one port.
        let moved = try k.run("""
            let k = kube.connect(kubeconfig: KC)
            print(k.expose(deployment: "test-lb", port: 9090, targetPort: 80, type: "LoadBalancer").portList)
            """)
        XCTAssertTrue(moved.contains("~ updated service default/test-lb (port)"), moved.joined(separator: "\n"))
        // The apiserver allocates a node port to a LoadBalancer Service's port, as kubectl shows it.
        XCTAssertEqual(moved.last, "9090:30000/TCP")
    }

    static let manifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web-config
          namespace: demo
        data:
          greeting: hello
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: demo
          labels: {app: web}
        spec:
          replicas: REPLICAS
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - containerPort: 80
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: demo
        spec:
          selector: {app: web}
          ports:
          - port: 80
            targetPort: 80
        """

    /// `get` finds a custom resource by its kind alone (discovery, as kubectl does), takes the
    /// group/version/Kind form, and says what to pass when a kind is unknown.
    func testGetFindsACustomResourceByKindAlone() throws {
        let k = try KubeHarness()
        let out = try k.run("""
            let k = kube.connect(kubeconfig: KC)
            k.apply(\"\"\"
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.com}
                spec:
                  group: example.com
                  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
                  scope: Namespaced
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                \"\"\")
            k.apply(\"\"\"
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w1, namespace: default}
                spec: {size: 3}
                \"\"\")
            print(k.get("Widget", "w1")["spec"]["size"], k.get("example.com/v1/Widget", "w1").name, k.get("Widget", "none"))
            k.configMaps.ensure(name: "plain", data: {a: "1"})
            print(k.get("ConfigMap", "plain").name)
            """)
        XCTAssertEqual(out.filter { !$0.hasPrefix("+") }.suffix(2), ["3 w1 nil", "plain"], out.joined(separator: "\n"))
        let e = k.failure("""
            kube.connect(kubeconfig: KC).get("Gadget", "g1")
            """)
        XCTAssertEqual(e?.message, "get Gadget: the server serves no kind Gadget (NotFound, HTTP 404)")
        XCTAssertTrue(e?.hint?.contains("pass apiVersion:") ?? false, "\(String(describing: e?.hint))")
        let mismatch = k.failure(#"kube.connect(kubeconfig: KC).get("example.com/v1/Widget", "w1", apiVersion: "example.com/v2")"#)
        XCTAssertEqual(mismatch?.message, "get(): example.com/v1/Widget names apiVersion example.com/v1 but apiVersion: says example.com/v2")
    }

    func testApplyMultiDocumentManifest() throws {
        let k = try KubeHarness()
        let path = k.h.dir + "/manifest.yaml"
        try k.write(Self.manifest.replacingOccurrences(of: "REPLICAS", with: "2"), to: path)
        let script = """
            let k = kube.connect(kubeconfig: KC)
            let objs = k.apply(read("\(path)"))
            print(len(objs), objs[2].replicas, objs[3].kind)
            """
        let first = try k.run(script)
        XCTAssertEqual(first.filter { $0.hasPrefix("+ created") },
                       ["+ created namespace demo", "+ created configmap demo/web-config", "+ created deployment demo/web", "+ created service demo/web"])
        XCTAssertEqual(first.last, "4 2 Service")
        XCTAssertEqual(try k.stored("/api/v1/namespaces/demo/configmaps/web-config")?["data"]?["greeting"], "hello")

        k.recorder.reset()
        let second = try k.run(script)
        XCTAssertEqual(second.filter { $0.hasPrefix("=") }.count, 4, second.joined(separator: "\n"))
        XCTAssertEqual(k.recorder.writes, [], "an unchanged manifest must send no write")

        try k.write(Self.manifest.replacingOccurrences(of: "REPLICAS", with: "4").replacingOccurrences(of: "greeting: hello", with: "greeting: hi"), to: path)
        let third = try k.run(script)
        XCTAssertTrue(third.contains("~ updated configmap demo/web-config (data.greeting)"), third.joined(separator: "\n"))
        XCTAssertTrue(third.contains("~ updated deployment demo/web (spec.replicas)"), third.joined(separator: "\n"))
        XCTAssertTrue(third.contains("= unchanged service demo/web"), third.joined(separator: "\n"))
        XCTAssertEqual(try k.stored("/apis/apps/v1/namespaces/demo/deployments/web")?["spec"]?["replicas"], 4)

        // A document without a name is refused before anything is sent.
        k.recorder.reset()
        try k.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", to: path)
        let e = k.failure(script)
        XCTAssertTrue(e?.message.contains("ConfigMap (document 1) of the manifest has no metadata.name") == true, e?.message ?? "")
        XCTAssertEqual(k.recorder.writes, [])
    }

    func testDeleteIsIdempotentAndWaitsForFinalizers() throws {
        let k = try KubeHarness()
        let out = try k.run("""
            let k = kube.connect(kubeconfig: KC)
            k.configMaps.ensure(name: "cfg", data: {a: "1"})
            print(k.configMaps.delete("cfg"))
            print(k.configMaps.delete("cfg"))
            print(k.configMaps.find("cfg"))
            """)
        XCTAssertEqual(out, ["+ created configmap default/cfg", "- deleted configmap default/cfg", "true", "false", "nil"])
        XCTAssertEqual(k.recorder.writes.filter { $0.hasPrefix("DELETE") }.count, 1)

        // A finalizer nobody removes: delete waits, then says which finalizer holds it.
        k.deleteTimeout = 0.3
        let e = k.failure("""
            let k = kube.connect(kubeconfig: KC)
            k.apply("apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: held\\n  finalizers: [example.com/hold]\\n")
            k.configMaps.delete("held")
            """)
        XCTAssertTrue(e?.message.contains("configmap default/held is still there") == true, e?.message ?? "")
        XCTAssertTrue(e?.message.contains("example.com/hold") == true, e?.message ?? "")
    }

    func testBadKubeconfigsGivePreciseErrors() throws {
        let k = try KubeHarness()
        let dir = k.h.dir
        try k.write("clusters: [\n  - name: x\n   bad", to: dir + "/malformed")
        var e = k.failure("kube.connect(kubeconfig: \"\(dir)/malformed\").version")
        XCTAssertTrue(e?.message.contains("the kubeconfig \(dir)/malformed is not valid YAML") == true, e?.message ?? "")

        e = k.failure("kube.connect(kubeconfig: KC, context: \"nope\").version")
        XCTAssertTrue(e?.message.contains("has no context named nope") == true, e?.message ?? "")
        XCTAssertTrue(e?.hint?.contains("known contexts: wc-admin@wc") == true, e?.hint ?? "")

        let good = try String(contentsOfFile: k.kubeconfig, encoding: .utf8)
        try k.write(good.replacingOccurrences(of: "user: \"wc-admin\"", with: "user: \"ghost\""), to: dir + "/unknown-user")
        e = k.failure("kube.connect(kubeconfig: \"\(dir)/unknown-user\").version")
        XCTAssertTrue(e?.message.contains("names user ghost, which the file does not define") == true, e?.message ?? "")

        e = k.failure("kube.connect(kubeconfig: \"\(dir)/missing\")")
        XCTAssertTrue(e?.message.contains("no kubeconfig at \(dir)/missing") == true, e?.message ?? "")

        let exec = """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://kube.sim.test/clusters/wc"}}]
            users: [{name: u, user: {exec: {command: aws-iam-authenticator, apiVersion: client.authentication.k8s.io/v1}}}]
            contexts: [{name: ctx, context: {cluster: c, user: u}}]
            current-context: ctx
            """
        try k.write(exec, to: dir + "/exec")
        e = k.failure("kube.connect(kubeconfig: \"\(dir)/exec\")")
        XCTAssertTrue(e?.message.contains("exec credential plugin (aws-iam-authenticator): not supported yet") == true, e?.message ?? "")

        // A file an entry names that is not there: the entry, the path looked at, the folder.
        try k.write(exec.replacingOccurrences(of: "{exec: {command: aws-iam-authenticator, apiVersion: client.authentication.k8s.io/v1}}", with: "{tokenFile: sa-token}"),
                    to: dir + "/token-file")
        e = k.failure("kube.connect(kubeconfig: \"\(dir)/token-file\").version")
        XCTAssertTrue(e?.message.contains("cannot read tokenFile sa-token of user u (looked at \(dir)/sa-token)") == true, e?.message ?? "")
        XCTAssertTrue(e?.hint?.contains("taken from the kubeconfig's folder, \(dir)") == true, e?.hint ?? "")
    }

    func testRefusedTokenGivesTheHintAndNeverShowsTheToken() throws {
        let k = try KubeHarness()
        let good = try String(contentsOfFile: k.kubeconfig, encoding: .utf8)
        let token = try XCTUnwrap(KubeConfig.load(path: k.kubeconfig).resolve().token)
        let wrong = "sim-" + String(repeating: "0", count: 64)
        try k.write(good.replacingOccurrences(of: token, with: wrong), to: k.h.dir + "/wrong")
        let e = k.failure("kube.connect(kubeconfig: \"\(k.h.dir)/wrong\").namespaces.list()")
        XCTAssertTrue(e?.message.contains("Unauthorized") == true, e?.message ?? "")
        XCTAssertTrue(e?.hint?.contains("the token in the kubeconfig was refused") == true, e?.hint ?? "")
        XCTAssertFalse((e?.message ?? "").contains(wrong))
        XCTAssertFalse(k.debug.joined(separator: "\n").contains(wrong), "the token must not reach the debug log")
        XCTAssertFalse(k.debug.isEmpty)
    }

    func testSecretValuesNeverPrint() throws {
        let k = try KubeHarness()
        let value = "Sup3r-s3cret-value-kube"
        let b64 = Data(value.utf8).base64EncodedString()
        let out = try k.run("""
            let k = kube.connect(kubeconfig: KC)
            let s = k.secrets.ensure(name: "creds", data: {user: "admin", password: secret("\(value)")})
            print(s)
            print(s.data)
            print(s.data.password)
            print(s.yaml)
            print(s.json)
            print(k.secrets)
            print(k.secrets.get("creds").data)
            k.secrets.ensure(name: "creds", data: {password: secret("\(value)")})
            k.secrets.ensure(name: "creds", data: {password: secret("\(value)-2")})
            print(str(k.secrets.get("creds")))
            """)
        let all = (out + k.debug).joined(separator: "\n")
        XCTAssertFalse(all.contains(value), all)
        XCTAssertFalse(all.contains(b64), all)
        XCTAssertTrue(out.contains("+ created secret default/creds"), out.joined(separator: "\n"))
        XCTAssertTrue(out.contains("= unchanged secret default/creds"), out.joined(separator: "\n"))
        XCTAssertTrue(out.contains("~ updated secret default/creds (data.password)"), out.joined(separator: "\n"))
        XCTAssertTrue(out.contains("********"))
        // It was really sent.
        let stored = try XCTUnwrap(k.stored("/api/v1/namespaces/default/secrets/creds"))
        XCTAssertEqual(stored["data"]?["password"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }, value + "-2")
        XCTAssertEqual(stored["data"]?["user"]?.stringValue, Data("admin".utf8).base64EncodedString())
    }

    func testSecretsReadFromTheClusterAreMaskedInTheDebugLog() throws {
        let k = try KubeHarness()
        // Made by someone else: its values were never registered before this run reads them.
        let value = "made-elsewhere-\(UUID().uuidString)"
        let b64 = Data(value.utf8).base64EncodedString()
        let token = try XCTUnwrap(KubeConfig.load(path: k.kubeconfig).resolve().token)
        let body = #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"other"},"data":{"tls.key":"\#(b64)"}}"#
        let r = k.h.sim.handle(HTTPRequestMessage(method: "POST", target: "/clusters/wc/api/v1/namespaces/default/secrets",
                                                  headers: ["Authorization": "Bearer " + token, "Content-Type": "application/json"], body: Data(body.utf8)),
                               service: .kube)
        XCTAssertEqual(r.status, 201)
        let out = try k.run("""
            let k = kube.connect(kubeconfig: KC)
            print(k.secrets.get("other").keys, k.secrets.count)
            print(k.secrets.get("other").data)
            """)
        XCTAssertEqual(out, ["[\"tls.key\"] 1", "{\"tls.key\": ********}"])
        let log = k.debug.joined(separator: "\n")
        XCTAssertTrue(log.contains("\"tls.key\":\"********\""), log)
        XCTAssertFalse(log.contains(b64), log)
        XCTAssertFalse(log.contains(value), log)
    }

    func testKubeconfigParsing() throws {
        let dir = NSTemporaryDirectory() + "kc-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("tok-from-file\n".utf8).write(to: URL(fileURLWithPath: dir + "/token"))
        try Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8).write(to: URL(fileURLWithPath: dir + "/ca.pem"))
        let cert = Data("CERT".utf8).base64EncodedString(), key = Data("-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n".utf8).base64EncodedString()
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: a
              cluster: {server: "https://10.0.0.10:6443", certificate-authority: ca.pem}
            - name: b
              cluster: {server: "https://10.0.0.20:6443", insecure-skip-tls-verify: true}
            users:
            - name: file-user
              user: {tokenFile: token}
            - name: cert-user
              user: {client-certificate-data: \(cert), client-key-data: \(key)}
            contexts:
            - name: one
              context: {cluster: a, user: file-user, namespace: apps}
            - name: two
              context: {cluster: b, user: cert-user}
            current-context: one
            """
        let c = try KubeConfig.parse(text, source: "test", directory: dir)
        let one = try c.resolve()
        XCTAssertEqual(one.server, "https://10.0.0.10:6443")
        XCTAssertEqual(one.token, "tok-from-file")
        XCTAssertEqual(one.namespace, "apps")
        XCTAssertEqual(one.caPEM.map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("-----BEGIN CERTIFICATE-----"), true)
        XCTAssertFalse(one.insecure)
        let two = try c.resolve(context: "two")
        XCTAssertTrue(two.insecure)
        XCTAssertEqual(two.namespace, "default")
        XCTAssertEqual(two.clientCertificatePEM, Data("CERT".utf8))
        XCTAssertNotNil(two.clientKeyPEM)
        XCTAssertNil(two.token)
        let o = two.curlOptions()
        XCTAssertTrue(o.insecure)
        XCTAssertEqual(o.clientCertificatePEM, Data("CERT".utf8))
        XCTAssertEqual(o.clientKeyPEM, two.clientKeyPEM)
        // Keys are secrets: registered, they never show.
        two.registerSecrets()
        XCTAssertFalse(SecretRedactor.shared.redact("key: " + String(decoding: two.clientKeyPEM!, as: UTF8.self)).contains("KEY\n"))
    }

    /// The real path: libcurl to `sim serve --tls` on 127.0.0.1 with the kubeconfig `sim kube
    /// kubeconfig` writes (the simulator's certificate embedded as certificate-authority-data).
    func testOverLoopbackTLSWithTheSimulatorsKubeconfig() throws {
        let k = try KubeHarness()
        let state = k.h.dir + "/state.sqlite"
        let tls = try SimulatorTLSFiles.selfSigned(forState: state)
        let server = SimulatorServer(simulator: k.h.sim, ports: [.kube: 0], tls: tls)
        try OverSocketTests.blocking { try await server.start() }
        defer { try? OverSocketTests.blocking { await server.stop() } }
        let base = try XCTUnwrap(server.url(.kube))
        XCTAssertTrue(base.hasPrefix("https://127.0.0.1:"), base)
        let pem = try String(contentsOfFile: tls.certificate, encoding: .utf8)
        let path = k.h.dir + "/tls.kubeconfig"
        try k.write(try k.h.sim.kubeconfig(cluster: "wc", server: base, certificateAuthorityPEM: pem), to: path)
        let out = try k.run("""
            let k = kube.connect(kubeconfig: "\(path)")
            print(k.version, k.server)
            k.configMaps.ensure(name: "over-tls", data: {a: "1"})
            k.configMaps.ensure(name: "over-tls", data: {a: "1"})
            print(k.configMaps.get("over-tls").data)
            """)
        XCTAssertEqual(out.first, "v1.29.2 \(base)/clusters/wc")
        XCTAssertEqual(Array(out.dropFirst()), ["+ created configmap default/over-tls", "= unchanged configmap default/over-tls", "{a: \"1\"}"])
        XCTAssertEqual(k.recorder.requests, [], "this test must go over the socket, not in-process")
        // A client certificate and key (the server does not ask for one here) go to libcurl as
        // blobs: a good pair is used without harm, a broken one stops the handshake.
        let token = try XCTUnwrap(KubeConfig.load(path: path).resolve().token)
        let certData = try Data(contentsOf: URL(fileURLWithPath: tls.certificate)).base64EncodedString()
        let keyData = try Data(contentsOf: URL(fileURLWithPath: tls.key)).base64EncodedString()
        func mtls(cert: String, key: String) -> String {
            """
            apiVersion: v1
            kind: Config
            clusters: [{name: wc, cluster: {server: "\(base)/clusters/wc", certificate-authority-data: "\(Data(pem.utf8).base64EncodedString())"}}]
            users: [{name: u, user: {token: "\(token)", client-certificate-data: "\(cert)", client-key-data: "\(key)"}}]
            contexts: [{name: c, context: {cluster: wc, user: u}}]
            current-context: c
            """
        }
        try k.write(mtls(cert: certData, key: keyData), to: path)
        XCTAssertEqual(try k.run("print(kube.connect(kubeconfig: \"\(path)\").version)"), ["v1.29.2"])
        try k.write(mtls(cert: Data("not a certificate".utf8).base64EncodedString(), key: keyData), to: path)
        let bad = k.failure("kube.connect(kubeconfig: \"\(path)\").version")
        XCTAssertTrue(bad?.message.contains("TLS") == true, bad?.message ?? "")
        XCTAssertFalse(bad?.message.contains(token) == true)

        // insecure-skip-tls-verify: no CA needed.
        try k.write(try k.h.sim.kubeconfig(cluster: "wc", server: base, insecureSkipTLSVerify: true), to: path)
        XCTAssertEqual(try k.run("print(kube.connect(kubeconfig: \"\(path)\").configMaps.names)"), ["[\"over-tls\"]"])

        // Without the CA data, verification fails with the transport's hint.
        try k.write(try k.h.sim.kubeconfig(cluster: "wc", server: base), to: path)
        let e = k.failure("kube.connect(kubeconfig: \"\(path)\").version")
        XCTAssertTrue(e?.message.contains("is not trusted") == true, e?.message ?? "")
    }
}

final class KubeReadTests: XCTestCase {
    func testPodsNodesGetAndNamespaces() throws {
        let k = try KubeHarness()
        let out = try k.run("""
            let k = kube.connect(kubeconfig: KC)
            k.namespaces.ensure(name: "apps", labels: {team: "a"})
            k.namespaces.ensure(name: "apps", labels: {team: "a"})
            k.namespaces.ensure(name: "apps", labels: {team: "b"})
            let a = k.withNamespace("apps")
            a.apply("apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: p1\\nspec:\\n  containers:\\n  - name: c\\n    image: busybox\\n")
            print(a.pods)
            print(k.pods.count, k.pods.inNamespace("apps").names, a.pods.get("p1").images, a.pods.get("p1").phase)
            print(k.nodes.count)
            print(k.get("Pod", "p1", namespace: "apps").namespace, k.get("Deployment", "nope"))
            print(a.pods.delete("p1"), a.pods.delete("p1"))
            try { a.pods.get("p2") } catch e { print(e.message) }
            print(k.namespaces.get("apps").labels.team)
            print(k.namespaces.delete("apps"), k.namespaces.find("apps"))
            try { k.namespaces.delete("default") } catch e { print(e.message) }
            """)
        let text = out.joined(separator: "\n")
        XCTAssertTrue(out.contains("+ created namespace apps"), text)
        XCTAssertTrue(out.contains("= unchanged namespace apps"), text)
        XCTAssertTrue(out.contains("~ updated namespace apps (labels.team)"), text)
        XCTAssertTrue(out.contains("+ created pod apps/p1"), text)
        XCTAssertTrue(text.contains("NAME  READY  PHASE    RESTARTS  AGE\np1    0/1    Pending  0"), text)
        // Bound to the kind node by the scheduler and started by its kubelet a few requests later.
        XCTAssertTrue(out.contains("0 [\"p1\"] [\"busybox\"] Running"), text)
        XCTAssertTrue(out.contains("1"), "kind's control-plane node: \(text)")
        XCTAssertTrue(out.contains("apps nil"), text)
        XCTAssertTrue(out.contains("- deleted pod apps/p1"), text)
        XCTAssertTrue(out.contains("true false"), text)
        XCTAssertTrue(out.contains("no pod named p2 in namespace apps"), text)
        XCTAssertTrue(out.contains("b"), text)
        XCTAssertTrue(out.contains("- deleted namespace apps"), text)
        XCTAssertTrue(out.contains("true nil"), text)
        XCTAssertTrue(out.contains { $0.contains("Forbidden") && $0.contains("may not be deleted") }, text)
    }
}

final class KubeDiffTests: XCTestCase {
    func testManifestDifferencesIgnoreServerDefaultsAndCanonicalQuantities() {
        let spec: JSONValue = ["spec": ["replicas": 2, "template": ["spec": ["containers": [["name": "c", "image": "nginx",
            "resources": ["requests": ["cpu": .double(0.5), "memory": "1024Mi"], "limits": ["cpu": 1]]]]]]],
            "metadata": ["labels": ["version": "1.20"]]]
        let live: JSONValue = ["spec": ["replicas": 2, "revisionHistoryLimit": 10, "template": ["spec": ["containers": [["name": "c", "image": "nginx",
            "imagePullPolicy": "Always", "resources": ["requests": ["cpu": "500m", "memory": "1Gi"], "limits": ["cpu": "1"]]]]]]],
            "metadata": ["labels": ["version": "1.20"], "uid": "x"]]
        XCTAssertEqual(KubeJSONPath.differences(spec, live), [])
        var changed = live
        KubeJSONPath.set(&changed, ["metadata", "labels", "version"], "1.2")
        XCTAssertEqual(KubeJSONPath.differences(spec, changed), ["metadata.labels.version"], "labels are text, not quantities")
        KubeJSONPath.set(&changed, ["spec", "replicas"], 3)
        XCTAssertEqual(KubeJSONPath.differences(spec, changed), ["metadata.labels.version", "spec.replicas"])
    }
}
