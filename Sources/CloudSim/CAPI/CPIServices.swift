import CloudWire
import Foundation

/// The VCD cloud provider (CPI) in a workload cluster made by the simulated CAPVCD: a Service of type
/// LoadBalancer gets a VIP of the cluster's gateway (inside vipSubnet when set), one ALB virtual
/// service + pool per port (members: the nodes' addresses on the port's nodePort, allocated in
/// 30000–32767 when the Service lacks one), `status.loadBalancer.ingress[0].ip`, and the finalizer
/// `service.kubernetes.io/load-balancer-cleanup`; deleting the Service removes them first.
enum CPIServices {
    static let finalizer = "service.kubernetes.io/load-balancer-cleanup"

    static func reconcile(_ sim: Simulator, _ tx: WriteTx, cluster w: String, record rec: CAPIClusterRecord) throws {
        let services = KO.list(tx, w, CAPIRes.services)
        var seen = Set<String>()
        for svc in services {
            let ns = KubeMeta.namespace(svc), name = KubeMeta.name(svc)
            let isLB = KO.str(svc, "spec.type") == "LoadBalancer"
            let recId = CPIRecord.id(w, ns, name)
            let existing = tx.get(recId, kind: Kind.capiRecord).flatMap { try? $0.decode(CPIRecord.self) }
            if KO.deleting(svc) || !isLB {
                if let existing { try teardown(tx, existing, id: recId) }
                if KubeRequest.finalizers(svc).contains(finalizer) {
                    var s = svc
                    let left = KubeRequest.finalizers(svc).filter { $0 != finalizer }
                    KubeMeta.set(&s, "finalizers", left.isEmpty ? nil : .array(left.map { .string($0) }))
                    if !isLB { KubeMeta.setTop(&s, "status", .object(["loadBalancer": .object([:])])) }
                    if KO.deleting(s) && left.isEmpty { try KO.remove(tx, w, CAPIRes.services, svc) } else { try KO.save(tx, w, CAPIRes.services, old: svc, s) }
                }
                continue
            }
            seen.insert(recId)
            let nodeIPs = memberAddresses(tx, w)
            if let existing {
                for (i, p) in ports(svc).enumerated() where existing.poolIds.indices.contains(i) {
                    try CAPVCDInfra.setMembers(sim, tx, poolId: existing.poolIds[i], members: nodeIPs, port: p.nodePort)
                }
                continue
            }
            if sim.tasks.isBusy(rec.gatewayId, now: tx.now) { continue }
            var s = try assignNodePorts(tx, w, svc)
            var pools: [String] = [], vss: [String] = []
            do {
                var vip = KO.str(s, "spec.loadBalancerIP") ?? ""
                if vip.isEmpty { vip = try CAPVCDInfra.freeVIP(tx, gatewayId: rec.gatewayId, vipSubnet: rec.vipSubnet) }
                let uid = String((KubeMeta.field(s, "uid")?.stringValue ?? name).prefix(8))
                for p in ports(s) {
                    let base = "\(name)-\(ns)-\(uid)-\(p.name.isEmpty ? String(p.port) : p.name)"
                    let (poolId, vsId) = try CAPVCDInfra.createLB(sim, tx, orgId: rec.orgId, user: rec.user, gatewayId: rec.gatewayId, segId: rec.segId,
                                                                  name: "ingress-vs-\(base)-\(p.proto.lowercased())", vip: vip, servicePort: p.port,
                                                                  members: nodeIPs, memberPort: p.nodePort, poolName: "ingress-pool-\(base)-\(p.proto.lowercased())")
                    pools.append(poolId)
                    vss.append(vsId)
                }
                try tx.insert(kind: Kind.capiRecord, id: recId, parent: CPIRecord.parent(w), name: name,
                              CPIRecord(cluster: w, namespace: ns, service: name, vip: vip, poolIds: pools, vsIds: vss))
                let old = s
                KO.addFinalizer(&s, finalizer)
                KubeMeta.setTop(&s, "status", .object(["loadBalancer": .object(["ingress": .array([.object(["ip": .string(vip)])])])]))
                try KO.save(tx, w, CAPIRes.services, old: old, s)
            } catch let f as CAPIFailure {
                try undo(tx, pools, vss)
                try warn(tx, w, s, f.message)
            } catch let e as SimError {
                try undo(tx, pools, vss)
                try warn(tx, w, s, e.message)
            }
        }
        // Records of Services gone without the finalizer (e.g. the cluster's objects replaced).
        for o in tx.children(Kind.capiRecord, of: CPIRecord.parent(w)) where !seen.contains(o.id) {
            if let r = try? o.decode(CPIRecord.self) { try teardown(tx, r, id: o.id) } else { tx.delete(o.id) }
        }
    }

    struct Port { var name: String; var port: Int; var nodePort: Int; var proto: String }

    static func ports(_ svc: JSONValue) -> [Port] {
        (svc["spec"]?["ports"]?.arrayValue ?? []).compactMap { p in
            guard let port = KO.int(p, "port") else { return nil }
            return Port(name: KO.str(p, "name") ?? "", port: port, nodePort: KO.int(p, "nodePort") ?? 0, proto: KO.str(p, "protocol") ?? "TCP")
        }
    }

    /// Allocates a free nodePort (30000–32767) for every port that has none, as the apiserver would.
    static func assignNodePorts(_ tx: WriteTx, _ w: String, _ svc: JSONValue) throws -> JSONValue {
        guard case .array(var list)? = svc["spec"]?["ports"] else { return svc }
        var used = Set<Int>()
        for s in KO.list(tx, w, CAPIRes.services) { for p in ports(s) where p.nodePort > 0 { used.insert(p.nodePort) } }
        var changed = false
        for i in list.indices where KO.int(list[i], "nodePort") == nil {
            guard let free = (30000...32767).first(where: { !used.contains($0) }) else { break }
            used.insert(free)
            list[i] = KubePatch.merge(list[i], .object(["nodePort": .int(free)]))
            changed = true
        }
        guard changed else { return svc }
        let n = KO.merge(svc, ["spec": .object(["ports": .array(list)])])
        return try KO.save(tx, w, CAPIRes.services, old: svc, n)
    }

    /// Addresses of the nodes that take traffic: the workers, or every node when there are none.
    static func memberAddresses(_ tx: WriteTx, _ w: String) -> [String] {
        let nodes = KO.list(tx, w, CAPIRes.nodes)
        func ip(_ n: JSONValue) -> String? {
            (n["status"]?["addresses"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "InternalIP" }?["address"]?.stringValue
        }
        let workers = nodes.filter { KubeMeta.labels($0)["node-role.kubernetes.io/control-plane"] == nil }
        return (workers.isEmpty ? nodes : workers).compactMap(ip).sorted()
    }

    /// A Service whose second port was refused keeps nothing of the first.
    static func undo(_ tx: WriteTx, _ pools: [String], _ vss: [String]) throws {
        for (i, p) in pools.enumerated() { try CAPVCDInfra.deleteLB(tx, poolId: p, vsId: vss.indices.contains(i) ? vss[i] : nil) }
    }

    static func teardown(_ tx: WriteTx, _ r: CPIRecord, id: String) throws {
        for (i, vs) in r.vsIds.enumerated() { try CAPVCDInfra.deleteLB(tx, poolId: r.poolIds.indices.contains(i) ? r.poolIds[i] : nil, vsId: vs) }
        for p in r.poolIds.dropFirst(r.vsIds.count) { try CAPVCDInfra.deleteLB(tx, poolId: p, vsId: nil) }
        tx.delete(id)
    }

    /// A Warning event on the Service, as the service controller records `SyncLoadBalancerFailed`.
    static func warn(_ tx: WriteTx, _ w: String, _ svc: JSONValue, _ message: String) throws {
        let ns = KubeMeta.namespace(svc), name = KubeMeta.name(svc)
        let events = KubeBuiltins.all.first { $0.plural == "events" }!
        let evName = "\(name).\(KO.suffix(name + message, length: 10))"
        if KO.get(tx, w, events, ns, evName) != nil { return }
        try KO.create(tx, w, events, .object([
            "metadata": .object(["name": .string(evName), "namespace": .string(ns)]),
            "involvedObject": .object(["kind": .string("Service"), "namespace": .string(ns), "name": .string(name), "apiVersion": .string("v1"),
                                       "uid": KubeMeta.field(svc, "uid") ?? .string("")]),
            "reason": .string("SyncLoadBalancerFailed"), "type": .string("Warning"),
            "message": .string("Error syncing load balancer: failed to ensure load balancer: \(message)"),
            "source": .object(["component": .string("service-controller")]),
            "firstTimestamp": .string(KubeMeta.timestamp(tx.now)), "lastTimestamp": .string(KubeMeta.timestamp(tx.now)), "count": .int(1),
        ]))
    }
}
