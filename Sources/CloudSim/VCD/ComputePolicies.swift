import CloudWire
import Foundation

/// VDC compute policies (`/cloudapi/1.0.0/vdcComputePolicies`, the 2.0.0 variant with `policyType`,
/// and `/vdcs/{id}/computePolicies`). CAPVCD lists them and matches names client-side.
enum ComputePolicies: RouteFamily {
    /// The route table: policies under both API versions (2.0.0 adds `policyType`), and a VDC's.
    static func register(into t: RouteTable) {
        for version in ["1.0.0", "2.0.0"] {
            let base = "/cloudapi/\(version)/vdcComputePolicies", v2 = version == "2.0.0"
            t.get(base, .right(RightName.computePolicyView), "VDC_COMPUTE_POLICY_VIEW") { try list($0, v2: v2) }
            t.get("\(base)/{id}", .right(RightName.computePolicyView), "VDC_COMPUTE_POLICY_VIEW") { try show($0, v2: v2) }
            t.post(base, .provider(RightName.computePolicyAdmin), "VDC_COMPUTE_POLICY_CREATE", create)
            t.delete("\(base)/{id}", .provider(RightName.computePolicyAdmin), "VDC_COMPUTE_POLICY_DELETE", remove)
        }
        t.get("\(Cloud.prefix)/vdcs/{id}/computePolicies", .right(RightName.computePolicyView), "VDC_COMPUTE_POLICY_VIEW", listOfVdc)
    }

    /// GET the policies the caller may see, paged; `v2` renders `policyType`.
    static func list(_ ctx: RequestContext, v2: Bool) throws -> HTTPResponseMessage {
        try Listing.page(ctx, visible(ctx), model: "VdcComputePolicies") { try render($0, v2: v2) }
    }

    /// GET one policy the caller may see.
    static func show(_ ctx: RequestContext, v2: Bool) throws -> HTTPResponseMessage {
        guard let o = visible(ctx).first(where: { $0.id == ctx.param("id") }) else { throw SimError.notFound("Compute policy \(ctx.param("id"))") }
        return ctx.raw(o, body: try render(o, v2: v2))
    }

    /// POST: a new policy (names are unique), published to every VDC.
    static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var p = try ctx.body(VdcComputePolicy.self)
        let name = try Cloud.required(p.name, "name")
        if ctx.state.all(Kind.computePolicy).contains(where: { $0.name == name }) {
            throw SimError.duplicate("A VDC compute policy named \(name) already exists.")
        }
        p.id = URN.make(URNKind.vdcComputePolicy).description
        p.isSizingOnly = p.isSizingOnly ?? true
        p.policyType = p.policyType ?? "VdcVmPolicy"
        p.description = p.description ?? ""
        // A new policy is published to every VDC of the seeded world (parentId = VDC list key).
        let o = try ctx.write.insert(kind: Kind.computePolicy, id: p.id!, parent: nil, name: name, p)
        return ctx.raw(o, status: 201)
    }

    /// DELETE a policy.
    static func remove(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.computePolicy, "Compute policy")
        ctx.write.delete(o.id)
        return ctx.noContent()
    }

    /// GET the policies of one VDC (those published to all VDCs and its own), paged.
    static func listOfVdc(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let vdc = try ctx.require(ctx.param("id"), Kind.vdc, "VDC")
        let list = ctx.state.all(Kind.computePolicy).filter { $0.parentId == nil || $0.parentId == vdc.id }
        return try Listing.page(ctx, list, model: "VdcComputePolicies") { try render($0, v2: false) }
    }

    /// Policies are provider objects published to VDCs: tenants see the ones of their VDCs.
    static func visible(_ ctx: RequestContext) -> [StoredObject] {
        let all = ctx.state.all(Kind.computePolicy)
        guard let org = ctx.scopeOrgID else { return all }
        let vdcs = Set(ctx.state.all(Kind.vdc).filter { $0.orgId == org }.map(\.id))
        return all.filter { $0.parentId == nil || vdcs.contains($0.parentId!) }
    }

    static func render(_ o: StoredObject, v2: Bool) throws -> Data {
        if v2 { return o.body }
        var p = try o.decode(VdcComputePolicy.self)
        p.policyType = nil
        return try Cloud.encode(p)
    }
}
