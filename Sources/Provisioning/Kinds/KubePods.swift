import Foundation
import CloudWire

/// The pods of a namespace (read-only here, and delete: pods come from deployments and jobs).
public struct KubePods {
    public let objects: KubeObjects
    public init(kube: KubeEngine, namespace: String?) { objects = kube.objects(.pods, namespace: namespace) }

    public func list() throws -> [JSONValue] { try objects.list() }
    public func find(_ name: String) throws -> JSONValue? { try objects.find(name) }
    /// Deletes the pod and waits until it is gone (its controller may start a new one).
    @discardableResult public func delete(_ name: String) throws -> Bool { try objects.delete(name) }

    /// `ready/total` containers.
    public static func ready(_ pod: JSONValue) -> String {
        var total = 0
        if case .array(let c)? = pod["spec"]?["containers"] { total = c.count }
        var ready = 0
        if case .array(let s)? = pod["status"]?["containerStatuses"] { ready = s.filter { $0["ready"] == .bool(true) }.count }
        return "\(ready)/\(total)"
    }

    /// Restarts summed over the containers.
    public static func restarts(_ pod: JSONValue) -> Int {
        guard case .array(let s)? = pod["status"]?["containerStatuses"] else { return 0 }
        return s.reduce(0) { n, c in if case .int(let r)? = c["restartCount"] { return n + r }; return n }
    }

    /// kubectl's STATUS: `Terminating` while being deleted, else the phase (`Pending` when none).
    public static func status(_ pod: JSONValue) -> String {
        if pod["metadata"]?["deletionTimestamp"] != nil { return "Terminating" }
        return pod["status"]?["reason"]?.stringValue ?? pod["status"]?["phase"]?.stringValue ?? "Pending"
    }
}
