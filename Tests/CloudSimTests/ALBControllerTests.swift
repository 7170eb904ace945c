import CloudWire
import Foundation
import XCTest
@testable import CloudSim
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A logged-in client of the simulated ALB controller (in-process or over loopback).
private final class ALBClient {
    let send: (HTTPRequestMessage) -> HTTPResponseMessage
    var csrf = ""
    var sid = ""
    init(_ send: @escaping (HTTPRequestMessage) -> HTTPResponseMessage) { self.send = send }

    func login(user: String = "administrator", password: String = Harness.password, form: Bool = true) -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        let body: Data
        if form {
            h["Content-Type"] = "application/x-www-form-urlencoded"
            body = Data("username=\(user)&password=\(password)".utf8)
        } else {
            h["Content-Type"] = "application/json"
            body = try! JSONSerialization.data(withJSONObject: ["username": user, "password": password])
        }
        let r = send(HTTPRequestMessage(method: "POST", target: "/login", headers: h, body: body))
        for (n, v) in r.headers where n.lowercased() == "set-cookie" {
            for c in v.components(separatedBy: ", ") {
                let first = c.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                guard first.count == 2 else { continue }
                if first[0] == "csrftoken" { csrf = first[1] }
                if first[0] == "sessionid" { sid = first[1] }
            }
        }
        return r
    }

    @discardableResult
    func call(_ method: String, _ path: String, json: Any? = nil, csrfHeader: String? = nil) -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        h["Cookie"] = "csrftoken=\(csrf); avi-sessionid=\(sid); sessionid=\(sid)"
        h["X-CSRFToken"] = csrfHeader ?? csrf
        h["X-Avi-Version"] = "22.1.3"
        h["X-Avi-Tenant"] = "admin"
        h["Content-Type"] = "application/json"
        let body = json.map { try! JSONSerialization.data(withJSONObject: $0) } ?? Data()
        return send(HTTPRequestMessage(method: method, target: path, headers: h, body: body))
    }

    func obj(_ r: HTTPResponseMessage) -> [String: Any] { (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:] }
}

final class ALBControllerTests: XCTestCase {
    private func inProcess(_ h: Harness) -> ALBClient { ALBClient { h.sim.handle($0, service: .alb) } }

    func testLoginAndCookies() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let c = inProcess(h)
        XCTAssertEqual(c.login(password: "wrong").status, 401)
        XCTAssertEqual(c.call("GET", "/api/serviceenginegroup").status, 401)
        let r = c.login()
        XCTAssertEqual(r.status, 200, String(decoding: r.body, as: UTF8.self))
        XCTAssertFalse(c.csrf.isEmpty)
        XCTAssertFalse(c.sid.isEmpty)
        XCTAssertEqual((c.obj(r)["version"] as? [String: Any])?["Version"] as? String, "22.1.3")
        XCTAssertEqual(c.call("GET", "/api/serviceenginegroup").status, 200)
        let j = inProcess(h)
        XCTAssertEqual(j.login(form: false).status, 200)
        XCTAssertEqual(j.call("GET", "/api/cloud").status, 200)
        XCTAssertEqual(j.call("POST", "/logout").status, 200)
        XCTAssertEqual(j.call("GET", "/api/cloud").status, 401)
        XCTAssertEqual(c.call("GET", "/api/cloud").status, 200)  // the other session lives on
    }

    func testAdminIsTheControllersOwnAccount() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let c = inProcess(h)
        let r = c.login(user: "admin")
        XCTAssertEqual(r.status, 200, String(decoding: r.body, as: UTF8.self))
        XCTAssertEqual((c.obj(r)["user"] as? [String: Any])?["username"] as? String, "admin")
        XCTAssertEqual(c.call("GET", "/api/cloud").status, 200)
        XCTAssertEqual(inProcess(h).login(user: "admin", password: "wrong").status, 401)
        XCTAssertEqual(inProcess(h).login(user: "capvcd").status, 401)
    }

    func testSEGLifecycleAndImportableInVCD() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let c = inProcess(h)
        XCTAssertEqual(c.login().status, 200)
        let clouds = c.obj(c.call("GET", "/api/cloud"))
        XCTAssertEqual(clouds["count"] as? Int, 1)
        let cloudURL = (clouds["results"] as! [[String: Any]])[0]["url"] as! String

        // Writes need the CSRF header.
        XCTAssertEqual(c.call("POST", "/api/serviceenginegroup", json: ["name": "seg-new"], csrfHeader: "nope").status, 403)
        let created = c.call("POST", "/api/serviceenginegroup", json: ["name": "seg-new", "max_se": 4, "cloud_ref": cloudURL])
        XCTAssertEqual(created.status, 201, String(decoding: created.body, as: UTF8.self))
        let seg = c.obj(created)
        let uuid = seg["uuid"] as! String
        XCTAssertTrue(uuid.hasPrefix("serviceenginegroup-"))
        XCTAssertTrue((seg["url"] as! String).hasSuffix("/api/serviceenginegroup/\(uuid)"))
        XCTAssertEqual(seg["max_se"] as? Int, 4)
        XCTAssertEqual(seg["cloud_ref"] as? String, cloudURL)
        XCTAssertEqual(c.call("POST", "/api/serviceenginegroup", json: ["name": "seg-new"]).status, 409)
        XCTAssertEqual(c.call("POST", "/api/serviceenginegroup", json: ["name": "bad", "max_se": 5000]).status, 400)

        let byName = c.obj(c.call("GET", "/api/serviceenginegroup?name=seg-new"))
        XCTAssertEqual(byName["count"] as? Int, 1)
        XCTAssertEqual(((byName["results"] as! [[String: Any]])[0])["uuid"] as? String, uuid)

        var upd = seg
        upd["max_se"] = 6
        let put = c.call("PUT", "/api/serviceenginegroup/\(uuid)", json: upd)
        XCTAssertEqual(put.status, 200, String(decoding: put.body, as: UTF8.self))
        XCTAssertEqual(c.obj(c.call("GET", "/api/serviceenginegroup/\(uuid)"))["max_se"] as? Int, 6)

        // VCD sees it as importable (60 virtual services = 6 SEs × 10).
        let vcdClouds = h.json(h.call("GET", "/cloudapi/1.0.0/loadBalancer/clouds", token: h.provider))
        let vcdCloud = (vcdClouds["values"] as! [[String: Any]])[0]["id"] as! String
        let imp = h.call("GET", "/cloudapi/1.0.0/nsxAlbResources/importableServiceEngineGroups?filter=_context==\(vcdCloud)", token: h.provider)
        XCTAssertTrue(imp.text.contains(uuid), imp.text)

        // Paging.
        let p1 = c.obj(c.call("GET", "/api/serviceenginegroup?page_size=2"))
        XCTAssertEqual(p1["count"] as? Int, 3)
        XCTAssertEqual((p1["results"] as! [Any]).count, 2)
        let next = p1["next"] as! String
        XCTAssertTrue(next.contains("page=2"), next)
        let p2 = c.obj(c.call("GET", "/api/serviceenginegroup?page=2&page_size=2"))
        XCTAssertEqual((p2["results"] as! [Any]).count, 1)
        XCTAssertNil(p2["next"])

        XCTAssertEqual(c.call("DELETE", "/api/serviceenginegroup/\(uuid)", csrfHeader: "").status, 403)
        XCTAssertEqual(c.call("DELETE", "/api/serviceenginegroup/\(uuid)").status, 204)
        XCTAssertEqual(c.call("GET", "/api/serviceenginegroup/\(uuid)").status, 404)
        XCTAssertEqual(c.call("DELETE", "/api/serviceenginegroup/\(uuid)").status, 404)
        for p in ["/api/pool", "/api/virtualservice", "/api/vsvip"] {
            XCTAssertEqual(c.obj(c.call("GET", p))["count"] as? Int, 0, p)
        }
    }

    func testOverLoopback() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let server = SimulatorServer(simulator: h.sim, ports: [.alb: 0])
        try Harness.blocking { try await server.start() }
        defer { try? Harness.blocking { await server.stop() } }
        let base = server.url(.alb)!
        let c = ALBClient { req in
            var r = URLRequest(url: URL(string: base + req.target)!)
            r.httpMethod = req.method
            for (n, v) in req.headers { r.setValue(v, forHTTPHeaderField: n) }
            r.httpShouldHandleCookies = false
            if !req.body.isEmpty { r.httpBody = req.body }
            let sem = DispatchSemaphore(value: 0)
            var out = HTTPResponseMessage(status: -1)
            URLSession.shared.dataTask(with: r) { data, resp, _ in
                if let hr = resp as? HTTPURLResponse {
                    var hs = HTTPHeaderFields()
                    for (k, v) in hr.allHeaderFields { hs.add("\(k)", "\(v)") }
                    out = HTTPResponseMessage(status: hr.statusCode, headers: hs, body: data ?? Data())
                }
                sem.signal()
            }.resume()
            sem.wait()
            return out
        }
        XCTAssertEqual(c.login().status, 200)
        XCTAssertFalse(c.csrf.isEmpty)
        XCTAssertFalse(c.sid.isEmpty)
        let created = c.call("POST", "/api/serviceenginegroup", json: ["name": "seg-wire", "max_se": 3])
        XCTAssertEqual(created.status, 201, String(decoding: created.body, as: UTF8.self))
        let uuid = c.obj(created)["uuid"] as! String
        XCTAssertTrue((c.obj(created)["url"] as! String).hasPrefix(base))
        XCTAssertEqual(c.call("DELETE", "/api/serviceenginegroup/\(uuid)").status, 204)
    }
}

/// Idle expiry of controller sessions and the partial update (PATCH) of service engine groups.
extension ALBControllerTests {
    func testIdleSessionExpiresAfterFifteenMinutesOfTheVirtualClock() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let c = inProcess(h)
        let login = c.login()
        XCTAssertEqual((c.obj(login)["controller"] as? [String: Any])?["api_idle_timeout"] as? Int, 15)
        // Each request restarts the idle time: 14 + 14 minutes with a request in between is fine.
        h.sim.clock.advance(seconds: 14 * 60)
        XCTAssertEqual(c.call("GET", "/api/serviceenginegroup").status, 200)
        h.sim.clock.advance(seconds: 14 * 60)
        XCTAssertEqual(c.call("GET", "/api/cloud").status, 200)
        // Another session, idle all along, has expired by now; the used one has not.
        let idle = inProcess(h)
        XCTAssertEqual(idle.login().status, 200)
        h.sim.clock.advance(seconds: 15 * 60 + 1)
        let expired = idle.call("GET", "/api/cloud")
        XCTAssertEqual(expired.status, 401)
        XCTAssertEqual(idle.obj(expired)["detail"] as? String, "Authentication credentials were not provided.")
        XCTAssertEqual(c.call("GET", "/api/cloud").status, 401, "idle for more than 15 minutes as well")
        // Writes and logout need a live session too; a new login works and purges the expired ones.
        XCTAssertEqual(c.call("POST", "/api/serviceenginegroup", json: ["name": "seg-late"]).status, 401)
        XCTAssertEqual(c.call("POST", "/logout").status, 401)
        XCTAssertEqual(h.sim.count(kind: "albSession"), 2)
        XCTAssertEqual(c.login().status, 200)
        XCTAssertEqual(h.sim.count(kind: "albSession"), 1)
        XCTAssertEqual(c.call("GET", "/api/cloud").status, 200)
    }

    func testPatchAddReplaceDeleteOnAServiceEngineGroup() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let c = inProcess(h)
        XCTAssertEqual(c.login().status, 200)
        let created = c.call("POST", "/api/serviceenginegroup", json: ["name": "seg-patch", "max_se": 2, "se_name_prefix": "lab",
                                                                       "vcenters": [["vcenter_ref": "vc-1"]]])
        XCTAssertEqual(created.status, 201, created.text)
        let uuid = c.obj(created)["uuid"] as! String
        let path = "/api/serviceenginegroup/\(uuid)"

        let replaced = c.call("PATCH", path, json: ["replace": ["max_se": 4, "max_vs_per_se": 5]])
        XCTAssertEqual(replaced.status, 200, replaced.text)
        XCTAssertEqual(c.obj(replaced)["max_se"] as? Int, 4)
        XCTAssertEqual(c.obj(replaced)["se_name_prefix"] as? String, "lab", "fields not named are kept")
        let read = c.obj(c.call("GET", path))
        XCTAssertEqual(read["max_se"] as? Int, 4)
        XCTAssertEqual(read["max_vs_per_se"] as? Int, 5)

        let added = c.call("PATCH", path, json: ["add": ["vcenters": [["vcenter_ref": "vc-2"]], "vcenter_folder": "f1"]])
        XCTAssertEqual(added.status, 200, added.text)
        XCTAssertEqual((c.obj(added)["vcenters"] as? [[String: Any]])?.compactMap { $0["vcenter_ref"] as? String }, ["vc-1", "vc-2"])
        XCTAssertEqual(c.obj(added)["vcenter_folder"] as? String, "f1")

        let deleted = c.call("PATCH", path, json: ["delete": ["vcenters": [["vcenter_ref": "vc-1"]], "se_name_prefix": "lab"]])
        XCTAssertEqual(deleted.status, 200, deleted.text)
        XCTAssertEqual((c.obj(deleted)["vcenters"] as? [[String: Any]])?.compactMap { $0["vcenter_ref"] as? String }, ["vc-2"])
        XCTAssertEqual(c.obj(deleted)["se_name_prefix"] as? String, "Avi", "a deleted field is back to its default")
        XCTAssertEqual(c.obj(c.call("GET", path))["max_se"] as? Int, 4)

        // Refusals: unknown operation, invalid values, name clash, no CSRF token.
        XCTAssertEqual(c.call("PATCH", path, json: ["merge": ["max_se": 1]]).status, 400)
        XCTAssertEqual(c.call("PATCH", path, json: ["replace": ["max_se": -1]]).status, 400)
        XCTAssertEqual(c.call("PATCH", path, json: ["replace": ["name": "Default-Group"]]).status, 409)
        XCTAssertEqual(c.call("PATCH", path, json: ["delete": ["name": "seg-patch"]]).status, 400)
        XCTAssertEqual(c.call("PATCH", path, json: ["replace": ["max_se": 1]], csrfHeader: "").status, 403)
        XCTAssertEqual(c.call("PATCH", "/api/serviceenginegroup/serviceenginegroup-nope", json: ["replace": ["max_se": 1]]).status, 404)
        XCTAssertEqual(c.obj(c.call("GET", path))["max_se"] as? Int, 4, "refused patches change nothing")
    }
}
