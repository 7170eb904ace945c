import Foundation

/// Where the REPL keeps its history, and which lines must never be written there.
enum HistoryFile {
    /// `$VCDSCRIPT_HOME`, else `$XDG_STATE_HOME/vcdscript`, else `~/.local/state/vcdscript`.
    static func stateFolder(environment env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = env["VCDSCRIPT_HOME"], !home.isEmpty { return home }
        if let state = env["XDG_STATE_HOME"], !state.isEmpty { return (state as NSString).appendingPathComponent("vcdscript") }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/state/vcdscript")
    }

    static func path(environment env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        (stateFolder(environment: env) as NSString).appendingPathComponent("history")
    }

    /// Makes sure the folder exists (0700) and the file exists with mode 0600 before libedit
    /// writes it, so history is never readable by others, even for a moment.
    static func prepare(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            return false
        }
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        guard fd >= 0 else { return false }
        _ = fchmod(fd, 0o600)
        close(fd)
        return true
    }

    private static let secretLiteral = try! NSRegularExpression(
        pattern: #"\bsecret\s*\((?:\s*|[^()]*?\bvalue\s*:\s*)["']"#)

    /// True when the text passes a string literal as the value of `secret(...)` (positionally or
    /// as `value:`): such input stays out of the history file. `secret(env: "NAME")` holds no secret.
    static func holdsSecretLiteral(_ text: String) -> Bool {
        secretLiteral.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
