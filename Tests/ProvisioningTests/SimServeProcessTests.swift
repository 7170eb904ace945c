import CloudClient
import CloudWire
import Foundation
import XCTest

/// `vcdscript sim serve` as its own process, asked to run its tasks on the server's event loops
/// (`VCDSCRIPT_SIM_EVENT_LOOPS=1`: `EventLoopTasks`, the global-executor hook reached by the
/// linker's address, which also works in release binaries with the Swift runtime linked in): they
/// take over, and it answers over them.
final class SimServeProcessTests: XCTestCase {
    func testServeRunsItsTasksOnTheEventLoopsWhenAskedAndAnswers() throws {
        let binary = try BinaryRun.binary()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("simserve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state.sqlite"
        var env = ProcessInfo.processInfo.environment
        env["VCDSCRIPT_HOME"] = dir
        env["VCDSCRIPT_SIM_EVENT_LOOPS"] = "1"
        let reset = try BinaryRun.run(binary, ["sim", "reset", "--state", state, "--password", "serve-pass"], environment: env)
        XCTAssertEqual(reset.status, 0, reset.err)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["sim", "serve", "--state", state, "--port", "0"]
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        defer { if p.isRunning { p.terminate() }; p.waitUntilExit() }

        // The first lines name the bound URLs ("vcd: http://127.0.0.1:PORT").
        var printed = ""
        let deadline = Date().addingTimeInterval(60)
        while !printed.contains("state:"), Date() < deadline, p.isRunning {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            printed += String(decoding: d, as: UTF8.self)
        }
        let url = try XCTUnwrap(printed.split(separator: "\n").first { $0.hasPrefix("vcd: ") }.map { String($0.dropFirst(5)) }, printed)
        XCTAssertTrue(url.hasPrefix("http://127.0.0.1:"), url)

        var o = CurlTransportOptions()
        o.proxy = ""
        o.connectTimeout = 10
        let transport = CurlTransport(options: o)
        for _ in 0..<3 {
            let r = try transport.send(HTTPRequestMessage(method: "GET", target: "/api/versions"), to: url)
            XCTAssertEqual(r.status, 200)
            XCTAssertTrue(r.text.contains("37.2"), r.text)
        }
        p.terminate()
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertFalse(stderr.contains("Swift's executor"), "the event loops did not take over: \(stderr)")
    }
}
