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

    func testNSXAndALBSettingsFromTheirTerraformNamesAndProfiles() throws {
        let r = ConnectRequest.fromEnvironment([
            "NSXT_MANAGER_HOST": "nsx.lab.example", "NSXT_USERNAME": "admin", "NSXT_PASSWORD": "nsx-pw",
            "AVI_CONTROLLER": "https://alb.lab.example:8443", "AVI_USERNAME": "admin", "AVI_PASSWORD": "alb-pw",
        ])
        XCTAssertEqual(r.nsxURL, "https://nsx.lab.example")
        XCTAssertEqual(r.nsxUser, "admin")
        XCTAssertEqual(r.nsxPassword, "nsx-pw")
        XCTAssertEqual(r.albURL, "https://alb.lab.example:8443")
        XCTAssertEqual(r.albPassword, "alb-pw")

        let dir = NSTemporaryDirectory() + "profiles-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/profiles.yaml"
        try """
        lab:
          url: https://vcd.lab.example
          user: xav
          password_env: LAB_PW
          nsx_url: nsx.lab.example
          nsx_user: admin
          nsx_password_env: LAB_NSX_PW
          alb_url: alb.lab.example
          alb_user: admin
          alb_password_env: LAB_ALB_PW
        """.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let p = try Profiles.load("lab", path: file, env: ["LAB_PW": "a", "LAB_NSX_PW": "b", "LAB_ALB_PW": "c"])
        XCTAssertEqual(p.nsxURL, "https://nsx.lab.example")
        XCTAssertEqual(p.nsxPassword, "b")
        XCTAssertEqual(p.albURL, "https://alb.lab.example")
        XCTAssertEqual(p.albPassword, "c")
    }
}
