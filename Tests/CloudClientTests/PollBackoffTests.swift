import XCTest
@testable import CloudClient

/// The pauses of the poll loops (cluster, service address and deletion waits): short first, then
/// growing to the maximum and staying there.
final class PollBackoffTests: XCTestCase {
    func testShortFirstThenGrowingToTheMaximum() {
        var p = PollBackoff(first: 0.25, maximum: 5)
        let pauses = (0..<10).map { _ in p.next() }
        XCTAssertEqual(pauses[0], 0.25, "the first read comes soon")
        XCTAssertEqual(pauses[1], 0.375, accuracy: 1e-9)
        XCTAssertEqual(pauses[2], 0.5625, accuracy: 1e-9)
        XCTAssertEqual(zip(pauses, pauses.dropFirst()).allSatisfy { $0 <= $1 }, true, "never shorter than the one before: \(pauses)")
        XCTAssertEqual(pauses.last, 5, "settles at the maximum: \(pauses)")
        XCTAssertEqual(pauses.max(), 5)
    }

    func testAFirstPauseAboveTheMaximumIsTheMaximum() {
        var p = PollBackoff(first: 10, maximum: 2)
        XCTAssertEqual(p.next(), 2)
        XCTAssertEqual(p.next(), 2)
    }

    func testFactorOneKeepsTheFirstPause() {
        var p = PollBackoff(first: 0.05, maximum: 1, factor: 1)
        XCTAssertEqual([p.next(), p.next(), p.next()], [0.05, 0.05, 0.05])
    }
}
