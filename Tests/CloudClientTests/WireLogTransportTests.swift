import XCTest
import Logging
import CloudWire
@testable import CloudClient

/// The `--debug` wire log, end to end over the curl transport: a login-like exchange full of
/// secrets, after which the whole log is searched for every one of them.
final class WireLogTransportTests: XCTestCase {
    var server: TestServer { SharedServers.http }

    final class LogSink {
        private let lock = NSLock()
        private var entries: [String] = []
        func write(_ s: String) { lock.lock(); entries.append(s); lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return entries.joined(separator: "\n") }
    }

    func testNoSecretSurvivesInTheDebugLog() throws {
        let password = "Tr0ub4dor&3-\(UUID().uuidString.prefix(8))"
        let apiToken = "apitoken-\(UUID().uuidString)"
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbmlzdHJhdG9yIn0.\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        let opaque = "opaque-\(UUID().uuidString)"
        let basic = Data("administrator@System:\(password)".utf8).base64EncodedString()

        let redactor = SecretRedactor()
        redactor.register(password) // what the CLI does with a password the user passed
        let sink = LogSink()
        let t = WireLogTransport(wrapping: CurlTransport(options: testOptions()), redactor: redactor, sink: sink.write)

        // Login with Basic credentials and a JSON body holding the password (echoed back in the response).
        _ = try t.send(HTTPRequestMessage(method: "POST", target: "/echo",
                                          headers: ["Authorization": "Basic \(basic)", "Accept": "application/json;version=37.2",
                                                    "Content-Type": "application/json"],
                                          body: Data(#"{"username":"administrator","password":"\#(password)"}"#.utf8)),
                       to: server.baseURL)
        // API token exchanged for an access token: form body, echoed.
        _ = try t.send(HTTPRequestMessage(method: "POST", target: "/echo",
                                          headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                          body: Data("grant_type=refresh_token&refresh_token=\(apiToken)".utf8)),
                       to: server.baseURL)
        // The access token coming back in headers, a cookie and a JSON body (an opaque, non-JWT token).
        _ = try t.send(HTTPRequestMessage(method: "GET", target: "/login?token=\(opaque)"), to: server.baseURL)
        // Using the token and a cookie, echoed back.
        _ = try t.send(HTTPRequestMessage(method: "GET", target: "/echo",
                                          headers: ["X-Vmware-Vcloud-Access-Token": jwt, "Authorization": "Bearer \(jwt)",
                                                    "X-Vcloud-Authorization": opaque, "Cookie": "avi-sessionid=\(opaque)",
                                                    "X-CSRFToken": opaque]),
                       to: server.baseURL)
        // A failure message goes through the redactor too.
        _ = try? t.send(HTTPRequestMessage(method: "GET", target: "/x?password=\(password)"),
                        to: "http://admin:\(password)@127.0.0.1:\(closedLocalPort())")

        let log = sink.text
        // The log did record the exchanges (so an empty log cannot pass)...
        XCTAssertTrue(log.contains("> POST http://127.0.0.1:\(server.port)/echo"), log)
        XCTAssertTrue(log.contains("< 200 GET http://127.0.0.1:\(server.port)/echo"), log)
        XCTAssertTrue(log.contains("Authorization: Basic ********"), log)
        XCTAssertTrue(log.contains("\"username\":\"administrator\""), log)
        XCTAssertTrue(log.contains("! GET"), log)
        // ...and none of the secrets, in any form.
        for secret in [password, apiToken, jwt, opaque, basic, String(jwt.split(separator: ".")[1])] {
            XCTAssertFalse(log.contains(secret), "secret \(secret) found in the debug log:\n\(log)")
        }
        let pctPassword = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        XCTAssertFalse(log.contains(pctPassword))
    }

    func testBodiesAreCutAtTheLimitAndBinaryIsSummarised() throws {
        let sink = LogSink()
        let t = WireLogTransport(wrapping: CurlTransport(options: testOptions()), redactor: SecretRedactor(), bodyLimit: 100, sink: sink.write)
        let res = try t.send(HTTPRequestMessage(method: "GET", target: "/stream?bytes=5000"), to: server.baseURL)
        XCTAssertEqual(res.body.count, 5000, "the log must not change what the caller gets")
        XCTAssertTrue(sink.text.contains("(5000 bytes of binary data)"), sink.text)

        let sink2 = LogSink()
        let t2 = WireLogTransport(wrapping: CurlTransport(options: testOptions()), redactor: SecretRedactor(), bodyLimit: 100, sink: sink2.write)
        let long = String(repeating: "abcdefghij", count: 50)
        _ = try t2.send(HTTPRequestMessage(method: "POST", target: "/echo", body: Data(long.utf8)), to: server.baseURL)
        XCTAssertTrue(sink2.text.contains("(… 500 bytes in all)"), sink2.text)
        XCTAssertFalse(sink2.text.contains(long))
    }

    func testUploadsAreLoggedWithoutTheirBytes() throws {
        let (path, _) = try makeTempFile(bytes: 1234)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = LogSink()
        let t = WireLogTransport(wrapping: CurlTransport(options: testOptions()), redactor: SecretRedactor(), sink: sink.write)
        _ = try t.upload(HTTPRequestMessage(method: "PUT", target: "/upload?key=\(UUID().uuidString)"),
                         file: FileUpload(path: path), to: server.baseURL, progress: nil)
        XCTAssertTrue(sink.text.contains("(file \(path), 1234 bytes from offset 0)"), sink.text)
        XCTAssertTrue(sink.text.contains("< 200 PUT"), sink.text)
    }

    func testSwiftLogInitLogsAtDebug() throws {
        final class Box: @unchecked Sendable { var messages: [String] = [] }
        struct Handler: LogHandler {
            let box: Box
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .debug
            subscript(metadataKey key: String) -> Logger.Metadata.Value? { get { nil } set {} }
            func log(event: LogEvent) {
                if event.level == .debug { box.messages.append("\(event.message)") }
            }
        }
        let box = Box()
        let logger = Logger(label: "wire") { _ in Handler(box: box) }
        let t = WireLogTransport(wrapping: CurlTransport(options: testOptions()), logger: logger)
        _ = try t.send(HTTPRequestMessage(method: "GET", target: "/echo", headers: ["Authorization": "Bearer abcdefghijk"]), to: server.baseURL)
        XCTAssertEqual(box.messages.count, 2)
        XCTAssertTrue(box.messages[0].contains("Authorization: Bearer ********"), box.messages[0])
    }
}
