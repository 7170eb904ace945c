import CloudWire
import Foundation

/// Orgs and VDCs (`/cloudapi/1.0.0/orgs`, `/vdcs`), read-only in this issue. Tenants see their own org.
enum Tenancy: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.get("\(Cloud.prefix)/orgs", .right(RightName.orgView), "ORG_VIEW", listOrgs)
        t.get("\(Cloud.prefix)/orgs/{id}", .right(RightName.orgView), "ORG_VIEW", showOrg)
        t.get("\(Cloud.prefix)/vdcs", .right(RightName.vdcView), "VDC_VIEW", listVdcs)
        t.get("\(Cloud.prefix)/vdcs/{id}", .right(RightName.vdcView), "VDC_VIEW", showVdc)
    }

    /// GET the orgs the caller may see (`/orgs`), paged.
    static func listOrgs(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let orgs = ctx.state.all(Kind.org).filter { ctx.session!.isProvider || $0.id == ctx.session!.orgID }
        return try Listing.page(ctx, orgs, model: "Orgs") { try render(ctx, $0) }
    }

    /// GET one org.
    static func showOrg(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let o = ctx.state.get(ctx.param("id"), kind: Kind.org) else { throw SimError.notFound("Org \(ctx.param("id"))") }
        guard ctx.session!.isProvider || o.id == ctx.session!.orgID else { throw SimError.forbidden(rights: [], operation: "ORG_VIEW", target: "org \(o.id)") }
        return ctx.raw(o, body: try render(ctx, o))
    }

    /// GET the VDCs the caller may see (`/vdcs`), paged.
    static func listVdcs(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.scoped(ctx.state.all(Kind.vdc)), model: "Vdcs")
    }

    /// GET one VDC.
    static func showVdc(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.require(ctx.param("id"), Kind.vdc, "VDC"))
    }

    /// Orgs carry live counts.
    static func render(_ ctx: RequestContext, _ o: StoredObject) throws -> Data {
        var org = try o.decode(Org.self)
        org.orgVdcCount = ctx.state.all(Kind.vdc).filter { $0.orgId == o.id }.count
        org.userCount = ctx.state.children(Kind.user, of: o.id).count
        return try Cloud.encode(org)
    }
}
