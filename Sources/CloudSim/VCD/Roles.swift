import CloudWire
import Foundation

/// Rights, rights bundles and roles (vcd-wire.md §9.4). A role's rights decide what its users may
/// do at once (sessions resolve them on every request). Rights of a role or bundle are kept as a
/// separate object `<id>#rights` (`{values:[{name,id}]}`), as the API exposes them.
enum Roles: RouteFamily {
    static func rightsKey(_ id: String) -> String { "\(id)#rights" }
    static func tenantsKey(_ id: String) -> String { "\(id)#tenants" }

    static func register(into t: RouteTable) {
        let r = "\(Cloud.prefix)/rights"
        t.get(r, .right(RightName.roleView), "RIGHT_VIEW") { ctx in try Listing.page(ctx, ctx.state.all(Kind.right), model: "Rights") }
        t.get("\(r)/{id}", .right(RightName.roleView), "RIGHT_VIEW") { ctx in ctx.raw(try ctx.requireShared(ctx.param("id"), Kind.right, "Right")) }

        // Rights bundles: provider only.
        let b = "\(Cloud.prefix)/rightsBundles"
        let admin = Access.provider(RightName.rightsBundleAdmin)
        t.get(b, admin, "RIGHTS_BUNDLE_VIEW") { ctx in try Listing.page(ctx, ctx.state.all(Kind.rightsBundle), model: "RightsBundles") }
        t.get("\(b)/{id}", admin, "RIGHTS_BUNDLE_VIEW") { ctx in ctx.raw(try ctx.require(ctx.param("id"), Kind.rightsBundle, "Rights bundle")) }
        t.post(b, admin, "RIGHTS_BUNDLE_CREATE") { ctx in
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
        t.delete("\(b)/{id}", admin, "RIGHTS_BUNDLE_DELETE") { ctx in
            let o = try ctx.require(ctx.param("id"), Kind.rightsBundle, "Rights bundle")
            if try o.decode(RightsBundle.self).readOnly == true { throw SimError.badRequest("Rights bundle \(o.name) is read-only.") }
            for k in [o.id, rightsKey(o.id), tenantsKey(o.id)] { ctx.write.delete(k) }
            return ctx.noContent()
        }
        rightsList(t, base: b, kind: Kind.rightsBundle, what: "Rights bundle", view: admin, edit: admin)
        t.get("\(b)/{id}/tenants", admin, "RIGHTS_BUNDLE_VIEW") { ctx in
            let o = try ctx.require(ctx.param("id"), Kind.rightsBundle, "Rights bundle")
            return ctx.raw(try list(ctx.state, tenantsKey(o.id)))
        }
        for (suffix, mode) in [("tenants", "replace"), ("tenants/publish", "add"), ("tenants/unpublish", "remove")] {
            let method: (String, Access, String, @escaping Handler) -> Void = suffix == "tenants" ? { t.put($0, $1, $2, $3) } : { t.post($0, $1, $2, effect: .write, $3) }
            method("\(b)/{id}/\(suffix)", admin, "RIGHTS_BUNDLE_PUBLISH") { ctx in
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
                case "add": new = current + refs.filter { r in !current.contains { $0.id == r.id } }
                case "remove": new = current.filter { c in !refs.contains { $0.id == c.id } }
                default: new = refs
                }
                let out = try ctx.write.update(stored, OpenAPIReferences(values: new))
                return ctx.raw(out)
            }
        }

        // Roles: tenants manage roles of their org.
        let ro = "\(Cloud.prefix)/roles"
        t.get(ro, .right(RightName.roleView), "ROLE_VIEW") { ctx in try Listing.page(ctx, ctx.scoped(ctx.state.all(Kind.role)), model: "Roles") }
        t.get("\(ro)/{id}", .right(RightName.roleView), "ROLE_VIEW") { ctx in ctx.raw(try ctx.require(ctx.param("id"), Kind.role, "Role")) }
        t.post(ro, .right(RightName.roleEdit), "ROLE_CREATE") { ctx in
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
        t.put("\(ro)/{id}", .right(RightName.roleEdit), "ROLE_UPDATE") { ctx in
            let o = try ctx.require(ctx.param("id"), Kind.role, "Role")
            var role = try ctx.body(Role.self)
            role.id = o.id
            let name = role.name ?? o.name
            role.name = name
            return ctx.raw(try ctx.write.update(o, name: name, role))
        }
        t.delete("\(ro)/{id}", .right(RightName.roleEdit), "ROLE_DELETE") { ctx in
            let o = try ctx.require(ctx.param("id"), Kind.role, "Role")
            if ctx.state.all(Kind.user).contains(where: { (try? $0.decode(SimUser.self))?.roleId == o.id }) {
                throw SimError.badRequest("Role \(o.name) is assigned to users.")
            }
            ctx.write.delete(o.id)
            ctx.write.delete(rightsKey(o.id))
            return ctx.noContent()
        }
        rightsList(t, base: ro, kind: Kind.role, what: "Role", view: .right(RightName.roleView), edit: .right(RightName.roleEdit))
    }

    /// `GET/POST (add)/PUT (replace) <base>/{id}/rights`.
    private static func rightsList(_ t: RouteTable, base: String, kind: String, what: String, view: Access, edit: Access) {
        t.get("\(base)/{id}/rights", view, "RIGHTS_VIEW") { ctx in
            let o = try ctx.require(ctx.param("id"), kind, what)
            let refs = try list(ctx.state, rightsKey(o.id)).decode(OpenAPIReferences.self).values
            let rows = try refs.enumerated().map { i, r -> StoredObject in
                let body = try Cloud.encode(r)
                return StoredObject(kind: "ref", id: r.id ?? "", parentId: o.id, orgId: o.orgId, name: r.name ?? "", body: body,
                                    json: try JSONValue.parse(body), version: 1, seq: Int64(i), created: 0, updated: 0)
            }
            return try Listing.page(ctx, rows, model: "Rights")
        }
        for (method, add) in [("POST", true), ("PUT", false)] {
            let h: Handler = { ctx in
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
                let current = add ? try stored.decode(OpenAPIReferences.self).values : []
                let merged = current + refs.filter { r in !current.contains { $0.id == r.id } }
                return ctx.raw(try ctx.write.update(stored, OpenAPIReferences(values: merged)))
            }
            if method == "POST" { t.post("\(base)/{id}/rights", edit, "RIGHTS_UPDATE", h) } else { t.put("\(base)/{id}/rights", edit, "RIGHTS_UPDATE", h) }
        }
    }

    static func list(_ state: StateView, _ key: String) throws -> StoredObject {
        guard let o = state.get(key) else { throw SimError.notFound(key) }
        return o
    }
}
