@testable import CloudSim
import CloudWire
import XCTest

/// The credentials a VCDCluster may carry inline never show when its record is printed or dumped.
final class CAPVCDRecordSecretTests: XCTestCase {
    func testUserContextShowsWhoButNoSecret() throws {
        let object = try JSONValue.parse(Data(#"""
        {"spec": {"userContext": {"username": "capvcd", "password": "s3cr3t-pass", "refreshToken": "tok-XYZ-123"}}}
        """#.utf8))
        let cluster = VCDCluster(object)
        XCTAssertEqual(cluster.spec.userContext.password, "s3cr3t-pass")
        var dumped = ""
        dump(cluster, to: &dumped)
        for text in [String(describing: cluster), String(reflecting: cluster), "\(cluster.spec.userContext)", dumped] {
            XCTAssertTrue(text.contains("capvcd"), text)
            XCTAssertFalse(text.contains("s3cr3t-pass"), text)
            XCTAssertFalse(text.contains("tok-XYZ-123"), text)
        }
    }
}
