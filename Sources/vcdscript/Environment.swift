import Foundation

/// Where things are: the bundled stdlib, the import search path, the user's folders.
enum Environment {
    /// The bundled `stdlib/`: `VCDSCRIPT_STDLIB`, else `stdlib/` beside or above the executable
    /// (a build tree keeps it two or three levels up), else `share/vcdscript/stdlib`.
    static func stdlibPath() -> String? {
        let fm = FileManager.default
        if let p = ProcessInfo.processInfo.environment["VCDSCRIPT_STDLIB"], fm.fileExists(atPath: p) { return p }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        if let exe = Bundle.main.executableURL { dir = exe.resolvingSymlinksInPath().deletingLastPathComponent() }
        for _ in 0..<5 {
            for candidate in [dir.appendingPathComponent("stdlib"), dir.appendingPathComponent("share/vcdscript/stdlib")] {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), isDir.boolValue { return candidate.path }
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// `VCDSCRIPT_PATH` folders, then the stdlib.
    static func searchPaths() -> [String] {
        var paths = (ProcessInfo.processInfo.environment["VCDSCRIPT_PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        if let std = stdlibPath() { paths.append(std) }
        return paths
    }

    /// A script given on the command line: a path that exists, else a name in the stdlib.
    static func locateScript(_ name: String) -> String? {
        let fm = FileManager.default
        if fm.fileExists(atPath: name) { return name }
        guard !name.contains("/"), let std = stdlibPath() else { return nil }
        for candidate in [name, name + ".vs"] {
            let p = (std as NSString).appendingPathComponent(candidate)
            if fm.fileExists(atPath: p) { return p }
        }
        return nil
    }

    /// The user's state folder (REPL history): `$XDG_STATE_HOME/vcdscript` or `~/.local/state/vcdscript`.
    static func stateDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let home = env["VCDSCRIPT_HOME"] { return home }
        let base = env["XDG_STATE_HOME"] ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/state")
        return (base as NSString).appendingPathComponent("vcdscript")
    }
}
