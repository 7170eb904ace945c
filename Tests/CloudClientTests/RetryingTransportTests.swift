import XCTest
import CSupport
import CloudWire
@testable import CloudClient

/// Retries against the local server (attempts are counted on the server side) with a fake sleeper
/// that records the waits instead of sleeping.
final class RetryingTransportTests: XCTestCase {
    var server: TestServer { SharedServers.http }

    /// Records the waits; never sleeps.
    final class FakeSleeper {
        private let lock = NSLock()
        private var waits: [Double] = []
        var interrupt = false
        func sleep(_ s: Double) -> Bool { lock.lock(); waits.append(s); lock.unlock(); return !interrupt }
        var all: [Double] { lock.lock(); defer { lock.unlock() }; return waits }
    }

    private func retrying(_ inner: HTTPTransport = CurlTransport(options: testOptions()), policy: RetryPolicy = RetryPolicy(),
                          sleeper: FakeSleeper, random: @escaping (Double) -> Double = { $0 / 2 },
                          now: @escaping () -> Date = Date.init,
                          onRetry: ((RetryEvent) -> Void)? = nil) -> RetryingTransport {
        RetryingTransport(wrapping: inner, policy: policy, sleeper: sleeper.sleep, random: random, now: now, onRetry: onRetry)
    }

    private func count(_ key: String) throws -> Int {
        let res = try CurlTransport(options: testOptions()).send(HTTPRequestMessage(method: "GET", target: "/count?key=\(key)"), to: server.baseURL)
        return jsonObject(res)["count"] as? Int ?? -1
    }

    private func flaky(_ method: String, fail: Int, status: Int, extra: String = "") -> (HTTPRequestMessage, String) {
        let key = UUID().uuidString
        return (HTTPRequestMessage(method: method, target: "/flaky?key=\(key)&fail=\(fail)&status=\(status)\(extra)",
                                   body: method == "GET" ? Data() : Data("{}".utf8)), key)
    }

    func testGetIsRetriedThrough503sUntilItSucceeds() throws {
        let sleeper = FakeSleeper()
        var events: [RetryEvent] = []
        let t = retrying(sleeper: sleeper, onRetry: { events.append($0) })
        let (req, key) = flaky("GET", fail: 2, status: 503)
        let res = try t.send(req, to: server.baseURL)
        XCTAssertEqual(res.status, 200)
        XCTAssertEqual(jsonObject(res)["attempt"] as? Int, 3)
        XCTAssertEqual(try count(key), 3)
        // Full jitter with random = upper/2: waits are half of 1 s, 2 s.
        XCTAssertEqual(sleeper.all, [0.5, 1.0])
        XCTAssertEqual(events.map(\.attempt), [1, 2])
        XCTAssertEqual(events.first?.reason, "503 Service Unavailable")
        XCTAssertEqual(events.first?.what, "GET 127.0.0.1:\(server.port)/flaky", "the query must not be shown")
    }

    func testGatewayErrorsAreRetriedForIdempotentMethods() throws {
        for (method, status) in [("GET", 502), ("PUT", 504), ("DELETE", 502)] {
            let sleeper = FakeSleeper()
            let (req, key) = flaky(method, fail: 1, status: status)
            XCTAssertEqual(try retrying(sleeper: sleeper).send(req, to: server.baseURL).status, 200, "\(method) \(status)")
            XCTAssertEqual(try count(key), 2, "\(method) \(status)")
        }
    }

    func testRetryAfterSecondsIsHonoured() throws {
        let sleeper = FakeSleeper()
        let (req, key) = flaky("GET", fail: 1, status: 429, extra: "&retry_after=7")
        XCTAssertEqual(try retrying(sleeper: sleeper).send(req, to: server.baseURL).status, 200)
        XCTAssertEqual(sleeper.all, [7])
        XCTAssertEqual(try count(key), 2)
    }

    func testRetryAfterHTTPDateIsHonoured() throws {
        let sleeper = FakeSleeper()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = f.string(from: now.addingTimeInterval(42))
        let encoded = date.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let (req, _) = flaky("GET", fail: 1, status: 503, extra: "&retry_after=\(encoded)")
        XCTAssertEqual(try retrying(sleeper: sleeper, now: { now }).send(req, to: server.baseURL).status, 200)
        XCTAssertEqual(sleeper.all, [42])
    }

    func testPostIsNotRetriedAfterA502() throws {
        let sleeper = FakeSleeper()
        let (req, key) = flaky("POST", fail: 1, status: 502)
        XCTAssertEqual(try retrying(sleeper: sleeper).send(req, to: server.baseURL).status, 502)
        XCTAssertEqual(try count(key), 1, "a POST that may have reached the server was repeated")
        XCTAssertEqual(sleeper.all, [])
    }

    func testPostIsNotRetriedAfterA504OrAPlain503() throws {
        for status in [504, 503] {
            let (req, key) = flaky("POST", fail: 1, status: status)
            XCTAssertEqual(try retrying(sleeper: FakeSleeper()).send(req, to: server.baseURL).status, status)
            XCTAssertEqual(try count(key), 1)
        }
    }

    func testPostIsRetriedOn429AndOn503WithRetryAfter() throws {
        for (status, extra) in [(429, ""), (503, "&retry_after=3")] {
            let (req, key) = flaky("POST", fail: 1, status: status, extra: extra)
            XCTAssertEqual(try retrying(sleeper: FakeSleeper()).send(req, to: server.baseURL).status, 200, "\(status)")
            XCTAssertEqual(try count(key), 2, "\(status)")
        }
    }

    func testPostIsRetriedOnBusyEntityInJSONAndXML() throws {
        for (status, kind) in [(400, "json"), (409, "xml"), (500, "json")] {
            let sleeper = FakeSleeper()
            var reasons: [String] = []
            let (req, key) = flaky("POST", fail: 2, status: status, extra: "&busy=\(kind)")
            let t = retrying(sleeper: sleeper, onRetry: { reasons.append($0.reason) })
            XCTAssertEqual(try t.send(req, to: server.baseURL).status, 200, "\(status) \(kind)")
            XCTAssertEqual(try count(key), 3, "\(status) \(kind)")
            XCTAssertEqual(reasons, ["BUSY_ENTITY", "BUSY_ENTITY"])
        }
    }

    func testOrdinary400IsNotRetried() throws {
        let (req, key) = flaky("GET", fail: 1, status: 400)
        XCTAssertEqual(try retrying(sleeper: FakeSleeper()).send(req, to: server.baseURL).status, 400)
        XCTAssertEqual(try count(key), 1)
    }

    func testMaxAttemptsGivesBackTheLastResponse() throws {
        let sleeper = FakeSleeper()
        let (req, key) = flaky("GET", fail: 100, status: 503)
        let res = try retrying(policy: RetryPolicy(maxAttempts: 4), sleeper: sleeper).send(req, to: server.baseURL)
        XCTAssertEqual(res.status, 503)
        XCTAssertEqual(try count(key), 4)
        XCTAssertEqual(sleeper.all.count, 3)
    }

    func testRetryAfterBeyondTheTotalBudgetIsNotWaitedFor() throws {
        let sleeper = FakeSleeper()
        let (req, key) = flaky("GET", fail: 1, status: 503, extra: "&retry_after=1000")
        let res = try retrying(policy: RetryPolicy(maxTotalDelay: 60), sleeper: sleeper).send(req, to: server.baseURL)
        XCTAssertEqual(res.status, 503)
        XCTAssertEqual(try count(key), 1)
        XCTAssertEqual(sleeper.all, [])
    }

    func testJitteredWaitsAreCappedByMaxDelayAndTotal() throws {
        let sleeper = FakeSleeper()
        let (req, _) = flaky("GET", fail: 100, status: 503)
        // random = the ceiling itself: 1, 2, 4, 8 (capped at 5), then what is left of 15 s.
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 1, maxDelay: 5, maxTotalDelay: 15)
        _ = try retrying(policy: policy, sleeper: sleeper, random: { $0 }).send(req, to: server.baseURL)
        XCTAssertEqual(Array(sleeper.all.prefix(5)), [1, 2, 4, 5, 3])
        XCTAssertLessThanOrEqual(sleeper.all.reduce(0, +), 15)
    }

    func testConnectionRefusedIsRetriedEvenForPost() throws {
        let counter = CountingTransport(CurlTransport(options: testOptions()))
        let sleeper = FakeSleeper()
        let t = retrying(counter, policy: RetryPolicy(maxAttempts: 3), sleeper: sleeper)
        let e = expectTransportError {
            try t.send(HTTPRequestMessage(method: "POST", target: "/echo", body: Data("{}".utf8)), to: "http://127.0.0.1:\(closedLocalPort())")
        }
        XCTAssertEqual(e?.kind, .couldNotConnect)
        XCTAssertEqual(counter.count, 3)
        XCTAssertEqual(sleeper.all.count, 2)
    }

    func testPostIsRetriedAfterATimeoutBeforeAnythingWasSent() throws {
        let silent = SilentListener()
        let counter = CountingTransport(CurlTransport(options: testOptions { $0.connectTimeout = 1 }))
        let t = retrying(counter, policy: RetryPolicy(maxAttempts: 2), sleeper: FakeSleeper())
        let e = expectTransportError {
            try t.send(HTTPRequestMessage(method: "POST", target: "/x", body: Data("{}".utf8)), to: "https://127.0.0.1:\(silent.port)")
        }
        XCTAssertEqual(e?.kind, .timedOut)
        XCTAssertEqual(counter.count, 2)
    }

    func testPostIsNotRetriedAfterATimeoutOnceSent() throws {
        let counter = CountingTransport(CurlTransport(options: testOptions { $0.totalTimeout = 3 }))
        let t = retrying(counter, sleeper: FakeSleeper())
        let e = expectTransportError {
            try t.send(HTTPRequestMessage(method: "POST", target: "/hang", body: Data("{}".utf8)), to: server.baseURL)
        }
        XCTAssertEqual(e?.kind, .timedOut)
        XCTAssertEqual(counter.count, 1)
    }

    func testCtrlCDuringTheWaitStopsRetrying() throws {
        let sleeper = FakeSleeper()
        sleeper.interrupt = true
        let (req, key) = flaky("GET", fail: 5, status: 503)
        let e = expectTransportError { try retrying(sleeper: sleeper).send(req, to: server.baseURL) }
        XCTAssertEqual(e?.kind, .abortedByUser)
        XCTAssertEqual(try count(key), 1)
    }

    func testInterruptibleSleepReturnsEarlyOnTheSIGINTFlag() {
        _ = vcd_take_sigint()
        vcd_raise_sigint_flag()
        defer { _ = vcd_take_sigint() }
        // Would wait an hour if the flag were ignored.
        XCTAssertFalse(RetryingTransport.interruptibleSleep(3600))
    }

    func testUploadsAreRetriedFromTheSameRange() throws {
        let (path, data) = try makeTempFile(bytes: 50_000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = UUID().uuidString
        // First a 503 from /flaky on a PUT... the upload endpoint itself never fails, so use a
        // transport that fails the first upload with a refused connection instead.
        let failing = FailFirstUpload(CurlTransport(options: testOptions()))
        let t = retrying(failing, sleeper: FakeSleeper())
        let res = try t.upload(HTTPRequestMessage(method: "PUT", target: "/upload?key=\(key)"),
                               file: FileUpload(path: path), to: server.baseURL, progress: nil)
        XCTAssertEqual(res.status, 200)
        XCTAssertEqual(failing.uploads, 2)
        XCTAssertEqual(try CurlTransport(options: testOptions()).send(
            HTTPRequestMessage(method: "GET", target: "/upload-data?key=\(key)"), to: server.baseURL).body, data)
    }

    // MARK: - The classifier on its own

    func testClassifierRules() {
        let now = Date()
        let post = HTTPRequestMessage(method: "POST", target: "/x")
        let get = HTTPRequestMessage(method: "GET", target: "/x")
        func err(_ kind: TransportError.Kind, reached: Bool) -> Result<HTTPResponseMessage, Error> {
            .failure(TransportError(kind: kind, endpoint: "h:1", requestMayHaveReachedServer: reached))
        }
        XCTAssertEqual(DefaultRetryClassifier.classify(post, err(.timedOut, reached: false), now), .retry(reason: "timedOut", after: nil))
        XCTAssertEqual(DefaultRetryClassifier.classify(post, err(.timedOut, reached: true), now), .giveUp)
        XCTAssertEqual(DefaultRetryClassifier.classify(get, err(.timedOut, reached: true), now), .retry(reason: "timedOut", after: nil))
        XCTAssertEqual(DefaultRetryClassifier.classify(post, err(.connectionLost, reached: true), now), .giveUp)
        XCTAssertEqual(DefaultRetryClassifier.classify(get, err(.certificateNotTrusted, reached: false), now), .giveUp)
        XCTAssertEqual(DefaultRetryClassifier.classify(get, err(.abortedByUser, reached: false), now), .giveUp)
        XCTAssertEqual(DefaultRetryClassifier.classify(post, err(.couldNotResolve, reached: false), now), .retry(reason: "couldNotResolve", after: nil))
        XCTAssertEqual(DefaultRetryClassifier.classify(post, .success(HTTPResponseMessage(status: 201)), now), .giveUp)
        XCTAssertEqual(DefaultRetryClassifier.classify(get, .success(HTTPResponseMessage(status: 404)), now), .giveUp)
    }

    func testBusyEntityDetection() {
        XCTAssertTrue(DefaultRetryClassifier.isBusyEntity(Data(#"{"minorErrorCode": "BUSY_ENTITY","message":"x"}"#.utf8)))
        XCTAssertTrue(DefaultRetryClassifier.isBusyEntity(Data(#"<Error majorErrorCode="400" minorErrorCode = "BUSY_ENTITY"/>"#.utf8)))
        XCTAssertFalse(DefaultRetryClassifier.isBusyEntity(Data(#"{"minorErrorCode":"BAD_REQUEST","message":"BUSY_ENTITY is not this"}"#.utf8)))
        XCTAssertFalse(DefaultRetryClassifier.isBusyEntity(Data()))
    }

    func testRetryAfterParsing() {
        let now = Date(timeIntervalSince1970: 784_111_777) // Sun, 06 Nov 1994 08:49:37 GMT
        XCTAssertEqual(DefaultRetryClassifier.retryAfter("120", now: now), 120)
        XCTAssertEqual(DefaultRetryClassifier.retryAfter(" 0 ", now: now), 0)
        XCTAssertEqual(DefaultRetryClassifier.retryAfter("Sun, 06 Nov 1994 08:50:37 GMT", now: now), 60)
        XCTAssertEqual(DefaultRetryClassifier.retryAfter("Sunday, 06-Nov-94 08:49:47 GMT", now: now), 10)
        XCTAssertEqual(DefaultRetryClassifier.retryAfter("Sun Nov  6 08:49:57 1994", now: now), 20)
        XCTAssertEqual(DefaultRetryClassifier.retryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now: now), 0, "a past date means now")
        XCTAssertNil(DefaultRetryClassifier.retryAfter("soon", now: now))
        XCTAssertNil(DefaultRetryClassifier.retryAfter(nil, now: now))
    }

    func testCustomClassifierExtendsTheDefault() throws {
        let (req, key) = flaky("GET", fail: 1, status: 418)
        let t = RetryingTransport(wrapping: CurlTransport(options: testOptions()), classifier: { r, o, now in
            if case .success(let res) = o, res.status == 418 { return .retry(reason: "teapot", after: 0) }
            return DefaultRetryClassifier.classify(r, o, now)
        }, sleeper: FakeSleeper().sleep)
        XCTAssertEqual(try t.send(req, to: server.baseURL).status, 200)
        XCTAssertEqual(try count(key), 2)
    }
}

/// Counts the requests it passes on.
final class CountingTransport: HTTPTransport {
    let inner: HTTPTransport
    private(set) var count = 0
    init(_ inner: HTTPTransport) { self.inner = inner }
    func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        count += 1
        return try inner.send(request, to: baseURL)
    }
}

/// Fails the first upload as a refused connection would, then passes uploads on.
final class FailFirstUpload: HTTPTransport {
    let inner: HTTPTransport
    private(set) var uploads = 0
    init(_ inner: HTTPTransport) { self.inner = inner }
    func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        try inner.send(request, to: baseURL)
    }
    func upload(_ request: HTTPRequestMessage, file: FileUpload, to baseURL: String,
                progress: UploadProgress?) throws -> HTTPResponseMessage {
        uploads += 1
        if uploads == 1 {
            throw TransportError(kind: .couldNotConnect, endpoint: "127.0.0.1:1", requestMayHaveReachedServer: false)
        }
        return try inner.upload(request, file: file, to: baseURL, progress: progress)
    }
}
