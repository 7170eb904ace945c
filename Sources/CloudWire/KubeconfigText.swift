import Foundation
import Documents

/// The one writer of kubeconfig files for one cluster, in the layout kind and clusterctl write
/// (clusters, contexts, current-context, users). Every value is a double-quoted YAML scalar, which
/// YAML 1.1 and 1.2 (client-go's, PyYAML's, Yams') read alike, whatever a name or token holds.
/// Written through the YAML bridge (`Documents.YAMLWriter`); read back by CloudClient's `KubeConfig`.
public enum KubeconfigText {
    /// The kubeconfig document of `cluster` at `server`, reached as `<cluster>-admin` with a bearer
    /// `token`; `caData` (base64 PEM) as `certificate-authority-data`, or `insecure` to skip TLS checks.
    public static func document(cluster: String, server: String, token: String, caData: String? = nil, insecure: Bool = false) -> JSONValue {
        let user = "\(cluster)-admin", context = "\(cluster)-admin@\(cluster)"
        var clusterEntry: JSONObject = ["server": .string(server)]
        if let caData { clusterEntry["certificate-authority-data"] = .string(caData) }
        if insecure { clusterEntry["insecure-skip-tls-verify"] = .bool(true) }
        return [
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [["name": .string(cluster), "cluster": .object(clusterEntry)]],
            "contexts": [["name": .string(context),
                          "context": ["cluster": .string(cluster), "user": .string(user), "namespace": "default"]]],
            "current-context": .string(context),
            "preferences": .object([:]),
            "users": [["name": .string(user), "user": ["token": .string(token)]]],
        ]
    }

    /// `document(...)` as YAML text.
    public static func yaml(cluster: String, server: String, token: String, caData: String? = nil, insecure: Bool = false) -> String {
        let doc = document(cluster: cluster, server: server, token: token, caData: caData, insecure: insecure)
        // Only strings, maps and lists: libyaml has nothing here it could refuse to write.
        return (try? YAMLWriter.text(doc, strings: .doubleQuoted, width: -1)) ?? ""
    }

    /// One value as the file writes it (a double-quoted scalar with escapes).
    public static func quoted(_ s: String) -> String { YAMLWriter.doubleQuoted(s) }
}
