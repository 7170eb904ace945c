import Foundation

/// A script's text with its name, and the offsets of its lines, so that byte ranges can be
/// turned into the `file:line:col` and caret lines of diagnostics.
public final class SourceFile: @unchecked Sendable {
    /// The name shown in diagnostics: a path relative to where the user ran, or `<repl>` / `<-e>`.
    public let name: String
    /// The UTF-8 bytes of the text.
    public let bytes: [UInt8]
    /// Byte offsets where each line starts.
    let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The 1-based line and column (in characters) of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let offset = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let start = lineStarts[lo]
        let column = String(decoding: bytes[start..<offset], as: UTF8.self).count + 1
        return (lo + 1, column)
    }

    /// The text of 1-based line `n`, without its newline.
    public func lineText(_ n: Int) -> String {
        guard n >= 1, n <= lineStarts.count else { return "" }
        let start = lineStarts[n - 1]
        var end = n < lineStarts.count ? lineStarts[n] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The text between two byte offsets.
    public func text(_ range: Range<Int>) -> String {
        let lo = max(0, min(range.lowerBound, bytes.count)), hi = max(lo, min(range.upperBound, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}

/// A span of source: a file and a byte range in it.
public struct SourceRange: Sendable, CustomStringConvertible {
    public let file: SourceFile
    public let start: Int
    public let end: Int

    public init(file: SourceFile, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest range covering both.
    public func to(_ other: SourceRange) -> SourceRange {
        SourceRange(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    /// `file:line:col`
    public var description: String {
        let loc = file.location(of: start)
        return "\(file.name):\(loc.line):\(loc.column)"
    }

    public var line: Int { file.location(of: start).line }
    public var column: Int { file.location(of: start).column }
}
