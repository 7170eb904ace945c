import CloudWire
import Documents
import Foundation

/// Multi-document YAML (or JSON) manifests as Kubernetes objects.
public enum KubeManifest {
    /// Every object of the text, in order: empty documents are skipped, a `kind: List` (or
    /// `…List`) contributes its `items`. Every object must be a map with `apiVersion`, `kind` and
    /// `metadata.name`; the error names the document.
    public static func objects(_ text: String) throws -> [JSONValue] {
        let docs: [JSONValue]
        do {
            // YAML 1.1 scalars, as kubectl reads a manifest.
            docs = try YAMLReader.documents(text, schema: .yaml11)
        } catch let e as YAMLSyntaxError {
            let why = e.description.split(separator: "\n").prefix(3).joined(separator: " ")
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
}
