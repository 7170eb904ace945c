import Foundation
import XCTest
@testable import VCDScript
#if canImport(Glibc)
import Glibc
#endif

/// The `file` namespace (exists, list, mkdir, remove) with its errors, and the local-effects gate:
/// a host that answers `.skip` (plan mode) sees every write, remove, mkdir and program run, and
/// nothing happens on the machine.
final class FileOpsTests: XCTestCase {
    private func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "vcdscript-fileops-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    /// Runs `code`; answers what it printed.
    @discardableResult
    private func run(_ code: String, gate: ((LocalEffect) throws -> LocalEffectDecision)? = nil) throws -> [String] {
        var options = InterpreterOptions()
        var printed: [String] = []
        options.output = { printed.append($0) }
        options.localEffects = gate
        let i = Interpreter(options: options)
        let result = LargeStack.run { Result { try i.run(source: code, name: "t") } }
        _ = try result.get()
        return printed
    }

    /// The error `code` raises.
    private func failure(_ code: String) throws -> ScriptError {
        do {
            try run(code)
        } catch let e as ScriptError {
            return e
        }
        XCTFail("no error from: \(code)")
        throw XCTSkip("no error")
    }

    private func mode(_ path: String) -> Int {
        var st = stat()
        XCTAssertEqual(lstat(path, &st), 0)
        return Int(st.st_mode & 0o7777)
    }

    func testMkdirListExistsRemove() throws {
        let d = try tempDir()
        let out = try run("""
            file.mkdir("\(d)/a")
            file.mkdir("\(d)/b/c/d", parents: true, mode: 0o700)
            file.mkdir("\(d)/b/c/d", parents: true)
            write("\(d)/a/x.txt", "x")
            write("\(d)/a/.hidden", "h")
            print(file.list("\(d)"))
            print(file.list("\(d)/a"))
            print(file.exists("\(d)/b/c"), file.exists("\(d)/nope"), exists("\(d)/a/x.txt"))
            file.remove("\(d)/a/x.txt")
            file.remove("\(d)/missing", force: true)
            file.remove("\(d)/b", recursive: true)
            print(file.list("\(d)"), file.list("\(d)/a"))
            """)
        XCTAssertEqual(out, [#"["a", "b"]"#, #"[".hidden", "x.txt"]"#, "true false true", #"["a"] [".hidden"]"#])
        try run("file.mkdir(\"\(d)/m\", mode: 0o700)")
        XCTAssertEqual(mode(d + "/m"), 0o700, "the mode given, whatever the umask")
    }

    func testRemoveTakesALinkNotItsTarget() throws {
        let d = try tempDir()
        try "keep".write(toFile: d + "/target.txt", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: d + "/link", withDestinationPath: "target.txt")
        try run("file.remove(\"\(d)/link\")")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d), ["target.txt"])
    }

    func testErrorsSayWhatAndWhatToDo() throws {
        let d = try tempDir()
        try FileManager.default.createDirectory(atPath: d + "/full", withIntermediateDirectories: false)
        try "x".write(toFile: d + "/full/f", atomically: false, encoding: .utf8)

        var e = try failure("file.remove(\"\(d)/missing\")")
        XCTAssertEqual(e.message, "cannot remove \(d)/missing: no such file or folder")
        XCTAssertEqual(e.hint, "pass force: true when a missing file is fine")
        XCTAssertEqual(e.code, "NOT_FOUND")
        XCTAssertEqual(e.kind, .io)
        XCTAssertEqual(e.exitCode, 1)

        e = try failure("file.remove(\"\(d)/full\")")
        XCTAssertEqual(e.message, "cannot remove \(d)/full: the folder is not empty")
        XCTAssertEqual(e.hint, "pass recursive: true to remove the folder with everything in it")
        XCTAssertEqual(e.code, "CONFLICT")

        e = try failure("file.mkdir(\"\(d)/full\")")
        XCTAssertEqual(e.message, "cannot make folder \(d)/full: it already exists")
        XCTAssertEqual(e.hint, "pass parents: true to accept an existing folder (mkdir -p)")

        e = try failure("file.mkdir(\"\(d)/full/f\", parents: true)")
        XCTAssertEqual(e.message, "cannot make folder \(d)/full/f: a file of that name exists")

        e = try failure("file.mkdir(\"\(d)/no/such\")")
        XCTAssertEqual(e.message, "cannot make folder \(d)/no/such: no such file or folder")
        XCTAssertEqual(e.hint, "its parent folder \(d)/no does not exist: pass parents: true to make it too")

        e = try failure("file.list(\"\(d)/nothing\")")
        XCTAssertEqual(e.message, "cannot list \(d)/nothing: no such file or folder")
        XCTAssertEqual(e.code, "NOT_FOUND")

        e = try failure("file.list(\"\(d)/full/f\")")
        XCTAssertEqual(e.message, "cannot list \(d)/full/f: it is a file, not a folder")

        e = try failure("file.mkdir(\"\(d)/m\", mode: 4096)")
        XCTAssertEqual(e.message, "file.mkdir(): mode must be file permissions such as 0o600 (384), not 4096")
        XCTAssertEqual(e.kind, .value)

        // Permission: a folder nobody may write into (root may write anywhere: then skip).
        try FileManager.default.createDirectory(atPath: d + "/ro", withIntermediateDirectories: false)
        chmod(d + "/ro", 0o500)
        addTeardownBlock { chmod(d + "/ro", 0o700) }
        if geteuid() != 0 {
            e = try failure("file.mkdir(\"\(d)/ro/x\")")
            XCTAssertEqual(e.message, "cannot make folder \(d)/ro/x: permission denied")
            XCTAssertEqual(e.code, "FORBIDDEN")
        }
    }

    func testAGateThatSkipsSeesEveryEffectAndNothingHappens() throws {
        let d = try tempDir()
        try "old".write(toFile: d + "/keep.txt", atomically: false, encoding: .utf8)
        var seen: [LocalEffect] = []
        let out = try run("""
            write("\(d)/new.txt", "text")
            write("\(d)/keep.txt", "new")
            file.remove("\(d)/keep.txt")
            file.mkdir("\(d)/dir", parents: true)
            let r = sh("touch", "\(d)/touched", secret("s3cr3t-arg"), "two words")
            print(r.code, r.stdout)
            """, gate: { effect in
                seen.append(effect)
                return .skip(placeholder: .string("(later)"))
            })
        XCTAssertEqual(seen, [
            LocalEffect(.write, d + "/new.txt"), LocalEffect(.write, d + "/keep.txt"), LocalEffect(.remove, d + "/keep.txt"),
            LocalEffect(.mkdir, d + "/dir"), LocalEffect(.run, "sh touch \(d)/touched ******** \"two words\""),
        ])
        XCTAssertEqual(out, ["(later) (later)"], "sh answers the host's placeholder")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d), ["keep.txt"], "nothing made, nothing removed")
        XCTAssertEqual(try String(contentsOfFile: d + "/keep.txt", encoding: .utf8), "old")
    }

    func testAPlanRefusesToWriteADirectoryAsApplyWould() throws {
        let d = try tempDir()
        var seen: [LocalEffect] = []
        XCTAssertThrowsError(try run("write(\"\(d)\", \"x\")", gate: { seen.append($0); return .skip(placeholder: .null) })) { e in
            XCTAssertEqual((e as? ScriptError)?.message, "cannot write \(d): it is a directory")
            XCTAssertEqual((e as? ScriptError)?.exitCode, 1)
        }
        XCTAssertEqual(seen, [], "refused before the gate")
    }

    func testAReadOnlyProgramRunsPastTheGate() throws {
        var seen: [LocalEffect] = []
        let out = try run(#"print(sh("echo", "hi", readOnly: true).stdout.trim())"#, gate: { seen.append($0); return .skip(placeholder: .null) })
        XCTAssertEqual(out, ["hi"])
        XCTAssertEqual(seen, [])
    }

    func testAGateThatPerformsLetsItHappen() throws {
        let d = try tempDir()
        var seen: [LocalEffect.Action] = []
        try run("write(\"\(d)/a.txt\", \"a\")\nfile.mkdir(\"\(d)/sub\")\nsh(\"touch\", \"\(d)/sub/t\")", gate: { seen.append($0.action); return .perform })
        XCTAssertEqual(seen, [.write, .mkdir, .run])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d).sorted(), ["a.txt", "sub"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d + "/sub"), ["t"])
    }
}
