import XCTest
import CloudWire
@testable import CloudClient

/// Certificate trust against an HTTPS server with a self-signed certificate.
final class CurlTLSTests: XCTestCase {
    var server: TestServer { SharedServers.https }
    let echo = HTTPRequestMessage(method: "GET", target: "/echo")

    func testSelfSignedCertificateIsRefusedByDefaultWithAClearMessage() throws {
        let t = CurlTransport(options: testOptions())
        guard let e = expectTransportError({ try t.send(echo, to: server.baseURL) }) else { return }
        XCTAssertEqual(e.kind, .certificateNotTrusted)
        XCTAssertEqual(e.curlCode, 60)
        XCTAssertFalse(e.requestMayHaveReachedServer)
        let msg = "\(e)"
        XCTAssertTrue(msg.contains("127.0.0.1:\(server.port)"), msg)
        XCTAssertTrue(msg.contains("insecure: true"), msg)
        XCTAssertTrue(msg.contains("caFile:"), msg)
        XCTAssertTrue(msg.contains("self-signed") || msg.contains("self signed"), msg)
    }

    func testInsecureAcceptsIt() throws {
        let t = CurlTransport(options: testOptions { $0.insecure = true })
        let res = try t.send(echo, to: server.baseURL)
        XCTAssertEqual(res.status, 200)
        XCTAssertEqual(jsonObject(res)["method"] as? String, "GET")
    }

    func testCAFileAcceptsItWithVerificationOn() throws {
        let t = CurlTransport(options: testOptions { $0.caFile = server.certPath })
        XCTAssertEqual(try t.send(echo, to: server.baseURL).status, 200)
        XCTAssertFalse(t.options.insecure)
    }

    /// The usual lab: the site's certificate is issued by the lab's own CA, and the CA file is that CA.
    func testLabCAFileTrustsTheCertificatesItIssued() throws {
        let lab = SharedServers.httpsLabCA
        let refused = expectTransportError { try CurlTransport(options: testOptions()).send(echo, to: lab.baseURL) }
        XCTAssertEqual(refused?.kind, .certificateNotTrusted)
        let t = CurlTransport(options: testOptions { $0.caFile = lab.caPath })
        XCTAssertEqual(try t.send(echo, to: lab.baseURL).status, 200)
    }

    func testCAFileDoesNotTrustAnotherCertificate() throws {
        // A CA file that is valid PEM but holds a different certificate must not open the door.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("other-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let other = try TestServer.makeSelfSignedCertificate(in: dir)
        let t = CurlTransport(options: testOptions { $0.caFile = other.cert })
        XCTAssertEqual(expectTransportError({ try t.send(echo, to: server.baseURL) })?.kind, .certificateNotTrusted)
    }

    func testMissingCAFileIsReportedAsSuch() throws {
        let t = CurlTransport(options: testOptions { $0.caFile = "/nonexistent/lab-ca.pem" })
        guard let e = expectTransportError({ try t.send(echo, to: server.baseURL) }) else { return }
        XCTAssertEqual(e.kind, .caFileUnusable)
        XCTAssertTrue(e.hint.contains("caFile"))
    }

    func testHTTPSAgainstAPlainHTTPPortIsAHandshakeFailure() throws {
        let t = CurlTransport(options: testOptions())
        let e = expectTransportError({ try t.send(echo, to: "https://127.0.0.1:\(SharedServers.http.port)") })
        XCTAssertEqual(e?.kind, .tlsHandshakeFailed)
    }

    func testUploadOverHTTPS() throws {
        let (path, data) = try makeTempFile(bytes: 300_000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = CurlTransport(options: testOptions { $0.caFile = server.certPath })
        let key = UUID().uuidString
        let res = try t.upload(HTTPRequestMessage(method: "PUT", target: "/upload?key=\(key)"),
                               file: FileUpload(path: path), to: server.baseURL, progress: nil)
        XCTAssertEqual(jsonObject(res)["len"] as? Int, data.count)
        let back = try t.send(HTTPRequestMessage(method: "GET", target: "/upload-data?key=\(key)"), to: server.baseURL)
        XCTAssertEqual(back.body, data)
    }
}
