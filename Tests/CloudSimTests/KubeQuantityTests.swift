import CloudWire
import XCTest

/// The one Kubernetes quantity parser, as the engine compares quantities and the simulated
/// controllers read disk sizes.
final class KubeQuantityTests: XCTestCase {
    func testValuesInEveryForm() {
        XCTAssertEqual(KubeQuantity.value("500m"), 0.5)
        XCTAssertEqual(KubeQuantity.value("2Gi"), 2 * 1024 * 1024 * 1024)
        XCTAssertEqual(KubeQuantity.value("100M"), 100_000_000)
        XCTAssertEqual(KubeQuantity.value("1e3"), 1000)
        XCTAssertEqual(KubeQuantity.value("1.5"), 1.5)
        XCTAssertEqual(KubeQuantity.value("1024Mi"), KubeQuantity.value("1Gi"))
        XCTAssertNil(KubeQuantity.value("lots"))
        XCTAssertNil(KubeQuantity.value("nan"))
        XCTAssertNil(KubeQuantity.value("Gi"))
    }

    func testBytesOfDiskSizes() {
        XCTAssertEqual(KubeQuantity.bytes("20Gi"), 20 << 30)
        XCTAssertEqual(KubeQuantity.bytes(" 20G "), 20_000_000_000)
        XCTAssertEqual(KubeQuantity.bytes("20480Mi"), 20 << 30)
        XCTAssertEqual(KubeQuantity.bytes("21474836480"), 20 << 30)
        XCTAssertNil(KubeQuantity.bytes(nil))
        XCTAssertNil(KubeQuantity.bytes(""))
        XCTAssertNil(KubeQuantity.bytes("twenty"))
        XCTAssertNil(KubeQuantity.bytes("1e300"))
    }
}
