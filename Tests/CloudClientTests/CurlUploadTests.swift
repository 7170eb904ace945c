import XCTest
import CloudWire
@testable import CloudClient

/// Streaming file uploads: progress, exact bytes, ranges, resuming a broken transfer.
final class CurlUploadTests: XCTestCase {
    var server: TestServer { SharedServers.http }

    /// Collects progress calls (they come from the sending thread).
    final class ProgressLog {
        private let lock = NSLock()
        private var calls: [(Int64, Int64)] = []
        func record(_ sent: Int64, _ total: Int64) { lock.lock(); calls.append((sent, total)); lock.unlock() }
        var all: [(Int64, Int64)] { lock.lock(); defer { lock.unlock() }; return calls }
    }

    private func uploaded(_ t: CurlTransport, key: String) throws -> Data {
        try t.send(HTTPRequestMessage(method: "GET", target: "/upload-data?key=\(key)"), to: server.baseURL).body
    }

    func testPutStreamsTheFileWithProgressReachingTotal() throws {
        let (path, data) = try makeTempFile(bytes: 6_000_000 + 17)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = CurlTransport(options: testOptions())
        let log = ProgressLog()
        let key = UUID().uuidString
        let res = try t.upload(HTTPRequestMessage(method: "PUT", target: "/upload?key=\(key)",
                                                  headers: ["Content-Type": "application/octet-stream"]),
                               file: FileUpload(path: path), to: server.baseURL, progress: log.record)
        XCTAssertEqual(res.status, 200)
        let o = jsonObject(res)
        XCTAssertEqual(o["method"] as? String, "PUT")
        XCTAssertEqual(o["len"] as? Int, data.count)
        XCTAssertEqual(try uploaded(t, key: key), data, "the server did not receive the exact bytes")

        let calls = log.all
        XCTAssertEqual(calls.first?.0, 0)
        XCTAssertEqual(calls.last?.0, Int64(data.count), "progress did not reach the total")
        XCTAssertTrue(calls.allSatisfy { $0.1 == Int64(data.count) }, "total changed during the upload")
        XCTAssertEqual(calls.map(\.0), calls.map(\.0).sorted(), "progress went backwards")
    }

    func testPostUploadUsesPOST() throws {
        let (path, data) = try makeTempFile(bytes: 200_000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = CurlTransport(options: testOptions())
        let key = UUID().uuidString
        let res = try t.upload(HTTPRequestMessage(method: "POST", target: "/upload?key=\(key)"),
                               file: FileUpload(path: path), to: server.baseURL, progress: nil)
        XCTAssertEqual(jsonObject(res)["method"] as? String, "POST")
        XCTAssertEqual(try uploaded(t, key: key), data)
    }

    func testRangeWithContentRangeHeader() throws {
        let (path, data) = try makeTempFile(bytes: 100_000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let piece = FileUpload(path: path, offset: 40_000, length: 25_000)
        XCTAssertEqual(try piece.contentRange(), "bytes 40000-64999/100000")
        let t = CurlTransport(options: testOptions())
        let log = ProgressLog()
        let key = UUID().uuidString
        let res = try t.upload(HTTPRequestMessage(method: "PUT", target: "/upload?key=\(key)",
                                                  headers: ["Content-Range": try piece.contentRange()!]),
                               file: piece, to: server.baseURL, progress: log.record)
        let o = jsonObject(res)
        XCTAssertEqual(o["len"] as? Int, 25_000)
        XCTAssertEqual(o["content_range"] as? String, "bytes 40000-64999/100000")
        XCTAssertEqual(log.all.last.map { [$0.0, $0.1] }, [25_000, 25_000])
        // Nothing from 0 is held yet: the server only has the middle piece.
        let status = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/upload-status?key=\(key)"), to: server.baseURL))
        XCTAssertEqual(status["received"] as? Int, 0)
        _ = data
    }

    /// A transfer broken by the server mid-way is resumed from the byte count the server reports,
    /// with a Content-Range, and the server ends up with the exact file.
    func testResumeAfterABrokenTransfer() throws {
        let size = 4_000_000
        let (path, data) = try makeTempFile(bytes: size)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = CurlTransport(options: testOptions())
        let key = UUID().uuidString

        let first = expectTransportError {
            try t.upload(HTTPRequestMessage(method: "PUT", target: "/upload?key=\(key)&break_after=1500000"),
                         file: FileUpload(path: path), to: server.baseURL, progress: nil)
        }
        XCTAssertEqual(first?.kind, .connectionLost)

        let status = jsonObject(try t.send(HTTPRequestMessage(method: "GET", target: "/upload-status?key=\(key)"), to: server.baseURL))
        let received = try XCTUnwrap(status["received"] as? Int)
        XCTAssertEqual(received, 1_500_000)

        let rest = FileUpload(path: path, offset: UInt64(received))
        let log = ProgressLog()
        let res = try t.upload(HTTPRequestMessage(method: "PUT", target: "/upload?key=\(key)",
                                                  headers: ["Content-Range": try rest.contentRange()!]),
                               file: rest, to: server.baseURL, progress: log.record)
        XCTAssertEqual(res.status, 200)
        XCTAssertEqual(jsonObject(res)["content_range"] as? String, "bytes 1500000-3999999/4000000")
        XCTAssertEqual(log.all.last?.0, Int64(size - received))
        XCTAssertEqual(try uploaded(t, key: key), data)
    }

    /// A server that refuses an upload before reading it (an expired session) must come back as
    /// its status, not as a broken connection, or the caller would never log in again.
    func testEarlyRefusalOfAnUploadIsReturnedAsTheStatus() throws {
        let (path, _) = try makeTempFile(bytes: 20_000_000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = CurlTransport(options: testOptions())
        for _ in 0..<3 {
            let res = try t.upload(HTTPRequestMessage(method: "PUT", target: "/status/401?noread=1"),
                                   file: FileUpload(path: path), to: server.baseURL, progress: nil)
            XCTAssertEqual(res.status, 401)
        }
    }

    func testMissingFileIsReportedBeforeConnecting() {
        let t = CurlTransport(options: testOptions())
        let e = expectTransportError {
            try t.upload(HTTPRequestMessage(method: "PUT", target: "/upload?key=x"),
                         file: FileUpload(path: "/nonexistent/disk.vmdk"), to: server.baseURL, progress: nil)
        }
        XCTAssertEqual(e?.kind, .uploadFileUnreadable)
        XCTAssertEqual(e?.requestMayHaveReachedServer, false)
        XCTAssertEqual(t.connectionsOpened, 0)
    }

    func testRangePastTheEndIsRefused() throws {
        let (path, _) = try makeTempFile(bytes: 10)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try FileUpload(path: path, offset: 11).byteCount())
        XCTAssertThrowsError(try FileUpload(path: path, offset: 5, length: 6).byteCount())
        XCTAssertEqual(try FileUpload(path: path, offset: 10).byteCount(), 0)
        XCTAssertNil(try FileUpload(path: path, offset: 10).contentRange())
    }

    func testEmptyFileUploads() throws {
        let (path, _) = try makeTempFile(bytes: 0)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = CurlTransport(options: testOptions())
        let res = try t.upload(HTTPRequestMessage(method: "PUT", target: "/upload?key=\(UUID().uuidString)"),
                               file: FileUpload(path: path), to: server.baseURL, progress: nil)
        XCTAssertEqual(jsonObject(res)["len"] as? Int, 0)
    }

    /// The protocol's default (used by the in-process transport) reads the range and reports progress.
    func testDefaultUploadReadsTheRangeIntoTheBody() throws {
        let (path, data) = try makeTempFile(bytes: 1000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = InProcessTransport { req in
            HTTPResponseMessage(status: 200, body: req.body)
        }
        let log = ProgressLog()
        let res = try t.upload(HTTPRequestMessage(method: "PUT", target: "/x"), file: FileUpload(path: path, offset: 100, length: 300),
                               to: "http://sim", progress: log.record)
        XCTAssertEqual(res.body, data.subdata(in: 100..<400))
        XCTAssertEqual(log.all.last.map { [$0.0, $0.1] }, [300, 300])
    }
}
