import Foundation

/// The owner's copy of the personas' clear passwords, as the last `sim reset` (or the first
/// seeding) chose them: `personas.json` beside the state, mode 0600 in the 0700 state folder. The
/// state holds only salted digests of them (`SecretDigest.password`), so a copy of the state file
/// alone opens nothing; this file is what lets `sim status` and `sim env` tell the owner the
/// passwords. Deleting it loses them (a `sim reset --password P` sets new ones).
enum PersonaPasswords {
    /// `<folder of the state>/personas.json`.
    static func path(forState statePath: String) -> String {
        ((statePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("personas.json")
    }

    /// The file's shape: user id → clear password. Ids change with every reset, so a file left
    /// from another world names no one in this one.
    private struct File: Codable {
        var passwords: [String: String]
    }

    /// Replaces the file with these passwords (atomically, never readable by others).
    static func write(_ passwords: [String: String], forState statePath: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PrivateFiles.write(try enc.encode(File(passwords: passwords)), to: path(forState: statePath))
    }

    /// Adds passwords to the file (an older state's clear passwords, moved out of it on upgrade).
    static func merge(_ passwords: [String: String], forState statePath: String) throws {
        var all = read(forState: statePath)
        all.merge(passwords) { _, new in new }
        try write(all, forState: statePath)
    }

    /// The passwords by user id; empty when the file is missing or unreadable. A file left wider
    /// than 0600 (copied in by hand) is narrowed first.
    static func read(forState statePath: String) -> [String: String] {
        let file = path(forState: statePath)
        PrivateFiles.tighten(file, to: PrivateFiles.fileMode)
        guard let data = FileManager.default.contents(atPath: file),
              let f = try? JSONDecoder().decode(File.self, from: data) else { return [:] }
        return f.passwords
    }
}
