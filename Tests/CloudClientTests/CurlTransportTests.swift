import XCTest
import CloudWire
@testable import CloudClient

/// Requests and responses over plain HTTP against the local test server.
final class CurlTransportTests: XCTestCase {
    var server: TestServer { SharedServers.http }

    func testGetCarriesHeadersAndQuery() throws {
        let t = CurlTransport(options: testOptions())
        let req = HTTPRequestMessage(method: "GET", target: "/echo?filter=name%3D%3Dgw&page=2",
                                     headers: ["Accept": "application/json;version=37.2", "X-Custom": "one"])
        let res = try t.send(req, to: server.baseURL)
        XCTAssertEqual(res.status, 200)
        XCTAssertEqual(res.headers["content-type"], "application/json")
        let o = jsonObject(res)
        XCTAssertEqual(o["method"] as? String, "GET")
        XCTAssertEqual(o["target"] as? String, "/echo?filter=name%3D%3Dgw&page=2")
        let h = o["headers"] as? [String: String] ?? [:]
        XCTAssertEqual(h["Accept"], "application/json;version=37.2")
        XCTAssertEqual(h["X-Custom"], "one")
        XCTAssertEqual(h["User-Agent"], "vcdscript")
        XCTAssertNil(h["Expect"])
    }

    func testBodiesForEveryMethod() throws {
        let t = CurlTransport(options: testOptions())
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let body = Data("{\"name\":\"\(method)-body\"}".utf8)
            let req = HTTPRequestMessage(method: method, target: "/echo",
                                         headers: ["Content-Type": "application/json"], body: body)
            let o = jsonObject(try t.send(req, to: server.baseURL))
            XCTAssertEqual(o["method"] as? String, method)
            XCTAssertEqual(o["body"] as? String, "{\"name\":\"\(method)-body\"}", method)
            XCTAssertEqual(o["body_len"] as? Int, body.count)
            XCTAssertEqual((o["headers"] as? [String: String])?["Content-Type"], "application/json")
        }
    }

    func testBodyWithoutContentTypeIsNotLabelledAsAForm() throws {
        let t = CurlTransport(options: testOptions())
        let o = jsonObject(try t.send(HTTPRequestMessage(method: "POST", target: "/echo", body: Data("x=1".utf8)),
                                      to: server.baseURL))
        XCTAssertNil((o["headers"] as? [String: String])?["Content-Type"])
        XCTAssertEqual(o["body"] as? String, "x=1")
    }

    func testEmptyPostAndBodilessDelete() throws {
        let t = CurlTransport(options: testOptions())
        let post = jsonObject(try t.send(HTTPRequestMessage(method: "POST", target: "/echo"), to: server.baseURL))
        XCTAssertEqual(post["method"] as? String, "POST")
        XCTAssertEqual((post["headers"] as? [String: String])?["Content-Length"], "0")
        let del = jsonObject(try t.send(HTTPRequestMessage(method: "DELETE", target: "/echo"), to: server.baseURL))
        XCTAssertEqual(del["method"] as? String, "DELETE")
        XCTAssertEqual(del["body_len"] as? Int, 0)
    }

    func testHeadHasNoBody() throws {
        let t = CurlTransport(options: testOptions())
        let res = try t.send(HTTPRequestMessage(method: "HEAD", target: "/echo"), to: server.baseURL)
        XCTAssertEqual(res.status, 200)
        XCTAssertTrue(res.body.isEmpty)
        XCTAssertNotNil(res.headers["Content-Length"])
    }

    func testErrorStatusesAreResponsesNotErrors() throws {
        let t = CurlTransport(options: testOptions())
        for code in [400, 404, 500, 503] {
            XCTAssertEqual(try t.send(HTTPRequestMessage(method: "GET", target: "/status/\(code)"), to: server.baseURL).status, code)
        }
    }

    func testRepeatedSetCookieFieldsAreKept() throws {
        let t = CurlTransport(options: testOptions())
        let res = try t.send(HTTPRequestMessage(method: "GET", target: "/cookies"), to: server.baseURL)
        XCTAssertEqual(res.headers.values("set-cookie"), ["sessionid=abc123; Path=/; HttpOnly", "csrftoken=def456; Path=/"])
        XCTAssertEqual(res.text, "ok")
    }

    func testLargeDownloadArrivesWhole() throws {
        let t = CurlTransport(options: testOptions())
        let n = 5_000_003
        let res = try t.send(HTTPRequestMessage(method: "GET", target: "/stream?bytes=\(n)"), to: server.baseURL)
        XCTAssertEqual(res.body.count, n)
        var bad = 0
        let bytes = [UInt8](res.body)
        for i in stride(from: 0, to: n, by: 997) where bytes[i] != UInt8(i % 251) { bad += 1 }
        XCTAssertEqual(bad, 0, "bytes out of place")
    }

    func testSecondRequestReusesTheConnection() throws {
        let t = CurlTransport(options: testOptions())
        let a = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/echo"), to: server.baseURL))
        XCTAssertEqual(t.connectionsOpened, 1)
        let b = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/echo"), to: server.baseURL))
        XCTAssertEqual(t.connectionsOpened, 1, "the second request opened a new connection")
        // The server saw the same client port: the same TCP connection.
        XCTAssertEqual(a["client_port"] as? Int, b["client_port"] as? Int)
    }

    /// The counter really counts: without pooled handles every request connects anew.
    func testWithoutPooledHandlesEveryRequestConnects() throws {
        let t = CurlTransport(options: testOptions { $0.maxIdleHandles = 0 })
        let a = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/echo"), to: server.baseURL))
        let b = jsonObject(try t.send(HTTPRequestMessage(method: "POST", target: "/echo"), to: server.baseURL))
        XCTAssertEqual(t.connectionsOpened, 2)
        XCTAssertNotEqual(a["client_port"] as? Int, b["client_port"] as? Int)
    }

    func testHTTPSConnectionIsReusedToo() throws {
        let t = CurlTransport(options: testOptions { $0.caFile = SharedServers.https.certPath })
        for _ in 0..<3 {
            XCTAssertEqual(try t.send(HTTPRequestMessage(method: "GET", target: "/echo"), to: SharedServers.https.baseURL).status, 200)
        }
        XCTAssertEqual(t.connectionsOpened, 1)
    }

    func testConcurrentRequestsFromManyThreads() throws {
        let t = CurlTransport(options: testOptions())
        let lock = NSLock()
        var ok = 0
        DispatchQueue.concurrentPerform(iterations: 24) { i in
            let req = HTTPRequestMessage(method: "POST", target: "/echo", body: Data("n=\(i)".utf8))
            if let r = try? t.send(req, to: server.baseURL), jsonObject(r)["body"] as? String == "n=\(i)" {
                lock.lock(); ok += 1; lock.unlock()
            }
        }
        XCTAssertEqual(ok, 24)
        XCTAssertLessThanOrEqual(t.connectionsOpened, 24)
    }

    func testAbsoluteTargetIsUsedAsIs() throws {
        let t = CurlTransport(options: testOptions())
        let res = try t.send(HTTPRequestMessage(method: "GET", target: server.baseURL + "/echo?abs=1"), to: "http://127.0.0.1:1")
        XCTAssertEqual(jsonObject(res)["target"] as? String, "/echo?abs=1")
    }

    func testEmptyHeaderValueIsSentEmpty() throws {
        let t = CurlTransport(options: testOptions())
        let o = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/echo", headers: ["X-Empty": ""]), to: server.baseURL))
        XCTAssertEqual((o["headers"] as? [String: String])?["X-Empty"], "")
    }
}

/// Requests the transport must not let through as given.
final class CurlRequestHygieneTests: XCTestCase {
    var server: TestServer { SharedServers.http }

    func testOnlyHTTPAndHTTPSAreSpoken() {
        let t = CurlTransport(options: testOptions())
        let e = expectTransportError { try t.send(HTTPRequestMessage(method: "GET", target: ""), to: "file:///etc/hostname") }
        XCTAssertEqual(e?.kind, .invalidRequest)
    }

    func testLineBreaksInHeaderValuesCannotInjectFields() throws {
        let t = CurlTransport(options: testOptions())
        let o = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/echo",
                                                         headers: ["X-Note": "a\r\nX-Injected: yes"]), to: server.baseURL))
        let h = o["headers"] as? [String: String] ?? [:]
        XCTAssertNil(h["X-Injected"])
        XCTAssertEqual(h["X-Note"], "aX-Injected: yes")
    }

    func testCallerContentLengthDoesNotCorruptTheFraming() throws {
        let t = CurlTransport(options: testOptions())
        let o = jsonObject(try t.send(HTTPRequestMessage(method: "POST", target: "/echo", headers: ["Content-Length": "999"],
                                                         body: Data("12345".utf8)), to: server.baseURL))
        XCTAssertEqual((o["headers"] as? [String: String])?["Content-Length"], "5")
        XCTAssertEqual(o["body"] as? String, "12345")
    }

    func testCtrlCAbortsAnUpload() throws {
        let (path, _) = try makeTempFile(bytes: 1000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = vcd_take_sigint_for_tests()
        defer { _ = vcd_take_sigint_for_tests() }
        let t = CurlTransport(options: testOptions())
        let raiser = Thread { Thread.sleep(forTimeInterval: 0.5); vcd_raise_sigint_flag_for_tests() }
        raiser.start()
        // /hang reads the body, then never answers: the transfer is stuck until Ctrl-C.
        let e = expectTransportError {
            try t.upload(HTTPRequestMessage(method: "PUT", target: "/hang"), file: FileUpload(path: path), to: server.baseURL, progress: nil)
        }
        XCTAssertEqual(e?.kind, .abortedByUser)
    }
}
