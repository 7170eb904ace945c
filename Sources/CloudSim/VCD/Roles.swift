import CloudWire
import Foundation

/// Rights, rights bundles and roles (vcd-wire.md §9.4). A role's rights decide what its users may
/// do at once (sessions resolve them on every request). Rights of a role or bundle are kept as a
/// separate object `<id>#rights` (`{values:[{name,id}]}`), as the API exposes them.
enum Roles: RouteFamily {
    static func rightsKey(_ id: String) -> String { "\(id)#rights" }
    static func tenantsKey(_ id: String) -> String { "\(id)#tenants" }

    /// The route table: rights, rights bundles (provider only) and roles (tenants manage their org's).
    static func register(into t: RouteTable) {
        let r = "\(Cloud.prefix)/rights"
        t.get(r, .right(RightName.roleView), "RIGHT_VIEW", listRights)
        t.get("\(r)/{id}", .right(RightName.roleView), "RIGHT_VIEW", showRight)

        let b = "\(Cloud.prefix)/rightsBundles"
        let admin = Access.provider(RightName.rightsBundleAdmin)
        t.get(b, admin, "RIGHTS_BUNDLE_VIEW", listBundles)
        t.get("\(b)/{id}", admin, "RIGHTS_BUNDLE_VIEW", showBundle)
        t.post(b, admin, "RIGHTS_BUNDLE_CREATE", createBundle)
        t.delete("\(b)/{id}", admin, "RIGHTS_BUNDLE_DELETE", removeBundle)
        t.get("\(b)/{id}/rights", admin, "RIGHTS_VIEW") { try showRights($0, of: Kind.rightsBundle, "Rights bundle") }
        t.post("\(b)/{id}/rights", admin, "RIGHTS_UPDATE") { try setRights($0, of: Kind.rightsBundle, "Rights bundle", adding: true) }
        t.put("\(b)/{id}/rights", admin, "RIGHTS_UPDATE") { try setRights($0, of: Kind.rightsBundle, "Rights bundle", adding: false) }
        t.get("\(b)/{id}/tenants", admin, "RIGHTS_BUNDLE_VIEW", showBundleTenants)
        t.put("\(b)/{id}/tenants", admin, "RIGHTS_BUNDLE_PUBLISH") { try publishBundle($0, .replace) }
        t.post("\(b)/{id}/tenants/publish", admin, "RIGHTS_BUNDLE_PUBLISH") { try publishBundle($0, .add) }
        t.post("\(b)/{id}/tenants/unpublish", admin, "RIGHTS_BUNDLE_PUBLISH") { try publishBundle($0, .remove) }

        let ro = "\(Cloud.prefix)/roles"
        let view = Access.right(RightName.roleView), edit = Access.right(RightName.roleEdit)
        t.get(ro, view, "ROLE_VIEW", listRoles)
        t.get("\(ro)/{id}", view, "ROLE_VIEW", showRole)
        t.post(ro, edit, "ROLE_CREATE", createRole)
        t.put("\(ro)/{id}", edit, "ROLE_UPDATE", updateRole)
        t.delete("\(ro)/{id}", edit, "ROLE_DELETE", removeRole)
        t.get("\(ro)/{id}/rights", view, "RIGHTS_VIEW") { try showRights($0, of: Kind.role, "Role") }
        t.post("\(ro)/{id}/rights", edit, "RIGHTS_UPDATE") { try setRights($0, of: Kind.role, "Role", adding: true) }
        t.put("\(ro)/{id}/rights", edit, "RIGHTS_UPDATE") { try setRights($0, of: Kind.role, "Role", adding: false) }
    }

    /// GET the rights VCD knows, paged.
    static func listRights(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.state.all(Kind.right), model: "Rights")
    }

    /// GET one right.
    static func showRight(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.requireShared(ctx.param("id"), Kind.right, "Right"))
    }

    /// GET the rights bundles, paged.
    static func listBundles(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.state.all(Kind.rightsBundle), model: "RightsBundles")
    }

    /// GET one rights bundle.
    static func showBundle(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.require(ctx.param("id"), Kind.rightsBundle, "Rights bundle"))
    }

    /// POST: a new, empty rights bundle published to no tenant.
    static func createBundle(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var bundle = try ctx.body(RightsBundle.self)
        let name = try Cloud.required(bundle.name, "name")
        if ctx.state.named(Kind.rightsBundle, name) != nil { throw SimError.duplicate("A rights bundle named \(name) already exists.") }
        bundle.id = URN.make(URNKind.rightsBundle).description
        bundle.readOnly = false
        bundle.publishAll = bundle.publishAll ?? false
        bundle.bundleKey = bundle.bundleKey ?? name
        let o = try ctx.write.insert(kind: Kind.rightsBundle, id: bundle.id!, name: name, bundle)
        try ctx.write.insert(kind: "rightsList", id: rightsKey(o.id), parent: o.id, name: name, OpenAPIReferences(values: []))
        try ctx.write.insert(kind: "tenantsList", id: tenantsKey(o.id), parent: o.id, name: name, OpenAPIReferences(values: []))
        return ctx.raw(o, status: 201)
    }

    /// DELETE a rights bundle with its rights and tenants lists; read-only (seeded) bundles stay.
    static func removeBundle(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.rightsBundle, "Rights bundle")
        if try o.decode(RightsBundle.self).readOnly == true { throw SimError.badRequest("Rights bundle \(o.name) is read-only.") }
        for k in [o.id, rightsKey(o.id), tenantsKey(o.id)] { ctx.write.delete(k) }
        return ctx.noContent()
    }

    /// GET the orgs a bundle is published to.
    static func showBundleTenants(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.rightsBundle, "Rights bundle")
        return ctx.raw(try list(ctx.state, tenantsKey(o.id)))
    }

    /// How a publish request changes a bundle's tenants: PUT `tenants` replaces them,
    /// POST `tenants/publish` adds to them, POST `tenants/unpublish` removes from them.
    enum PublishMode { case replace, add, remove }

    /// PUT/POST the orgs a bundle is published to.
    static func publishBundle(_ ctx: RequestContext, _ mode: PublishMode) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.rightsBundle, "Rights bundle")
        let input = try ctx.body(OpenAPIReferences.self)
        var refs: [OpenAPIReference] = []
        for ref in input.values {
            guard let id = ref.id, let org = ctx.state.get(id, kind: Kind.org) else { throw SimError(400, VCDMinorError.invalidReference, "Org \(ref.id ?? "?") does not exist.") }
            refs.append(Cloud.ref(org))
        }
        let stored = try list(ctx.state, tenantsKey(o.id))
        let current = try stored.decode(OpenAPIReferences.self).values
        let new: [OpenAPIReference]
        switch mode {
        case .add: new = current + refs.filter { r in !current.contains { $0.id == r.id } }
        case .remove: new = current.filter { c in !refs.contains { $0.id == c.id } }
        case .replace: new = refs
        }
        return ctx.raw(try ctx.write.update(stored, OpenAPIReferences(values: new)))
    }

    /// GET the roles of the caller's org (all of them for the provider), paged.
    static func listRoles(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.scoped(ctx.state.all(Kind.role)), model: "Roles")
    }

    /// GET one role.
    static func showRole(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.require(ctx.param("id"), Kind.role, "Role"))
    }

    /// POST: a new role in the org of the tenant context, with no rights yet.
    static func createRole(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var role = try ctx.body(Role.self)
        let name = try Cloud.required(role.name, "name")
        guard let org = ctx.scopeOrgID else { throw SimError.badRequest("Creating a role needs a tenant context (X-VMWARE-VCLOUD-TENANT-CONTEXT).") }
        if ctx.state.all(Kind.role).contains(where: { $0.orgId == org && $0.name == name }) { throw SimError.duplicate("A role named \(name) already exists.") }
        role.id = URN.make(URNKind.role).description
        role.readOnly = false
        role.bundleKey = role.bundleKey ?? name
        role.description = role.description ?? ""
        let o = try ctx.write.insert(kind: Kind.role, id: role.id!, org: org, name: name, role)
        try ctx.write.insert(kind: "rightsList", id: rightsKey(o.id), parent: o.id, org: org, name: name, OpenAPIReferences(values: []))
        return ctx.raw(o, status: 201)
    }

    /// PUT: renames or re-describes a role.
    static func updateRole(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.role, "Role")
        var role = try ctx.body(Role.self)
        role.id = o.id
        let name = role.name ?? o.name
        role.name = name
        return ctx.raw(try ctx.write.update(o, name: name, role))
    }

    /// DELETE a role: refused while users hold it.
    static func removeRole(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.role, "Role")
        if ctx.state.all(Kind.user).contains(where: { (try? $0.decode(SimUser.self))?.roleId == o.id }) {
            throw SimError.badRequest("Role \(o.name) is assigned to users.")
        }
        ctx.write.delete(o.id)
        ctx.write.delete(rightsKey(o.id))
        return ctx.noContent()
    }

    /// GET `<role or bundle>/{id}/rights`, paged.
    static func showRights(_ ctx: RequestContext, of kind: String, _ what: String) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), kind, what)
        let refs = try list(ctx.state, rightsKey(o.id)).decode(OpenAPIReferences.self).values
        let rows = try refs.enumerated().map { i, r -> StoredObject in
            let body = try Cloud.encode(r)
            return StoredObject(kind: "ref", id: r.id ?? "", parentId: o.id, orgId: o.orgId, name: r.name ?? "", body: body,
                                json: try JSONValue.parse(body), version: 1, seq: Int64(i), created: 0, updated: 0)
        }
        return try Listing.page(ctx, rows, model: "Rights")
    }

    /// POST (adding) or PUT (replacing) the rights of a role or bundle, by id or name.
    static func setRights(_ ctx: RequestContext, of kind: String, _ what: String, adding: Bool) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), kind, what)
        let input = try ctx.body(OpenAPIReferences.self)
        var refs: [OpenAPIReference] = []
        for ref in input.values {
            guard let right = ref.id.flatMap({ ctx.state.get($0, kind: Kind.right) }) ?? ref.name.flatMap({ ctx.state.named(Kind.right, $0) }) else {
                throw SimError(400, VCDMinorError.invalidReference, "Right \(ref.name ?? ref.id ?? "?") does not exist.")
            }
            // Tenants cannot hand out rights their org was not given.
            if kind == Kind.role, !(ctx.session?.isProvider ?? false), !ctx.has(right.name) {
                throw SimError.forbidden(rights: [right.name], operation: "ROLE_UPDATE", target: "role \(o.name)")
            }
            refs.append(Cloud.ref(right))
        }
        let stored = try list(ctx.state, rightsKey(o.id))
        let current = adding ? try stored.decode(OpenAPIReferences.self).values : []
        let merged = current + refs.filter { r in !current.contains { $0.id == r.id } }
        return ctx.raw(try ctx.write.update(stored, OpenAPIReferences(values: merged)))
    }

    static func list(_ state: StateView, _ key: String) throws -> StoredObject {
        guard let o = state.get(key) else { throw SimError.notFound(key) }
        return o
    }
}
