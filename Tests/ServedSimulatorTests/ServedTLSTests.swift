import CloudClient
import CloudSim
import CloudWire
import Foundation
import XCTest

/// `sim serve --tls` as clients see it: the served simulator with its self-signed certificate,
/// reached through the project's libcurl transport on 127.0.0.1.
final class ServedTLSTests: XCTestCase {
    static let password = "Tls-7Qw-not-for-print"
    private var dir = ""
    private var servers: [SimulatorServer] = []

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "served-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        for s in servers { try blocking { await s.stop() } }
        servers = []
        try? FileManager.default.removeItem(atPath: dir)
    }

    private var statePath: String { dir + "/state.sqlite" }

    /// A served simulator on the test's state file, over HTTPS with the pair beside the state unless `tls` says otherwise.
    private func serve(tls: SimulatorTLSFiles?? = .none, ports: [SimService: Int] = SimulatorServer.everyService) throws -> SimulatorServer {
        let sim = try Simulator(statePath: statePath, options: SimulatorOptions(fastTaskSeconds: 0))
        if sim.personas.first?.password != Self.password { try sim.reset(password: Self.password) }
        let files: SimulatorTLSFiles?
        switch tls {
        case .none: files = try SimulatorTLSFiles.selfSigned(forState: statePath)
        case .some(let f): files = f
        }
        let server = SimulatorServer(simulator: sim, ports: ports, tls: files)
        try blocking { try await server.start() }
        servers.append(server)
        return server
    }

    private func stop(_ server: SimulatorServer) throws {
        try blocking { await server.stop() }
        servers.removeAll { $0 === server }
    }

    private let versions = HTTPRequestMessage(method: "GET", target: "/api/versions", headers: ["Accept": "application/*+xml"])

    private func transport(_ configure: (inout CurlTransportOptions) -> Void = { _ in }) -> CurlTransport {
        var o = CurlTransportOptions()
        o.connectTimeout = 10
        o.totalTimeout = 60
        // A proxy from the environment must not get in the way of 127.0.0.1.
        o.proxy = ""
        configure(&o)
        return CurlTransport(options: o)
    }

    private func transportError(_ body: () throws -> Any) -> TransportError? {
        do {
            _ = try body()
            XCTFail("expected a transport error")
            return nil
        } catch let e as TransportError {
            return e
        } catch {
            XCTFail("expected a TransportError, got \(error)")
            return nil
        }
    }

    func testEveryServiceURLIsHTTPSOn127001() throws {
        let server = try serve()
        for s in SimService.allCases {
            let url = try XCTUnwrap(server.url(s))
            XCTAssertTrue(url.hasPrefix("https://127.0.0.1:"), url)
        }
        XCTAssertEqual(server.scheme, "https")
        XCTAssertEqual(server.simulator.recordedCertificate, SimulatorTLSFiles.directory(forState: statePath) + "/cert.pem")
    }

    func testDefaultOptionsRefuseTheSelfSignedCertificateSayingWhatToDo() throws {
        let server = try serve()
        let base = try XCTUnwrap(server.url(.vcd))
        guard let e = transportError({ try transport().send(versions, to: base) }) else { return }
        XCTAssertEqual(e.kind, .certificateNotTrusted)
        XCTAssertEqual(e.curlCode, 60)
        let msg = "\(e)"
        XCTAssertTrue(msg.contains("self-signed") || msg.contains("self signed"), msg)
        XCTAssertTrue(msg.contains("insecure: true"), msg)
        XCTAssertTrue(msg.contains("caFile:"), msg)
        XCTAssertTrue(msg.contains(base.replacingOccurrences(of: "https://", with: "")), msg)
    }

    func testInsecureAcceptsItOnEveryService() throws {
        let server = try serve()
        let t = transport { $0.insecure = true }
        let v = try t.send(versions, to: try XCTUnwrap(server.url(.vcd)))
        XCTAssertEqual(v.status, 200)
        XCTAssertTrue(v.text.contains("<Version>37.0</Version>") || v.text.contains("VersionInfo"), v.text)
        // NSX without credentials: NSX's own 403, so TLS got through to the handler.
        let nsx = try t.send(HTTPRequestMessage(method: "GET", target: "/policy/api/v1/infra/tier-1s"), to: try XCTUnwrap(server.url(.nsx)))
        XCTAssertEqual(nsx.status, 403)
        let login = HTTPRequestMessage(method: "POST", target: "/login", headers: ["Content-Type": "application/json"],
                                       body: Data(#"{"username":"administrator","password":"\#(Self.password)"}"#.utf8))
        let alb = try t.send(login, to: try XCTUnwrap(server.url(.alb)))
        XCTAssertEqual(alb.status, 200)
        XCTAssertTrue(alb.headers.values("Set-Cookie").contains { $0.hasPrefix("sessionid=") })
    }

    func testCAFileOfTheGeneratedCertificateAcceptsItWithVerificationOn() throws {
        let server = try serve()
        let cert = SimulatorTLSFiles.directory(forState: statePath) + "/cert.pem"
        let t = transport { $0.caFile = cert }
        XCTAssertFalse(t.options.insecure)
        for s in SimService.allCases {
            let r = try t.send(HTTPRequestMessage(method: "GET", target: "/"), to: try XCTUnwrap(server.url(s)))
            XCTAssertGreaterThanOrEqual(r.status, 200, s.rawValue)
        }
        XCTAssertEqual(try t.send(versions, to: try XCTUnwrap(server.url(.vcd))).status, 200)
        // "localhost" is in the certificate too.
        let byName = try XCTUnwrap(server.url(.vcd)).replacingOccurrences(of: "127.0.0.1", with: "localhost")
        XCTAssertEqual(try t.send(versions, to: byName).status, 200)
    }

    func testTheSameVCDRequestsWorkOverHTTPSAsOverHTTP() throws {
        let https = try serve()
        let plain = SimulatorServer(simulator: https.simulator, ports: [.vcd: 0])
        try blocking { try await plain.start() }
        servers.append(plain)
        let cert = SimulatorTLSFiles.directory(forState: statePath) + "/cert.pem"
        var answers: [String: [String]] = [:]
        for (scheme, base) in [("http", try XCTUnwrap(plain.url(.vcd))), ("https", try XCTUnwrap(https.url(.vcd)))] {
            let client = VCDClient(baseURL: base, transport: transport { $0.caFile = cert },
                                   credentials: VCDCredentials(org: "xav_lab", method: .password(user: "administrator", password: Self.password)))
            let version = try client.apiVersion()
            try client.login()
            let orgs = try client.list("/cloudapi/1.0.0/orgs", as: NamedRef.self).map(\.name)
            let vdcs = try client.list("/cloudapi/1.0.0/vdcs", as: NamedRef.self).map(\.name)
            answers[scheme] = [version] + orgs + vdcs
            // The hrefs the simulator writes name the scheme (and port) the client used.
            let orgList = try client.send("GET", "/api/org", accept: "application/*+xml;version=\(version)")
            XCTAssertEqual(orgList.status, 200, orgList.text)
            XCTAssertTrue(orgList.text.contains("href=\"\(base)/api/org/"), orgList.text)
        }
        XCTAssertEqual(answers["http"], answers["https"])
        XCTAssertEqual(answers["https"]?.contains("xav_lab"), true)
        XCTAssertEqual(answers["https"]?.contains("t-tenant"), true)
    }

    func testTheCertificateIsMadeOnceKeptPrivateAndReusedAfterARestart() throws {
        let first = try serve()
        let tlsDir = SimulatorTLSFiles.directory(forState: statePath)
        let certBefore = try Data(contentsOf: URL(fileURLWithPath: tlsDir + "/cert.pem"))
        let keyBefore = try Data(contentsOf: URL(fileURLWithPath: tlsDir + "/key.pem"))
        let keyMode = try FileManager.default.attributesOfItem(atPath: tlsDir + "/key.pem")[.posixPermissions] as? Int
        XCTAssertEqual(keyMode, 0o600)
        let dirMode = try FileManager.default.attributesOfItem(atPath: tlsDir)[.posixPermissions] as? Int
        XCTAssertEqual(dirMode, 0o700)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tlsDir).sorted(), ["cert.pem", "key.pem"])
        // Copy the certificate a client trusted before the restart.
        let trusted = dir + "/trusted-before-restart.pem"
        try certBefore.write(to: URL(fileURLWithPath: trusted))
        try stop(first)

        let second = try serve()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tlsDir + "/cert.pem")), certBefore)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tlsDir + "/key.pem")), keyBefore)
        let t = transport { $0.caFile = trusted }
        XCTAssertEqual(try t.send(versions, to: try XCTUnwrap(second.url(.vcd))).status, 200)
    }

    func testTheUsersOwnCertificateAndKeyAreServed() throws {
        // A pair made elsewhere (as a user's lab CA tooling would), then served as --cert/--key.
        let own = try SimulatorTLSFiles.selfSigned(forState: dir + "/elsewhere/x.sqlite")
        let server = try serve(tls: .some(SimulatorTLSFiles(certificate: own.certificate, key: own.key)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: SimulatorTLSFiles.directory(forState: statePath)))
        XCTAssertEqual(server.simulator.recordedCertificate, own.certificate)
        let t = transport { $0.caFile = own.certificate }
        XCTAssertEqual(try t.send(versions, to: try XCTUnwrap(server.url(.vcd))).status, 200)
    }

    func testAKeyThatDoesNotMatchTheCertificateIsAClearError() throws {
        let a = try SimulatorTLSFiles.selfSigned(forState: dir + "/a/state.sqlite")
        let b = try SimulatorTLSFiles.selfSigned(forState: dir + "/b/state.sqlite")
        let sim = try Simulator(statePath: statePath, options: SimulatorOptions())
        let server = SimulatorServer(simulator: sim, ports: [.vcd: 0], tls: SimulatorTLSFiles(certificate: a.certificate, key: b.key))
        XCTAssertThrowsError(try blocking { try await server.start() }) { e in
            XCTAssertEqual(e as? SimulatorTLSError, .unusablePair(certificate: a.certificate, key: b.key))
            XCTAssertTrue("\(e)".contains("does not match"), "\(e)")
            let key = (try? String(contentsOfFile: b.key, encoding: .utf8)) ?? "?"
            XCTAssertFalse("\(e)".contains(key.split(separator: "\n")[1]), "the key's contents must never be shown")
        }
        XCTAssertTrue(sim.recordedEndpoints.isEmpty)
    }

    func testFilesThatAreNotPEMAreNamedInTheError() throws {
        let junk = dir + "/junk.pem"
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: junk))
        let good = try SimulatorTLSFiles.selfSigned(forState: dir + "/g/state.sqlite")
        let sim = try Simulator(statePath: statePath, options: SimulatorOptions())
        for (files, expected) in [
            (SimulatorTLSFiles(certificate: junk, key: good.key), SimulatorTLSError.badCertificate(path: junk)),
            (SimulatorTLSFiles(certificate: good.certificate, key: junk), .badKey(path: junk)),
            (SimulatorTLSFiles(certificate: dir + "/missing.pem", key: good.key), .badCertificate(path: dir + "/missing.pem")),
        ] {
            let server = SimulatorServer(simulator: sim, ports: [.vcd: 0], tls: files)
            XCTAssertThrowsError(try blocking { try await server.start() }) { e in
                XCTAssertEqual(e as? SimulatorTLSError, expected)
            }
        }
    }

    func testWithoutOpenSSLTheErrorSaysHowToGetACertificate() throws {
        XCTAssertThrowsError(try SimulatorTLSFiles.selfSigned(forState: statePath, environment: ["PATH": dir + "/no-tools"])) { e in
            XCTAssertEqual(e as? SimulatorTLSError, .opensslMissing)
            XCTAssertTrue("\(e)".contains("openssl"), "\(e)")
            XCTAssertTrue("\(e)".contains("--cert FILE --key FILE"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: SimulatorTLSFiles.directory(forState: statePath) + "/cert.pem"))
    }

    func testAFailingOpenSSLIsReportedWithItsMessageAndLeavesNoFiles() throws {
        // An `openssl` that fails the way a broken install would.
        let tools = dir + "/tools"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        let fake = tools + "/openssl"
        try Data("#!/bin/sh\necho '.....+++++' >&2\necho 'req: unable to load config' >&2\nexit 3\n".utf8).write(to: URL(fileURLWithPath: fake))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        XCTAssertThrowsError(try SimulatorTLSFiles.selfSigned(forState: statePath, environment: ["PATH": tools])) { e in
            guard case .opensslFailed(let tool, let status, let output)? = e as? SimulatorTLSError else { return XCTFail("\(e)") }
            XCTAssertEqual(tool, fake)
            XCTAssertEqual(status, 3)
            XCTAssertEqual(output, "req: unable to load config")
            XCTAssertTrue("\(e)".contains("--cert FILE --key FILE"), "\(e)")
        }
        let tlsDir = SimulatorTLSFiles.directory(forState: statePath)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tlsDir), [], "no half-made pair is left behind")
    }

    func testACertificateWithoutItsKeyIsMadeAgain() throws {
        let made = try SimulatorTLSFiles.selfSigned(forState: statePath)
        let before = try Data(contentsOf: URL(fileURLWithPath: made.certificate))
        try FileManager.default.removeItem(atPath: made.key)
        let again = try SimulatorTLSFiles.selfSigned(forState: statePath)
        XCTAssertEqual(again, made)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: again.certificate)), before)
        XCTAssertTrue(FileManager.default.fileExists(atPath: again.key))
        let server = try serve()
        XCTAssertEqual(try transport { $0.caFile = again.certificate }.send(versions, to: try XCTUnwrap(server.url(.vcd))).status, 200)
    }
}

/// The `name` of any listed object.
private struct NamedRef: Decodable { var name: String }

/// Runs async work from a synchronous test.
func blocking<T>(_ body: @escaping () async throws -> T) throws -> T {
    let sem = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<T, Error>!
    Task.detached {
        do { result = .success(try await body()) } catch { result = .failure(error) }
        sem.signal()
    }
    sem.wait()
    return try result.get()
}
