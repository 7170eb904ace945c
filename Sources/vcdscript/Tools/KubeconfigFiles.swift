import Foundation
import Yams

/// Kubeconfig files as kind and clusterctl write them: the entries of one cluster merged into the
/// user's file (`--kubeconfig`, else the first of `$KUBECONFIG`, else `~/.kube/config`) under one
/// name for the cluster, user and context, other entries kept; the file replaced atomically, mode
/// 0600 (it holds credentials), so a failure never leaves a half-written file.
enum KubeconfigFiles {
    /// The file kind writes to.
    static func path(flag: String?, environment: [String: String]) -> String {
        if let f = flag, !f.isEmpty { return (f as NSString).expandingTildeInPath }
        if let k = environment["KUBECONFIG"], let first = k.split(separator: ":").first(where: { !$0.isEmpty }) {
            return (String(first) as NSString).expandingTildeInPath
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".kube/config")
    }

    /// The single-cluster kubeconfig `text` with its cluster, user and context all named `name`
    /// (kind's `kind-<cluster>`), as a dictionary.
    static func renamed(_ text: String, to name: String) throws -> [String: Any] {
        guard var doc = try Yams.load(yaml: text) as? [String: Any] else { throw ToolError("the cluster's kubeconfig is not a YAML mapping") }
        func first(_ key: String, _ inner: String) -> [String: Any] {
            ((doc[key] as? [Any])?.first as? [String: Any])?[inner] as? [String: Any] ?? [:]
        }
        var context = first("contexts", "context")
        context["cluster"] = name
        context["user"] = name
        context.removeValue(forKey: "namespace")
        doc["clusters"] = [["name": name, "cluster": first("clusters", "cluster")]]
        doc["users"] = [["name": name, "user": first("users", "user")]]
        doc["contexts"] = [["name": name, "context": context]]
        doc["current-context"] = name
        return doc
    }

    /// `text` (one cluster's kubeconfig) as YAML with every entry named `name`.
    static func renamedText(_ text: String, to name: String) throws -> String {
        try Yams.dump(object: try renamed(text, to: name), sortKeys: true)
    }

    /// Merges `text`'s entries, named `name`, into the file at `path` and makes `name` current.
    static func merge(_ text: String, as name: String, into path: String) throws {
        let entries = try renamed(text, to: name)
        var doc = try load(path)
        for key in ["clusters", "users", "contexts"] {
            var list = (doc[key] as? [Any] ?? []).filter { (($0 as? [String: Any])?["name"] as? String) != name }
            list += entries[key] as? [Any] ?? []
            doc[key] = list
        }
        doc["current-context"] = name
        try write(doc, to: path)
    }

    /// Removes the entries named `name` from the file at `path` (nothing when it has none).
    static func remove(_ name: String, from path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        var doc = try load(path)
        var changed = false
        for key in ["clusters", "users", "contexts"] {
            let list = doc[key] as? [Any] ?? []
            let kept = list.filter { (($0 as? [String: Any])?["name"] as? String) != name }
            if kept.count != list.count { changed = true }
            doc[key] = kept
        }
        if doc["current-context"] as? String == name { doc["current-context"] = ""; changed = true }
        if changed { try write(doc, to: path) }
    }

    static func load(_ path: String) throws -> [String: Any] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return ["apiVersion": "v1", "kind": "Config", "preferences": [String: Any]()]
        }
        do {
            guard let doc = try Yams.load(yaml: text) as? [String: Any] else { throw ToolError("\(path) is not a kubeconfig (not a YAML mapping)") }
            return doc
        } catch let e as ToolError { throw e } catch {
            throw ToolError("\(path) is not valid YAML: \(error)", hint: "fix or move the file; it was left as it is")
        }
    }

    /// Writes `doc` to `path` atomically (a 0600 temporary file beside it, renamed over it).
    static func write(_ doc: [String: Any], to path: String) throws {
        try writeText(try Yams.dump(object: doc, sortKeys: true), to: path)
    }

    static func writeText(_ text: String, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let tmp = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw ToolError("cannot write \(path): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let ok = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) } == bytes.count && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ToolError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
