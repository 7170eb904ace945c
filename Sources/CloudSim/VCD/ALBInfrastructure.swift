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

    static func register(into t: RouteTable) {
        let c = "\(Cloud.prefix)/loadBalancer/controllers"
        t.get(c, admin, "LOAD_BALANCER_CONTROLLER_VIEW") { ctx in try Listing.page(ctx, ctx.state.all(Kind.albController), model: "LoadBalancerControllers") }
        t.get("\(c)/{id}", admin, "LOAD_BALANCER_CONTROLLER_VIEW") { ctx in ctx.raw(try ctx.require(ctx.param("id"), Kind.albController, "Load balancer controller")) }
        t.post(c, admin, "LOAD_BALANCER_CONTROLLER_CREATE") { ctx in
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
            return try ctx.accepted(operation: "Registering load balancer controller \(name)", operationName: "createLoadBalancerController",
                                    owner: Cloud.owner(ctx, "loadBalancer/controllers", id: id, name: name))
        }
        t.delete("\(c)/{id}", admin, "LOAD_BALANCER_CONTROLLER_DELETE") { ctx in
            let o = try ctx.require(ctx.param("id"), Kind.albController, "Load balancer controller")
            if ctx.state.all(Kind.albCloud).contains(where: { $0.json.value(at: "loadBalancerCloudBacking.loadBalancerControllerRef.id")?.stringValue == o.id }) {
                throw SimError.badRequest("Load balancer controller \(o.name) has imported clouds; remove them first.")
            }
            ctx.write.delete(o.id)
            return try ctx.accepted(operation: "Removing load balancer controller \(o.name)", operationName: "deleteLoadBalancerController",
                                    owner: Cloud.owner(ctx, "loadBalancer/controllers", id: o.id, name: o.name))
        }

        t.get("\(Cloud.prefix)/nsxAlbResources/importableClouds", admin, "LOAD_BALANCER_CLOUD_VIEW") { ctx in
            guard let controller = Listing.contextValue(ctx.request) else { throw SimError.badRequest("filter _context==<controller URN> is required.") }
            let rows = try ctx.state.children(Kind.albImportableCloud, of: controller).map { o -> StoredObject in
                let r = try o.decode(ImportableCloudRecord.self)
                var w = ALBImportableCloud()
                w.id = r.id
                w.displayName = r.displayName
                w.alreadyImported = ctx.state.all(Kind.albCloud).contains { $0.json.value(at: "loadBalancerCloudBacking.backingId")?.stringValue == r.id }
                w.networkPoolRef = r.networkPoolRef
                w.transportZoneName = r.transportZoneName
                return try projected(o, w)
            }
            return try Listing.page(ctx, rows, model: "NsxAlbImportableClouds")
        }

        let cl = "\(Cloud.prefix)/loadBalancer/clouds"
        t.get(cl, admin, "LOAD_BALANCER_CLOUD_VIEW") { ctx in try Listing.page(ctx, ctx.state.all(Kind.albCloud), model: "LoadBalancerClouds") }
        t.get("\(cl)/{id}", admin, "LOAD_BALANCER_CLOUD_VIEW") { ctx in ctx.raw(try ctx.require(ctx.param("id"), Kind.albCloud, "Load balancer cloud")) }
        t.post(cl, admin, "LOAD_BALANCER_CLOUD_CREATE") { ctx in
            var cloud = try ctx.body(ALBCloud.self)
            let name = try Cloud.required(cloud.name, "name")
            let backingId = try Cloud.required(cloud.loadBalancerCloudBacking?.backingId, "loadBalancerCloudBacking.backingId")
            guard let imp = ctx.state.get(backingId, kind: Kind.albImportableCloud), let ctl = imp.parentId.flatMap({ ctx.state.get($0) }) else {
                throw SimError(400, VCDMinorError.invalidReference, "Cloud \(backingId) is not an importable cloud of any controller.")
            }
            if ctx.state.all(Kind.albCloud).contains(where: { $0.json.value(at: "loadBalancerCloudBacking.backingId")?.stringValue == backingId }) {
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
            return try ctx.accepted(operation: "Importing load balancer cloud \(name)", operationName: "createLoadBalancerCloud",
                                    owner: Cloud.owner(ctx, "loadBalancer/clouds", id: id, name: name))
        }
        t.delete("\(cl)/{id}", admin, "LOAD_BALANCER_CLOUD_DELETE") { ctx in
            let o = try ctx.require(ctx.param("id"), Kind.albCloud, "Load balancer cloud")
            if ctx.state.all(Kind.serviceEngineGroup).contains(where: { $0.json.value(at: "serviceEngineGroupBacking.loadBalancerCloudRef.id")?.stringValue == o.id }) {
                throw SimError.badRequest("Load balancer cloud \(o.name) has service engine groups; remove them first.")
            }
            ctx.write.delete(o.id)
            return try ctx.accepted(operation: "Removing load balancer cloud \(o.name)", operationName: "deleteLoadBalancerCloud",
                                    owner: Cloud.owner(ctx, "loadBalancer/clouds", id: o.id, name: o.name))
        }

        t.get("\(Cloud.prefix)/nsxAlbResources/importableServiceEngineGroups", admin, "SERVICE_ENGINE_GROUP_VIEW") { ctx in
            guard let cloudId = Listing.contextValue(ctx.request) else { throw SimError.badRequest("filter _context==<ALB cloud URN> is required.") }
            guard let cloud = ctx.state.get(cloudId, kind: Kind.albCloud), let backing = cloud.parentId else {
                throw SimError(400, VCDMinorError.invalidReference, "Load balancer cloud \(cloudId) does not exist.")
            }
            let imported = Set(ctx.state.all(Kind.serviceEngineGroup).compactMap { $0.json.value(at: "serviceEngineGroupBacking.backingId")?.stringValue })
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
    }

    /// A stored record shown through its wire type (filters then see wire fields).
    static func projected<T: Encodable>(_ o: StoredObject, _ w: T) throws -> StoredObject {
        var p = o
        p.body = try Cloud.encode(w)
        p.json = try JSONValue.parse(p.body)
        return p
    }
}
