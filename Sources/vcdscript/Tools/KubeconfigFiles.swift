import Foundation
import Documents

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
    /// (kind's `kind-<cluster>`), as a document.
    static func renamed(_ text: String, to name: String) throws -> JSONObject {
        guard case .object(var doc) = try YAMLReader.document(text, schema: .yaml11) else { throw ToolError("the cluster's kubeconfig is not a YAML mapping") }
        func first(_ key: String, _ inner: String) -> JSONObject {
            if case .array(let list)? = doc[key], case .object(let entry)? = list.first?[inner] { return entry }
            return [:]
        }
        var context = first("contexts", "context")
        context["cluster"] = .string(name)
        context["user"] = .string(name)
        context.removeValue(forKey: "namespace")
        doc["clusters"] = [["name": .string(name), "cluster": .object(first("clusters", "cluster"))]]
        doc["users"] = [["name": .string(name), "user": .object(first("users", "user"))]]
        doc["contexts"] = [["name": .string(name), "context": .object(context)]]
        doc["current-context"] = .string(name)
        return doc
    }

    /// `text` (one cluster's kubeconfig) as YAML with every entry named `name`.
    static func renamedText(_ text: String, to name: String) throws -> String {
        try YAMLWriter.text(.object(try renamed(text, to: name)))
    }

    /// The entries of a kubeconfig list that are not named `name`.
    static func others(_ list: JSONValue?, than name: String) -> [JSONValue] {
        guard case .array(let items)? = list else { return [] }
        return items.filter { $0["name"]?.stringValue != name }
    }

    /// Merges `text`'s entries, named `name`, into the file at `path` and makes `name` current.
    static func merge(_ text: String, as name: String, into path: String) throws {
        let entries = try renamed(text, to: name)
        var doc = try load(path)
        for key in ["clusters", "users", "contexts"] {
            var list = others(doc[key], than: name)
            if case .array(let added)? = entries[key] { list += added }
            doc[key] = .array(list)
        }
        doc["current-context"] = .string(name)
        try write(doc, to: path)
    }

    /// Removes the entries named `name` from the file at `path` (nothing when it has none).
    static func remove(_ name: String, from path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        var doc = try load(path)
        var changed = false
        for key in ["clusters", "users", "contexts"] {
            let count: Int
            if case .array(let list)? = doc[key] { count = list.count } else { count = 0 }
            let kept = others(doc[key], than: name)
            if kept.count != count { changed = true }
            doc[key] = .array(kept)
        }
        if doc["current-context"]?.stringValue == name { doc["current-context"] = ""; changed = true }
        if changed { try write(doc, to: path) }
    }

    static func load(_ path: String) throws -> JSONObject {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return ["apiVersion": "v1", "kind": "Config", "preferences": .object([:])]
        }
        let doc: JSONValue
        do { doc = try YAMLReader.document(text, schema: .yaml11) } catch {
            throw ToolError("\(path) is not valid YAML: \(error)", hint: "fix or move the file; it was left as it is")
        }
        guard case .object(let o) = doc else { throw ToolError("\(path) is not a kubeconfig (not a YAML mapping)") }
        return o
    }

    /// Writes `doc` to `path` atomically (a 0600 temporary file beside it, renamed over it).
    static func write(_ doc: JSONObject, to path: String) throws {
        try writeText(try YAMLWriter.text(.object(doc)), to: path)
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
