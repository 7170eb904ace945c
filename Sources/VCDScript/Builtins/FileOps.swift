import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `file` namespace: `file.exists`, `file.list`, `file.mkdir`, `file.remove`. The two that
/// change the machine ask the host's local-effects gate first (`CallContext.permit`), so under a
/// plan they are shown (`+ mkdir DIR`, `- remove FILE`) and not done.
enum FileOps {
    static let namespace: NativeObject = {
        let t = NativeType(name: "file", doc: "Files and folders: file.exists(path), file.list(dir), file.mkdir(path, parents:, mode:), file.remove(path, recursive:, force:). ~ is the home folder.")
        t.method("exists", params: [Parameter("path")], doc: "True if the file or folder exists (a symbolic link: if its target does).") { _, a, _ in
            .bool(FileManager.default.fileExists(atPath: Paths.expand(try a.string(0))))
        }
        t.method("list", params: [Parameter("dir")], doc: "The names in a folder (not paths; hidden ones included), sorted.") { _, a, ctx in
            let path = Paths.expand(try a.string(0))
            let names = try list(path)
            try ctx.charge(Cost.values(names.count))
            return .list(ListRef(names.map { .string($0) }))
        }
        t.method("mkdir", params: [
            Parameter("path"),
            Parameter("parents", default: .bool(false), doc: "also make missing parent folders; an existing folder is then no error (mkdir -p)"),
            Parameter("mode", default: .null, doc: "permissions, e.g. 0o700; default 0o777 less the umask"),
        ], doc: "Makes a folder.") { _, a, ctx in
            let path = Paths.expand(try a.string(0))
            let parents = try a.bool(1)
            let mode = try permissions(a[2], "file.mkdir()")
            if case .skip = try ctx.permit(LocalEffect(.mkdir, path)) { return .null }
            try mkdir(path, parents: parents, mode: mode)
            return .null
        }
        t.method("remove", params: [
            Parameter("path"),
            Parameter("recursive", default: .bool(false), doc: "remove a folder with everything in it"),
            Parameter("force", default: .bool(false), doc: "a missing path is no error (rm -f)"),
        ], doc: "Removes a file, a symbolic link (not its target) or an empty folder.") { _, a, ctx in
            let path = Paths.expand(try a.string(0))
            let recursive = try a.bool(1), force = try a.bool(2)
            if case .skip = try ctx.permit(LocalEffect(.remove, path)) { return .null }
            try remove(path, recursive: recursive, force: force)
            return .null
        }
        return NativeObject(type: t)
    }()

    /// A `mode:` argument: nil, or file permissions (0 to 0o7777).
    static func permissions(_ v: Value, _ fn: String) throws -> Int? {
        switch v {
        case .null: return nil
        case .int(let m) where (0...0o7777).contains(m): return m
        case .int(let m): throw ScriptError(.value, "\(fn): mode must be file permissions such as 0o600 (384), not \(m)")
        default: throw ScriptError(.type, "\(fn): mode must be an int such as 0o600, not a \(v.typeName)")
        }
    }

    /// An error for a failed system call on `path`, with the code scripts can test (`err.code`).
    static func failure(_ what: String, _ path: String, errno code: Int32, hint: String? = nil) -> ScriptError {
        let reason: String, name: String
        switch code {
        case ENOENT: reason = "no such file or folder"; name = "NOT_FOUND"
        case EACCES, EPERM: reason = "permission denied"; name = "FORBIDDEN"
        case ENOTEMPTY, EEXIST: reason = code == EEXIST ? "it already exists" : "the folder is not empty"; name = "CONFLICT"
        case ENOTDIR: reason = "a part of the path is not a folder"; name = "INVALID"
        default: reason = String(cString: strerror(code)); name = "IO"
        }
        return ScriptError(.io, "cannot \(what) \(path): \(reason)", hint: hint, code: name)
    }

    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            let e = errno
            if e == ENOTDIR { throw ScriptError(.io, "cannot list \(path): it is a file, not a folder", code: "INVALID") }
            throw failure("list", path, errno: e)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(cString: raw.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func mkdir(_ path: String, parents: Bool, mode: Int?) throws {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        var st = stat()
        if stat(trimmed, &st) == 0 {
            if (st.st_mode & S_IFMT) != S_IFDIR { throw ScriptError(.io, "cannot make folder \(path): a file of that name exists", code: "CONFLICT") }
            if parents { return }
            throw ScriptError(.io, "cannot make folder \(path): it already exists", hint: "pass parents: true to accept an existing folder (mkdir -p)", code: "CONFLICT")
        }
        let parent = (trimmed as NSString).deletingLastPathComponent
        if parents, !parent.isEmpty, parent != trimmed, stat(parent, &st) != 0 {
            try mkdir(parent, parents: true, mode: nil)
        }
        guard Glibc.mkdir(trimmed, mode_t(mode ?? 0o777)) == 0 else {
            let e = errno
            throw failure("make folder", path, errno: e, hint: e == ENOENT ? "its parent folder \(parent) does not exist: pass parents: true to make it too" : nil)
        }
        // The mode asked for exactly, whatever the umask.
        if let mode, chmod(trimmed, mode_t(mode)) != 0 { throw failure("set the mode of", path, errno: errno) }
    }

    static func remove(_ path: String, recursive: Bool, force: Bool) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            let e = errno
            if e == ENOENT && force { return }
            throw failure("remove", path, errno: e, hint: e == ENOENT ? "pass force: true when a missing file is fine" : nil)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            if recursive {
                for name in try list(path) { try remove(path + "/" + name, recursive: true, force: false) }
            }
            guard rmdir(path) == 0 else {
                let e = errno
                throw failure("remove", path, errno: e, hint: e == ENOTEMPTY || e == EEXIST ? "pass recursive: true to remove the folder with everything in it" : nil)
            }
        } else {
            guard unlink(path) == 0 else { throw failure("remove", path, errno: errno) }
        }
    }
}
