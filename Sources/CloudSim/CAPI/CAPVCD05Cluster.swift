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
    /// What the 0.5.x VCDCluster controller needs for a cluster's first reconcile (nil while
    /// something is missing): the names of the VCDCluster or, where it leaves them empty, of the
    /// controller's config, the inline `userContext`, the topology for the RDE.
    func infrastructureInput05(_ cl: JSONValue, _ config: CAPVCD05Config) throws -> InfraInput? {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        guard elapsed(since: KubeMeta.field(cl, "creationTimestamp")?.stringValue, atLeast: 5) else { return nil }
        guard let (vc, kcp, templates) = try infrastructureInputs(cl), let names = try templateNames(cl, templates) else { return nil }
        let infra = VCDCluster(vc)
        func pick(_ value: String?, _ fallback: String) -> String {
            let v = value ?? ""
            return v.isEmpty ? fallback : v
        }
        let orgName = pick(infra.spec.org, config.org)
        let (user, userOrg) = try userContext(vc, clusterOrg: orgName, cluster: name)
        let creds = VCDCredentials(host: pick(infra.spec.site, config.host), user: user, userOrg: userOrg,
                                   password: infra.spec.userContext.password ?? "", refreshToken: infra.spec.userContext.refreshToken ?? "")
        return InfraInput(namespace: ns, name: name, uid: KubeMeta.field(cl, "uid")?.stringValue ?? "", org: orgName,
                          vdc: pick(infra.spec.ovdc, config.vdc), network: pick(infra.spec.ovdcNetwork, config.network), vipSubnet: config.vipSubnet, vip: "",
                          siteURL: creds.host, rdeId: infra.status.infraId ?? "", kubernetes: KubeadmControlPlane(kcp).spec.version ?? "",
                          templates: names, credentials: creds, config05: config, workers05: topology(cluster: name, ns: ns),
                          controlPlane05: topology(kcp: kcp), cluster: cl)
    }

    /// The user and org of the VCDCluster's inline credentials: `org/user`, or a user of the
    /// cluster's org. `system/administrator` is the provider administrator.
    func userContext(_ vc: JSONValue, clusterOrg: String, cluster: String) throws -> (user: String, org: String) {
        let full = VCDCluster(vc).spec.userContext.username ?? ""
        let parts = full.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else {
            throw CAPIFailure(reason: "VCDLoginFailed", message: "Error creating VCD client to reconcile Cluster [\(cluster)] infrastructure: error parsing username before authenticating to VCD: [invalid username format; expected at most two fields separated by /, obtained [\(parts.count)]]")
        }
        return parts.count == 2 ? (parts[1], parts[0]) : (full, clusterOrg)
    }

    /// The node pools as the 0.5.x RDE describes them (count, sizing class, template).
    func topology(kcp: JSONValue) -> [JSONValue] {
        let cp = KubeadmControlPlane(kcp).spec
        let t = KO.get(tx, m, CAPIRes.vcdMachineTemplates, KubeMeta.namespace(kcp), cp.machineTemplate.infrastructureRef.name ?? "")
        return [pool(count: cp.replicas ?? 1, template: t)]
    }

    func topology(cluster: String, ns: String) -> [JSONValue] {
        machineDeployments(ns, cluster).map { md in
            let deployment = CAPIMachineDeployment(md).spec
            return pool(count: deployment.replicas ?? 1,
                        template: KO.get(tx, m, CAPIRes.vcdMachineTemplates, ns, deployment.template.spec.infrastructureRef.name ?? ""))
        }
    }

    private func pool(count: Int, template: JSONValue?) -> JSONValue {
        let spec = VCDMachineTemplate(template).spec.template.spec
        return .object(["count": .int(count), "sizingClass": .string(spec?.computePolicy ?? ""),
                        "templateName": .string(spec?.template ?? "")])
    }
}
