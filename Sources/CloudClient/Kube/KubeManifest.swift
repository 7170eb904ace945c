import CloudWire
import Foundation
import Yams

/// Multi-document YAML (or JSON) manifests as Kubernetes objects.
public enum KubeManifest {
    /// Every object of the text, in order: empty documents are skipped, a `kind: List` (or
    /// `…List`) contributes its `items`. Every object must be a map with `apiVersion`, `kind` and
    /// `metadata.name`; the error names the document.
    public static func objects(_ text: String) throws -> [JSONValue] {
        var docs: [JSONValue] = []
        do {
            // Not compose_all: its sequence ends quietly at a syntax error.
            let parser = try Yams.Parser(yaml: text)
            while let node = try parser.nextRoot() { docs.append(json(node)) }
        } catch let e as YamlError {
            let why = "\(e)".split(separator: "\n").prefix(3).joined(separator: " ")
            throw KubeConfigError("the manifest is not valid YAML: \(why)", hint: "check the indentation; documents are separated by --- lines")
        }
        var out: [JSONValue] = []
        for (i, d) in docs.enumerated() {
            if d == .null { continue }
            guard case .object = d else {
                throw KubeConfigError("document \(i + 1) of the manifest is not a map", hint: "each document is one object with apiVersion:, kind: and metadata:")
            }
            if let kind = d["kind"]?.stringValue, kind.hasSuffix("List"), case .array(let items)? = d["items"] {
                out.append(contentsOf: items)
            } else {
                out.append(d)
            }
        }
        for (i, o) in out.enumerated() {
            let label = o["kind"]?.stringValue.map { "\($0) (document \(i + 1))" } ?? "document \(i + 1)"
            guard o["apiVersion"]?.stringValue?.isEmpty == false else { throw KubeConfigError("\(label) of the manifest has no apiVersion", hint: "e.g. apiVersion: apps/v1") }
            guard o["kind"]?.stringValue?.isEmpty == false else { throw KubeConfigError("\(label) of the manifest has no kind", hint: "e.g. kind: Deployment") }
            guard o["metadata"]?["name"]?.stringValue?.isEmpty == false else {
                throw KubeConfigError("\(label) of the manifest has no metadata.name", hint: "apply needs a name to find the object again (generateName is not supported)")
            }
        }
        return out
    }

    /// A YAML node as JSON, with YAML's scalar types (quoted scalars stay strings).
    public static func json(_ n: Node) -> JSONValue {
        switch n {
        case .scalar(let s):
            if s.style != .plain { return .string(s.string) }
            if n.null != nil { return .null }
            if let b = n.bool { return .bool(b) }
            if let i = n.int { return .int(i) }
            if let d = n.float { return .double(d) }
            return .string(s.string)
        case .mapping(let m):
            var o: [String: JSONValue] = [:]
            for (k, v) in m { o[k.string ?? "\(k)"] = json(v) }
            return .object(o)
        case .sequence(let q):
            return .array(q.map(json))
        case .alias:
            return .null
        }
    }
}
