import Foundation
import XCTest
@testable import VCDScript
#if canImport(Glibc)
import Glibc
#endif

/// `write()` never turns what is at the path into something else: a symbolic link is written
/// through, a FIFO or a device in place, a directory refused; a regular file is replaced atomically
/// with its mode kept unless `mode:` is given.
final class FileWriteTests: XCTestCase {
    private func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "vcdscript-write-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    private func run(_ code: String) throws {
        let i = Interpreter(options: InterpreterOptions())
        var result: Result<Value, Error>!
        result = LargeStack.run { Result { try i.run(source: code, name: "t") } }
        _ = try result.get()
    }

    private func mode(_ path: String) -> Int {
        var st = stat()
        XCTAssertEqual(lstat(path, &st), 0)
        return Int(st.st_mode & 0o7777)
    }

    func testAFileKeepsItsModeUnlessOneIsGiven() throws {
        let f = try tempDir() + "/kubeconfig"
        try run("write(\"\(f)\", \"one\", mode: 0o600)")
        XCTAssertEqual(mode(f), 0o600)
        try run("write(\"\(f)\", \"two\")")
        XCTAssertEqual(mode(f), 0o600, "kept")
        XCTAssertEqual(try String(contentsOfFile: f, encoding: .utf8), "two")
        try run("write(\"\(f)\", \"three\", mode: 0o640)")
        XCTAssertEqual(mode(f), 0o640)
        let left = try FileManager.default.contentsOfDirectory(atPath: (f as NSString).deletingLastPathComponent)
        XCTAssertEqual(left, ["kubeconfig"], "no temporary file is left")
    }

    func testASymbolicLinkIsWrittenThroughToItsTarget() throws {
        let d = try tempDir()
        try "old".write(toFile: d + "/real.txt", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: d + "/link.txt", withDestinationPath: "real.txt")
        try run("write(\"\(d)/link.txt\", \"new\")")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: d + "/link.txt"), "real.txt", "still a link")
        XCTAssertEqual(try String(contentsOfFile: d + "/real.txt", encoding: .utf8), "new")
    }

    func testAFIFOAndADeviceAreWrittenInPlace() throws {
        let fifo = try tempDir() + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let got = Box()
        let reader = Thread {
            // Plain POSIX reads: the open waits for the writer, the reads for its close.
            let fd = open(fifo, O_RDONLY)
            guard fd >= 0 else { got.value = "open failed"; return }
            var bytes: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 256)
            while true {
                let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                bytes += buf[0..<n]
            }
            close(fd)
            got.value = String(decoding: bytes, as: UTF8.self)
        }
        reader.start()
        try run("write(\"\(fifo)\", \"through the pipe\")")
        for _ in 0..<200 where got.value == nil { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(got.value, "through the pipe")
        var st = stat()
        XCTAssertEqual(lstat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO, "still a FIFO")
        try run("write(\"/dev/null\", \"nothing\")")
        XCTAssertEqual(lstat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
    }

    func testADirectoryIsRefused() throws {
        let d = try tempDir()
        XCTAssertThrowsError(try run("write(\"\(d)\", \"x\")")) { e in
            XCTAssertEqual((e as? ScriptError)?.message, "cannot write \(d): it is a directory")
        }
        XCTAssertThrowsError(try run("write(\"\(d)/missing/file\", \"x\")")) { e in
            XCTAssertEqual((e as? ScriptError)?.message, "cannot write \(d)/missing/file: No such file or directory")
        }
    }

    final class Box: @unchecked Sendable { var value: String? }
}
