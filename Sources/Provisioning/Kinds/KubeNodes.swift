import Foundation
import CloudWire

/// The nodes of a cluster (read-only: nodes join through kubeadm or Cluster API).
public struct KubeNodes {
    public let objects: KubeObjects
    public init(kube: KubeEngine) { objects = kube.objects(.nodes, namespace: nil) }

    public func list() throws -> [JSONValue] { try objects.list() }
    public func find(_ name: String) throws -> JSONValue? { try objects.find(name) }

    /// `Ready`, `NotReady` or `Unknown` from the node's Ready condition (`,SchedulingDisabled` when cordoned).
    public static func status(_ node: JSONValue) -> String {
        var s = "Unknown"
        if case .array(let conditions)? = node["status"]?["conditions"],
           let ready = conditions.first(where: { $0["type"]?.stringValue == "Ready" }) {
            s = ready["status"]?.stringValue == "True" ? "Ready" : "NotReady"
        }
        if node["spec"]?["unschedulable"] == .bool(true) { s += ",SchedulingDisabled" }
        return s
    }

    /// Roles from `node-role.kubernetes.io/<role>` labels.
    public static func roles(_ node: JSONValue) -> [String] {
        KubeJSONPath.stringMap(node["metadata"]?["labels"]).keys
            .filter { $0.hasPrefix("node-role.kubernetes.io/") }.map { String($0.dropFirst("node-role.kubernetes.io/".count)) }.sorted()
    }

    /// The node's InternalIP address.
    public static func internalIP(_ node: JSONValue) -> String? {
        guard case .array(let a)? = node["status"]?["addresses"] else { return nil }
        return a.first { $0["type"]?.stringValue == "InternalIP" }?["address"]?.stringValue
    }
}
