import CloudWire
import Foundation

/// What a Cluster's pass needs from VCD, decided on the management cluster's side
/// (`CAPIReconciler.reconcile`).
enum CAPVCDStep {
    case none
    /// The VCDCluster's first reconcile: RDE, vApp, control-plane endpoint.
    case createInfra(InfraInput)
    /// Machines to make, read or delete; then the pool's members and the RDE's status.
    case machines(CAPIClusterRecord)
    /// Everything VCD holds for the cluster goes, then its objects.
    case delete(CAPIClusterRecord)
    /// A cluster whose first reconcile stopped halfway (no record): what it made goes, by name.
    case deleteUnrecorded(InfraInput)
    /// A cluster whose infrastructure another controller made (a real CAPVCD while this one was
    /// scaled to 0): found in VCD by the names that controller gives, then reconciled as ours.
    case adopt(InfraInput, infraId: String)
}

/// A catalog and template a VCDMachineTemplate names.
struct TemplateName: Equatable {
    var catalog: String
    var template: String
}

/// What the VCDCluster controller read for a cluster's first reconcile.
struct InfraInput {
    var namespace: String
    var name: String
    var uid: String
    var org: String
    var vdc: String
    var network: String
    var vipSubnet: String?
    /// `spec.controlPlaneEndpoint.host` when the user chose the address.
    var vip: String
    var siteURL: String
    /// The RDE the VCDCluster names already (`spec.rdeId`, 0.5.x `status.infraId`).
    var rdeId: String
    var kubernetes: String
    var templates: [TemplateName]
    var credentials: VCDCredentials
    /// Set for CAPVCD 0.5.x: its controller config and the RDE 1.0.0 topology.
    var config05: CAPVCD05Config?
    var workers05: [JSONValue]
    var controlPlane05: [JSONValue]
    var cluster: JSONValue? = nil
}

/// What the VCDCluster controller made in VCD.
struct InfraMade {
    var site: CAPVCDClient.Site
    var rdeId: String
    var rdeVersion: String
    var vappId: String
    var lb: CAPVCDClient.ControlPlaneLB
}

/// The VCD requests the machines of a cluster need now.
struct MachineWork {
    struct Create {
        var machine: String
        /// The VCDMachine's spec (catalog, template, sizing policy, storage profile, disk size).
        var spec: VCDMachineSpec
        var controlPlane: Bool
    }
    var creates: [Create] = []
    var inspect: [String] = []
    var deletes: [(machine: String, vmId: String)] = []
}

/// Their outcome, for `reconcileMachines`.
struct MachineResults {
    /// Machine → the id of its new VM, or why VCD refused it.
    var created: [String: Result<String, CAPIFailure>] = [:]
    /// VM id → what VCD shows of it (nil: it does not exist).
    var facts: [String: CAPVCDClient.VMFacts?] = [:]
    /// Machines whose VM is gone.
    var deleted: Set<String> = []
}

/// What the machines' reconcile leaves for VCD: the control-plane pool's members, the RDE status
/// to merge and errors to add to its error set.
struct AfterWork {
    var members: [String]? = nil
    var rdePatch: JSONValue? = nil
    var rdeErrors: [JSONValue] = []
}

/// One pass of the CAPVCD and Cluster API controllers of management cluster `m` over one
/// Cluster, as a client of VCD: the management cluster's side decides in a short transaction,
/// the VCD requests go out through `Simulator.handle` with no lock held (logged in as the user
/// of the cluster's credentials, under that user's rights, with the faults, counters and request
/// log of any client), then a short transaction records the outcome. A refusal shows where the
/// real controllers show it (Cluster / VCDCluster / Machine conditions, the RDE's error set);
/// whatever a failed request leaves half made is found by name on the next pass.
struct CAPVCDPass {
    let sim: Simulator
    let m: String
    let capvcd: CAPVCDRuntime

    func reconciler(_ tx: WriteTx) -> CAPIReconciler { CAPIReconciler(sim: sim, tx: tx, management: m, capvcd: capvcd) }

    /// The client of a cluster's credentials (0.5.x and 1.0 speak API 36.0, later releases 37.2).
    func client(_ name: String, _ credentials: VCDCredentials, release05: Bool) -> CAPVCDClient {
        CAPVCDClient(sim: sim, owner: "capvcd/\(m)/\(name)", credentials: credentials, version: release05 ? "36.0" : "37.2",
                     agent: release05 ? CAPVCDClient.agent05 : CAPVCDClient.agent1)
    }

    func credentials(_ r: CAPIClusterRecord) -> VCDCredentials {
        // A read only (the transaction commits nothing): the reconciler's helpers take a transaction.
        let found = try? sim.capiWrite { s -> VCDCredentials in
            let rec = CAPIReconciler(sim: sim, tx: s, management: r.management, capvcd: capvcd)
            guard let cl = KO.get(s, r.management, CAPIRes.clusters, r.namespace, r.name),
                  let vc = KO.get(s, r.management, CAPIRes.vcdClusters, r.namespace, rec.refs(cl).infra) else {
                let vc = KO.list(s, r.management, CAPIRes.vcdClusters, r.namespace).first { KubeMeta.labels($0)[CAPIRes.clusterNameLabel] == r.name }
                var c = vc.map { rec.credentials(r.namespace, $0) } ?? VCDCredentials(user: r.user)
                if c.userOrg.isEmpty { c.userOrg = r.userOrg ?? r.orgName }
                c.host = r.site
                return c
            }
            var c: VCDCredentials
            if r.isCAPVCD05 {
                let (user, org) = (try? rec.userContext(vc, clusterOrg: r.orgName, cluster: r.name)) ?? (r.user, r.userOrg ?? r.orgName)
                let inline = VCDCluster(vc).spec.userContext
                c = VCDCredentials(user: user, userOrg: org, password: inline.password ?? "", refreshToken: inline.refreshToken ?? "")
            } else {
                c = rec.credentials(r.namespace, vc)
            }
            if c.userOrg.isEmpty { c.userOrg = r.orgName }
            c.host = r.site
            return c
        }
        return found ?? VCDCredentials(host: r.site, user: r.user, userOrg: r.userOrg ?? r.orgName)
    }

    /// Runs the pass; a failure ends up on the Cluster (`fail`) unless it is a busy retry.
    func run(_ ns: String, _ name: String) {
        do {
            let step = try sim.capiWrite { tx in try reconciler(tx).reconcile(ns, name) }
            switch step {
            case .none: return
            case .createInfra(let input): try createInfrastructure(input)
            case .machines(let r): try machines(ns, name, r)
            case .delete(let r): try delete(ns, name, r)
            case .deleteUnrecorded(let input): try deleteUnrecorded(input)
            case .adopt(let input, let infraId): try adoptInfrastructure(input, infraId: infraId)
            }
        } catch let f as CAPIFailure where f.busy || Self.retried.contains(f.reason) {
            // Retried on the next pass, as the real controllers requeue; a refusal (not a task still
            // running) shows meanwhile. Credentials and rights are fixed by someone, then the next
            // pass goes on.
            if !f.message.hasSuffix("still running") {
                _ = try? sim.capiWrite { tx in try reconciler(tx).retrying(ns, name, f) }
            }
        } catch let f as CAPIFailure {
            _ = try? sim.capiWrite { tx in try reconciler(tx).fail(ns, name, f) }
        } catch let e as SimError where e.minor != VCDMinorError.busyEntity {
            _ = try? sim.capiWrite { tx in try reconciler(tx).fail(ns, name, CAPIFailure(reason: "VCDError", message: e.message)) }
        } catch {
            // A passing conflict: the next pass retries, as the controllers requeue.
        }
    }

    /// Refusals that need someone to act (fix the secret, add the right) or time (an upload that
    /// has not finished) but not a new cluster.
    static let retried: Set<String> = ["VCDLoginFailed", "VCDAccessDenied", "TemplateNotReady", "InfrastructureNotFound"]

    // MARK: Infrastructure

    func createInfrastructure(_ input: InfraInput) throws {
        let is05 = input.config05 != nil
        let client = client(input.name, input.credentials, release05: is05)
        do {
            try client.connect()
        } catch let f as CAPIFailure where is05 {
            throw CAPIFailure(reason: f.reason, message: "Error creating VCD client to reconcile Cluster [\(input.name)] infrastructure: \(f.message)", busy: f.busy)
        }
        let site = try client.site(org: input.org, vdc: input.vdc, network: input.network)
        for t in input.templates { _ = try client.template(catalog: t.catalog, name: t.template) }
        var rdeId = input.rdeId
        var rdeVersion = "1.1.0"
        if let config = input.config05 {
            if rdeId.isEmpty {
                rdeId = try CAPVCD05Entity.create(client, name: input.name,
                                                  entity: CAPVCD05Entity.body(name: input.name, cluster: input.cluster ?? .object([:]), site: site,
                                                                              siteURL: input.siteURL, kubernetes: input.kubernetes,
                                                                              controlPlane: input.controlPlane05, workers: input.workers05))
                // Kept at once, as 0.5.x writes status.infraId before going on: a later failure finds it again.
                try sim.capiWrite { tx in try reconciler(tx).rememberInfraId(input, rdeId) }
            }
            let lb = try client.ensureLB05(site, config: config, prefix: "\(input.name)-\(rdeId)")
            let vappId = try vApp(client, site, input.name, description: "Created by CAPVCD 0.5 for cluster \(input.name)", metadata: [])
            try sim.capiWrite { tx in try reconciler(tx).infrastructureMade(input, InfraMade(site: site, rdeId: rdeId, rdeVersion: "1.0.0", vappId: vappId, lb: lb)) }
            return
        }
        // 1.1+: the RDE of this name among any 1.x version (the "1" wildcard), else a new one.
        if rdeId.isEmpty, let found = try client.entities(named: input.name, version: "1").first(where: {
            $0.entity?["status"]?["capvcd"]?["uid"]?.stringValue == input.uid
        }), let id = found.id {
            rdeId = id
        }
        if rdeId.isEmpty {
            guard try client.entityTypeExists(CAPVCDEntity.typeID) else {
                throw CAPIFailure(reason: "RDETypeNotFound", message: "the entity type \(CAPVCDEntity.typeID) is not registered in VCD: the provider registers it before CAPVCD runs")
            }
            var vip = input.vip
            if vip.isEmpty { vip = try client.freeVIP(site, vipSubnet: input.vipSubnet, marker: "\(input.name)-control-plane-vip") }
            rdeId = try client.createEntity(typeId: CAPVCDEntity.typeID, name: input.name,
                                            entity: CAPVCDEntity.body(name: input.name, site: site, siteURL: input.siteURL, phase: "provisioning",
                                                                      kubernetes: input.kubernetes, uid: input.uid, vip: vip, nodePools: [], errors: [],
                                                                      events: [event("InfraVcdClusterCreated", "VCDCluster \(input.name) is being created")]))
            try sim.capiWrite { tx in try reconciler(tx).rememberInfraId(input, rdeId) }
        }
        if let e = try? client.entity(rdeId), let t = e.entityType { rdeVersion = String(t.split(separator: ":").last ?? "1.1.0") }
        let vappId = try vApp(client, site, input.name, description: "Created by CAPVCD for cluster \(input.name)", metadata: [("CapvcdInfraId", rdeId)])
        let lbName = "\(input.name)-\(XID.uuid(rdeId))-tcp"
        var vip = input.vip
        if vip.isEmpty, let existing = try client.lbSummary(gatewayId: site.gatewayId, kind: "virtualServiceSummaries", name: lbName) {
            vip = existing["virtualIpAddress"]?.stringValue ?? ""
        }
        if vip.isEmpty { vip = try client.freeVIP(site, vipSubnet: input.vipSubnet, marker: "\(input.name)-control-plane-vip") }
        let lb = try client.ensureLB(site, name: lbName, vip: vip, port: 6443)
        let made = InfraMade(site: site, rdeId: rdeId, rdeVersion: rdeVersion, vappId: vappId,
                             lb: CAPVCDClient.ControlPlaneLB(externalIP: lb.vip, internalIP: nil, natRuleId: nil, poolId: lb.poolId, vsId: lb.vsId))
        try sim.capiWrite { tx in try reconciler(tx).infrastructureMade(input, made) }
    }

    /// Takes over a cluster another CAPVCD controller made (this one was scaled to 0 meanwhile):
    /// its vApp by the cluster's name, its control plane's pool and virtual service by the names
    /// CAPVCD gives them (`<cluster>-<infraId>-tcp`, the id whole or its UUID), 0.5.x's DNAT rule
    /// `dnat-<virtual service>`; the endpoint stays the VCDCluster's. Nothing is made or changed.
    func adoptInfrastructure(_ input: InfraInput, infraId: String) throws {
        let client = client(input.name, input.credentials, release05: input.config05 != nil)
        try client.connect()
        let site = try client.site(org: input.org, vdc: input.vdc, network: input.network)
        guard let vappId = try client.findVApp(vdcId: site.vdcId, name: input.name) else {
            throw CAPIFailure(reason: "InfrastructureNotFound",
                              message: "VCDCluster \(input.namespace)/\(input.name) is ready but its vApp \(input.name) is not in VDC \(site.vdcName): the controller that made it is needed to go on")
        }
        var vs: JSONValue? = nil, pool: JSONValue? = nil, vsName = ""
        for name in ["\(input.name)-\(infraId)-tcp", "\(input.name)-\(XID.uuid(infraId))-tcp"] {
            guard let found = try client.lbSummary(gatewayId: site.gatewayId, kind: "virtualServiceSummaries", name: name) else { continue }
            (vs, vsName) = (found, name)
            pool = try client.lbSummary(gatewayId: site.gatewayId, kind: "poolSummaries", name: name)
            break
        }
        var natRuleId: String? = nil, internalIP: String? = nil
        if input.config05 != nil, !vsName.isEmpty {
            natRuleId = try client.natRules(site).first { $0["name"]?.stringValue == "dnat-\(vsName)" }?["id"]?.stringValue
            internalIP = vs?["virtualIpAddress"]?.stringValue
        }
        let lb = CAPVCDClient.ControlPlaneLB(externalIP: input.vip, internalIP: internalIP, natRuleId: natRuleId,
                                             poolId: pool?["id"]?.stringValue ?? "", vsId: vs?["id"]?.stringValue ?? "")
        let made = InfraMade(site: site, rdeId: infraId, rdeVersion: input.config05 != nil ? "1.0.0" : "1.1.0", vappId: vappId, lb: lb)
        try sim.capiWrite { tx in try reconciler(tx).adopted(input, made) }
    }

    /// The cluster's vApp: found by name (and completed) or composed.
    func vApp(_ client: CAPVCDClient, _ site: CAPVCDClient.Site, _ name: String, description: String, metadata: [(String, String)]) throws -> String {
        if let id = try client.findVApp(vdcId: site.vdcId, name: name) {
            try client.prepareVApp(id, name: name, site: site, metadata: metadata)
            return id
        }
        return try client.composeVApp(site: site, name: name, description: description, metadata: metadata)
    }

    func event(_ name: String, _ detail: String) -> JSONValue {
        .object(["name": .string(name), "occurredAt": .string(KubeMeta.timestamp(sim.clock.now())), "additionalDetails": .object(["event": .string(detail)])])
    }

    // MARK: Machines

    func machines(_ ns: String, _ name: String, _ r: CAPIClusterRecord) throws {
        let work = try sim.capiWrite { tx in reconciler(tx).machineWork(r) }
        var results = MachineResults()
        let client = client(r.name, credentials(r), release05: r.isCAPVCD05)
        var firstFailure: CAPIFailure? = nil
        for d in work.deletes {
            do {
                try client.deleteVM(d.vmId)
                results.deleted.insert(d.machine)
            } catch let f as CAPIFailure { firstFailure = firstFailure ?? f }
        }
        for c in work.creates {
            do {
                results.created[c.machine] = .success(try createVM(client, r, c))
            } catch let f as CAPIFailure {
                results.created[c.machine] = .failure(f)
                if f.busy || Self.retried.contains(f.reason) { firstFailure = firstFailure ?? f }
            }
        }
        for id in work.inspect {
            do { results.facts[id] = .some(try client.vm(id)) } catch let f as CAPIFailure { firstFailure = firstFailure ?? f }
        }
        let after = try sim.capiWrite { tx -> AfterWork in
            guard let cl = KO.get(tx, m, CAPIRes.clusters, ns, name), !KO.deleting(cl) else { return AfterWork() }
            return try reconciler(tx).reconcileMachines(cl, r, results)
        }
        // The pool follows the Running control-plane machines; the RDE the cluster's state.
        var rec = sim.capiRead { s in s.get(CAPIClusterRecord.id(r.name), kind: Kind.capiRecord).flatMap { try? $0.decode(CAPIClusterRecord.self) } } ?? r
        var changed = false
        if let members = after.members, let poolId = rec.poolId, members != (rec.controlPlaneMembers ?? []) {
            let port = rec.isCAPVCD05 ? (capvcd.config05?.tcpPort ?? 6443) : 6443
            try client.must("LoadBalancerUpdateFailed") { _ = try client.setPoolMembers(poolId, members: members, port: port) }
            rec.controlPlaneMembers = members
            changed = true
        }
        if let rdeId = rec.rdeId, !rdeId.hasPrefix(CAPVCD05Entity.noRDEPrefix), after.rdePatch != nil || !after.rdeErrors.isEmpty {
            let wanted = JSONValue.object(["patch": after.rdePatch ?? .null, "errors": .array(after.rdeErrors.map { $0["additionalDetails"] ?? .null })])
            if rec.rdeStatus != wanted {
                try client.updateEntity(rdeId) { e in
                    if let p = after.rdePatch { e = KubePatch.merge(e, p) }
                    var errs = e["status"]?["capvcd"]?["errorSet"]?.arrayValue ?? []
                    for err in after.rdeErrors where !errs.contains(where: { $0["additionalDetails"] == err["additionalDetails"] }) { errs.append(err) }
                    if !after.rdeErrors.isEmpty { e = KubePatch.merge(e, .object(["status": .object(["capvcd": .object(["errorSet": .array(errs)])])])) }
                }
                rec.rdeStatus = wanted
                changed = true
            }
        }
        if changed {
            let saved = rec
            try sim.capiWrite { tx in
                guard var cur = tx.get(CAPIClusterRecord.id(saved.name), kind: Kind.capiRecord).flatMap({ try? $0.decode(CAPIClusterRecord.self) }) else { return }
                cur.controlPlaneMembers = saved.controlPlaneMembers
                cur.rdeStatus = saved.rdeStatus
                try reconciler(tx).saveRecord(cur)
            }
        }
        if let f = firstFailure { throw f }
    }

    /// A machine's VM: found by name or recomposed from the template, given the bootstrap
    /// ExtraConfig (and disk size), powered on. Returns its id.
    func createVM(_ client: CAPVCDClient, _ r: CAPIClusterRecord, _ c: MachineWork.Create) throws -> String {
        let spec = c.spec
        var vmId = try client.findVM(vappId: r.vappId, name: c.machine)
        if vmId == nil {
            let template = try client.template(catalog: spec.catalog ?? "", name: spec.template ?? "")
            let sizing = try spec.sizingPolicyName.map { try client.sizingPolicy(vdcId: r.vdcId, name: $0) }
            vmId = try client.addVM(vappId: r.vappId, name: c.machine, template: template, network: r.networkName,
                                    storageProfile: spec.storageProfile, sizingPolicyId: sizing)
        }
        guard let id = vmId else { throw CAPIFailure(reason: "VMCreationFailed", message: "VM \(c.machine) was not created") }
        guard let facts = try client.vm(id) else { throw CAPIFailure(reason: "VMCreationFailed", message: "VM \(c.machine) disappeared") }
        // A pass that stopped on a task still running finds the VM as it left it: the ExtraConfig
        // already set is not sent again, and a VM already on is not powered on again.
        if facts.status != 4 && facts.extraConfig["guestinfo.hostname"] != c.machine {
            let script = """
                #cloud-config
                runcmd:
                - vmtoolsd --cmd "info-set guestinfo.postcustomization.networkconfiguration.status in_progress"
                - vmtoolsd --cmd "info-set guestinfo.postcustomization.networkconfiguration.status successful"
                - vmtoolsd --cmd "info-set guestinfo.metering.status successful"
                - vmtoolsd --cmd "info-set guestinfo.postcustomization.\(c.controlPlane ? "kubeinit" : "kubeadm.node.join").status successful"
                """
            let disk = spec.diskBytes.map { $0 / (1024 * 1024) }
            try client.reconfigure(vmId: id, extraConfig: [("guestinfo.userdata", Data(script.utf8).base64EncodedString()),
                                                          ("guestinfo.userdata.encoding", "base64"), ("disk.enableUUID", "1"),
                                                          ("guestinfo.hostname", c.machine)], diskMb: disk)
        }
        if facts.status != 4 { try client.powerOn(vmId: id) }
        return id
    }

    // MARK: Deletion

    /// What VCD holds for the cluster goes (the CPI's load balancers, the control-plane virtual
    /// service and pool, the one-arm NAT rule, the vApp with its VMs, the RDE); then its objects.
    func delete(_ ns: String, _ name: String, _ r: CAPIClusterRecord) throws {
        try teardown(r)
        try sim.capiWrite { tx in
            guard let cl = KO.get(tx, m, CAPIRes.clusters, ns, name) else { return }
            try reconciler(tx).finishDelete(cl, record: r)
        }
    }

    func teardown(_ r: CAPIClusterRecord) throws {
        let client = client(r.name, credentials(r), release05: r.isCAPVCD05)
        // Floating IPs of an IP space go back once what used them is gone.
        let gw = try client.must("LoadBalancerDeleteFailed") { () -> EdgeGateway? in
            let g = try client.call("GET", CAPVCDClient.path("edgeGateways/\(r.gatewayId)"))
            return g.status == 200 ? try? JSONDecoder().decode(EdgeGateway.self, from: g.body) : nil
        }
        func release(_ ip: String) throws {
            guard let gw, CAPVCDClient.usesIPSpace(gw), !ip.isEmpty else { return }
            try client.must("LoadBalancerDeleteFailed") { try client.releaseFloatingIP(gatewayId: r.gatewayId, gatewayName: gw.name ?? r.gatewayId, ip: ip) }
        }
        let cpi = sim.capiRead { s in s.children(Kind.capiRecord, of: CPIRecord.parent(r.name)).compactMap { try? $0.decode(CPIRecord.self) } }
        for c in cpi {
            for vs in c.vsIds { try client.deleteLB(poolId: nil, vsId: vs) }
            for p in c.poolIds { try client.deleteLB(poolId: p, vsId: nil) }
            try release(c.vip)
        }
        try client.deleteLB(poolId: r.poolId, vsId: r.vsId)
        try client.deleteNATRule(gatewayId: r.gatewayId, r.natRuleId)
        try release(r.vip)
        try client.deleteVApp(r.vappId)
        if let id = r.rdeId, !id.hasPrefix(CAPVCD05Entity.noRDEPrefix) { try client.deleteEntity(id) }
    }

    /// What a first reconcile made before it failed, found by the names it gives them: the
    /// control plane's virtual service and pool (and 0.5.x's DNAT rule, or an IP space's claimed
    /// address), the vApp, the RDE. A site that cannot be resolved had nothing made on it.
    func deleteUnrecorded(_ input: InfraInput) throws {
        let is05 = input.config05 != nil
        let client = client(input.name, input.credentials, release05: is05)
        if let place = try? client.locate(org: input.org, vdc: input.vdc, network: input.network) {
            let gw = try client.must("LoadBalancerDeleteFailed") {
                try client.get(CAPVCDClient.path("edgeGateways/\(place.gateway)"), EdgeGateway.self, what: "edge gateway [\(place.gateway)]")
            }
            let lbName = input.rdeId.isEmpty ? nil : is05 ? "\(input.name)-\(input.rdeId)-tcp" : "\(input.name)-\(XID.uuid(input.rdeId))-tcp"
            if let lbName {
                let vs = try client.must("LoadBalancerDeleteFailed") { try client.lbSummary(gatewayId: place.gateway, kind: "virtualServiceSummaries", name: lbName) }
                let pool = try client.must("LoadBalancerDeleteFailed") { try client.lbSummary(gatewayId: place.gateway, kind: "poolSummaries", name: lbName) }
                try client.deleteLB(poolId: pool?["id"]?.stringValue, vsId: vs?["id"]?.stringValue)
                if is05 {
                    let site = CAPVCDClient.Site(orgId: place.org, orgName: input.org, vdcId: place.vdc, vdcName: input.vdc, networkId: place.network,
                                                 networkName: input.network, gatewayId: place.gateway, gatewayName: gw.name ?? place.gateway, gateway: gw,
                                                 segId: "", segName: nil)
                    let rule = try client.natRules(site).first { $0["name"]?.stringValue == "dnat-\(lbName)" }
                    try client.deleteNATRule(gatewayId: place.gateway, rule?["id"]?.stringValue)
                }
            }
            if CAPVCDClient.usesIPSpace(gw) {
                try client.must("LoadBalancerDeleteFailed") {
                    try client.releaseClaim(gatewayId: place.gateway, gatewayName: gw.name ?? place.gateway, marker: "\(input.name)-control-plane-vip")
                }
            }
            if let vapp = try client.findVApp(vdcId: place.vdc, name: input.name) { try client.deleteVApp(vapp) }
        }
        if !input.rdeId.isEmpty, !input.rdeId.hasPrefix(CAPVCD05Entity.noRDEPrefix) { try client.deleteEntity(input.rdeId) }
        try sim.capiWrite { tx in
            guard let cl = KO.get(tx, m, CAPIRes.clusters, input.namespace, input.name) else { return }
            try reconciler(tx).finishDelete(cl, record: nil)
        }
    }

    /// A Cluster removed behind the controllers' back: VCD is cleaned, then what it owned.
    func collectOrphan(_ r: CAPIClusterRecord) {
        do {
            try teardown(r)
            try sim.capiWrite { tx in try reconciler(tx).collectOrphan(r) }
        } catch {
            // Retried on the next pass; nothing is forgotten before VCD is clean.
        }
    }
}
