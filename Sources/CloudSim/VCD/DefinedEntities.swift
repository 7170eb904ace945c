import CloudWire
import Foundation

/// Runtime defined entities (vcd-wire.md §9): interfaces, entity types (provider registers them;
/// registration creates the type's rights and its "Entitlement" bundle), and entities with ETag /
/// If-Match (412 when stale), resolve against the type's JSON schema, delete.
enum DefinedEntities: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = Cloud.prefix
        t.get("\(p)/interfaces", .session, "DEFINED_INTERFACE_VIEW", listInterfaces)
        t.get("\(p)/interfaces/{id}", .session, "DEFINED_INTERFACE_VIEW", showInterface)

        t.get("\(p)/entityTypes", .session, "DEFINED_ENTITY_TYPE_VIEW", listEntityTypes)
        t.get("\(p)/entityTypes/{id}", .session, "DEFINED_ENTITY_TYPE_VIEW", showEntityType)
        t.post("\(p)/entityTypes", .provider(RightName.entityTypeAdmin), "DEFINED_ENTITY_TYPE_CREATE", createType)
        t.put("\(p)/entityTypes/{id}", .provider(RightName.entityTypeAdmin), "DEFINED_ENTITY_TYPE_UPDATE", updateEntityType)
        t.delete("\(p)/entityTypes/{id}", .provider(RightName.entityTypeAdmin), "DEFINED_ENTITY_TYPE_DELETE", removeEntityType)
        // Creating an entity: POST to the type's URN.
        t.post("\(p)/entityTypes/{id}", .session, "DEFINED_ENTITY_CREATE", createEntity)

        t.get("\(p)/entities/{id}", .session, "DEFINED_ENTITY_VIEW", showEntity)
        t.put("\(p)/entities/{id}", .session, "DEFINED_ENTITY_UPDATE", updateEntity)
        t.post("\(p)/entities/{id}/resolve", .session, "DEFINED_ENTITY_RESOLVE", resolveEntity)
        t.delete("\(p)/entities/{id}", .session, "DEFINED_ENTITY_DELETE", removeEntity)
        // `{version}` may be a wildcard (`1`, `1.1`) or absent; see `EntityTypeVersions`.
        t.get("\(p)/entities/types/{vendor}/{nss}/{version}", .session, "DEFINED_ENTITY_VIEW") { ctx in try listByType(ctx, pattern: ctx.param("version")) }
        t.get("\(p)/entities/types/{vendor}/{nss}", .session, "DEFINED_ENTITY_VIEW") { ctx in try listByType(ctx, pattern: nil) }
        t.get("\(p)/entities/interfaces/{vendor}/{nss}/{version}", .session, "DEFINED_ENTITY_VIEW", listEntitiesByInterface)
    }

    /// GET the defined interfaces, paged.
    static func listInterfaces(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.state.all(Kind.interface), model: "DefinedInterfaces")
    }

    /// GET one defined interface.
    static func showInterface(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.requireShared(ctx.param("id"), Kind.interface, "Interface"))
    }

    /// GET the entity types, paged.
    static func listEntityTypes(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.state.all(Kind.entityType), model: "DefinedEntityTypes")
    }

    /// GET one entity type.
    static func showEntityType(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.requireShared(ctx.param("id"), Kind.entityType, "Entity type"))
    }

    /// PUT: replaces an entity type; its vendor, nss and version stay.
    static func updateEntityType(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.entityType, "Entity type")
        var type = try ctx.body(DefinedEntityType.self)
        let old = try o.decode(DefinedEntityType.self)
        type.id = o.id; type.vendor = old.vendor; type.nss = old.nss; type.version = old.version
        return ctx.raw(try ctx.write.update(o, name: type.name ?? o.name, type))
    }

    /// DELETE an entity type that has no entities left.
    static func removeEntityType(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.entityType, "Entity type")
        if !ctx.state.children(Kind.entity, of: o.id).isEmpty { throw SimError.badRequest("Entity type \(o.id) still has entities.") }
        ctx.write.delete(o.id)
        return ctx.noContent()
    }

    /// GET one entity, with its ETag.
    static func showEntity(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try entity(ctx, modify: false)
        var r = ctx.raw(o)
        r.headers["ETag"] = etag(o)
        return r
    }

    /// POST `/entities/{id}/resolve`: checks the entity against its type's schema (RESOLVED or RESOLUTION_ERROR).
    static func resolveEntity(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, type) = try entity(ctx, modify: true)
        var e = try o.decode(DefinedEntity.self)
        let body = EntityDocument.body(of: o)
        let problems = SchemaCheck.validate(body ?? .null, schema: type.schema ?? .object([:]))
        let state = problems.isEmpty ? "RESOLVED" : "RESOLUTION_ERROR"
        e.state = state
        e.message = problems.isEmpty ? nil : problems.joined(separator: "; ")
        let n = ctx.write.update(o, document: EntityDocument.document(e, body: body))
        var r = ctx.raw(n, body: EntityDocument.resolution(id: o.id, body: body, state: state, message: e.message).jsonData())
        r.headers["ETag"] = etag(n)
        return r
    }

    /// DELETE an entity.
    static func removeEntity(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, _) = try entity(ctx, modify: true)
        ctx.write.delete(o.id)
        return ctx.noContent()
    }

    /// GET the visible entities of every type that implements the interfaces `vendor:nss:version` selects.
    static func listEntitiesByInterface(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let ifaces = Set(EntityTypeVersions.select(ctx.state, kind: Kind.interface, urnKind: "interface", vendor: ctx.param("vendor"),
                                                   nss: ctx.param("nss"), pattern: ctx.param("version")).map(\.id))
        let types = ctx.state.all(Kind.entityType).filter {
            !Set((try? $0.decode(DefinedEntityType.self))?.interfaces ?? []).isDisjoint(with: ifaces)
        }
        let visibleTypes = types.filter { (try? demandView(ctx, try $0.decode(DefinedEntityType.self))) != nil }.map(\.id)
        let list = ctx.scoped(ctx.state.all(Kind.entity)).filter { visibleTypes.contains($0.parentId ?? "") }
        return try Listing.page(ctx, list, model: "DefinedEntities")
    }

    /// Entities of the types `vendor:nss` whose version `pattern` selects (every version when nil).
    /// A full version that is not registered is 404; a wildcard that matches nothing is an empty list.
    private static func listByType(_ ctx: RequestContext, pattern: String?) throws -> HTTPResponseMessage {
        let vendor = ctx.param("vendor"), nss = ctx.param("nss")
        let types = EntityTypeVersions.select(ctx.state, kind: Kind.entityType, urnKind: "type", vendor: vendor, nss: nss, pattern: pattern ?? "")
        if let pattern, types.isEmpty, EntityTypeVersions.isExact(pattern) {
            throw SimError.notFound("Entity type urn:vcloud:type:\(vendor):\(nss):\(pattern)")
        }
        var entities: [StoredObject] = []
        for t in types {
            try demandView(ctx, try t.decode(DefinedEntityType.self))
            entities += ctx.scoped(ctx.state.children(Kind.entity, of: t.id))
        }
        // One list across versions, in creation order.
        entities.sort { $0.seq < $1.seq }
        return try Listing.page(ctx, entities, model: "DefinedEntities")
    }

    static func etag(_ o: StoredObject) -> String { "\"\(o.version)-\(String(o.updated.bitPattern, radix: 36))\"" }

    static func createType(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try insertType(ctx.write, try ctx.body(DefinedEntityType.self)), status: 201)
    }

    /// Registers a type with its rights and the bundle that carries them (what a provider's POST
    /// does; also how a site that had the type registered before is set up).
    @discardableResult
    static func insertType(_ tx: WriteTx, _ input: DefinedEntityType) throws -> StoredObject {
        var type = input
        let vendor = try Cloud.required(type.vendor, "vendor")
        let nss = try Cloud.required(type.nss, "nss")
        let version = try Cloud.required(type.version, "version")
        let name = try Cloud.required(type.name, "name")
        guard case .object = type.schema ?? .null else { throw SimError.badRequest("The field schema (a JSON schema object) is required.") }
        let id = "urn:vcloud:type:\(vendor):\(nss):\(version)"
        if tx.get(id) != nil { throw SimError.duplicate("Entity type \(id) already exists.") }
        for i in type.interfaces ?? [] where tx.get(i, kind: Kind.interface) == nil {
            throw SimError(400, VCDMinorError.invalidReference, "Interface \(i) does not exist.")
        }
        type.id = id
        type.readonly = type.readonly ?? false
        type.description = type.description ?? ""
        type.interfaces = type.interfaces ?? []
        let o = try tx.insert(kind: Kind.entityType, id: id, name: name, type)
        // Rights of the type and the bundle that carries them (one per vendor:nss).
        var refs: [OpenAPIReference] = []
        for (rname, rtype) in RightName.entityTypeRights(vendor: vendor, nss: nss) {
            if let existing = tx.named(Kind.right, rname) { refs.append(Cloud.ref(existing)); continue }
            var r = Right()
            r.id = URN.make(URNKind.right).description
            r.name = rname
            r.category = "\(vendor):\(nss)"
            r.rightType = rtype
            r.bundleKey = rname
            r.serviceNamespace = "\(vendor):\(nss)"
            try tx.insert(kind: Kind.right, id: r.id!, name: rname, r)
            refs.append(OpenAPIReference(name: rname, id: r.id))
        }
        let bundleName = "\(vendor):\(nss) Entitlement"
        if tx.named(Kind.rightsBundle, bundleName) == nil {
            var b = RightsBundle()
            b.id = URN.make(URNKind.rightsBundle).description
            b.name = bundleName
            b.description = "Entitlement rights for \(vendor):\(nss)"
            b.bundleKey = bundleName
            b.readOnly = false
            b.publishAll = false
            try tx.insert(kind: Kind.rightsBundle, id: b.id!, name: bundleName, b)
            try tx.insert(kind: "rightsList", id: Roles.rightsKey(b.id!), parent: b.id, name: bundleName, OpenAPIReferences(values: refs))
            try tx.insert(kind: "tenantsList", id: Roles.tenantsKey(b.id!), parent: b.id, name: bundleName, OpenAPIReferences(values: []))
        }
        return o
    }

    private static func rights(_ type: DefinedEntityType) -> (view: [String], modify: [String]) {
        let all = RightName.entityTypeRights(vendor: type.vendor ?? "", nss: type.nss ?? "").map(\.0)
        // View, Modify, Full Access, Administrator View, Administrator Full access.
        return ([all[0], all[1], all[2], all[3], all[4]], [all[1], all[2], all[4]])
    }

    private static func demandView(_ ctx: RequestContext, _ type: DefinedEntityType) throws {
        let r = rights(type)
        if !r.view.contains(where: ctx.has) { throw SimError.forbidden(rights: [r.view[0]], operation: "DEFINED_ENTITY_VIEW", target: "entity type \(type.id ?? "")") }
    }

    private static func demandModify(_ ctx: RequestContext, _ type: DefinedEntityType) throws {
        let r = rights(type)
        if !r.modify.contains(where: ctx.has) { throw SimError.forbidden(rights: [r.modify[0]], operation: ctx.route.operation, target: "entity type \(type.id ?? "")") }
    }

    /// The entity `{id}` with its type, after the caller's rights on the type are checked.
    private static func entity(_ ctx: RequestContext, modify: Bool) throws -> (StoredObject, DefinedEntityType) {
        let o = try ctx.require(ctx.param("id"), Kind.entity, "Entity")
        guard let typeObj = o.parentId.flatMap({ ctx.state.get($0) }) else { throw SimError.notFound("Entity type of \(o.id)") }
        let type = try typeObj.decode(DefinedEntityType.self)
        if modify { try demandModify(ctx, type) } else { try demandView(ctx, type) }
        return (o, type)
    }

    private static func createEntity(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let typeObj = ctx.state.get(ctx.param("id"), kind: Kind.entityType) else { throw SimError.notFound("Entity type \(ctx.param("id"))") }
        let type = try typeObj.decode(DefinedEntityType.self)
        try demandModify(ctx, type)
        var e = try ctx.body(DefinedEntity.self)
        let name = try Cloud.required(e.name, "name")
        guard case .object? = e.entity, let body = EntityDocument.body(of: ctx.request) else {
            throw SimError.badRequest("The field entity (a JSON object) is required.")
        }
        if let t = e.entityType, t != typeObj.id { throw SimError.badRequest("entityType \(t) does not match \(typeObj.id).") }
        let s = ctx.session!
        let org = ctx.scopeOrgID ?? s.orgID
        let id = "urn:vcloud:entity:\(type.vendor!):\(type.nss!):\(UUID().uuidString.lowercased())"
        e.id = id
        e.entityType = typeObj.id
        e.state = "PRE_CREATED"
        e.owner = OpenAPIReference(name: s.userName, id: s.userID)
        e.org = OpenAPIReference(name: Cloud.orgName(ctx.state, org), id: org)
        ctx.write.insert(kind: Kind.entity, id: id, parent: typeObj.id, org: org, name: name, document: EntityDocument.document(e, body: body))
        return try ctx.accepted(operation: "Creating entity \(name) of type \(typeObj.id)", operationName: .createDefinedEntity,
                                owner: Cloud.owner(ctx, "entities", id: id, name: name))
    }

    private static func updateEntity(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (o, type) = try entity(ctx, modify: true)
        if let match = ctx.request.headers["If-Match"], match != "*", match != etag(o) {
            throw SimError(412, VCDMinorError.preconditionFailed, "The entity \(o.id) was modified since it was read (ETag \(match) is stale).")
        }
        let old = try o.decode(DefinedEntity.self)
        var e = try ctx.body(DefinedEntity.self)
        guard case .object? = e.entity, let body = EntityDocument.body(of: ctx.request) else {
            throw SimError.badRequest("The field entity (a JSON object) is required.")
        }
        var target = type
        var newParent: String? = nil
        if let t = e.entityType, t != old.entityType {
            let up = try upgrade(ctx, body, from: type, to: t)
            newParent = up.0
            target = up.1
        }
        e.id = o.id
        e.entityType = newParent ?? old.entityType
        e.owner = old.owner
        e.org = old.org
        e.name = e.name ?? old.name
        e.state = try stateAfterUpdate(old.state, body, type: target)
        e.message = nil
        let n = ctx.write.update(o, name: e.name, parent: newParent, document: EntityDocument.document(e, body: body))
        var r = ctx.raw(n)
        r.headers["ETag"] = etag(n)
        return r
    }

    /// A new `entityType` upgrades the entity to a higher version of its type (CAPVCD moves its
    /// 1.0.0 RDEs to 1.1.0 this way); the entity must then be valid for the new type's schema.
    /// Returns the new type's id and the type.
    private static func upgrade(_ ctx: RequestContext, _ entity: JSONValue, from type: DefinedEntityType, to requested: String) throws -> (String, DefinedEntityType) {
        let (typeObj, newType) = try EntityTypeVersions.upgradeTarget(ctx.state, current: type, requested: requested)
        try demandModify(ctx, newType)
        let problems = SchemaCheck.validate(entity, schema: newType.schema ?? .object([:]))
        if !problems.isEmpty {
            throw SimError.badRequest("The entity does not match the schema of \(typeObj.id): \(problems.joined(separator: "; "))")
        }
        return (typeObj.id, newType)
    }

    /// The state of an updated entity: a RESOLVED one must stay valid for its type; a
    /// RESOLUTION_ERROR one is PRE_CREATED again; others keep theirs.
    private static func stateAfterUpdate(_ state: String?, _ entity: JSONValue, type: DefinedEntityType) throws -> String? {
        switch state {
        case "RESOLVED":
            let problems = SchemaCheck.validate(entity, schema: type.schema ?? .object([:]))
            if !problems.isEmpty { throw SimError.badRequest("The entity does not match the schema of \(type.id ?? ""): \(problems.joined(separator: "; "))") }
            return "RESOLVED"
        case "RESOLUTION_ERROR": return "PRE_CREATED"
        default: return state
        }
    }
}

/// A small JSON-schema check for resolve: `type`, `required`, `properties`, `items`, `enum`, and
/// local `$ref`s (`#/definitions/…`, which CAPVCD's schemas use for `k8sNetwork`; remote ones are
/// not fetched). Enough to tell a well-formed CAPVCD entity from a broken one; not a full validator.
enum SchemaCheck {
    static func validate(_ value: JSONValue, schema: JSONValue, path: String = "", root: JSONValue? = nil, hops: Int = 0) -> [String] {
        guard case .object(let s) = schema else { return [] }
        let root = root ?? schema
        if let ref = s["$ref"]?.stringValue {
            // A chain of $refs that never reaches a schema (`#` naming itself) is cut short.
            guard ref.hasPrefix("#/"), hops < 16, let target = pointer(ref, in: root) else { return [] }
            return validate(value, schema: target, path: path, root: root, hops: hops + 1)
        }
        var problems: [String] = []
        let here = path.isEmpty ? "entity" : path
        if let t = s["type"]?.stringValue, !matches(value, t) {
            return ["\(here) should be \(t)"]
        }
        if case .array(let allowed)? = s["enum"], !allowed.contains(value) { problems.append("\(here) is not one of the allowed values") }
        if case .object(let obj) = value {
            if case .array(let req)? = s["required"] {
                for r in req.compactMap(\.stringValue) where obj[r] == nil { problems.append("\(here).\(r) is required") }
            }
            if case .object(let props)? = s["properties"] {
                for (k, sub) in props { if let v = obj[k] { problems += validate(v, schema: sub, path: "\(here).\(k)", root: root) } }
            }
        }
        if case .array(let items) = value, let itemSchema = s["items"] {
            for (i, v) in items.enumerated() { problems += validate(v, schema: itemSchema, path: "\(here)[\(i)]", root: root) }
        }
        return problems
    }

    /// The schema a JSON pointer (`#/definitions/k8sNetwork`) names inside the root schema.
    private static func pointer(_ ref: String, in root: JSONValue) -> JSONValue? {
        var cur: JSONValue? = root
        for part in ref.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            cur = cur?[String(part).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")]
        }
        return cur
    }

    private static func matches(_ v: JSONValue, _ type: String) -> Bool {
        switch (type, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): return true
        case ("integer", .int): return true
        case ("integer", .double(let d)): return d == d.rounded()
        case ("number", .int), ("number", .double): return true
        default: return false
        }
    }
}
