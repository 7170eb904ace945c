import Crypto
import Foundation

/// The bearer tokens of the simulated clusters. The state keeps a cluster's token only as a digest
/// (`KubeClusterRecord.tokenDigest`), which is what requests are checked against. The clear token
/// is derived when a kubeconfig is made (kind's, `sim kube kubeconfig`, CAPI's `<cluster>-kubeconfig`
/// secret): HMAC-SHA256 of the cluster's uid under a key kept in `cluster-token-key` beside the
/// state (0600, made on first use). So the state file alone yields no cluster's token, and no
/// second copy of the tokens has to be kept in step with the state.
///
/// The kubeconfig *secrets* CAPI writes into a management cluster do hold the workload cluster's
/// token, as they do in a real management cluster's etcd: they are data of the simulated world,
/// like the credentials secrets users put there themselves, and are left as they are.
struct KubeClusterTokens: Sendable {
    private let key: SymmetricKey

    /// `<folder of the state>/cluster-token-key`.
    static func path(forState statePath: String) -> String {
        ((statePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("cluster-token-key")
    }

    /// The tokens of the state at `statePath` (its key file is made on first use).
    init(forState statePath: String) throws {
        key = SymmetricKey(data: Data(try PrivateFiles.secret(at: Self.path(forState: statePath), prefix: "").utf8))
    }

    /// The token of the cluster whose uid is `uid`.
    func token(uid: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("kube-cluster-token:\(uid)".utf8), using: key)
        return "sim-" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The token of a stored cluster.
    func token(for cluster: KubeClusterRecord) -> String { token(uid: cluster.uid) }
}
