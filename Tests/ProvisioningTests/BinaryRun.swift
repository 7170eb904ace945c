import Foundation
import XCTest

/// Runs the built `vcdscript` executable as a user would and collects what it printed. Both
/// pipes are drained at once: reading standard output to its end before standard error would
/// hang when the program fills the standard error pipe first.
enum BinaryRun {
    static func run(_ binary: String, _ arguments: [String], environment: [String: String], cwd: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.environment = environment
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// The executable, or a skip that says how to build it.
    static func binary() throws -> String {
        guard let b = NodeImageCommandTests.binary else { throw XCTSkip("the vcdscript executable is not built (swift build --build-tests)") }
        return b
    }
}
