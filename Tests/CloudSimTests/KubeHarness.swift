import CloudWire
import Foundation
import XCTest
@testable import CloudSim
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A simulator with one Kubernetes cluster, reached in-process or over a loopback socket on the
/// `.kube` service, with the cluster's token read from its kubeconfig (as a user gets it).
final class KubeHarness {
    let dir: URL
    private(set) var sim: Simulator
    let overSocket: Bool
    private var server: SimulatorServer?
    private(set) var base = "https://kube.sim.test"
    let cluster: String
    private(set) var token = ""

    init(overSocket: Bool, cluster: String = "mgmt") throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kubetest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        self.overSocket = overSocket
        self.cluster = cluster
        sim = try Simulator(statePath: dir.appendingPathComponent("state.sqlite").path, options: SimulatorOptions(initialPassword: "x"))
        try sim.createKubeCluster(name: cluster, kubernetesVersion: "v1.29.2")
        try start()
    }

    private func start() throws {
        if overSocket {
            let server = SimulatorServer(simulator: sim, ports: [.kube: 0])
            try Harness.blocking { try await server.start() }
            self.server = server
            base = server.url(.kube)!
        }
        token = Self.token(in: try sim.kubeconfig(cluster: cluster, server: base))
    }

    /// The `token:` value of a kubeconfig (a JSON-quoted YAML scalar).
    static func token(in kubeconfig: String) -> String {
        guard let line = kubeconfig.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("token:") }) else { return "" }
        let quoted = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
        return (try? JSONDecoder().decode(String.self, from: Data(quoted.utf8))) ?? ""
    }

    /// Closes and opens the state file again (a restart).
    func reopen() throws {
        stopServer()
        sim = try Simulator(statePath: dir.appendingPathComponent("state.sqlite").path, options: SimulatorOptions())
        try start()
    }

    private func stopServer() {
        if let server { try? Harness.blocking { await server.stop() } }
        server = nil
    }

    deinit { close() }

    func close() {
        stopServer()
        try? FileManager.default.removeItem(at: dir)
    }

    func send(_ req: HTTPRequestMessage) -> HTTPResponseMessage {
        guard overSocket else { return sim.handle(req, service: .kube) }
        var r = URLRequest(url: URL(string: base + req.target)!)
        r.httpMethod = req.method
        for (n, v) in req.headers { r.setValue(v, forHTTPHeaderField: n) }
        if !req.body.isEmpty { r.httpBody = req.body }
        let sem = DispatchSemaphore(value: 0)
        var out = HTTPResponseMessage(status: 0)
        URLSession.shared.dataTask(with: r) { data, resp, err in
            if let h = resp as? HTTPURLResponse {
                var headers = HTTPHeaderFields()
                for (k, v) in h.allHeaderFields { headers.add("\(k)", "\(v)") }
                out = HTTPResponseMessage(status: h.statusCode, headers: headers, body: data ?? Data())
            } else {
                out = HTTPResponseMessage(status: -1, body: Data("\(String(describing: err))".utf8))
            }
            sem.signal()
        }.resume()
        sem.wait()
        return out
    }

    /// A call under the cluster's prefix (`path` starts with `/api`, `/apis` or `/version`).
    @discardableResult
    func call(_ method: String, _ path: String, json: Any? = nil, contentType: String = "application/json",
              token explicit: String?? = .none) -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        h["Accept"] = "application/json"
        let t: String? = explicit ?? token
        if let t { h["Authorization"] = "Bearer \(t)" }
        var data = Data()
        if let json { data = try! JSONSerialization.data(withJSONObject: json); h["Content-Type"] = contentType }
        return send(HTTPRequestMessage(method: method, target: "/clusters/\(cluster)\(path)", headers: h, body: data))
    }

    func json(_ r: HTTPResponseMessage) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:]
    }

    func meta(_ r: HTTPResponseMessage) -> [String: Any] { json(r)["metadata"] as? [String: Any] ?? [:] }
    func rv(_ r: HTTPResponseMessage) -> Int { Int(meta(r)["resourceVersion"] as? String ?? "") ?? -1 }
    func names(_ r: HTTPResponseMessage) -> [String] {
        (json(r)["items"] as? [[String: Any]] ?? []).compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }
    }

    /// Asserts a `Status` failure body with this code and reason.
    func assertStatus(_ r: HTTPResponseMessage, _ code: Int, _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, code, r.text, file: file, line: line)
        let j = json(r)
        XCTAssertEqual(j["kind"] as? String, "Status", r.text, file: file, line: line)
        XCTAssertEqual(j["apiVersion"] as? String, "v1", file: file, line: line)
        XCTAssertEqual(j["status"] as? String, "Failure", file: file, line: line)
        XCTAssertEqual(j["reason"] as? String, reason, r.text, file: file, line: line)
        XCTAssertEqual(j["code"] as? Int, code, file: file, line: line)
        XCTAssertFalse((j["message"] as? String ?? "").isEmpty, file: file, line: line)
    }
}

/// Runs a Kubernetes scenario in-process and then over a loopback socket.
func kubeBothWays(_ body: (KubeHarness) throws -> Void) throws {
    for socket in [false, true] {
        let h = try KubeHarness(overSocket: socket)
        defer { h.close() }
        try body(h)
    }
}
