import CloudWire
import Foundation

/// The VCDCluster controller of CAPVCD 0.5.x, first reconcile of a cluster (v1alpha4 objects):
/// it logs in with the `userContext` written in the VCDCluster, works in the org, VDC and network
/// the VCDCluster names (the controller's config fills what it leaves empty), keeps an RDE of type
/// 1.0.0 when VCD has that type (else an id `NO_RDE_<uuid>`), makes the control-plane endpoint
/// the 0.5.x way (external address from the config's `vipSubnet`, one-arm DNAT to an internal
/// virtual service: CAPVCD05LoadBalancer.swift) and the cluster's vApp. Machines then follow the
/// same path as with 1.x (the VCDMachineTemplate's `computePolicy` is the sizing policy).
extension CAPIReconciler {
    func createInfrastructure05(_ cl: JSONValue, _ config: CAPVCD05Config) throws {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        guard elapsed(since: KubeMeta.field(cl, "creationTimestamp")?.stringValue, atLeast: 5) else { return }
        guard let (vc, kcp, templates) = try infrastructureInputs(cl) else { return }
        func pick(_ key: String, _ fallback: String) -> String {
            let v = KO.str(vc, "spec.\(key)") ?? ""
            return v.isEmpty ? fallback : v
        }
        let siteURL = pick("site", config.host), orgName = pick("org", config.org)
        let vdcName = pick("ovdc", config.vdc), netName = pick("ovdcNetwork", config.network)
        let (user, userOrg) = try userContext(vc, clusterOrg: orgName, cluster: name)
        do {
            try CAPVCD05Login.connect(sim, tx, site: siteURL, org: orgName, vdc: vdcName, network: netName, user: user, userOrg: userOrg,
                                      password: KO.str(vc, "spec.userContext.password") ?? "",
                                      refreshToken: KO.str(vc, "spec.userContext.refreshToken") ?? "")
        } catch let f as CAPIFailure {
            throw CAPIFailure(reason: f.reason, message: "Error creating VCD client to reconcile Cluster [\(name)] infrastructure: \(f.message)")
        }
        let site = try CAPVCDInfra.resolve(tx, spec: .object(["org": .string(orgName), "ovdc": .string(vdcName), "ovdcNetwork": .string(netName)]))
        guard try templatesResolve(cl, templates, orgId: site.org.id) else { return }
        // A change in progress on the gateway: CAPVCD retries later (BUSY_ENTITY).
        if sim.tasks.isBusy(site.gateway.id, now: now) { return }
        let version = KO.str(kcp, "spec.version") ?? ""
        var infraId = KO.str(vc, "status.infraId") ?? ""
        if infraId.isEmpty {
            infraId = CAPVCD05Entity.create(tx, name: name, orgId: site.org.id, user: user,
                                            entity: CAPVCD05Entity.body(name: name, cluster: cl, site: site, siteURL: siteURL, kubernetes: version,
                                                                        controlPlane: topology(kcp: kcp), workers: topology(cluster: name, ns: ns)))
        }
        let lb = try CAPVCDInfra.createLB05(sim, tx, site: site, user: user, config: config, prefix: "\(name)-\(infraId)")
        let vappId = try CAPVCDInfra.createVApp(tx, name: name, site: site, user: user, description: "Created by CAPVCD 0.5 for cluster \(name)")
        var rec = CAPIClusterRecord(name: name, management: m, namespace: ns, clusterUID: KubeMeta.field(cl, "uid")?.stringValue ?? "", user: user,
                                    orgId: site.org.id, orgName: site.org.name, vdcId: site.vdc.id, vdcName: site.vdc.name,
                                    networkId: site.network.id, networkName: site.network.name, gatewayId: site.gateway.id, segId: site.segId,
                                    vipSubnet: config.vipSubnet, vip: lb.externalIP, vappId: vappId, poolId: lb.poolId, vsId: lb.vsId, rdeId: infraId,
                                    workloadCreated: false, site: siteURL)
        rec.release = "0.5"
        rec.natRuleId = lb.natRuleId
        rec.internalVip = lb.internalIP
        try saveRecord(rec)
        // 0.5.x writes the endpoint port as 6443 whatever its config's tcp port.
        let endpoint: JSONValue = .object(["host": .string(lb.externalIP), "port": .int(6443)])
        var newVC = KO.merge(vc, ["spec": .object(["controlPlaneEndpoint": endpoint])])
        KO.addFinalizer(&newVC, Self.vcdClusterFinalizer)
        KubeMeta.set(&newVC, "labels", KO.labels(newVC, adding: [CAPIRes.clusterNameLabel: name]))
        newVC = KO.merge(newVC, ["status": .object([
            "ready": .bool(true), "infraId": .string(infraId),
            "conditions": KO.conditions(vc, [KO.condition("Ready", true, now: now), KO.condition("LoadBalancerAvailable", true, now: now)]),
        ])])
        try KO.save(tx, m, CAPIRes.vcdClusters, old: vc, newVC)
        try markInfrastructureReady(cl, endpoint: endpoint)
    }

    /// The user and org of the VCDCluster's inline credentials: `org/user`, or a user of the
    /// cluster's org. `system/administrator` is the provider administrator.
    func userContext(_ vc: JSONValue, clusterOrg: String, cluster: String) throws -> (user: String, org: String) {
        let full = KO.str(vc, "spec.userContext.username") ?? ""
        let parts = full.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else {
            throw CAPIFailure(reason: "VCDLoginFailed", message: "Error creating VCD client to reconcile Cluster [\(cluster)] infrastructure: error parsing username before authenticating to VCD: [invalid username format; expected at most two fields separated by /, obtained [\(parts.count)]]")
        }
        return parts.count == 2 ? (parts[1], parts[0]) : (full, clusterOrg)
    }

    /// The node pools as the 0.5.x RDE describes them (count, sizing class, template).
    func topology(kcp: JSONValue) -> [JSONValue] {
        let t = KO.get(tx, m, CAPIRes.vcdMachineTemplates, KubeMeta.namespace(kcp), KO.str(kcp, "spec.machineTemplate.infrastructureRef.name") ?? "")
        return [pool(count: KO.int(kcp, "spec.replicas") ?? 1, template: t)]
    }

    func topology(cluster: String, ns: String) -> [JSONValue] {
        machineDeployments(ns, cluster).map { md in
            pool(count: KO.int(md, "spec.replicas") ?? 1,
                 template: KO.get(tx, m, CAPIRes.vcdMachineTemplates, ns, KO.str(md, "spec.template.spec.infrastructureRef.name") ?? ""))
        }
    }

    private func pool(count: Int, template: JSONValue?) -> JSONValue {
        let spec = template?["spec"]?["template"]?["spec"]
        return .object(["count": .int(count), "sizingClass": .string(KO.str(spec, "computePolicy") ?? ""),
                        "templateName": .string(KO.str(spec, "template") ?? "")])
    }
}
