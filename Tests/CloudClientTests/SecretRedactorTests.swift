import XCTest
import CloudWire
@testable import CloudClient

final class SecretRedactorTests: XCTestCase {
    let r = SecretRedactor()
    let m = SecretRedactor.mask

    func testSecretHeadersKeepTheirScheme() {
        XCTAssertEqual(r.redactHeader(name: "Authorization", value: "Basic YWRtaW5AU3lzdGVtOnMzY3JldA=="), "Basic \(m)")
        XCTAssertEqual(r.redactHeader(name: "authorization", value: "bearer eyJhbGciOi.abc.def"), "bearer \(m)")
        XCTAssertEqual(r.redactHeader(name: "X-VMWARE-VCLOUD-ACCESS-TOKEN", value: "eyJhbGciOiJSUzI1NiJ9.e30.sig"), m)
        XCTAssertEqual(r.redactHeader(name: "x-vcloud-authorization", value: "0123456789abcdef0123456789abcdef"), m)
        XCTAssertEqual(r.redactHeader(name: "X-CSRFToken", value: "Zm9vYmFy"), m)
        XCTAssertEqual(r.redactHeader(name: "Accept", value: "application/json;version=37.2"), "application/json;version=37.2")
    }

    func testCookiesKeepNamesAndAttributes() {
        XCTAssertEqual(r.redactHeader(name: "Cookie", value: "sessionid=abc; csrftoken=def"), "sessionid=\(m); csrftoken=\(m)")
        XCTAssertEqual(r.redactHeader(name: "Set-Cookie", value: "avi-sessionid=abc123; Path=/; HttpOnly"),
                       "avi-sessionid=\(m); Path=/; HttpOnly")
    }

    func testJSONFieldsByName() {
        let text = #"{"name":"admin","password": "hunter2", "refresh_token":"rt-1", "access_token" : "at\"x", "clientSecret":"cs", "privateKey":"-----BEGIN"}"#
        let out = r.redact(text)
        for s in ["hunter2", "rt-1", "at\\\"x", "\"cs\"", "BEGIN"] { XCTAssertFalse(out.contains(s), "\(s) in \(out)") }
        XCTAssertTrue(out.contains(#""name":"admin""#), out)
        XCTAssertTrue(out.contains(#""password": "\#(m)""#), out)
    }

    func testJSONEscapedInsideAString() {
        let text = #"{"body": "{\"password\": \"hunter2\", \"user\": \"bob\"}"}"#
        let out = r.redact(text)
        XCTAssertFalse(out.contains("hunter2"), out)
        XCTAssertTrue(out.contains("bob"), out)
    }

    func testFormAndQueryFields() {
        XCTAssertEqual(r.redact("grant_type=refresh_token&refresh_token=abc.def&x=1"),
                       "grant_type=refresh_token&refresh_token=\(m)&x=1")
        XCTAssertEqual(r.redact("https://h/oauth?client_id=1&password=p%40ss"), "https://h/oauth?client_id=1&password=\(m)")
    }

    func testXMLElementsAndAttributes() {
        let xml = #"<GuestCustomizationSection><AdminPassword>S3cr3t!</AdminPassword><vcloud:Password>x1</vcloud:Password></GuestCustomizationSection><User password="pw9" name="u"/>"#
        let out = r.redact(xml)
        for s in ["S3cr3t!", ">x1<", "pw9"] { XCTAssertFalse(out.contains(s), "\(s) in \(out)") }
        XCTAssertTrue(out.contains("<AdminPassword>\(m)</AdminPassword>"), out)
        XCTAssertTrue(out.contains(#"name="u""#), out)
    }

    func testCredentialsInFreeText() {
        XCTAssertEqual(r.redact("sent Authorization: Basic dXNlcjpwYXNz"), "sent Authorization: Basic \(m)")
        XCTAssertFalse(r.redact("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl here").contains("eyJzdWIi"))
        XCTAssertEqual(r.redact("https://admin:Pa55w0rd@vcd.example.com/api"), "https://admin:\(m)@vcd.example.com/api")
    }

    func testRegisteredSecretsInAllTheirForms() {
        r.register("correct horse \"battery\"")
        r.register("ab") // too short to register
        let text = "pw=correct%20horse%20%22battery%22 json=\"correct horse \\\"battery\\\"\" raw=correct horse \"battery\" ab"
        let out = r.redact(text)
        XCTAssertFalse(out.contains("horse"), out)
        XCTAssertTrue(out.hasSuffix(" ab"), out)
        r.removeAllRegistered()
        XCTAssertTrue(r.redact("correct horse").contains("horse"))
    }

    func testPEMPrivateKeysAnywhere() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAxyz\n-----END RSA PRIVATE KEY-----"
        XCTAssertEqual(r.redact("key:\n" + pem + "\ncert follows"),
                       "key:\n-----BEGIN RSA PRIVATE KEY-----\(m)-----END RSA PRIVATE KEY-----\ncert follows")
        let escaped = #"{"pem": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n"}"#
        XCTAssertFalse(r.redact(escaped).contains("MIIEvQIBADANBg"))
        let cert = "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----"
        XCTAssertEqual(r.redact(cert), cert, "certificates are public")
    }

    func testHeadersAsAWhole() {
        let h: HTTPHeaderFields = ["Authorization": "Bearer abcdefgh", "Accept": "*/*"]
        let out = r.redactHeaders(h)
        XCTAssertEqual(out["authorization"], "Bearer \(m)")
        XCTAssertEqual(out["accept"], "*/*")
    }

    func testTransportErrorDetailIsRedacted() {
        SecretRedactor.shared.register("SharedSecret-42")
        defer { SecretRedactor.shared.removeAllRegistered() }
        let e = TransportError(kind: .other, endpoint: "h:1", detail: "boom SharedSecret-42", requestMayHaveReachedServer: false)
        XCTAssertFalse("\(e)".contains("SharedSecret-42"))
    }
}
