import XCTest
import CloudWire
@testable import CloudClient

/// Proxies: the explicit option, the environment variables, and `""` to ignore them. The test server
/// doubles as a forward proxy (it answers absolute-URI requests and says so), so the target host
/// below is never resolved or connected to: only 127.0.0.1 is.
final class CurlProxyTests: XCTestCase {
    var proxy: TestServer { SharedServers.http }
    let farTarget = "http://vcd.example.invalid"

    /// The proxy variables of the environment, saved and cleared so that the machine's own settings
    /// cannot decide a test, and put back afterwards.
    static let proxyVariables = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                                 "no_proxy", "NO_PROXY"]
    private var saved: [String: String] = [:]

    override func setUp() {
        super.setUp()
        for name in Self.proxyVariables {
            if let v = getenv(name) { saved[name] = String(cString: v) }
            unsetenv(name)
        }
    }

    override func tearDown() {
        for name in Self.proxyVariables { unsetenv(name) }
        for (name, value) in saved { setenv(name, value, 1) }
        super.tearDown()
    }

    func testExplicitProxyOption() throws {
        let t = CurlTransport(options: testOptions { $0.proxy = proxy.baseURL })
        let o = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/echo?via=option"), to: farTarget))
        XCTAssertEqual(o["proxied"] as? Bool, true)
        XCTAssertEqual(o["target"] as? String, "http://vcd.example.invalid/echo?via=option")
    }

    func testEnvironmentProxyIsHonouredByDefault() throws {
        setenv("http_proxy", proxy.baseURL, 1)
        let t = CurlTransport(options: testOptions { $0.proxy = nil })
        let o = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/echo"), to: farTarget))
        XCTAssertEqual(o["proxied"] as? Bool, true)
    }

    func testEmptyProxyIgnoresTheEnvironment() throws {
        // The environment points at a dead proxy; "" must go straight to the server.
        setenv("http_proxy", "http://127.0.0.1:\(closedLocalPort())", 1)
        let t = CurlTransport(options: testOptions { $0.proxy = "" })
        let o = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/echo"), to: proxy.baseURL))
        XCTAssertEqual(o["proxied"] as? Bool, false)
    }

    func testNoProxyBypassesTheEnvironmentProxy() throws {
        setenv("http_proxy", "http://127.0.0.1:\(closedLocalPort())", 1)
        setenv("no_proxy", "127.0.0.1", 1)
        let t = CurlTransport(options: testOptions { $0.proxy = nil })
        let o = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/echo"), to: proxy.baseURL))
        XCTAssertEqual(o["proxied"] as? Bool, false)
    }

    func testDeadProxyIsAConnectErrorNamingTheTarget() throws {
        let t = CurlTransport(options: testOptions { $0.proxy = "http://127.0.0.1:\(closedLocalPort())" })
        let e = expectTransportError { try t.send(HTTPRequestMessage(method: "GET", target: "/echo"), to: farTarget) }
        XCTAssertEqual(e?.kind, .couldNotConnect)
        XCTAssertTrue(e?.hint.contains("proxy") ?? false)
    }
}
