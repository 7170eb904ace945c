import CloudWire
import Foundation
import NetAddress

/// The VCD client of the simulated CAPVCD: the controllers' client (VCDControllerClient.swift),
/// logged in with the credentials of the cluster (the VCDCluster's secret for 1.x, its inline
/// `userContext` for 0.5.x), finding the cluster's org, VDC, network, gateway and templates the
/// way the real controller does (capvcd-wire.md rows 4–7, 12–14, 25). The VCD objects it makes
/// and removes are in CAPVCDClientObjects.swift (RDE, vApp, VMs) and CAPVCDClientLB.swift.
final class CAPVCDClient: VCDControllerClient {
    /// The VCD objects a VCDCluster resolves to.
    struct Site {
        var orgId: String
        var orgName: String
        var vdcId: String
        var vdcName: String
        var networkId: String
        var networkName: String
        var gatewayId: String
        var gatewayName: String
        var gateway: EdgeGateway
        var segId: String
        var segName: String?
    }

    /// A resolved vApp template: its id and the href of its (first) VM.
    struct Template {
        var id: String
        var name: String
        var vmHref: String
    }

    /// The `User-Agent` of the releases modelled.
    static let agent1 = "cluster-api-provider-cloud-director/1.3.2"
    static let agent05 = "cluster-api-provider-cloud-director/0.5.1"

    static func path(_ p: String) -> String { "/cloudapi/1.0.0/\(p)" }
    static func filter(_ f: String) -> String { "filter=\(encode(f))" }

    /// A failure of this cluster's pass, with the condition reason the real controller shows.
    static func failure(_ reason: String, _ e: CPIError) -> CAPIFailure { CAPIFailure(reason: reason, message: e.message, busy: e.busy) }

    /// A call whose refusal is a failure of `reason` (busy ones are retried on the next pass).
    func must<T>(_ reason: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as CPIError {
            throw Self.failure(e.message.contains("401 Unauthorized") || e.message.hasPrefix("unable to authenticate")
                               || e.message.hasPrefix("failed to refresh") ? "VCDLoginFailed"
                               : e.message.contains("403 Forbidden") ? "VCDAccessDenied" : reason, e)
        }
    }

    /// Logs in (or checks the kept session), as the controller does before anything else.
    func connect() throws {
        _ = try must("VCDLoginFailed") { () -> HTTPResponseMessage in
            let r = try call("GET", "/api/org", accept: "application/*+xml;version=\(version)")
            guard r.status == 200 else { throw CPIError(message: "unable to list organizations: \(Self.describe(r))", busy: Self.isBusy(r)) }
            return r
        }
    }

    /// Org, VDC, network, its gateway with load balancing enabled and a service engine group.
    func site(org orgName: String, vdc vdcName: String, network netName: String) throws -> Site {
        let (orgId, vdcId, netId, gwId) = try locate(org: orgName, vdc: vdcName, network: netName)
        let gw = try must("GatewayNotFound") { try get(Self.path("edgeGateways/\(gwId)"), EdgeGateway.self, what: "edge gateway [\(gwId)]") }
        let gwName = gw.name ?? gwId
        let lb = try must("LoadBalancerNotEnabled") {
            try get(Self.path("edgeGateways/\(gwId)/loadBalancer"), JSONValue.self, what: "load balancer settings of edge gateway [\(gwName)]")
        }
        guard lb["enabled"] == .bool(true) else {
            throw CAPIFailure(reason: "LoadBalancerNotEnabled",
                              message: "unable to create the control plane load balancer: load balancing is not enabled on edge gateway \(gwName)")
        }
        let assignments = try must("NoServiceEngineGroup") {
            try list(Self.path("loadBalancer/serviceEngineGroups/assignments?\(Self.filter("gatewayRef.id==\(gwId)"))"),
                     ServiceEngineGroupAssignment.self, what: "service engine group assignments of gateway [\(gwName)]")
        }
        guard let seg = assignments.first?.serviceEngineGroupRef, let segId = seg.id else {
            throw CAPIFailure(reason: "NoServiceEngineGroup",
                              message: "unable to create the control plane load balancer: no service engine group is assigned to edge gateway \(gwName)")
        }
        return Site(orgId: orgId, orgName: orgName, vdcId: vdcId, vdcName: vdcName, networkId: netId, networkName: netName,
                    gatewayId: gwId, gatewayName: gwName, gateway: gw, segId: segId, segName: seg.name)
    }

    /// The ids of the org, VDC, network and its edge gateway (what CAPVCD 0.5.x checks at start).
    func locate(org orgName: String, vdc vdcName: String, network netName: String) throws -> (org: String, vdc: String, network: String, gateway: String) {
        // govcd's GetOrgByName reads the org list; GetVDCByName queries orgVdc (capvcd-wire.md rows 4–5).
        let orgList = try xml("OrgNotFound", "/api/org", what: "organizations")
        guard let org = orgList.all("Org").first(where: { $0.attr("name") == orgName }),
              let orgUUID = org.attr("href")?.split(separator: "/").last else {
            throw CAPIFailure(reason: "OrgNotFound", message: "unable to find organization \"\(orgName)\" in VCD (as \(credentials.user)@\(credentials.userOrg)): [[ENF] entity not found]")
        }
        let orgId = "urn:vcloud:org:\(orgUUID)"
        let vdcs = try xml("VdcNotFound", "/api/query?type=orgVdc&format=records&filterEncoded=true&" + Self.filter("orgName==\(orgName);name==\(vdcName)"),
                           what: "virtual datacenter [\(vdcName)]")
        guard let vdc = vdcs.all("OrgVdcRecord").first(where: { $0.attr("name") == vdcName }),
              let vdcUUID = vdc.attr("href")?.split(separator: "/").last else {
            throw CAPIFailure(reason: "VdcNotFound", message: "unable to find virtual datacenter \"\(vdcName)\" in organization \"\(orgName)\"")
        }
        let vdcId = "urn:vcloud:vdc:\(vdcUUID)"
        let nets = try must("NetworkNotFound") {
            try list(Self.path("orgVdcNetworks?\(Self.filter("name==\(netName)"))"), OrgVdcNetwork.self, what: "network [\(netName)]")
        }
        guard let net = nets.first(where: { $0.orgVdc?.id == vdcId }) ?? nets.first(where: { $0.orgVdc?.id == nil }),
              let netId = net.id else {
            throw CAPIFailure(reason: "NetworkNotFound", message: "unable to find network \"\(netName)\" in virtual datacenter \"\(vdcName)\"")
        }
        guard let gwId = net.connection?.routerRef?.id else {
            throw CAPIFailure(reason: "GatewayNotFound",
                              message: "network \"\(netName)\" is not connected to an edge gateway: the control plane load balancer needs a routed network")
        }
        return (orgId, vdcId, netId, gwId)
    }

    /// A legacy XML document (a 2xx answer parsed), or the failure `reason`.
    func xml(_ reason: String, _ path: String, what: String) throws -> XMLTree {
        let r = try must(reason) { try call("GET", path, accept: "application/*+xml;version=\(version)") }
        guard (200..<300).contains(r.status), let doc = try? XMLTree.parse(r.body) else {
            throw Self.failure(r.status == 401 ? "VCDLoginFailed" : r.status == 403 ? "VCDAccessDenied" : reason,
                               CPIError(message: "unable to get \(what): \(Self.describe(r))", busy: Self.isBusy(r)))
        }
        return doc
    }

    /// The vApp template `name` of catalog `catalog`, RESOLVED and with a VM (queries `catalog` and
    /// `vAppTemplate`, then the template document), as CAPVCD looks it up before adding a VM.
    func template(catalog: String, name: String) throws -> Template {
        let q = try must("TemplateNotFound") {
            try call("GET", "/api/query?type=vAppTemplate&format=records&pageSize=128&filterEncoded=true&"
                     + Self.filter("catalogName==\(catalog);name==\(name)"), accept: "application/*+xml;version=\(version)")
        }
        guard q.status == 200 else {
            throw CAPIFailure(reason: q.status == 403 ? "VCDAccessDenied" : "TemplateNotFound",
                              message: "unable to find vApp template \"\(name)\" in catalog \"\(catalog)\": \(Self.describe(q))", busy: Self.isBusy(q))
        }
        let records = (try? XMLTree.parse(q.body))?.all("VAppTemplateRecord") ?? []
        guard let rec = records.first(where: { $0.attr("name") == name && $0.attr("catalogName") == catalog }),
              let href = rec.attr("href"), let uuid = href.split(separator: "/").last.map(String.init) else {
            let cats = try? call("GET", "/api/query?type=catalog&format=records&filterEncoded=true&" + Self.filter("name==\(catalog)"),
                                 accept: "application/*+xml;version=\(version)")
            let catalogSeen = cats.flatMap { (try? XMLTree.parse($0.body))?.all("CatalogRecord").isEmpty == false } ?? false
            throw catalogSeen ? CAPIFailure(reason: "TemplateNotFound", message: "unable to find vApp template \"\(name)\" in catalog \"\(catalog)\"")
                : CAPIFailure(reason: "CatalogNotFound", message: "unable to find catalog \"\(catalog)\" in the organization")
        }
        guard rec.attr("status") == "RESOLVED" else {
            throw CAPIFailure(reason: "TemplateNotReady",
                              message: "vApp template \"\(name)\" in catalog \"\(catalog)\" is not resolved yet (status \(rec.attr("status") ?? "unknown"), upload incomplete)")
        }
        let doc = try must("TemplateNotFound") { () -> HTTPResponseMessage in
            let r = try call("GET", "/api/vAppTemplate/\(uuid)", accept: "application/*+xml;version=\(version)")
            guard r.status == 200 else { throw CPIError(message: "unable to get vApp template \"\(name)\": \(Self.describe(r))", busy: Self.isBusy(r)) }
            return r
        }
        guard let vm = (try? XMLTree.parse(doc.body))?.find("Vm"), let vmHref = vm.attr("href") else {
            throw CAPIFailure(reason: "TemplateNotFound", message: "vApp template \"\(name)\" in catalog \"\(catalog)\" has no VM")
        }
        return Template(id: "urn:vcloud:vapptemplate:\(uuid.replacingOccurrences(of: "vappTemplate-", with: ""))", name: name, vmHref: vmHref)
    }

    /// The id of the VM sizing policy `name` of the VDC.
    func sizingPolicy(vdcId: String, name: String) throws -> String {
        let list = try must("SizingPolicyNotFound") {
            try self.list(Self.path("vdcs/\(vdcId)/computePolicies?\(Self.filter("name==\(name)"))"), JSONValue.self, what: "VM sizing policy [\(name)]")
        }
        guard let p = list.first(where: { $0["name"]?.stringValue == name }), let id = p["id"]?.stringValue else {
            throw CAPIFailure(reason: "SizingPolicyNotFound", message: "unable to find VM sizing policy \"\(name)\" in virtual datacenter of the cluster")
        }
        return id
    }

    /// The first address allocated to the gateway that nothing uses (NAT, virtual services, the
    /// primary address: `usedIpAddresses`), inside `vipSubnet` when set; on a gateway that uses
    /// IP spaces, a floating IP claimed for `marker` (VCDControllerIPSpaces.swift).
    func freeVIP(_ site: Site, vipSubnet: String?, marker: String) throws -> String {
        if Self.usesIPSpace(site.gateway) {
            return try must("NoFreeVIP") { try claimFloatingIP(gatewayId: site.gatewayId, gatewayName: site.gatewayName, marker: marker) }
        }
        let used = try must("NoFreeVIP") {
            try list(Self.path("edgeGateways/\(site.gatewayId)/usedIpAddresses"), GatewayUsedIPAddress.self,
                     what: "used IP addresses of gateway [\(site.gatewayName)]")
        }
        let taken = Set(used.compactMap { $0.ipAddress.flatMap(IPv4.parse) })
        let subnet = (vipSubnet?.isEmpty == false ? vipSubnet : nil).flatMap { IPv4.parseCIDR($0) }
        let allocated = GatewayIPs.allocated(site.gateway).sorted()
        for ip in allocated where !taken.contains(ip) {
            if let (base, prefix) = subnet, !IPv4.inSubnet(ip, gateway: base, prefix: prefix) { continue }
            return IPv4.format(ip)
        }
        throw CAPIFailure(reason: "NoFreeVIP", message: "no free IP address for a virtual service on edge gateway \(site.gatewayName): "
                          + "\(allocated.count) allocated, all in use" + (vipSubnet.map { $0.isEmpty ? "" : " (vipSubnet \($0))" } ?? ""))
    }
}
