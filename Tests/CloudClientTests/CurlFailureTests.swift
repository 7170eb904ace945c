import XCTest
import CSupport
import CCurl
import CloudWire
@testable import CloudClient

/// Failures without a response: refused, timed out, interrupted; and what their messages say.
final class CurlFailureTests: XCTestCase {
    func testRefusedPortSaysWhereAndWhatToDo() throws {
        let port = closedLocalPort()
        let t = CurlTransport(options: testOptions())
        guard let e = expectTransportError({ try t.send(HTTPRequestMessage(method: "GET", target: "/api/versions"),
                                                        to: "http://127.0.0.1:\(port)") }) else { return }
        XCTAssertEqual(e.kind, .couldNotConnect)
        XCTAssertEqual(e.curlCode, 7)
        XCTAssertFalse(e.requestMayHaveReachedServer)
        let msg = "\(e)"
        XCTAssertTrue(msg.contains("127.0.0.1:\(port)"), msg)
        XCTAssertTrue(msg.contains("is the site up?") && msg.contains("is the port right?"), msg)
    }

    func testMessagesNeverCarryCredentialsOrQuery() throws {
        let port = closedLocalPort()
        let t = CurlTransport(options: testOptions())
        let e = expectTransportError {
            try t.send(HTTPRequestMessage(method: "GET", target: "/api/x?refresh_token=QUERYSECRET"),
                       to: "http://admin:Passw0rdXYZ@127.0.0.1:\(port)")
        }
        let msg = "\(e.map { "\($0)" } ?? "")"
        XCTAssertTrue(msg.contains("127.0.0.1:\(port)"), msg)
        XCTAssertFalse(msg.contains("Passw0rdXYZ"), msg)
        XCTAssertFalse(msg.contains("QUERYSECRET"), msg)
        XCTAssertFalse(msg.contains("admin"), msg)
    }

    func testTotalTimeoutGivesATimedOutError() throws {
        let t = CurlTransport(options: testOptions { $0.totalTimeout = 2 })
        guard let e = expectTransportError({ try t.send(HTTPRequestMessage(method: "GET", target: "/hang"),
                                                        to: SharedServers.http.baseURL) }) else { return }
        XCTAssertEqual(e.kind, .timedOut)
        XCTAssertEqual(e.curlCode, 28)
        // The request was sent; only the answer was missing.
        XCTAssertTrue(e.requestMayHaveReachedServer)
        XCTAssertTrue("\(e)".contains("timed out"))
    }

    /// A TLS server that never says hello: the time runs out before any request byte is sent, so the
    /// error says nothing reached the server (a POST may then be retried).
    func testTimeoutBeforeTheRequestWentOutSaysSo() throws {
        let silent = SilentListener()
        let t = CurlTransport(options: testOptions { $0.connectTimeout = 2 })
        guard let e = expectTransportError({ try t.send(HTTPRequestMessage(method: "POST", target: "/x", body: Data("{}".utf8)),
                                                        to: "https://127.0.0.1:\(silent.port)") }) else { return }
        XCTAssertEqual(e.kind, .timedOut)
        XCTAssertFalse(e.requestMayHaveReachedServer)
        XCTAssertTrue(e.hint.contains("nothing answered"), e.hint)
    }

    func testStallTimeoutCatchesADeadTransferWithoutATotalLimit() throws {
        let t = CurlTransport(options: testOptions { $0.totalTimeout = nil; $0.stallTimeout = 2 })
        let e = expectTransportError { try t.send(HTTPRequestMessage(method: "GET", target: "/hang"), to: SharedServers.http.baseURL) }
        XCTAssertEqual(e?.kind, .timedOut)
    }

    func testSlowButLiveServerIsNotCutOff() throws {
        let t = CurlTransport(options: testOptions())
        XCTAssertEqual(try t.send(HTTPRequestMessage(method: "GET", target: "/delay?seconds=1"), to: SharedServers.http.baseURL).status, 200)
    }

    func testCtrlCAbortsARunningTransfer() throws {
        _ = vcd_take_sigint()
        defer { _ = vcd_take_sigint() }
        let t = CurlTransport(options: testOptions())
        // Raise the flag the SIGINT handler would raise, once the request is under way.
        let raiser = Thread {
            Thread.sleep(forTimeInterval: 0.5)
            vcd_raise_sigint_flag()
        }
        raiser.start()
        guard let e = expectTransportError({ try t.send(HTTPRequestMessage(method: "GET", target: "/hang"),
                                                        to: SharedServers.http.baseURL) }) else { return }
        XCTAssertEqual(e.kind, .abortedByUser)
        XCTAssertTrue("\(e)".contains("Ctrl-C"))
    }

    func testRealSIGINTAbortsARunningTransfer() throws {
        _ = vcd_take_sigint()
        defer { _ = vcd_take_sigint() }
        // Other test targets share this process: put back whatever SIGINT handling was there.
        var previous = sigaction()
        _ = sigaction(SIGINT, nil, &previous)
        defer { _ = sigaction(SIGINT, &previous, nil) }
        XCTAssertEqual(vcd_install_sigint(), 0)
        let t = CurlTransport(options: testOptions())
        let raiser = Thread {
            Thread.sleep(forTimeInterval: 0.5)
            kill(getpid(), SIGINT)
        }
        raiser.start()
        let e = expectTransportError { try t.send(HTTPRequestMessage(method: "GET", target: "/hang"), to: SharedServers.http.baseURL) }
        XCTAssertEqual(e?.kind, .abortedByUser)
    }

    func testTransportStillWorksAfterAnAbort() throws {
        _ = vcd_take_sigint()
        let t = CurlTransport(options: testOptions())
        vcd_raise_sigint_flag()
        let e = expectTransportError { try t.send(HTTPRequestMessage(method: "GET", target: "/hang"), to: SharedServers.http.baseURL) }
        XCTAssertEqual(e?.kind, .abortedByUser)
        _ = vcd_take_sigint()
        XCTAssertEqual(try t.send(HTTPRequestMessage(method: "GET", target: "/echo"), to: SharedServers.http.baseURL).status, 200)
    }

    func testMalformedURLIsAnInvalidRequest() {
        let t = CurlTransport(options: testOptions())
        let e = expectTransportError { try t.send(HTTPRequestMessage(method: "GET", target: "/x"), to: "gopher-nope://127.0.0.1:1") }
        XCTAssertEqual(e?.kind, .invalidRequest)
    }

    /// Name resolution is not exercised over the network (tests talk to 127.0.0.1 only); the mapping
    /// of libcurl's codes is checked directly instead.
    func testCurlCodesMapToKinds() {
        let st = CurlTransferState()
        let ep = Endpoint(baseURL: "https://vcd.example.com", target: "/api")
        func kind(_ c: CURLcode, reached: Bool = false) -> TransportError.Kind {
            CurlErrorMapping.error(code: c, state: st, endpoint: ep, requestMayHaveReachedServer: reached).kind
        }
        XCTAssertEqual(kind(CURLE_COULDNT_RESOLVE_HOST), .couldNotResolve)
        XCTAssertEqual(kind(CURLE_COULDNT_RESOLVE_PROXY), .couldNotResolve)
        XCTAssertEqual(kind(CURLE_PEER_FAILED_VERIFICATION), .certificateNotTrusted)
        XCTAssertEqual(kind(CURLE_GOT_NOTHING), .connectionLost)
        XCTAssertEqual(kind(CURLE_RECV_ERROR), .connectionLost)
        XCTAssertEqual(kind(CURLE_ABORTED_BY_CALLBACK), .abortedByUser)
        XCTAssertEqual(kind(CURLE_OUT_OF_MEMORY), .other)
        let resolve = CurlErrorMapping.error(code: CURLE_COULDNT_RESOLVE_HOST, state: st, endpoint: ep,
                                             requestMayHaveReachedServer: true)
        XCTAssertFalse(resolve.requestMayHaveReachedServer, "nothing can be sent before the name resolves")
        XCTAssertEqual(resolve.endpoint, "vcd.example.com:443")
        XCTAssertTrue(resolve.description.contains("check the host name"))
        st.readFailure = "the file ended 10 bytes early"
        XCTAssertEqual(kind(CURLE_ABORTED_BY_CALLBACK), .uploadFileUnreadable)
    }

    func testEndpointNeverShowsUserInfo() {
        XCTAssertEqual(Endpoint(baseURL: "https://u:p@vcd.example.com:8443/", target: "/api?x=1").hostPort, "vcd.example.com:8443")
        XCTAssertEqual(Endpoint(baseURL: "http://[::1]:8080", target: "/").hostPort, "[::1]:8080")
        XCTAssertEqual(Endpoint(baseURL: "http://h/", target: "/a").url, "http://h/a")
        XCTAssertEqual(Endpoint(baseURL: "http://h", target: "a").url, "http://h/a")
    }
}

/// Header lines as libcurl hands them over, including interim responses.
final class CurlHeaderParsingTests: XCTestCase {
    func testOnlyTheFinalResponsesFieldsAreKept() {
        let st = CurlTransferState()
        for line in ["HTTP/1.1 100 Continue\r\n", "X-Interim: yes\r\n", "\r\n",
                     "HTTP/1.1 201 Created\r\n", "Location: /api/task/1\r\n", "Set-Cookie: a=1\r\n",
                     "Set-Cookie: b=2\r\n", "X-Long: first\r\n", "\t second\r\n", "\r\n"] {
            st.takeHeaderLine(line)
        }
        XCTAssertNil(st.headers["X-Interim"])
        XCTAssertEqual(st.headers["location"], "/api/task/1")
        XCTAssertEqual(st.headers.values("Set-Cookie"), ["a=1", "b=2"])
        XCTAssertEqual(st.headers["X-Long"], "first second")
    }
}
