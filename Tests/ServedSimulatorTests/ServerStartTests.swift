import CloudSim
import Foundation
import XCTest

/// Starting the served simulator when a listener cannot start.
final class ServerStartTests: XCTestCase {
    func testAPortInUseIsAnErrorOfStartNamingTheService() throws {
        let dir = NSTemporaryDirectory() + "served-start-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try Simulator(statePath: dir + "/state.sqlite", options: SimulatorOptions())
        let first = SimulatorServer(simulator: sim, ports: [.vcd: 0])
        try blocking { try await first.start() }
        defer { try? blocking { await first.stop() } }
        let taken = try XCTUnwrap(first.ports[.vcd])

        let second = SimulatorServer(simulator: sim, ports: [.nsx: taken])
        XCTAssertThrowsError(try blocking { try await second.start() }) { e in
            guard case SimulatorServerError.failedToBind(let service, _, let port, _)? = e as? SimulatorServerError else {
                return XCTFail("unexpected error \(e)")
            }
            XCTAssertEqual(service, .nsx)
            XCTAssertEqual(port, taken)
            XCTAssertTrue("\(e)".contains("127.0.0.1:\(taken)"), "\(e)")
        }
        XCTAssertTrue(second.ports.isEmpty)
    }
}
