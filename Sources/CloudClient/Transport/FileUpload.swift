import Foundation
import CloudWire

/// A byte range of a file to send as a request body, streamed from disk (an OVA's disks are
/// gigabytes: they never sit in memory with `CurlTransport`).
///
/// To resume a broken transfer, ask the server how much it has, then send the rest with
/// `offset` set to that count and the `Content-Range` header from `contentRange()`.
public struct FileUpload: Sendable, Equatable {
    /// Path of the file on disk.
    public var path: String
    /// First byte to send.
    public var offset: UInt64
    /// How many bytes to send; `nil`: up to the end of the file.
    public var length: UInt64?

    public init(path: String, offset: UInt64 = 0, length: UInt64? = nil) {
        self.path = path
        self.offset = offset
        self.length = length
    }

    /// The size of the file now.
    public func fileSize() throws -> UInt64 {
        do {
            let attrs = try FileManager.default.attributesOfItem(atPath: path)
            return (attrs[.size] as? NSNumber)?.uint64Value ?? 0
        } catch {
            throw TransportError(kind: .uploadFileUnreadable, endpoint: path, detail: "cannot stat the file",
                                 requestMayHaveReachedServer: false)
        }
    }

    /// The number of bytes this upload sends, checked against the file's size.
    public func byteCount() throws -> UInt64 {
        let size = try fileSize()
        guard offset <= size else {
            throw TransportError(kind: .uploadFileUnreadable, endpoint: path,
                                 detail: "offset \(offset) is past the end of the file (\(size) bytes)",
                                 requestMayHaveReachedServer: false)
        }
        let rest = size - offset
        if let length {
            guard length <= rest else {
                throw TransportError(kind: .uploadFileUnreadable, endpoint: path,
                                     detail: "range \(offset)+\(length) is past the end of the file (\(size) bytes)",
                                     requestMayHaveReachedServer: false)
            }
            return length
        }
        return rest
    }

    /// `bytes <first>-<last>/<file size>` for this range, as VCD's transfer service expects it.
    /// `nil` when the range is empty (there is no valid Content-Range for zero bytes).
    public func contentRange() throws -> String? {
        let count = try byteCount()
        guard count > 0 else { return nil }
        return "bytes \(offset)-\(offset + count - 1)/\(try fileSize())"
    }

    /// The whole range read into memory: the fallback for transports that cannot stream.
    func readAll() throws -> Data {
        let count = try byteCount()
        guard let fh = FileHandle(forReadingAtPath: path) else {
            throw TransportError(kind: .uploadFileUnreadable, endpoint: path, detail: "cannot open the file",
                                 requestMayHaveReachedServer: false)
        }
        defer { try? fh.close() }
        do {
            try fh.seek(toOffset: offset)
            let data = try fh.read(upToCount: Int(count)) ?? Data()
            guard data.count == Int(count) else {
                throw TransportError(kind: .uploadFileUnreadable, endpoint: path, detail: "the file is shorter than expected",
                                     requestMayHaveReachedServer: false)
            }
            return data
        } catch let e as TransportError {
            throw e
        } catch {
            throw TransportError(kind: .uploadFileUnreadable, endpoint: path, detail: "\(error)",
                                 requestMayHaveReachedServer: false)
        }
    }
}

/// Called as bytes go out: `(sent, total)` bytes of *this* upload's range (a resumed upload
/// starts again at 0; add its `offset` to show progress through the whole file). Called on the
/// sending thread; keep it quick.
public typealias UploadProgress = (_ sent: Int64, _ total: Int64) -> Void
