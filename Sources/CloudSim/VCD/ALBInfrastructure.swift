import CloudWire
import Foundation

/// A cloud of the ALB controller as the store keeps it (kind `albImportableCloud`, id `cloud-<uuid>`,
/// parent = the VCD controller URN). The ALB controller service of the simulator owns these.
struct ImportableCloudRecord: Codable {
    var id: String
    var displayName: String
    var networkPoolRef: OpenAPIReference?
    var transportZoneName: String?
}

/// A service engine group of the ALB controller (kind `albImportableSEG`, id
/// `serviceenginegroup-<uuid>`, parent = importable cloud id). A SEG created on the controller side
/// becomes importable in VCD by being stored here.
struct ImportableSEGRecord: Codable {
    var id: String
    var displayName: String
    var haMode: String
    /// Virtual services the group can carry (`max_se` × `max_vs_per_se` on the controller).
    var maxVirtualServices: Int
}

/// Provider-only ALB infrastructure (vcd-wire.md §5.1–5.3): controllers, importable clouds, clouds,
/// importable service engine groups.
enum ALBInfrastructure: RouteFamily {
    static let admin = Access.provider(RightName.albAdmin)

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let c = "\(Cloud.prefix)/loadBalancer/controllers"
        t.get(c, admin, "LOAD_BALANCER_CONTROLLER_VIEW", listControllers)
        t.get("\(c)/{id}", admin, "LOAD_BALANCER_CONTROLLER_VIEW", showController)
        t.post(c, admin, "LOAD_BALANCER_CONTROLLER_CREATE", registerController)
        t.delete("\(c)/{id}", admin, "LOAD_BALANCER_CONTROLLER_DELETE", removeController)

        t.get("\(Cloud.prefix)/nsxAlbResources/importableClouds", admin, "LOAD_BALANCER_CLOUD_VIEW", importableClouds)

        let cl = "\(Cloud.prefix)/loadBalancer/clouds"
        t.get(cl, admin, "LOAD_BALANCER_CLOUD_VIEW", listClouds)
        t.get("\(cl)/{id}", admin, "LOAD_BALANCER_CLOUD_VIEW", showCloud)
        t.post(cl, admin, "LOAD_BALANCER_CLOUD_CREATE", importCloud)
        t.delete("\(cl)/{id}", admin, "LOAD_BALANCER_CLOUD_DELETE", removeCloud)

        t.get("\(Cloud.prefix)/nsxAlbResources/importableServiceEngineGroups", admin, "SERVICE_ENGINE_GROUP_VIEW", importableGroups)
    }

    /// GET the registered ALB controllers, paged.
    static func listControllers(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.state.all(Kind.albController), model: "LoadBalancerControllers")
    }

    /// GET one ALB controller.
    static func showController(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.require(ctx.param("id"), Kind.albController, "Load balancer controller"))
    }

    /// POST: registers an ALB controller; its password is write-only and never stored in the answer.
    static func registerController(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var ctl = try ctx.body(ALBController.self)
        let name = try Cloud.required(ctl.name, "name")
        _ = try Cloud.required(ctl.url, "url")
        _ = try Cloud.required(ctl.username, "username")
        _ = try Cloud.required(ctl.password, "password")
        if ctx.state.named(Kind.albController, name) != nil { throw SimError.duplicate("A load balancer controller named \(name) already exists.") }
        let id = URN.make(URNKind.loadBalancerController).description
        ctl.id = id
        ctl.password = nil  // write-only
        ctl.version = ctl.version ?? "22.1.3"
        try ctx.write.insert(kind: Kind.albController, id: id, name: name, ctl)
        return try ctx.accepted(operation: "Registering load balancer controller \(name)", operationName: .createLoadBalancerController,
                                owner: Cloud.owner(ctx, "loadBalancer/controllers", id: id, name: name))
    }

    /// DELETE a controller: refused while clouds imported from it remain.
    static func removeController(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.albController, "Load balancer controller")
        if importedClouds(ctx.state).contains(where: { $0.loadBalancerCloudBacking?.loadBalancerControllerRef?.id == o.id }) {
            throw SimError.badRequest("Load balancer controller \(o.name) has imported clouds; remove them first.")
        }
        ctx.write.delete(o.id)
        return try ctx.accepted(operation: "Removing load balancer controller \(o.name)", operationName: .deleteLoadBalancerController,
                                owner: Cloud.owner(ctx, "loadBalancer/controllers", id: o.id, name: o.name))
    }

    /// GET the clouds of a controller (filter `_context==<controller URN>`), with `alreadyImported`.
    static func importableClouds(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let controller = Listing.contextValue(ctx.request) else { throw SimError.badRequest("filter _context==<controller URN> is required.") }
        let rows = try ctx.state.children(Kind.albImportableCloud, of: controller).map { o -> StoredObject in
            let r = try o.decode(ImportableCloudRecord.self)
            var w = ALBImportableCloud()
            w.id = r.id
            w.displayName = r.displayName
            w.alreadyImported = importedClouds(ctx.state).contains { $0.loadBalancerCloudBacking?.backingId == r.id }
            w.networkPoolRef = r.networkPoolRef
            w.transportZoneName = r.transportZoneName
            return try projected(o, w)
        }
        return try Listing.page(ctx, rows, model: "NsxAlbImportableClouds")
    }

    /// GET the imported load balancer clouds, paged.
    static func listClouds(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.state.all(Kind.albCloud), model: "LoadBalancerClouds")
    }

    /// GET one imported cloud.
    static func showCloud(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.require(ctx.param("id"), Kind.albCloud, "Load balancer cloud"))
    }

    /// POST: imports a cloud of a registered controller.
    static func importCloud(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var cloud = try ctx.body(ALBCloud.self)
        let name = try Cloud.required(cloud.name, "name")
        let backingId = try Cloud.required(cloud.loadBalancerCloudBacking?.backingId, "loadBalancerCloudBacking.backingId")
        guard let imp = ctx.state.get(backingId, kind: Kind.albImportableCloud), let ctl = imp.parentId.flatMap({ ctx.state.get($0) }) else {
            throw SimError(400, VCDMinorError.invalidReference, "Cloud \(backingId) is not an importable cloud of any controller.")
        }
        if importedClouds(ctx.state).contains(where: { $0.loadBalancerCloudBacking?.backingId == backingId }) {
            throw SimError.badRequest("Cloud \(imp.name) is already imported.")
        }
        if ctx.state.named(Kind.albCloud, name) != nil { throw SimError.duplicate("A load balancer cloud named \(name) already exists.") }
        let id = URN.make(URNKind.loadBalancerCloud).description
        cloud.id = id
        cloud.status = "REALIZED"
        cloud.healthStatus = "UP"
        cloud.description = cloud.description ?? ""
        cloud.loadBalancerCloudBacking?.backingType = "NSXALB_NSXT"
        cloud.loadBalancerCloudBacking?.loadBalancerControllerRef = Cloud.ref(ctl)
        cloud.networkPoolRef = cloud.networkPoolRef ?? (try? imp.decode(ImportableCloudRecord.self))?.networkPoolRef
        try ctx.write.insert(kind: Kind.albCloud, id: id, parent: backingId, name: name, cloud)
        return try ctx.accepted(operation: "Importing load balancer cloud \(name)", operationName: .createLoadBalancerCloud,
                                owner: Cloud.owner(ctx, "loadBalancer/clouds", id: id, name: name))
    }

    /// DELETE an imported cloud: refused while service engine groups use it.
    static func removeCloud(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.albCloud, "Load balancer cloud")
        if importedGroups(ctx.state).contains(where: { $0.serviceEngineGroupBacking?.loadBalancerCloudRef?.id == o.id }) {
            throw SimError.badRequest("Load balancer cloud \(o.name) has service engine groups; remove them first.")
        }
        ctx.write.delete(o.id)
        return try ctx.accepted(operation: "Removing load balancer cloud \(o.name)", operationName: .deleteLoadBalancerCloud,
                                owner: Cloud.owner(ctx, "loadBalancer/clouds", id: o.id, name: o.name))
    }

    /// GET the service engine groups of an imported cloud not yet imported (filter `_context==<cloud URN>`).
    static func importableGroups(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let cloudId = Listing.contextValue(ctx.request) else { throw SimError.badRequest("filter _context==<ALB cloud URN> is required.") }
        guard let cloud = ctx.state.get(cloudId, kind: Kind.albCloud), let backing = cloud.parentId else {
            throw SimError(400, VCDMinorError.invalidReference, "Load balancer cloud \(cloudId) does not exist.")
        }
        let imported = Set(importedGroups(ctx.state).compactMap { $0.serviceEngineGroupBacking?.backingId })
        let rows = try ctx.state.children(Kind.albImportableSEG, of: backing).filter { !imported.contains($0.id) }.map { o -> StoredObject in
            let r = try o.decode(ImportableSEGRecord.self)
            var w = ALBImportableServiceEngineGroup()
            w.id = r.id
            w.displayName = r.displayName
            w.haMode = r.haMode
            return try projected(o, w)
        }
        return try Listing.page(ctx, rows, model: "NsxAlbImportableServiceEngineGroups")
    }

    /// The clouds VCD has imported, as typed records.
    static func importedClouds(_ state: StateView) -> [ALBCloud] {
        state.records(Kind.albCloud, as: ALBCloud.self).map(\.record)
    }

    /// The service engine groups VCD has imported, as typed records.
    static func importedGroups(_ state: StateView) -> [ServiceEngineGroup] {
        state.records(Kind.serviceEngineGroup, as: ServiceEngineGroup.self).map(\.record)
    }

    /// A stored record shown through its wire type (filters then see wire fields).
    static func projected<T: Encodable>(_ o: StoredObject, _ w: T) throws -> StoredObject {
        var p = o
        p.body = try Cloud.encode(w)
        p.json = try JSONValue.parse(p.body)
        return p
    }
}
