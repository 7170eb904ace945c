import CloudWire
import Foundation

/// A simulated Kubernetes cluster as the public API shows it (never its token).
public struct KubeClusterInfo: Equatable, Sendable, Codable {
    public var name: String
    public var kubernetesVersion: String
    public var creationTimestamp: String
}

/// Why a cluster operation was refused.
public struct KubeClusterError: Error, CustomStringConvertible {
    public var description: String
}

extension Simulator {
    /// Creates a Kubernetes cluster served at `/clusters/<name>` of the `.kube` service, with a new
    /// random bearer token, the namespaces kubeadm leaves (`default`, `kube-system`, ...) and what
    /// `kind create cluster` makes (a Ready node `<name>-control-plane`, the kube-system add-ons:
    /// `KubeClusterFlavor.kind`); its controllers run them on the following requests.
    /// `name` must be a DNS-1123 label; an existing name is an error.
    @discardableResult
    public func createKubeCluster(name: String, kubernetesVersion: String = "v1.29.2") throws -> KubeClusterInfo {
        if let why = KubeMeta.nameProblem(name, label: true) { throw KubeClusterError(description: "invalid cluster name \"\(name)\": \(why)") }
        guard kubernetesVersion.range(of: #"^v?\d+\.\d+\.\d+"#, options: .regularExpression) != nil else {
            throw KubeClusterError(description: "invalid Kubernetes version \"\(kubernetesVersion)\" (expected e.g. v1.29.2)")
        }
        let version = kubernetesVersion.hasPrefix("v") ? kubernetesVersion : "v" + kubernetesVersion
        return try kubeWrite { tx in try Self.insertKubeCluster(tx, name: name, version: version, tokens: kubeTokens) }
    }

    /// Creates a cluster inside a write transaction (the simulated Cluster API makes workload clusters).
    /// `flavor` decides the system workloads it starts with (`KubeSystemPods.install`): kind's
    /// node and add-ons for clusters made by `createKubeCluster`, CAPVCD's for workload clusters.
    /// The state keeps the digest of the cluster's token (`tokens` derives it from the uid).
    static func insertKubeCluster(_ tx: WriteTx, name: String, version: String, flavor: KubeClusterFlavor = .kind,
                                  tokens: KubeClusterTokens) throws -> KubeClusterInfo {
        if KubeStore.cluster(tx, name) != nil { throw KubeClusterError(description: "a Kubernetes cluster named \"\(name)\" already exists") }
        let uid = UUID().uuidString.lowercased()
        let rec = KubeClusterRecord(name: name, kubernetesVersion: version, tokenDigest: SecretDigest.token(tokens.token(uid: uid)), uid: uid,
                                    creationTimestamp: KubeMeta.timestamp(tx.now), flavor: flavor)
        try tx.insert(kind: Kind.kubeCluster, id: KubeStore.clusterID(name), name: name, rec)
        for ns in KubeBuiltins.initialNamespaces {
            let o: JSONValue = .object([
                "apiVersion": .string("v1"), "kind": .string("Namespace"),
                "metadata": .object(["name": .string(ns), "uid": .string(UUID().uuidString.lowercased()),
                                     "creationTimestamp": .string(rec.creationTimestamp),
                                     "labels": .object(["kubernetes.io/metadata.name": .string(ns)])]),
                "spec": .object(["finalizers": .array([.string("kubernetes")])]),
                "status": .object(["phase": .string("Active")]),
            ])
            try KubeStore.put(tx, cluster: name, KubeBuiltins.namespaces, o)
        }
        try KubeSystemPods.install(tx, cluster: name, version: version, flavor: flavor)
        return KubeClusterInfo(name: name, kubernetesVersion: version, creationTimestamp: rec.creationTimestamp)
    }

    /// Removes a cluster and its objects inside a write transaction.
    static func removeKubeCluster(_ tx: WriteTx, name: String) throws {
        guard let rec = tx.get(KubeStore.clusterID(name), kind: Kind.kubeCluster) else {
            throw KubeClusterError(description: "no Kubernetes cluster named \"\(name)\"")
        }
        for o in KubeStore.allObjects(tx, cluster: name) { tx.delete(o.id) }
        tx.delete(rec.id)
        tx.setMeta(KubeStore.rvKey(name), "")
    }

    /// Deletes a cluster and every object in it.
    public func deleteKubeCluster(name: String) throws {
        try kubeWrite { tx in try Self.removeKubeCluster(tx, name: name) }
    }

    /// The simulated clusters, in creation order.
    public var kubeClusters: [KubeClusterInfo] {
        worldLock.read {
            world.all(Kind.kubeCluster).compactMap { try? $0.decode(KubeClusterRecord.self) }.map {
                KubeClusterInfo(name: $0.name, kubernetesVersion: $0.kubernetesVersion, creationTimestamp: $0.creationTimestamp)
            }
        }
    }

    /// A kubeconfig (YAML) for `cluster` reached at `server`, the base URL of the `.kube` service
    /// (`http://127.0.0.1:18446`); the cluster's path is appended. It holds the cluster's token:
    /// write it to a file only the user reads. For an `https` server, `certificateAuthorityPEM`
    /// (the server certificate or its CA) goes in as `certificate-authority-data`, or
    /// `insecureSkipTLSVerify` turns verification off. kubectl (client-go) sends the token only over
    /// https; the Python client sends it over http too.
    public func kubeconfig(cluster: String, server: String, certificateAuthorityPEM: String? = nil,
                           insecureSkipTLSVerify: Bool = false) throws -> String {
        guard let rec = worldLock.read({ KubeStore.cluster(world, cluster) }) else {
            throw KubeClusterError(description: "no Kubernetes cluster named \"\(cluster)\"")
        }
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        return KubeconfigText.yaml(cluster: rec.name, server: "\(base)/clusters/\(rec.name)", token: kubeTokens.token(for: rec),
                                   caData: certificateAuthorityPEM.map { Data($0.utf8).base64EncodedString() }, insecure: insecureSkipTLSVerify)
    }

    /// Runs `body` in one write transaction committed to the store (outside any request).
    private func kubeWrite<T>(_ body: (WriteTx) throws -> T) throws -> T {
        try worldLock.write {
            let tx = WriteTx(base: world, now: clock.now())
            let result = try body(tx)
            try store.commit(upserts: tx.upserts, deletions: tx.deletions, meta: tx.metaChanges, wipe: false)
            world.apply(tx)
            return result
        }
    }
}
