import CloudWire
import Foundation
import NetAddress
import XCTest
@testable import CloudSim
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A seeded simulator in a temporary directory, reached either in-process or over a real loopback
/// socket, with helpers to log in, call the API and follow tasks. Every persona's password is
/// `Harness.password`.
final class Harness {
    static let password = "Sim-Test-Pass-1"
    let dir: URL
    let sim: Simulator
    let overSocket: Bool
    private var server: SimulatorServer?
    private(set) var base = ""

    init(overSocket: Bool, options: SimulatorOptions = SimulatorOptions(), file: StaticString = #filePath, line: UInt = #line) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("simtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var o = options
        o.initialPassword = Harness.password
        sim = try Simulator(statePath: dir.appendingPathComponent("state.sqlite").path, options: o)
        self.overSocket = overSocket
        if overSocket {
            let server = SimulatorServer(simulator: sim, ports: [.vcd: 0])
            try Harness.blocking { try await server.start() }
            self.server = server
            base = server.url(.vcd)!
        }
    }

    deinit { close() }

    func close() {
        if let server { try? Harness.blocking { await server.stop() } }
        server = nil
        try? FileManager.default.removeItem(at: dir)
    }

    /// Runs async work from synchronous test code.
    static func blocking<T>(_ body: @escaping () async throws -> T) throws -> T {
        let sem = DispatchSemaphore(value: 0)
        var result: Result<T, Error>!
        Task.detached {
            do { result = .success(try await body()) } catch { result = .failure(error) }
            sem.signal()
        }
        sem.wait()
        return try result.get()
    }

    // MARK: Calls

    func send(_ req: HTTPRequestMessage) -> HTTPResponseMessage {
        guard overSocket else { return sim.handle(req, service: .vcd) }
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

    @discardableResult
    func call(_ method: String, _ target: String, token: String?, json: Any? = nil, body: Data? = nil,
              headers extra: [String: String] = [:]) -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        h["Accept"] = "application/json;version=37.2"
        if let token { h["Authorization"] = "Bearer \(token)" }
        var data = body ?? Data()
        if let json { data = try! JSONSerialization.data(withJSONObject: json); h["Content-Type"] = "application/json" }
        for (k, v) in extra { h[k] = v }
        return send(HTTPRequestMessage(method: method, target: target, headers: h, body: data))
    }

    func login(_ user: String, _ org: String, password: String = Harness.password) -> String {
        let provider = org == "System"
        let basic = Data("\(user)@\(org):\(password)".utf8).base64EncodedString()
        let r = call("POST", "/cloudapi/1.0.0/sessions\(provider ? "/provider" : "")", token: nil, headers: ["Authorization": "Basic \(basic)"])
        XCTAssertEqual(r.status, 200, r.text)
        return r.headers[VCDHeader.accessToken] ?? ""
    }

    lazy var provider: String = login("administrator", "System")
    lazy var tenant: String = login("administrator", "xav_lab")
    lazy var capvcd: String = login("capvcd", "xav_lab")

    func json(_ r: HTTPResponseMessage) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:]
    }

    func values(_ r: HTTPResponseMessage) -> [[String: Any]] { json(r)["values"] as? [[String: Any]] ?? [] }

    /// GETs the task behind a 202 until it ends; returns (final status, owner id, states seen).
    @discardableResult
    func waitTask(_ r: HTTPResponseMessage, token: String, file: StaticString = #filePath, line: UInt = #line) -> (String, String?, [String]) {
        XCTAssertEqual(r.status, 202, r.text, file: file, line: line)
        guard let loc = r.headers["Location"], let range = loc.range(of: "/api/task/") else {
            XCTFail("no task Location", file: file, line: line); return ("", nil, [])
        }
        let path = String(loc[range.lowerBound...])
        var seen: [String] = []
        var owner: String?
        for _ in 0..<50 {
            let t = call("GET", path, token: token, headers: ["Accept": "application/json;version=37.2"])
            let j = json(t)
            let status = j["status"] as? String ?? "?"
            owner = (j["owner"] as? [String: Any])?["id"] as? String
            seen.append(status)
            if VCDTask.Status.isFinal(status) { return (status, owner, seen) }
        }
        XCTFail("task never ended: \(seen)", file: file, line: line)
        return (seen.last ?? "", owner, seen)
    }

    func minor(_ r: HTTPResponseMessage) -> String { json(r)["minorErrorCode"] as? String ?? "" }
    func message(_ r: HTTPResponseMessage) -> String { json(r)["message"] as? String ?? "" }

    // MARK: World lookups

    func id(_ collection: String, named name: String, token: String) -> String {
        let r = call("GET", "/cloudapi/1.0.0/\(collection)?filter=name==\(name)", token: token)
        return values(r).first?["id"] as? String ?? ""
    }

    var vdcID: String { id("vdcs", named: "t-tenant", token: provider) }
    var externalNetworkID: String { id("externalNetworks", named: "t0-provider", token: provider) }

    /// Creates an edge gateway (as provider) with `ips` quick-added addresses and waits for it.
    func createGateway(_ name: String, ips: Int = 8) -> String {
        let r = call("POST", "/cloudapi/1.0.0/edgeGateways", token: provider, json: [
            "name": name, "ownerRef": ["id": vdcID],
            "edgeGatewayUplinks": [["uplinkId": externalNetworkID, "quickAddAllocatedIpCount": ips]],
        ])
        let (status, owner, _) = waitTask(r, token: provider)
        XCTAssertEqual(status, "success")
        return owner ?? ""
    }

    /// Allocated external addresses of a gateway, in order.
    func allocated(_ gw: String) -> [String] {
        let g = json(call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)", token: provider))
        var out: [String] = []
        for u in g["edgeGatewayUplinks"] as? [[String: Any]] ?? [] {
            for s in (u["subnets"] as? [String: Any])?["values"] as? [[String: Any]] ?? [] {
                for r in (s["ipRanges"] as? [String: Any])?["values"] as? [[String: Any]] ?? [] {
                    var a = IPv4.parse(r["startAddress"] as! String)!
                    let b = IPv4.parse(r["endAddress"] as! String)!
                    while a <= b { out.append(IPv4.format(a)); a += 1 }
                }
            }
        }
        return out
    }
}

/// Runs a scenario in-process and then over a loopback socket.
func bothWays(options: SimulatorOptions = SimulatorOptions(), file: StaticString = #filePath, line: UInt = #line, _ body: (Harness) throws -> Void) throws {
    for socket in [false, true] {
        let h = try Harness(overSocket: socket, options: options)
        defer { h.close() }
        try body(h)
    }
}
