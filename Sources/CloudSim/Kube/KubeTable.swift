import CloudWire
import Foundation

/// Server-side printing: what `kubectl get` asks for (`Accept: application/json;as=Table;v=v1;
/// g=meta.k8s.io`). A `meta.k8s.io/v1` `Table` whose columns follow the apiserver's printers for the
/// common built-ins (namespaces STATUS, deployments READY, services TYPE/CLUSTER-IP/EXTERNAL-IP/
/// PORT(S), ...), a CRD version's `additionalPrinterColumns` (`KubeJSONPath`s), else
/// NAME and AGE. Rows carry the object's metadata (`PartialObjectMetadata`) for `-A` and labels.
enum KubeTable {
    /// The Table version the client accepts, or nil when it wants plain objects.
    static func requested(_ request: HTTPRequestMessage) -> String? {
        let accept = request.headers["Accept"] ?? ""
        for part in accept.split(separator: ",") where part.contains("as=Table") && part.contains("g=meta.k8s.io") {
            if part.contains("v=v1beta1") { return "v1beta1" }
            if part.contains("v=v1") { return "v1" }
        }
        return nil
    }

    typealias Column = (name: String, type: String, format: String, cell: (JSONValue, Double) -> JSONValue)

    static func table(_ r: KubeResource, crd: JSONValue?, objects: [JSONValue], version: String, resourceVersion: String,
                      includeObject: String?, now: Double) -> JSONValue {
        let cols = columns(r, crd: crd)
        let defs: [JSONValue] = cols.map { c in
            .object(["name": .string(c.name), "type": .string(c.type), "format": .string(c.format), "description": .string(""),
                     "priority": .int(wideColumns.contains(c.name) ? 1 : 0)])
        }
        let rows: [JSONValue] = objects.map { o in
            var row: [String: JSONValue] = ["cells": .array(cols.map { $0.cell(o, now) })]
            switch includeObject ?? "Metadata" {
            case "None": break
            case "Object": row["object"] = o
            default:
                row["object"] = .object(["kind": .string("PartialObjectMetadata"), "apiVersion": .string("meta.k8s.io/\(version)"),
                                         "metadata": o["metadata"] ?? .object([:])])
            }
            return .object(row)
        }
        return .object([
            "kind": .string("Table"), "apiVersion": .string("meta.k8s.io/\(version)"),
            "metadata": .object(["resourceVersion": .string(resourceVersion)]),
            "columnDefinitions": .array(defs), "rows": .array(rows),
        ])
    }

    private static func text(_ v: JSONValue?) -> String { v?.scalarText ?? "" }
    private static func orNone(_ s: String) -> JSONValue { .string(s.isEmpty ? "<none>" : s) }

    static func columns(_ r: KubeResource, crd: JSONValue?) -> [Column] {
        let name: Column = ("Name", "string", "name", { o, _ in .string(KubeMeta.name(o)) })
        let ageColumn: Column = ("Age", "string", "", { o, now in .string(KubeTable.age(KubeMeta.field(o, "creationTimestamp")?.stringValue, now: now)) })
        if r.custom {
            guard let crd, case .array(let versions)? = crd["spec"]?["versions"],
                  case .array(let printer)? = versions.first(where: { $0["name"]?.stringValue == r.version })?["additionalPrinterColumns"], !printer.isEmpty else {
                return [name, ageColumn]
            }
            return [name] + printer.compactMap { c -> Column? in
                guard let n = c["name"]?.stringValue, let path = c["jsonPath"]?.stringValue else { return nil }
                let type = c["type"]?.stringValue ?? "string"
                // A path that does not parse leaves its cells empty (the apiserver refuses such a CRD).
                let parsed = try? KubeJSONPath(jsonPath: path)
                return (n, type == "date" ? "string" : type, c["format"]?.stringValue ?? "", { o, now in
                    guard let v = parsed?.value(in: o), v != .null else { return .null }
                    if type == "date" { return .string(KubeTable.age(v.stringValue, now: now)) }
                    if type == "integer" || type == "number" || type == "boolean" { return v }
                    return .string(v.scalarText ?? String(decoding: KubeJSON.encode(v), as: UTF8.self))
                })
            }
        }
        switch (r.group, r.plural) {
        case ("", "namespaces"):
            return [name, ("Status", "string", "", { o, _ in .string(text(o["status"]?["phase"])) }), ageColumn]
        case ("", "configmaps"):
            return [name, ("Data", "integer", "", { o, _ in .int(count(o["data"]) + count(o["binaryData"])) }), ageColumn]
        case ("", "secrets"):
            return [name, ("Type", "string", "", { o, _ in .string(text(o["type"])) }), ("Data", "integer", "", { o, _ in .int(count(o["data"])) }), ageColumn]
        case ("", "services"):
            return [name,
                    ("Type", "string", "", { o, _ in .string(text(o["spec"]?["type"])) }),
                    ("Cluster-IP", "string", "", { o, _ in orNone(text(o["spec"]?["clusterIP"])) }),
                    ("External-IP", "string", "", { o, _ in .string(externalIP(o)) }),
                    ("Port(s)", "string", "", { o, _ in .string(ports(o)) }), ageColumn]
        case ("apps", "deployments"):
            func n(_ o: JSONValue, _ k: String) -> String { text(o["status"]?[k]).isEmpty ? "0" : text(o["status"]?[k]) }
            return [name,
                    ("Ready", "string", "", { o, _ in .string("\(n(o, "readyReplicas"))/\(text(o["spec"]?["replicas"]).isEmpty ? "1" : text(o["spec"]?["replicas"]))") }),
                    ("Up-to-date", "integer", "", { o, _ in .int(Int(n(o, "updatedReplicas")) ?? 0) }),
                    ("Available", "integer", "", { o, _ in .int(Int(n(o, "availableReplicas")) ?? 0) }), ageColumn]
        case ("apps", "replicasets"):
            func n(_ o: JSONValue, _ k: String) -> JSONValue { .int(Int(text(o["status"]?[k])) ?? 0) }
            return [name,
                    ("Desired", "integer", "", { o, _ in .int(Int(text(o["spec"]?["replicas"])) ?? 1) }),
                    ("Current", "integer", "", { o, _ in n(o, "replicas") }),
                    ("Ready", "integer", "", { o, _ in n(o, "readyReplicas") }), ageColumn]
        case ("apps", "daemonsets"):
            func n(_ o: JSONValue, _ k: String) -> JSONValue { .int(Int(text(o["status"]?[k])) ?? 0) }
            return [name,
                    ("Desired", "integer", "", { o, _ in n(o, "desiredNumberScheduled") }),
                    ("Current", "integer", "", { o, _ in n(o, "currentNumberScheduled") }),
                    ("Ready", "integer", "", { o, _ in n(o, "numberReady") }),
                    ("Up-to-date", "integer", "", { o, _ in n(o, "updatedNumberScheduled") }),
                    ("Available", "integer", "", { o, _ in n(o, "numberAvailable") }),
                    ("Node Selector", "string", "", { o, _ in
                        guard case .object(let s)? = o["spec"]?["template"]?["spec"]?["nodeSelector"], !s.isEmpty else { return .string("<none>") }
                        return .string(s.keys.sorted().map { "\($0)=\(text(s[$0]))" }.joined(separator: ","))
                    }), ageColumn]
        case ("apps", "statefulsets"):
            return [name,
                    ("Ready", "string", "", { o, _ in
                        .string("\(Int(text(o["status"]?["readyReplicas"])) ?? 0)/\(text(o["spec"]?["replicas"]).isEmpty ? "1" : text(o["spec"]?["replicas"]))")
                    }), ageColumn]
        case ("", "endpoints"):
            return [name, ("Endpoints", "string", "", { o, _ in .string(endpoints(o)) }), ageColumn]
        case ("", "pods"):
            return [name,
                    ("Ready", "string", "", { o, _ in
                        var total = 0, ready = 0
                        if case .array(let cs)? = o["spec"]?["containers"] { total = cs.count }
                        if case .array(let ss)? = o["status"]?["containerStatuses"] { ready = ss.filter { $0["ready"] == .bool(true) }.count }
                        return .string("\(ready)/\(total)")
                    }),
                    ("Status", "string", "", { o, _ in .string(podStatus(o)) }),
                    ("Restarts", "string", "", { o, _ in
                        .string(String((o["status"]?["containerStatuses"]?.arrayValue ?? []).reduce(0) { $0 + (Int(text($1["restartCount"])) ?? 0) }))
                    }), ageColumn,
                    ("IP", "string", "", { o, _ in orNone(text(o["status"]?["podIP"])) }),
                    ("Node", "string", "", { o, _ in orNone(text(o["spec"]?["nodeName"])) }),
                    ("Nominated Node", "string", "", { o, _ in orNone(text(o["status"]?["nominatedNodeName"])) }),
                    ("Readiness Gates", "string", "", { _, _ in .string("<none>") })]
        case ("", "nodes"):
            return [name,
                    ("Status", "string", "", { o, _ in
                        if case .array(let cs)? = o["status"]?["conditions"], cs.contains(where: { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }) {
                            return .string("Ready")
                        }
                        return .string("NotReady")
                    }),
                    ("Roles", "string", "", { o, _ in
                        let roles = KubeMeta.labels(o).keys.filter { $0.hasPrefix("node-role.kubernetes.io/") }
                            .map { String($0.dropFirst("node-role.kubernetes.io/".count)) }.sorted()
                        return orNone(roles.joined(separator: ","))
                    }), ageColumn,
                    ("Version", "string", "", { o, _ in .string(text(o["status"]?["nodeInfo"]?["kubeletVersion"])) })]
        default:
            return [name, ageColumn]
        }
    }

    /// `10.244.0.5:80,10.244.0.6:80 + 1 more...`, as kubectl abbreviates endpoints.
    private static func endpoints(_ o: JSONValue) -> String {
        var all: [String] = []
        for s in o["subsets"]?.arrayValue ?? [] {
            let ports = (s["ports"]?.arrayValue ?? []).map { text($0["port"]) }
            for a in s["addresses"]?.arrayValue ?? [] {
                if ports.isEmpty { all.append(text(a["ip"])) } else { all += ports.map { "\(text(a["ip"])):\($0)" } }
            }
        }
        if all.isEmpty { return "<none>" }
        return all.prefix(3).joined(separator: ",") + (all.count > 3 ? " + \(all.count - 3) more..." : "")
    }

    /// Columns kubectl shows only with `-o wide` (priority 1).
    static let wideColumns: Set<String> = ["IP", "Node", "Nominated Node", "Readiness Gates"]

    /// kubectl's STATUS of a pod: a waiting container's reason (`ContainerCreating`), else the phase.
    private static func podStatus(_ o: JSONValue) -> String {
        if KubeMeta.field(o, "deletionTimestamp") != nil { return "Terminating" }
        for c in o["status"]?["containerStatuses"]?.arrayValue ?? [] {
            if let reason = c["state"]?["waiting"]?["reason"]?.stringValue, !reason.isEmpty { return reason }
        }
        let phase = text(o["status"]?["phase"])
        return phase.isEmpty ? "Pending" : phase
    }

    private static func count(_ v: JSONValue?) -> Int { if case .object(let o)? = v { return o.count }; return 0 }

    private static func externalIP(_ o: JSONValue) -> String {
        if case .array(let ing)? = o["status"]?["loadBalancer"]?["ingress"], !ing.isEmpty {
            return ing.compactMap { text($0["ip"]).isEmpty ? $0["hostname"]?.stringValue : text($0["ip"]) }.joined(separator: ",")
        }
        if case .array(let ext)? = o["spec"]?["externalIPs"], !ext.isEmpty { return ext.compactMap(\.stringValue).joined(separator: ",") }
        return o["spec"]?["type"]?.stringValue == "LoadBalancer" ? "<pending>" : "<none>"
    }

    private static func ports(_ o: JSONValue) -> String {
        guard case .array(let ps)? = o["spec"]?["ports"], !ps.isEmpty else { return "<none>" }
        return ps.map { p in
            let node = text(p["nodePort"])
            return "\(text(p["port"]))\(node.isEmpty ? "" : ":\(node)")/\(text(p["protocol"]).isEmpty ? "TCP" : text(p["protocol"]))"
        }.joined(separator: ",")
    }

    /// How kubectl shows an age: `45s`, `5m10s`, `3h`, `2d4h`, `90d`, `2y10d`.
    static func age(_ timestamp: String?, now: Double) -> String {
        guard let t = timestamp, let date = ISO8601DateFormatter().date(from: t) else { return "<unknown>" }
        let s = max(0, Int(now - date.timeIntervalSince1970))
        let m = s / 60, h = s / 3600, d = s / 86400
        switch s {
        case ..<120: return "\(s)s"
        case ..<600: return s % 60 == 0 ? "\(m)m" : "\(m)m\(s % 60)s"
        case ..<(3 * 3600): return "\(m)m"
        case ..<(8 * 3600): return m % 60 == 0 ? "\(h)h" : "\(h)h\(m % 60)m"
        case ..<(48 * 3600): return "\(h)h"
        case ..<(8 * 86400): return h % 24 == 0 ? "\(d)d" : "\(d)d\(h % 24)h"
        case ..<(2 * 365 * 86400): return "\(d)d"
        case ..<(8 * 365 * 86400): return d % 365 == 0 ? "\(d / 365)y" : "\(d / 365)y\(d % 365)d"
        default: return "\(d / 365)y"
        }
    }
}
