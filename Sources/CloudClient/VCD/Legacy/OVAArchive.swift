import Foundation

/// An OVA read in place: a tar archive whose first member is the OVF descriptor. Members are
/// located, not extracted: each is a byte range of the OVA file, so a disk of gigabytes is
/// streamed from the archive itself (`FileUpload` with that range).
public struct OVAArchive: Sendable {
    public struct Member: Sendable, Equatable {
        /// The name in the archive (no directory parts are expected in an OVA).
        public var name: String
        /// Where its bytes start in the OVA file.
        public var offset: UInt64
        public var size: UInt64
    }

    public let path: String
    public let members: [Member]

    /// Reads the member table; throws `OVAError` with a hint when the file is not an OVA.
    public init(path: String) throws {
        self.path = path
        guard let fh = FileHandle(forReadingAtPath: path) else {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
            throw OVAError(message: exists ? "cannot read \(path)" : "no file at \(path)",
                           hint: exists ? "check the file's permissions" : "give the path of the .ova file (relative paths start from the current directory)")
        }
        defer { try? fh.close() }
        let size = (try? fh.seekToEnd()) ?? 0
        var out: [Member] = []
        var pos: UInt64 = 0
        var longName: String?
        while pos + 512 <= size {
            try fh.seek(toOffset: pos)
            guard let h = try fh.read(upToCount: 512), h.count == 512 else { break }
            if h.allSatisfy({ $0 == 0 }) { break }  // end of archive
            guard Self.checksumOK(h) else {
                throw OVAError(message: "\(path) is not an OVA (no tar header at byte \(pos))",
                               hint: "an OVA is a tar archive holding an .ovf descriptor and its disks; a bare .ovf or .vmdk cannot be uploaded this way")
            }
            let name = Self.string(h, 0, 100), prefix = Self.string(h, 345, 155)
            let count = UInt64(Self.string(h, 124, 12).trimmingCharacters(in: .whitespaces), radix: 8) ?? 0
            let type = h[156]
            let start = pos + 512
            switch type {
            case UInt8(ascii: "L"):  // GNU long name: the next member's name is the data
                try fh.seek(toOffset: start)
                let d = try fh.read(upToCount: Int(count)) ?? Data()
                longName = String(decoding: d.prefix { $0 != 0 }, as: UTF8.self)
            case 0, UInt8(ascii: "0"):
                let full = longName ?? (prefix.isEmpty ? name : prefix + "/" + name)
                out.append(Member(name: full, offset: start, size: count))
                longName = nil
            default:
                longName = nil  // directories, PAX headers: nothing to upload
            }
            pos = start + (count + 511) / 512 * 512
        }
        guard out.contains(where: { $0.name.lowercased().hasSuffix(".ovf") }) else {
            throw OVAError(message: "\(path) holds no .ovf descriptor",
                           hint: "an OVA is a tar archive whose first member is the .ovf descriptor; export the VM as OVA again")
        }
        members = out
    }

    /// The OVF descriptor member.
    public var descriptor: Member { members.first { $0.name.lowercased().hasSuffix(".ovf") }! }

    /// The member named like a descriptor's file reference (`ovf:href`), directories ignored.
    public func member(named name: String) -> Member? {
        let base = (name as NSString).lastPathComponent
        return members.first { $0.name == name } ?? members.first { ($0.name as NSString).lastPathComponent == base }
    }

    /// The bytes of a (small) member, such as the descriptor.
    public func read(_ m: Member) throws -> Data {
        try FileUpload(path: path, offset: m.offset, length: m.size).readAll()
    }

    private static func string(_ h: Data, _ at: Int, _ len: Int) -> String {
        let bytes = h[h.startIndex + at ..< h.startIndex + at + len].prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The header checksum: the sum of all bytes with the checksum field read as spaces.
    private static func checksumOK(_ h: Data) -> Bool {
        guard let want = UInt32(string(h, 148, 8).trimmingCharacters(in: .whitespaces), radix: 8) else { return false }
        var sum: UInt32 = 0
        for (i, b) in h.enumerated() { sum += (148..<156).contains(i) ? 32 : UInt32(b) }
        return sum == want
    }
}

/// A file that cannot be uploaded as an OVA, with what to do about it.
public struct OVAError: Error, CustomStringConvertible {
    public var message: String
    public var hint: String
    public var description: String { message }
}
