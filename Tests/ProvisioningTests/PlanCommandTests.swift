import Foundation
import XCTest

/// `vcdscript --plan` as a user runs it (the built binary, on an embedded simulator of its own):
/// `-o json` prints the plan as data, `--detailed-exitcode` answers 0 / 2 / 1 on a clean world, a
/// drifted one and an error, a failed run says what it changed, and local effects under --plan
/// leave the file system as it was. Skipped when the binary is not built.
final class PlanCommandTests: XCTestCase {
    private var home = ""

    override func setUpWithError() throws {
        home = NSTemporaryDirectory() + "plancmd-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        addTeardownBlock { [home] in try? FileManager.default.removeItem(atPath: home) }
    }

    @discardableResult
    private func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (status: Int32, out: String, err: String) {
        guard let binary = NodeImageCommandTests.binary else { throw XCTSkip("the vcdscript executable is not built (swift build --build-tests)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["VCD_URL"] = nil
        env["VCDSCRIPT_HOME"] = home
        env["NO_COLOR"] = "1"
        p.environment = env
        p.currentDirectoryURL = URL(fileURLWithPath: home)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Both pipes drained at once: a run that fills one must not wait on the other.
        let o = OutputBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { o.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let e = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o.data, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    private func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let any = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(any as? [String: Any], "not a JSON object: \(text)", file: file, line: line)
    }

    private func changes(_ doc: [String: Any]) -> [[String: Any]] { doc["changes"] as? [[String: Any]] ?? [] }

    func testPlanAsJSONAndDetailedExitcodeOnAFreshACleanAndADriftedWorld() throws {
        // A fresh world: everything to create; standard output is the document alone.
        let fresh = try run(["--plan", "-o", "json", "--detailed-exitcode", "tenant-network.vs"])
        XCTAssertEqual(fresh.status, 2, fresh.err)
        let doc = try json(fresh.out)
        XCTAssertEqual(doc["plan"] as? Bool, true)
        XCTAssertEqual(doc["complete"] as? Bool, true)
        XCTAssertEqual(doc["hasChanges"] as? Bool, true)
        let gw = changes(doc).first { $0["kind"] as? String == "edge gateway" }
        XCTAssertEqual(gw?["action"] as? String, "create")
        XCTAssertEqual(gw?["name"] as? String, "gw-capvcd")
        XCTAssertEqual(gw?["parent"] as? String, "t-tenant")
        XCTAssertEqual((doc["summary"] as? [String: Int])?["create"], changes(doc).filter { $0["action"] as? String == "create" }.count)
        XCTAssertTrue(fresh.err.contains("+ create edge gateway gw-capvcd"), "the lines go to stderr: \(fresh.err)")

        // Applied: a clean world plans nothing, exit 0.
        let apply = try run(["tenant-network.vs"])
        XCTAssertEqual(apply.status, 0, apply.err)
        let clean = try run(["--plan", "--detailed-exitcode", "tenant-network.vs"])
        XCTAssertEqual(clean.status, 0, clean.out + clean.err)
        XCTAssertTrue(clean.out.contains("Plan: 0 to create, 0 to update, 0 to delete, "), clean.out)
        let cleanJSON = try run(["--plan", "-o", "json", "--detailed-exitcode", "tenant-network.vs"])
        XCTAssertEqual(cleanJSON.status, 0, cleanJSON.err)
        let cleanDoc = try json(cleanJSON.out)
        XCTAssertEqual(cleanDoc["hasChanges"] as? Bool, false)
        XCTAssertTrue(changes(cleanDoc).allSatisfy { $0["action"] as? String == "unchanged" }, cleanJSON.out)

        // Drift made out of band, through the API: the plan shows the update with before and after.
        let drift = try run(["-e", #"cloud.org("xav_lab").vdc("t-tenant").networks.ensure(name: "capvcd-192.168.10.0", dns: ["198.51.100.99"])"#])
        XCTAssertEqual(drift.status, 0, drift.err)
        let drifted = try run(["--plan", "-o", "json", "--detailed-exitcode", "tenant-network.vs"])
        XCTAssertEqual(drifted.status, 2, drifted.err)
        let update = changes(try json(drifted.out)).first { $0["action"] as? String == "update" }
        XCTAssertEqual(update?["kind"] as? String, "network")
        XCTAssertEqual(update?["name"] as? String, "capvcd-192.168.10.0")
        let fields = update?["fields"] as? [[String: Any]]
        XCTAssertEqual(fields?.count, 1)
        XCTAssertEqual(fields?.first?["name"] as? String, "dns")
        XCTAssertEqual(fields?.first?["before"] as? String, #"["198.51.100.99"]"#)
        XCTAssertEqual(fields?.first?["after"] as? String, #"["198.51.100.53"]"#)

        // An error: 1, whatever the script's own code.
        let failed = try run(["--plan", "--detailed-exitcode", "-e", #"throw error("STOP", "stop here")"#])
        XCTAssertEqual(failed.status, 1, failed.err)
    }

    func testAFailedRunSaysWhatItChangedBeforeTheFailure() throws {
        let code = #"cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-fail", ipCount: 1)"# + "\n" + #"throw error("STOP", "stop here")"#
        let planned = try run(["--plan", "-e", code])
        XCTAssertEqual(planned.status, 1)
        XCTAssertFalse(planned.out.contains("Plan:"), "no summary of a complete plan: \(planned.out)")
        XCTAssertTrue(planned.err.contains("The plan is incomplete: the run stopped on the error above. Planned until then: 1 to create, 0 to update, 0 to delete, 0 unchanged. Nothing was changed (--plan)."), planned.err)

        let applied = try run(["-e", code])
        XCTAssertEqual(applied.status, 1)
        XCTAssertTrue(applied.out.contains("+ created edge gateway gw-fail"), applied.out)
        XCTAssertTrue(applied.err.contains("The run failed after changing: 1 created, 0 updated, 0 deleted (the + ~ - lines above). What was done stays done: fix the cause and run again; a second run carries on from there."), applied.err)

        let readOnly = try run(["-e", #"print(cloud.org("xav_lab").name)"# + "\n" + #"throw error("STOP", "stop here")"#])
        XCTAssertEqual(readOnly.status, 1)
        XCTAssertTrue(readOnly.err.contains("The run failed before changing anything."), readOnly.err)
    }

    func testPlanLeavesTheFileSystemUntouched() throws {
        let d = home + "/files"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        try "old".write(toFile: d + "/keep.txt", atomically: false, encoding: .utf8)
        let code = """
            write("\(d)/new.txt", "x")
            write("\(d)/keep.txt", "changed")
            file.remove("\(d)/keep.txt")
            file.mkdir("\(d)/sub", parents: true)
            sh("touch", "\(d)/touched")
            """
        let r = try run(["--plan", "-e", code])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, """
            + write \(d)/new.txt
            + write \(d)/keep.txt
            - remove \(d)/keep.txt
            + mkdir \(d)/sub
            ! run sh touch \(d)/touched
            Plan: 0 to create, 0 to update, 0 to delete, 0 unchanged; on this machine: 2 to write, 1 to remove, 1 to mkdir, 1 to run. Nothing was changed (--plan).

            """)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d), ["keep.txt"])
        XCTAssertEqual(try String(contentsOfFile: d + "/keep.txt", encoding: .utf8), "old")
        // A local effect alone is no change of the cloud: a drift check ignores it.
        let detailed = try run(["--plan", "--detailed-exitcode", "-e", code])
        XCTAssertEqual(detailed.status, 0, detailed.err)
        // And the document lists them.
        let doc = try json(try run(["--plan", "-o", "json", "-e", code]).out)
        XCTAssertEqual(changes(doc).map { "\($0["action"]!) \($0["kind"]!)" }, ["write file", "write file", "remove file", "mkdir folder", "run program"])
    }

    func testFileErrorsEndTheRunWithTheirMessageAndExitCode1() throws {
        let r = try run(["-e", #"file.remove("\#(home)/nothing-here")"#])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("cannot remove \(home)/nothing-here: no such file or folder"), r.err)
        XCTAssertTrue(r.err.contains("pass force: true when a missing file is fine"), r.err)
    }
}

/// Standard output of a child, filled by the reader thread before the group is left.
private final class OutputBox: @unchecked Sendable {
    var data = Data()
}
