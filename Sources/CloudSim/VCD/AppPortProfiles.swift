import CloudWire
import Foundation

/// Application port profiles (`/cloudapi/1.0.0/applicationPortProfiles`, vcd-wire.md §4.4). SYSTEM
/// profiles are seeded and read-only; tenants create TENANT ones in a VDC (`contextEntityId`).
enum AppPortProfiles: RouteFamily {
    static let collection = "applicationPortProfiles"
    static let protocols: Set<String> = ["TCP", "UDP", "ICMPv4", "ICMPv6"]

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/applicationPortProfiles"
        t.get(p, .session, "APPLICATION_PORT_PROFILE_VIEW", listProfiles)
        t.get("\(p)/{id}", .session, "APPLICATION_PORT_PROFILE_VIEW", showProfile)
        t.post(p, .right(RightName.natConfigure), "APPLICATION_PORT_PROFILE_CREATE", createProfile)
        t.put("\(p)/{id}", .right(RightName.natConfigure), "APPLICATION_PORT_PROFILE_UPDATE", updateProfile)
        t.delete("\(p)/{id}", .right(RightName.natConfigure), "APPLICATION_PORT_PROFILE_DELETE", removeProfile)
    }

    /// GET the application port profiles the caller may see, paged.
    static func listProfiles(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var list = visible(ctx)
        if let context = Listing.contextValue(ctx.request) {
            list = list.filter { $0.json["scope"]?.stringValue != "TENANT" || $0.json["contextEntityId"]?.stringValue == context }
        }
        return try Listing.page(ctx, list, model: "ApplicationPortProfiles")
    }

    /// GET one application port profile.
    static func showProfile(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let o = visible(ctx).first(where: { $0.id == ctx.param("id") }) else { throw SimError.notFound("Application port profile \(ctx.param("id"))") }
        return ctx.raw(o)
    }

    /// POST: a tenant (or provider) application port profile, validated.
    static func createProfile(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var prof = try validate(ctx, try ctx.body(ApplicationPortProfile.self), replacing: nil)
        let id = URN.make(URNKind.applicationPortProfile).description
        prof.id = id
        try ctx.write.insert(kind: Kind.appPortProfile, id: id, parent: prof.contextEntityId, org: prof.orgRef?.id, name: prof.name!, prof)
        return try ctx.accepted(operation: "Creating application port profile \(prof.name!)", operationName: .createApplicationPortProfile,
                                owner: Cloud.owner(ctx, collection, id: id, name: prof.name!))
    }

    /// PUT: replaces an application port profile the caller may edit.
    static func updateProfile(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let old = try editable(ctx)
        var prof = try validate(ctx, try ctx.body(ApplicationPortProfile.self), replacing: old.id)
        prof.id = old.id
        try ctx.write.update(old, name: prof.name, prof)
        return try ctx.accepted(operation: "Updating application port profile \(prof.name!)", operationName: .updateApplicationPortProfile,
                                owner: Cloud.owner(ctx, collection, id: old.id, name: prof.name!))
    }

    /// DELETE an application port profile no NAT rule uses.
    static func removeProfile(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let old = try editable(ctx)
        if let user = ctx.state.records(Kind.natRule, as: NatRule.self).first(where: { $0.record.applicationPortProfile?.id == old.id })?.object {
            throw SimError.badRequest("Application port profile \(old.name) is used by NAT rule \(user.name).")
        }
        ctx.write.delete(old.id)
        return try ctx.accepted(operation: "Deleting application port profile \(old.name)", operationName: .deleteApplicationPortProfile,
                                owner: Cloud.owner(ctx, collection, id: old.id, name: old.name))
    }

    static func visible(_ ctx: RequestContext) -> [StoredObject] {
        let org = ctx.scopeOrgID
        return ctx.state.all(Kind.appPortProfile).filter { $0.orgId == nil || org == nil || $0.orgId == org }
    }

    private static func editable(_ ctx: RequestContext) throws -> StoredObject {
        let old = try ctx.require(ctx.param("id"), Kind.appPortProfile, "Application port profile")
        if (try? old.decode(ApplicationPortProfile.self))?.scope == "SYSTEM" { throw SimError.badRequest("System application port profile \(old.name) cannot be changed.") }
        return old
    }

    private static func validate(_ ctx: RequestContext, _ input: ApplicationPortProfile, replacing: String?) throws -> ApplicationPortProfile {
        var p = input
        let name = try Cloud.required(p.name, "name")
        p.scope = p.scope ?? "TENANT"
        if p.scope == "TENANT" {
            let context = try Cloud.required(p.contextEntityId, "contextEntityId")
            guard let vdc = ctx.state.get(context, kind: Kind.vdc), ctx.visible(vdc) else {
                throw SimError(400, VCDMinorError.invalidReference, "VDC \(context) does not exist or is not visible.")
            }
            p.orgRef = OpenAPIReference(name: Cloud.orgName(ctx.state, vdc.orgId), id: vdc.orgId)
        } else if !(ctx.session?.isProvider ?? false) {
            throw SimError.forbidden(rights: [RightName.gatewayAdmin], operation: "APPLICATION_PORT_PROFILE_CREATE", target: "scope \(p.scope!)")
        }
        if ctx.state.records(Kind.appPortProfile, as: ApplicationPortProfile.self).contains(where: { $0.object.id != replacing && $0.object.name == name
            && $0.object.orgId == p.orgRef?.id && $0.record.scope == p.scope }) {
            throw SimError.duplicate("An application port profile named \(name) already exists.")
        }
        let ports = p.applicationPorts ?? []
        guard !ports.isEmpty else { throw SimError.badRequest("The field applicationPorts is required.") }
        for port in ports {
            guard let proto = port.protocol_, protocols.contains(proto) else {
                throw SimError.badRequest("Protocol must be one of \(protocols.sorted().joined(separator: ", ")).")
            }
            for d in port.destinationPorts ?? [] {
                let bounds = d.split(separator: "-").map { Int($0) }
                guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0 != nil && (1...65535).contains($0!) }) else {
                    throw SimError.badRequest("Invalid destination port \(d).")
                }
            }
        }
        p.description = p.description ?? ""
        return p
    }
}
