import Foundation
import XCTest
import CloudWire
@testable import CloudClient

/// Runs `test_server.py` (next to this file) on 127.0.0.1 with an ephemeral port, over HTTP or over
/// HTTPS with a self-signed certificate made by `openssl` in a temporary directory.
final class TestServer {
    let process: Process
    let port: Int
    let tls: Bool
    /// The certificate the HTTPS server presents: self-signed (and so also its own CA file), or
    /// signed by `caPath` for a server started with `labCA: true`.
    let certPath: String?
    /// The lab CA that signed `certPath`, for a server started with `labCA: true`.
    let caPath: String?
    let directory: URL
    private let stdinPipe: Pipe

    var baseURL: String { "\(tls ? "https" : "http")://127.0.0.1:\(port)" }

    static let scriptPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("test_server.py").path

    init(tls: Bool, labCA: Bool = false) throws {
        self.tls = tls
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vcd-curl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var args = [Self.scriptPath, "--port-file", directory.appendingPathComponent("port").path]
        if tls && labCA {
            let (ca, cert, key) = try Self.makeCASignedCertificate(in: directory)
            certPath = cert
            caPath = ca
            args += ["--cert", cert, "--key", key]
        } else if tls {
            let (cert, key) = try Self.makeSelfSignedCertificate(in: directory)
            certPath = cert
            caPath = nil
            args += ["--cert", cert, "--key", key]
        } else {
            certPath = nil
            caPath = nil
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + args
        // The server exits when this pipe closes, so it cannot outlive a crashed test run.
        stdinPipe = Pipe()
        process.standardInput = stdinPipe
        let log = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()

        let portFile = directory.appendingPathComponent("port").path
        let deadline = Date().addingTimeInterval(60)
        var found: Int?
        while Date() < deadline {
            if let s = try? String(contentsOfFile: portFile, encoding: .utf8), let p = Int(s) { found = p; break }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            process.terminate()
            let out = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw NSError(domain: "TestServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "test server did not start: \(out)"])
        }
        port = found
    }

    func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// `openssl req -x509` with SAN IP:127.0.0.1, an EC key (fast to generate on a loaded machine).
    static func makeSelfSignedCertificate(in dir: URL) throws -> (cert: String, key: String) {
        let cert = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                     "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=vcdscript-test",
                     "-addext", "subjectAltName=IP:127.0.0.1"])
        return (cert, key)
    }

    /// A lab CA and a server certificate it signed (SAN IP:127.0.0.1), as a lab's own PKI would issue.
    static func makeCASignedCertificate(in dir: URL) throws -> (ca: String, cert: String, key: String) {
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2",
                                             "-subj", "/CN=vcdscript test lab CA"])
        try openssl(["req"] + ec + ["-keyout", path("key.pem"), "-out", path("leaf.csr"), "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: path("leaf.ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", path("leaf.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-out", path("cert.pem"), "-days", "2", "-extfile", path("leaf.ext")])
        return (path("ca.pem"), path("cert.pem"), path("key.pem"))
    }

    private static func openssl(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "TestServer", code: 2, userInfo: [NSLocalizedDescriptionKey: "openssl \(args.first ?? "") failed"])
        }
    }
}

/// A port on 127.0.0.1 that nothing listens on: bound, then closed again.
func closedLocalPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// The response body as a JSON object.
func jsonObject(_ r: HTTPResponseMessage, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
    guard let o = (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] else {
        XCTFail("not a JSON object: \(r.text.prefix(200))", file: file, line: line)
        return [:]
    }
    return o
}

/// A temporary file of `count` pseudo-random bytes.
func makeTempFile(bytes count: Int) throws -> (path: String, data: Data) {
    let urandom = FileHandle(forReadingAtPath: "/dev/urandom")!
    defer { try? urandom.close() }
    let data = count == 0 ? Data() : urandom.readData(ofLength: count)
    precondition(data.count == count)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vcd-upload-\(UUID().uuidString).bin").path
    try data.write(to: URL(fileURLWithPath: path))
    return (path, data)
}

/// One HTTP and one HTTPS test server for the whole test run, started on first use. They stop on
/// their own when the test process exits (their stdin pipe closes).
enum SharedServers {
    static let http: TestServer = {
        do { return try TestServer(tls: false) } catch { fatalError("\(error)") }
    }()
    static let https: TestServer = {
        do { return try TestServer(tls: true) } catch { fatalError("\(error)") }
    }()
    static let httpsLabCA: TestServer = {
        do { return try TestServer(tls: true, labCA: true) } catch { fatalError("\(error)") }
    }()
}

/// Options for tests: no proxy from the environment (a developer's https_proxy must not capture
/// 127.0.0.1 traffic), generous timeouts for a loaded machine.
func testOptions(_ tweak: (inout CurlTransportOptions) -> Void = { _ in }) -> CurlTransportOptions {
    var o = CurlTransportOptions(proxy: "", connectTimeout: 30, totalTimeout: 120)
    tweak(&o)
    return o
}

/// Runs `body`, expecting a `TransportError`, and returns it.
func expectTransportError(file: StaticString = #filePath, line: UInt = #line,
                          _ body: () throws -> Any) -> TransportError? {
    do {
        let r = try body()
        XCTFail("expected a TransportError, got \(r)", file: file, line: line)
        return nil
    } catch let e as TransportError {
        return e
    } catch {
        XCTFail("expected a TransportError, got \(error)", file: file, line: line)
        return nil
    }
}

import CSupport
func vcd_take_sigint_for_tests() -> Int32 { vcd_take_sigint() }
func vcd_raise_sigint_flag_for_tests() { vcd_raise_sigint_flag() }

/// A socket on 127.0.0.1 that listens but never accepts: the kernel completes TCP handshakes into
/// the backlog, and then nothing ever answers, not even a TLS hello. Connect-phase timeouts.
final class SilentListener {
    let fd: Int32
    let port: Int

    init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = listen(fd, 16)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}
