import XCTest
@testable import ScriptCloud

/// The environment (Terraform VCD provider names) and profiles fill a connect request the same way.
final class ConnectRequestTests: XCTestCase {
    func testEnvironmentNamesMapToSettings() {
        let r = ConnectRequest.fromEnvironment([
            "VCD_URL": "https://vcd.example.com", "VCD_ORG": "xav_lab", "VCD_USER": "xav",
            "VCD_PASSWORD": "pw-1", "VCD_API_TOKEN": "tok-1", "VCD_PROVIDER_USER": "administrator",
            "VCD_PROVIDER_PASSWORD": "pw-2", "VCD_CA_FILE": "/tmp/ca.pem", "VCD_ALLOW_UNVERIFIED_SSL": "True",
        ])
        XCTAssertEqual(r.url, "https://vcd.example.com")
        XCTAssertEqual(r.org, "xav_lab")
        XCTAssertEqual(r.user, "xav")
        XCTAssertEqual(r.password, "pw-1")
        XCTAssertEqual(r.apiToken, "tok-1")
        XCTAssertEqual(r.providerUser, "administrator")
        XCTAssertEqual(r.providerPassword, "pw-2")
        XCTAssertEqual(r.caFile, "/tmp/ca.pem")
        XCTAssertTrue(r.insecure)
    }

    func testEmptyValuesAreUnsetAndInsecureIsOffByDefault() {
        let r = ConnectRequest.fromEnvironment(["VCD_URL": "", "VCD_ALLOW_UNVERIFIED_SSL": "no"])
        XCTAssertNil(r.url)
        XCTAssertFalse(r.insecure)
        XCTAssertFalse(ConnectRequest.fromEnvironment([:]).insecure)
    }
}
