import CloudWire
import Foundation
import NetAddress

/// Legacy XML views of orgs, VDCs, org VDC networks and storage profiles (vcd-wire.md §3.2), with
/// the links pyvcloud and vcd-cli follow (external-clients.md §1.5): `Org` carries `id`, a
/// `rel="add"` admin-catalog link and query-records links whose hrefs contain `vdc` / `catalog`.
enum LegacyOrgs: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.get("/api/org", .session, "ORG_VIEW", listOrgs)
        t.get("/api/org/{id}", .session, "ORG_VIEW", showOrg)
        t.get("/api/admin/org/{id}", .session, "ORG_VIEW", showAdminOrg)
        t.get("/api/admin", .session, "ADMIN_VIEW", showAdmin)
        t.get("/api/vdc/{id}", .session, "VDC_VIEW") { try showVdc($0, admin: false) }
        t.get("/api/admin/vdc/{id}", .session, "VDC_VIEW") { try showVdc($0, admin: true) }
        t.get("/api/network/{id}", .session, "ORG_VDC_NETWORK_VIEW", showNetwork)
        t.get("/api/admin/network/{id}", .session, "ORG_VDC_NETWORK_VIEW", showNetwork)
        t.get("/api/vdcStorageProfile/{id}", .session, "VDC_VIEW", showStorageProfile)
    }

    /// GET the orgs the caller may see (`/api/org`).
    static func listOrgs(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var s = XNS.header + "<OrgList xmlns=\"\(XNS.vcloud)\"" + X.attrs([("href", "\(ctx.base)/api/org/"), ("type", XType.orgList)]) + ">\n"
        for o in visibleOrgs(ctx) {
            s += "<Org" + X.attrs([("href", orgHref(ctx, o.id)), ("name", o.name), ("type", XType.org)]) + "/>\n"
        }
        s += "</OrgList>\n"
        return ctx.xml(s, type: XType.orgList)
    }

    /// GET an org in the XML API.
    static func showOrg(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try org(ctx, ctx.param("id"))
        return ctx.xml(orgXML(ctx, o), type: XType.org)
    }

    /// GET an org's admin view.
    static func showAdminOrg(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try org(ctx, ctx.param("id"))
        return ctx.xml(adminOrgXML(ctx, o), type: XType.adminOrg)
    }

    /// GET `/api/admin`: the references of the orgs the caller may see.
    static func showAdmin(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var s = XNS.header + "<VCloud xmlns=\"\(XNS.vcloud)\"" + X.attrs([("name", "vCloud"), ("href", "\(ctx.base)/api/admin"), ("type", XType.admin)]) + ">\n"
        s += "<OrganizationReferences>\n"
        for o in visibleOrgs(ctx) {
            s += "<OrganizationReference" + X.attrs([("href", "\(ctx.base)/api/admin/org/\(XID.uuid(o.id))"), ("name", o.name), ("type", XType.adminOrg)]) + "/>\n"
        }
        s += "</OrganizationReferences>\n</VCloud>\n"
        return ctx.xml(s, type: XType.admin)
    }

    /// GET a VDC (`/api/vdc/{id}`, or its admin view under `/api/admin/vdc/{id}`).
    static func showVdc(_ ctx: RequestContext, admin: Bool) throws -> HTTPResponseMessage {
        let v = try ctx.require(XID.urn(ctx.param("id"), kind: URNKind.vdc), Kind.vdc, "VDC")
        return ctx.xml(vdcXML(ctx, v, admin: admin), type: admin ? XType.adminVdc : XType.vdc)
    }

    /// GET an org VDC network (`/api/network/{id}` or `/api/admin/network/{id}`, the same answer).
    static func showNetwork(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let n = try ctx.require(XID.urn(ctx.param("id"), kind: URNKind.network), Kind.orgVdcNetwork, "Org VDC network")
        return ctx.xml(XNS.header + networkXML(ctx, n), type: XType.orgNetwork)
    }

    /// GET a VDC storage profile.
    static func showStorageProfile(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let sp = try ctx.require(XID.urn(ctx.param("id"), kind: URNKind.storageProfile), Kind.storageProfile, "Storage profile")
        var s = XNS.header + "<VdcStorageProfile xmlns=\"\(XNS.vcloud)\"" + X.attrs([("name", sp.name), ("id", sp.id), ("href", storageProfileHref(ctx, sp.id)), ("type", XType.storageProfile)]) + ">\n"
        if let vdc = sp.parentId { s += X.link("up", vdcHref(ctx, vdc), type: XType.vdc) }
        s += "<Enabled>true</Enabled>\n<Units>MB</Units>\n<Limit>\(sp.json["limitMB"]?.scalarText ?? "0")</Limit>\n<Default>\(sp.json["default"]?.scalarText ?? "false")</Default>\n</VdcStorageProfile>\n"
        return ctx.xml(s, type: XType.storageProfile)
    }

    // MARK: Lookups and hrefs

    static func visibleOrgs(_ ctx: RequestContext) -> [StoredObject] {
        ctx.state.all(Kind.org).filter { ctx.session!.isProvider || $0.id == ctx.session!.orgID }
    }

    static func org(_ ctx: RequestContext, _ segment: String) throws -> StoredObject {
        let id = XID.urn(segment, kind: URNKind.org)
        guard let o = ctx.state.get(id, kind: Kind.org) else { throw SimError.notFound("Org \(segment)") }
        guard ctx.session!.isProvider || o.id == ctx.session!.orgID else {
            throw SimError.forbidden(rights: [], operation: "ORG_VIEW", target: "org \(segment)")
        }
        return o
    }

    static func orgHref(_ ctx: RequestContext, _ id: String) -> String { "\(ctx.base)/api/org/\(XID.uuid(id))" }
    static func vdcHref(_ ctx: RequestContext, _ id: String) -> String { "\(ctx.base)/api/vdc/\(XID.uuid(id))" }
    static func networkHref(_ ctx: RequestContext, _ id: String) -> String { "\(ctx.base)/api/network/\(XID.uuid(id))" }
    static func storageProfileHref(_ ctx: RequestContext, _ id: String) -> String { "\(ctx.base)/api/vdcStorageProfile/\(XID.uuid(id))" }

    /// A value escaped for a query filter (`\` before the FIQL specials).
    static func filterValue(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "(),;\\".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:/"))) ?? out
    }

    // MARK: Renderers

    static func orgXML(_ ctx: RequestContext, _ o: StoredObject) -> String {
        let uuid = XID.uuid(o.id)
        var s = XNS.header + "<Org xmlns=\"\(XNS.vcloud)\"" + X.attrs([("name", o.name), ("id", o.id), ("href", orgHref(ctx, o.id)), ("type", XType.org)]) + ">\n"
        for v in ctx.state.all(Kind.vdc) where v.orgId == o.id {
            s += X.link("down", vdcHref(ctx, v.id), type: XType.vdc, name: v.name)
        }
        // The org's catalogs, then those of other orgs shared with it (or with the caller) or published.
        let catalogs = CatalogSharing.visibleToCaller(ctx, org: o.id)
        for c in catalogs.filter({ $0.orgId == o.id }) + catalogs.filter({ $0.orgId != o.id }) {
            s += X.link("down", "\(ctx.base)/api/catalog/\(XID.uuid(c.id))", type: XType.catalog, name: c.name)
        }
        for n in ctx.state.all(Kind.orgVdcNetwork) where n.orgId == o.id {
            s += X.link("down", networkHref(ctx, n.id), type: XType.orgNetwork, name: n.name)
        }
        s += X.link("down", "\(ctx.base)/api/org/\(uuid)/metadata", type: XType.metadata)
        s += X.link("add", "\(ctx.base)/api/admin/org/\(uuid)/catalogs", type: XType.adminCatalog)
        let f = filterValue(o.name)
        // Order matters to pyvcloud: it takes the first records link containing "vdc", then "catalog".
        s += X.link("down", "\(ctx.base)/api/query?type=orgVdc&format=records&filter=orgName==\(f)", type: XType.query("records"))
        s += X.link("down", "\(ctx.base)/api/query?type=catalog&format=records&filter=orgName==\(f)", type: XType.query("records"))
        s += X.link("alternate", "\(ctx.base)/api/admin/org/\(uuid)", type: XType.adminOrg)
        let d = (try? o.decode(Org.self))
        s += X.el("Description", d?.description ?? "")
        s += X.el("FullName", d?.displayName ?? o.name)
        s += "</Org>\n"
        return s
    }

    static func adminOrgXML(_ ctx: RequestContext, _ o: StoredObject) -> String {
        let uuid = XID.uuid(o.id)
        let d = (try? o.decode(Org.self))
        var s = XNS.header + "<AdminOrg xmlns=\"\(XNS.vcloud)\"" + X.attrs([("name", o.name), ("id", o.id), ("href", "\(ctx.base)/api/admin/org/\(uuid)"), ("type", XType.adminOrg)]) + ">\n"
        s += X.link("add", "\(ctx.base)/api/admin/org/\(uuid)/catalogs", type: XType.adminCatalog)
        s += X.link("alternate", orgHref(ctx, o.id), type: XType.org)
        s += X.el("Description", d?.description ?? "")
        s += X.el("FullName", d?.displayName ?? o.name)
        s += X.el("IsEnabled", "true")
        s += "<Catalogs>\n"
        for c in ctx.state.all(Kind.catalog) where c.orgId == o.id {
            s += "<CatalogReference" + X.attrs([("href", "\(ctx.base)/api/admin/catalog/\(XID.uuid(c.id))"), ("id", c.id), ("name", c.name), ("type", XType.adminCatalog)]) + "/>\n"
        }
        s += "</Catalogs>\n<Vdcs>\n"
        for v in ctx.state.all(Kind.vdc) where v.orgId == o.id {
            s += "<Vdc" + X.attrs([("href", "\(ctx.base)/api/admin/vdc/\(XID.uuid(v.id))"), ("id", v.id), ("name", v.name), ("type", XType.adminVdc)]) + "/>\n"
        }
        s += "</Vdcs>\n</AdminOrg>\n"
        return s
    }

    static func vdcXML(_ ctx: RequestContext, _ v: StoredObject, admin: Bool) -> String {
        let uuid = XID.uuid(v.id)
        let d = try? v.decode(Vdc.self)
        var s = XNS.header + "<\(admin ? "AdminVdc" : "Vdc") xmlns=\"\(XNS.vcloud)\"" + X.attrs([
            ("status", "1"), ("name", v.name), ("id", v.id), ("href", admin ? "\(ctx.base)/api/admin/vdc/\(uuid)" : vdcHref(ctx, v.id)),
            ("type", admin ? XType.adminVdc : XType.vdc)]) + ">\n"
        if let org = v.orgId { s += X.link("up", orgHref(ctx, org), type: XType.org) }
        s += X.link("down", "\(ctx.base)/api/vdc/\(uuid)/metadata", type: XType.metadata)
        s += X.link("add", "\(ctx.base)/api/vdc/\(uuid)/action/composeVApp", type: XType.composeVApp)
        s += X.link("add", "\(ctx.base)/api/vdc/\(uuid)/action/instantiateVAppTemplate", type: XType.instantiate)
        if !admin { s += X.link("alternate", "\(ctx.base)/api/admin/vdc/\(uuid)", type: XType.adminVdc) }
        s += X.el("Description", d?.description ?? "")
        s += X.el("AllocationModel", (d?.allocationType ?? "FLEX") == "FLEX" ? "Flex" : "AllocationVApp")
        s += "<ComputeCapacity>\n<Cpu><Units>MHz</Units><Allocated>0</Allocated><Limit>0</Limit><Reserved>0</Reserved><Used>0</Used></Cpu>\n"
        s += "<Memory><Units>MB</Units><Allocated>0</Allocated><Limit>0</Limit><Reserved>0</Reserved><Used>0</Used></Memory>\n</ComputeCapacity>\n"
        s += "<ResourceEntities>\n"
        for a in ctx.state.children(Kind.vApp, of: v.id) {
            s += "<ResourceEntity" + X.attrs([("href", "\(ctx.base)/api/vApp/vapp-\(XID.uuid(a.id))"), ("id", a.id), ("name", a.name), ("type", XType.vApp)]) + "/>\n"
        }
        for tpl in ctx.state.all(Kind.vAppTemplate) where tpl.json["vdcId"]?.stringValue == v.id {
            s += "<ResourceEntity" + X.attrs([("href", "\(ctx.base)/api/vAppTemplate/vappTemplate-\(XID.uuid(tpl.id))"), ("id", tpl.id), ("name", tpl.name), ("type", XType.vAppTemplate)]) + "/>\n"
        }
        s += "</ResourceEntities>\n<AvailableNetworks>\n"
        let nets = LX.networks(ctx.state, vdcId: v.id)
        for n in nets {
            s += "<Network" + X.attrs([("href", networkHref(ctx, n.id)), ("id", n.id), ("name", n.name), ("type", XType.orgNetwork)]) + "/>\n"
        }
        s += "</AvailableNetworks>\n"
        s += "<Capabilities><SupportedHardwareVersions><SupportedHardwareVersion>vmx-19</SupportedHardwareVersion></SupportedHardwareVersions></Capabilities>\n"
        s += "<NicQuota>0</NicQuota>\n<NetworkQuota>1000</NetworkQuota>\n<UsedNetworkCount>\(nets.count)</UsedNetworkCount>\n<VmQuota>0</VmQuota>\n<IsEnabled>true</IsEnabled>\n"
        s += "<VdcStorageProfiles>\n"
        for sp in ctx.state.children(Kind.storageProfile, of: v.id) {
            s += "<VdcStorageProfile" + X.attrs([("href", storageProfileHref(ctx, sp.id)), ("id", sp.id), ("name", sp.name), ("type", XType.storageProfile)]) + "/>\n"
        }
        s += "</VdcStorageProfiles>\n"
        s += "</\(admin ? "AdminVdc" : "Vdc")>\n"
        return s
    }

    static func fenceMode(_ n: StoredObject) -> String {
        switch n.json["networkType"]?.stringValue ?? "" {
        case "NAT_ROUTED": return "natRouted"
        case "ISOLATED": return "isolated"
        default: return "bridged"
        }
    }

    static func networkXML(_ ctx: RequestContext, _ n: StoredObject) -> String {
        let net = try? n.decode(OrgVdcNetwork.self)
        let sub = net?.subnets?.values.first
        var s = "<OrgVdcNetwork xmlns=\"\(XNS.vcloud)\"" + X.attrs([("status", "1"), ("name", n.name), ("id", n.id), ("href", networkHref(ctx, n.id)), ("type", XType.orgNetwork)]) + ">\n"
        if let vdc = n.parentId { s += X.link("up", vdcHref(ctx, vdc), type: XType.vdc) }
        s += X.link("down", "\(ctx.base)/api/network/\(XID.uuid(n.id))/metadata", type: XType.metadata)
        s += X.el("Description", net?.description ?? "")
        s += "<Configuration>\n<IpScopes>\n<IpScope>\n<IsInherited>false</IsInherited>\n"
        if let sub {
            s += X.el("Gateway", sub.gateway)
            if let p = sub.prefixLength {
                s += X.el("Netmask", IPv4.format(IPv4.mask(p)))
                s += X.el("SubnetPrefixLength", String(p))
            }
            if let d = sub.dnsServer1, !d.isEmpty { s += X.el("Dns1", d) }
            if let d = sub.dnsServer2, !d.isEmpty { s += X.el("Dns2", d) }
            if let d = sub.dnsSuffix, !d.isEmpty { s += X.el("DnsSuffix", d) }
            s += "<IsEnabled>true</IsEnabled>\n<IpRanges>\n"
            for r in sub.ipRanges?.values ?? [] {
                s += "<IpRange><StartAddress>\(X.e(r.startAddress))</StartAddress><EndAddress>\(X.e(r.endAddress))</EndAddress></IpRange>\n"
            }
            s += "</IpRanges>\n"
        }
        s += "</IpScope>\n</IpScopes>\n"
        s += X.el("FenceMode", fenceMode(n))
        s += "<RetainNetInfoAcrossDeployments>false</RetainNetInfoAcrossDeployments>\n</Configuration>\n"
        if let gw = net?.connection?.routerRef {
            s += "<EdgeGateway" + X.attrs([("href", "\(ctx.base)/cloudapi/1.0.0/edgeGateways/\(gw.id ?? "")"), ("id", gw.id), ("name", gw.name), ("type", "application/json")]) + "/>\n"
        }
        s += X.el("IsShared", (net?.shared ?? false) ? "true" : "false")
        s += "</OrgVdcNetwork>\n"
        return s
    }
}
