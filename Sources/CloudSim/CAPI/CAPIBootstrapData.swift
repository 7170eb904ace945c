import CloudWire
import Foundation

/// What the simulated kubeadm bootstrap provider hands a machine, as the real one does: a secret
/// named like the machine's KubeadmConfig (type `cluster.x-k8s.io/secret`, owned by the config,
/// labelled with the cluster) whose `value` is the cloud-config the machine boots with and whose
/// `format` is `cloud-config`. The machine's infrastructure provider reads it through
/// `Machine.spec.bootstrap.dataSecretName` (the real CAPVCD merges it into the VM's
/// `guestinfo.userdata`). The first control-plane machine runs `kubeadm init`, every other one
/// `kubeadm join` (CAPVCD tells a joining control-plane machine by that text).
enum CAPIBootstrapData {
    /// The bootstrap secret's content for one machine.
    struct Input {
        var cluster: String
        var machine: String
        var version: String
        /// `host:port` of the control plane, as the Cluster's `spec.controlPlaneEndpoint` says.
        var endpoint: String
        var controlPlane: Bool
        /// Whether this machine initializes the cluster (the control plane's first machine).
        var initializes: Bool
        /// The KubeadmConfig spec: `files`, `preKubeadmCommands`, `postKubeadmCommands`, `users`.
        var spec: JSONValue
        /// Seeds the join token (a machine's token stays the same from pass to pass).
        var seed: String
    }

    /// A bootstrap token in kubeadm's form (`[a-z0-9]{6}.[a-z0-9]{16}`), derived from `seed`.
    static func token(_ seed: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var h: UInt64 = 0xcbf29ce484222325
        var out = ""
        for i in 0..<22 {
            for b in "\(seed)/\(i)".utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
            out.append(alphabet[Int(h % UInt64(alphabet.count))])
        }
        return String(out.prefix(6)) + "." + String(out.dropFirst(6))
    }

    /// The cloud-config text (a `## template: jinja` document, as kubeadm's bootstrap provider writes).
    static func cloudConfig(_ i: Input) -> String {
        func quoted(_ s: String) -> String {
            "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        }
        let kubeadmFile = i.initializes ? "/run/kubeadm/kubeadm.yaml" : "/run/kubeadm/kubeadm-join-config.yaml"
        var kubeadmConfig: String
        if i.initializes {
            kubeadmConfig = """
                ---
                apiVersion: kubeadm.k8s.io/v1beta2
                kind: ClusterConfiguration
                clusterName: \(i.cluster)
                controlPlaneEndpoint: \(i.endpoint)
                kubernetesVersion: \(i.version)
                ---
                apiVersion: kubeadm.k8s.io/v1beta2
                kind: InitConfiguration
                bootstrapTokens:
                - token: \(token(i.seed))
                nodeRegistration:
                  name: '{{ ds.meta_data.hostname }}'
                """
        } else {
            kubeadmConfig = """
                ---
                apiVersion: kubeadm.k8s.io/v1beta2
                kind: JoinConfiguration
                discovery:
                  bootstrapToken:
                    apiServerEndpoint: \(i.endpoint)
                    token: \(token(i.seed))
                    unsafeSkipCAVerification: true
                nodeRegistration:
                  name: '{{ ds.meta_data.hostname }}'
                """
            if i.controlPlane { kubeadmConfig += "\ncontrolPlane: {}" }
        }
        var files: [(path: String, content: String, permissions: String?)] = [(kubeadmFile, kubeadmConfig, "0640")]
        for f in i.spec["files"]?.arrayValue ?? [] {
            guard let path = f["path"]?.stringValue else { continue }
            files.append((path, f["content"]?.stringValue ?? "", f["permissions"]?.stringValue))
        }
        var lines = ["## template: jinja", "#cloud-config", "", "write_files:"]
        for f in files {
            lines.append("-   path: \(f.path)")
            lines.append("    owner: root:root")
            if let p = f.permissions { lines.append("    permissions: '\(p)'") }
            lines.append("    content: |")
            for l in f.content.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("      " + l) }
        }
        let users = i.spec["users"]?.arrayValue ?? []
        if !users.isEmpty {
            lines.append("users:")
            for u in users {
                lines.append("  - name: \(u["name"]?.stringValue ?? "capv")")
                if let keys = u["sshAuthorizedKeys"]?.arrayValue, !keys.isEmpty {
                    lines.append("    ssh_authorized_keys:")
                    for k in keys { lines.append("      - \(quoted(k.stringValue ?? ""))") }
                }
                if let sudo = u["sudo"]?.stringValue { lines.append("    sudo: \(quoted(sudo))") }
            }
        }
        let kubeadm = i.initializes ? "kubeadm init --config \(kubeadmFile)" : "kubeadm join --config \(kubeadmFile)"
        let commands = (i.spec["preKubeadmCommands"]?.arrayValue ?? []).compactMap(\.stringValue)
            + ["\(kubeadm) && echo success > /run/cluster-api/bootstrap-success.complete"]
            + (i.spec["postKubeadmCommands"]?.arrayValue ?? []).compactMap(\.stringValue)
        lines.append("runcmd:")
        for c in commands { lines.append("  - \(quoted(c))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Creates (or keeps) the bootstrap secret of KubeadmConfig `config` in namespace `ns`.
    @discardableResult
    static func ensureSecret(_ tx: WriteTx, _ cluster: String, ns: String, config: JSONValue, _ input: Input) throws -> JSONValue {
        let name = KubeMeta.name(config)
        if let s = KO.get(tx, cluster, CAPIRes.secrets, ns, name) { return s }
        let owner: JSONValue = .object([
            "apiVersion": .string(CAPIRes.kubeadmConfigs.apiVersion), "kind": .string("KubeadmConfig"), "name": .string(name),
            "uid": KubeMeta.field(config, "uid") ?? .string(""), "controller": .bool(true),
        ])
        return try KO.create(tx, cluster, CAPIRes.secrets, .object([
            "metadata": .object(["name": .string(name), "namespace": .string(ns),
                                 "labels": .object([CAPIRes.clusterNameLabel: .string(input.cluster)]),
                                 "ownerReferences": .array([owner])]),
            "type": .string("cluster.x-k8s.io/secret"),
            "data": .object(["value": .string(Data(cloudConfig(input).utf8).base64EncodedString()),
                             "format": .string(Data("cloud-config".utf8).base64EncodedString())]),
        ]))
    }
}
