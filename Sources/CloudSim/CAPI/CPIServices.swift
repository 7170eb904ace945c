import CloudWire
import Foundation
import NetAddress

/// The VCD cloud provider (CPI) of a workload cluster made by the simulated CAPVCD, as a client of
/// VCD: it reads its configuration and credentials from the workload cluster
/// (`kube-system/vcloud-ccm-configmap`, `kube-system/vcloud-basic-auth`; CPIConfig.swift), logs in
/// and acts only through VCD's public API (CPIClient.swift). A Service of type LoadBalancer gets a
/// VIP of the network's gateway (inside `vipSubnet` when set), one ALB pool + virtual service per
/// port (members: the nodes' addresses on the port's nodePort, allocated in 30000–32767 when the
/// Service lacks one), `status.loadBalancer.ingress[0].ip` and the finalizer
/// `service.kubernetes.io/load-balancer-cleanup`; deleting the Service deletes the virtual services
/// then the pools first. A refusal is a Warning Event `SyncLoadBalancerFailed` with VCD's message,
/// and the next pass resumes (objects already made are found by name).
///
/// A pass has three steps: a short Kubernetes write that decides what needs work (nodePorts,
/// finalizers; nothing to do → no VCD request at all), the VCD requests outside any world lock
/// (`Simulator.handle` takes it per request), then a short Kubernetes write of the outcome.
enum CPIServices {
    static let finalizer = "service.kubernetes.io/load-balancer-cleanup"
    /// The CPI's Deployment in `kube-system` of the workload cluster (Kube/KubeSystemPods.swift).
    static let deployment = "vmware-cloud-director-ccm"

    struct Work {
        enum Action { case ensure, members, delete }
        var action: Action
        var recordId: String
        var record: CPIRecord?
        var namespace: String
        var name: String
        /// The Service as planned (nil: gone).
        var service: JSONValue?
        var members: [String]
    }

    /// One pass of the CPI in workload cluster `w`. Never call it under the world lock.
    static func run(_ sim: Simulator, cluster w: String) {
        // The CPI runs while its Deployment has a ready replica, and only with its config map (a
        // cluster made before CAPVCD installed it, or from which it was removed): else Services
        // stay pending.
        guard sim.capiRead({ s in
            KubeWorkloads.deploymentAvailable(s, cluster: w, namespace: "kube-system", name: deployment)
                && KO.get(s, w, CAPIRes.configMaps, CPIConfig.namespace, CPIConfig.configMapName) != nil
        }) else { return }
        guard sim.controllerSessions.begin(w) else { return }
        defer { sim.controllerSessions.end(w) }
        let work = (try? sim.capiWrite { tx in try plan(tx, w) }) ?? []
        if work.isEmpty { return }
        let config: CPIConfig
        do {
            config = try sim.capiRead { try CPIConfig.read($0, cluster: w) }
        } catch {
            let message = (error as? CAPIFailure)?.message ?? "\(error)"
            _ = try? sim.capiWrite { tx in
                for item in work { if let svc = current(tx, w, item) { try warn(tx, w, svc, message) } }
            }
            return
        }
        let client = CPIClient(sim: sim, cluster: w, config: config)
        var site: Site? = nil
        for item in work {
            switch item.action {
            case .ensure: ensure(sim, client, w, item, &site)
            case .members: updateMembers(sim, client, w, item)
            case .delete: delete(sim, client, w, item)
            }
        }
    }

    // MARK: Planning (Kubernetes side, one short write)

    static func plan(_ tx: WriteTx, _ w: String) throws -> [Work] {
        var out: [Work] = []
        var seen = Set<String>()
        for svc in KO.list(tx, w, CAPIRes.services) {
            let ns = KubeMeta.namespace(svc), name = KubeMeta.name(svc)
            let isLB = KubeService(svc).spec.type == "LoadBalancer"
            let recId = CPIRecord.id(w, ns, name)
            seen.insert(recId)
            let existing = tx.get(recId, kind: Kind.capiRecord).flatMap { try? $0.decode(CPIRecord.self) }
            if KO.deleting(svc) || !isLB {
                if let existing {
                    out.append(Work(action: .delete, recordId: recId, record: existing, namespace: ns, name: name, service: svc, members: []))
                } else if KubeRequest.finalizers(svc).contains(finalizer) {
                    try releaseFinalizer(tx, w, svc)
                }
                continue
            }
            var s = try assignNodePorts(tx, w, svc)
            let members = memberAddresses(tx, w)
            if existing == nil || existing?.isComplete == false {
                // The service controller holds the Service with the cleanup finalizer before the
                // load balancer is made, so that a half-made one is still deleted with it.
                if !KubeRequest.finalizers(s).contains(finalizer) {
                    let old = s
                    KO.addFinalizer(&s, finalizer)
                    s = try KO.save(tx, w, CAPIRes.services, old: old, s)
                }
                out.append(Work(action: .ensure, recordId: recId, record: existing, namespace: ns, name: name, service: s, members: members))
            } else if let existing, existing.members != members || existing.nodePorts != ports(s).map(\.nodePort) {
                out.append(Work(action: .members, recordId: recId, record: existing, namespace: ns, name: name, service: s, members: members))
            }
        }
        // Records of Services gone without the finalizer (e.g. the cluster's objects replaced).
        for o in tx.children(Kind.capiRecord, of: CPIRecord.parent(w)) where !seen.contains(o.id) {
            guard let r = try? o.decode(CPIRecord.self) else { tx.delete(o.id); continue }
            out.append(Work(action: .delete, recordId: o.id, record: r, namespace: r.namespace, name: r.service, service: nil, members: []))
        }
        return out
    }

    /// The Service of a work item as it is now, if it is still the same object.
    static func current(_ tx: StateView, _ w: String, _ item: Work) -> JSONValue? {
        guard let planned = item.service, let now = KO.get(tx, w, CAPIRes.services, item.namespace, item.name) else { return nil }
        return KubeMeta.field(now, "uid") == KubeMeta.field(planned, "uid") ? now : nil
    }

    static func releaseFinalizer(_ tx: WriteTx, _ w: String, _ svc: JSONValue) throws {
        let isLB = KubeService(svc).spec.type == "LoadBalancer"
        var s = svc
        let left = KubeRequest.finalizers(svc).filter { $0 != finalizer }
        KubeMeta.set(&s, "finalizers", left.isEmpty ? nil : .array(left.map { .string($0) }))
        if !isLB { KubeMeta.setTop(&s, "status", .object(["loadBalancer": .object([:])])) }
        if KO.deleting(s) && left.isEmpty { try KO.remove(tx, w, CAPIRes.services, svc) } else { try KO.save(tx, w, CAPIRes.services, old: svc, s) }
    }

    // MARK: VCD side (requests through the API, no lock held)

    /// The network's gateway and the SEG the CPI places virtual services on, found once a pass.
    struct Site {
        var gatewayId: String
        var gatewayName: String
        var gateway: EdgeGateway
        var segId: String
        var segName: String?
    }

    static func path(_ p: String) -> String { "/cloudapi/1.0.0/\(p)" }
    static func filter(_ f: String) -> String { "filter=\(CPIClient.encode(f))" }

    static func site(_ client: CPIClient) throws -> Site {
        let c = client.config
        let nets = try client.list(path("orgVdcNetworks?\(filter("name==\(c.network)"))"), OrgVdcNetwork.self, what: "network [\(c.network)]")
        let inVDC = nets.filter { n in n.orgVdc?.name.map { $0 == c.vdc } ?? true }
        guard let net = inVDC.first ?? nets.first else {
            throw CPIError(message: "unable to get gateway details: [unable to obtain network [\(c.network)] in VDC [\(c.vdc)]]")
        }
        guard let gwId = net.connection?.routerRef?.id else {
            throw CPIError(message: "unable to get gateway details: [network [\(c.network)] is not connected to an edge gateway]")
        }
        let gw = try client.get(path("edgeGateways/\(gwId)"), EdgeGateway.self, what: "edge gateway [\(gwId)]")
        let assignments = try client.list(path("loadBalancer/serviceEngineGroups/assignments?\(filter("gatewayRef.id==\(gwId)"))"),
                                          ServiceEngineGroupAssignment.self, what: "service engine group assignments of gateway [\(gw.name ?? gwId)]")
        let withRoom = assignments.first { a in
            guard let max = a.maxVirtualServices else { return true }
            return (a.numDeployedVirtualServices ?? 0) < max
        }
        guard let seg = (withRoom ?? assignments.first)?.serviceEngineGroupRef, let segId = seg.id else {
            throw CPIError(message: "unable to find a service engine group for edge gateway [\(gw.name ?? gwId)]: no service engine group is assigned to it")
        }
        return Site(gatewayId: gwId, gatewayName: gw.name ?? gwId, gateway: gw, segId: segId, segName: seg.name)
    }

    /// The first address allocated to the gateway that nothing uses, inside `vipSubnet` when set.
    static func freeVIP(_ client: CPIClient, _ site: Site, marker: String) throws -> String {
        if CPIClient.usesIPSpace(site.gateway) {
            return try client.claimFloatingIP(gatewayId: site.gatewayId, gatewayName: site.gatewayName, marker: marker)
        }
        let used = try client.list(path("edgeGateways/\(site.gatewayId)/usedIpAddresses"), GatewayUsedIPAddress.self,
                                   what: "used IP addresses of gateway [\(site.gatewayName)]")
        let taken = Set(used.compactMap { $0.ipAddress.flatMap(IPv4.parse) })
        let subnet = client.config.vipSubnet.isEmpty ? nil : IPv4.parseCIDR(client.config.vipSubnet)
        for ip in GatewayIPs.allocated(site.gateway).sorted() where !taken.contains(ip) {
            if let (base, prefix) = subnet, !IPv4.inSubnet(ip, gateway: base, prefix: prefix) { continue }
            return IPv4.format(ip)
        }
        throw CPIError(message: "unable to get unused IP address from gateway [\(site.gatewayName)]"
                       + (client.config.vipSubnet.isEmpty ? "" : " in subnet [\(client.config.vipSubnet)]") + ": all are used")
    }

    /// The real CPI's names for a Service's port: `ingress-vs-<service>-<clusterId>-<port name>` and
    /// `ingress-pool-<service>-<clusterId>-<port name>` (an unnamed port leaves the name ending in
    /// `-`), the cluster id being the config's `clusterid` (the cluster's RDE id) without its
    /// `urn:vcloud:entity:vmware:` or `urn:vcloud:entity:cse:nativeCluster:` prefix. The namespace is
    /// not part of the name: as with the real CPI, Services of one name in two namespaces of a
    /// cluster meet the same objects (each is looked up by name before it is made).
    static func names(_ svc: JSONValue, _ p: Port, clusterId: String) -> (pool: String, vs: String) {
        let base = "\(KubeMeta.name(svc))-\(trimmedClusterId(clusterId))-\(p.name)"
        return ("ingress-pool-\(base)", "ingress-vs-\(base)")
    }

    /// The cluster id as the CPI puts it into names (`capvcdCluster:<uuid>` for an RDE id).
    static func trimmedClusterId(_ id: String) -> String {
        var id = id
        for prefix in ["urn:vcloud:entity:vmware:", "urn:vcloud:entity:cse:nativeCluster:"] where id.hasPrefix(prefix) {
            id.removeFirst(prefix.count)
        }
        return id
    }

    /// Makes what is missing of a Service's load balancer (each object looked up by name first).
    static func ensure(_ sim: Simulator, _ client: CPIClient, _ w: String, _ item: Work, _ cached: inout Site?) {
        guard let svc = item.service else { return }
        var rec = item.record ?? CPIRecord(cluster: w, namespace: item.namespace, service: item.name, vip: "", poolIds: [], vsIds: [])
        rec.complete = false
        var failure: CPIError? = nil
        var pools: [String] = [], vss: [String] = []
        func remember() {
            for p in pools where !rec.poolIds.contains(p) { rec.poolIds.append(p) }
            for v in vss where !rec.vsIds.contains(v) { rec.vsIds.append(v) }
        }
        do {
            let site: Site
            if let c = cached { site = c } else { site = try self.site(client); cached = site }
            let list = ports(svc)
            var vip = KubeService(svc).spec.loadBalancerIP ?? ""
            for p in list {
                let n = names(svc, p, clusterId: client.config.clusterId)
                let existingVS = try client.list(path("edgeGateways/\(site.gatewayId)/loadBalancer/virtualServiceSummaries?\(filter("name==\(n.vs)"))"),
                                                 VirtualService.self, what: "virtual service [\(n.vs)]").first
                if let vs = existingVS, let vsId = vs.id {
                    if let pid = vs.loadBalancerPoolRef?.id { pools.append(pid) }
                    vss.append(vsId)
                    if vip.isEmpty { vip = vs.virtualIpAddress ?? "" }
                    continue
                }
                let poolId: String
                if let found = try client.list(path("edgeGateways/\(site.gatewayId)/loadBalancer/poolSummaries?\(filter("name==\(n.pool)"))"),
                                               JSONValue.self, what: "pool [\(n.pool)]").first?["id"]?.stringValue {
                    poolId = found
                } else {
                    poolId = try client.createPool(gatewayId: site.gatewayId, gatewayName: site.gatewayName, name: n.pool, members: item.members, port: p.nodePort)
                }
                pools.append(poolId)
                if vip.isEmpty { vip = try freeVIP(client, site, marker: n.vs) }
                let id = try client.createVirtualService(gatewayId: site.gatewayId, gatewayName: site.gatewayName, segId: site.segId, segName: site.segName,
                                                         name: n.vs, vip: vip, port: p.port, poolId: poolId, poolName: n.pool)
                vss.append(id)
            }
            rec.poolIds = pools
            rec.vsIds = vss
            rec.vip = vip
            rec.members = item.members
            rec.nodePorts = list.map(\.nodePort)
            rec.complete = true
        } catch let e as CPIError {
            failure = e
            remember()
        } catch {
            failure = CPIError(message: "\(error)")
            remember()
        }
        _ = try? sim.capiWrite { tx in
            if rec.isComplete || !rec.poolIds.isEmpty || !rec.vsIds.isEmpty {
                try save(tx, item.recordId, rec)
            } else if tx.get(item.recordId, kind: Kind.capiRecord) != nil {
                tx.delete(item.recordId)
            }
            guard let now = current(tx, w, item) else { return }
            if let failure {
                if !failure.busy { try warn(tx, w, now, failure.message) }
                return
            }
            var s = now
            KO.addFinalizer(&s, finalizer)
            KubeMeta.setTop(&s, "status", .object(["loadBalancer": .object(["ingress": .array([.object(["ip": .string(rec.vip)])])])]))
            if s != now { try KO.save(tx, w, CAPIRes.services, old: now, s) }
        }
    }

    /// Keeps the pools' members in step with the nodes (and the Service's nodePorts).
    static func updateMembers(_ sim: Simulator, _ client: CPIClient, _ w: String, _ item: Work) {
        guard let svc = item.service, var rec = item.record else { return }
        var failure: CPIError? = nil
        let list = ports(svc)
        do {
            for (i, poolId) in rec.poolIds.enumerated() where list.indices.contains(i) {
                let r = try client.call("GET", path("loadBalancer/pools/\(poolId)"))
                if r.status == 404 || r.status == 403 { rec.complete = false; continue }  // gone: made again on the next pass
                guard r.status == 200, var pool = try? JSONDecoder().decode(LoadBalancerPool.self, from: r.body) else {
                    throw CPIError(message: "unable to get pool [\(poolId)]: \(CPIClient.describe(r))", busy: CPIClient.isBusy(r))
                }
                let want = item.members.map { VCDControllerClient.member($0, list[i].nodePort) }
                func key(_ m: [PoolMember]) -> [String] { m.map { "\($0.ipAddress ?? ""):\($0.port ?? 0)" } }
                if key(pool.members ?? []) == key(want) && pool.defaultPort == list[i].nodePort { continue }
                pool.members = want
                pool.defaultPort = list[i].nodePort
                try client.change("PUT", path("loadBalancer/pools/\(poolId)"), body: CPIClient.json(pool), what: "update pool [\(pool.name ?? poolId)]")
            }
            rec.members = item.members
            rec.nodePorts = list.map(\.nodePort)
        } catch let e as CPIError {
            failure = e
        } catch {
            failure = CPIError(message: "\(error)")
        }
        _ = try? sim.capiWrite { tx in
            try save(tx, item.recordId, rec)
            if let failure, !failure.busy, let now = current(tx, w, item) { try warn(tx, w, now, failure.message) }
        }
    }

    /// Deletes the virtual services, then the pools (one already gone counts as deleted), then
    /// lets the Service go.
    static func delete(_ sim: Simulator, _ client: CPIClient, _ w: String, _ item: Work) {
        guard var rec = item.record else { return }
        var failure: CPIError? = nil
        func gone(_ kind: String, _ id: String) throws {
            try client.deleteObject("loadBalancer/\(kind)/\(id)", what: "\(kind == "pools" ? "pool" : "virtual service") [\(id)]")
        }
        do {
            while let vs = rec.vsIds.first { try gone("virtualServices", vs); rec.vsIds.removeFirst() }
            while let p = rec.poolIds.first { try gone("pools", p); rec.poolIds.removeFirst() }
            // A floating IP of an IP space goes back once nothing uses it.
            if !rec.vip.isEmpty, let site = try? self.site(client), CPIClient.usesIPSpace(site.gateway) {
                try client.releaseFloatingIP(gatewayId: site.gatewayId, gatewayName: site.gatewayName, ip: rec.vip)
            }
        } catch let e as CPIError {
            failure = e
        } catch {
            failure = CPIError(message: "\(error)")
        }
        _ = try? sim.capiWrite { tx in
            let now = item.service == nil ? nil : current(tx, w, item)
            if let failure {
                try save(tx, item.recordId, rec)
                if !failure.busy, let now { try warn(tx, w, now, failure.message) }
                return
            }
            tx.delete(item.recordId)
            if let now, KubeRequest.finalizers(now).contains(finalizer) { try releaseFinalizer(tx, w, now) }
        }
    }

    static func save(_ tx: WriteTx, _ id: String, _ rec: CPIRecord) throws {
        if let o = tx.get(id, kind: Kind.capiRecord) {
            if (try? o.decode(CPIRecord.self)).map({ CPIServices.same($0, rec) }) == true { return }
            try tx.update(o, rec)
        } else {
            try tx.insert(kind: Kind.capiRecord, id: id, parent: CPIRecord.parent(rec.cluster), name: rec.service, rec)
        }
    }

    static func same(_ a: CPIRecord, _ b: CPIRecord) -> Bool {
        a.vip == b.vip && a.poolIds == b.poolIds && a.vsIds == b.vsIds && a.members == b.members && a.nodePorts == b.nodePorts && a.complete == b.complete
    }

    // MARK: Kubernetes helpers

    struct Port { var name: String; var port: Int; var nodePort: Int; var proto: String }

    static func ports(_ svc: JSONValue) -> [Port] {
        (KubeService(svc).spec.ports ?? []).compactMap { p in
            guard let port = p.port else { return nil }
            return Port(name: p.name ?? "", port: port, nodePort: p.nodePort ?? 0, proto: p.protocol ?? "TCP")
        }
    }

    /// Allocates a free nodePort (30000–32767) for every port that has none, as the apiserver would.
    static func assignNodePorts(_ tx: WriteTx, _ w: String, _ svc: JSONValue) throws -> JSONValue {
        guard case .array(var list)? = svc["spec"]?["ports"] else { return svc }
        var used = Set<Int>()
        for s in KO.list(tx, w, CAPIRes.services) { for p in ports(s) where p.nodePort > 0 { used.insert(p.nodePort) } }
        var changed = false
        for i in list.indices where KubeService.Port(list[i]).nodePort == nil {
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
    static func memberAddresses(_ tx: StateView, _ w: String) -> [String] {
        let nodes = KO.list(tx, w, CAPIRes.nodes)
        func ip(_ n: JSONValue) -> String? {
            KubeNode(n).status.addresses?.internalIP
        }
        let workers = nodes.filter { KubeMeta.labels($0)["node-role.kubernetes.io/control-plane"] == nil }
        return (workers.isEmpty ? nodes : workers).compactMap(ip).sorted()
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
