import CloudWire
import Foundation

/// Orgs and VDCs (`/cloudapi/1.0.0/orgs`, `/vdcs`), read-only in this issue. Tenants see their own org.
enum Tenancy: RouteFamily {
    static func register(into t: RouteTable) {
        t.get("\(Cloud.prefix)/orgs", .right(RightName.orgView), "ORG_VIEW") { ctx in
            let orgs = ctx.state.all(Kind.org).filter { ctx.session!.isProvider || $0.id == ctx.session!.orgID }
            return try Listing.page(ctx, orgs, model: "Orgs") { try render(ctx, $0) }
        }
        t.get("\(Cloud.prefix)/orgs/{id}", .right(RightName.orgView), "ORG_VIEW") { ctx in
            guard let o = ctx.state.get(ctx.param("id"), kind: Kind.org) else { throw SimError.notFound("Org \(ctx.param("id"))") }
            guard ctx.session!.isProvider || o.id == ctx.session!.orgID else { throw SimError.forbidden(rights: [], operation: "ORG_VIEW", target: "org \(o.id)") }
            return ctx.raw(o, body: try render(ctx, o))
        }
        t.get("\(Cloud.prefix)/vdcs", .right(RightName.vdcView), "VDC_VIEW") { ctx in
            try Listing.page(ctx, ctx.scoped(ctx.state.all(Kind.vdc)), model: "Vdcs")
        }
        t.get("\(Cloud.prefix)/vdcs/{id}", .right(RightName.vdcView), "VDC_VIEW") { ctx in
            ctx.raw(try ctx.require(ctx.param("id"), Kind.vdc, "VDC"))
        }
    }

    /// Orgs carry live counts.
    static func render(_ ctx: RequestContext, _ o: StoredObject) throws -> Data {
        var org = try o.decode(Org.self)
        org.orgVdcCount = ctx.state.all(Kind.vdc).filter { $0.orgId == o.id }.count
        org.userCount = ctx.state.children(Kind.user, of: o.id).count
        return try Cloud.encode(org)
    }
}
