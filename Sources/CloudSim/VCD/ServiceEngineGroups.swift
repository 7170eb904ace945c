import CloudWire
import Foundation

/// Service engine groups imported into VCD and their assignments to edge gateways
/// (vcd-wire.md §5.4–5.5). Assignments carry `maxVirtualServices` and `numDeployedVirtualServices`
/// (filled from the SEG for DEDICATED ones: CAPVCD needs it to pick a SEG).
enum ServiceEngineGroups: RouteFamily {
    static let segs = "loadBalancer/serviceEngineGroups"
    static let assignments = "loadBalancer/serviceEngineGroups/assignments"

    /// The route table of this kind: VCD's paths, the rights they need, and the handler of each.
    static func register(into t: RouteTable) {
        let admin = ALBInfrastructure.admin
        let p = "\(Cloud.prefix)/\(segs)"
        t.get(p, admin, "SERVICE_ENGINE_GROUP_VIEW", list)
        t.get("\(p)/{id}", admin, "SERVICE_ENGINE_GROUP_VIEW", show)
        t.post(p, admin, "SERVICE_ENGINE_GROUP_CREATE", importGroup)
        t.put("\(p)/{id}", admin, "SERVICE_ENGINE_GROUP_UPDATE", update)
        t.post("\(p)/{id}/sync", admin, "SERVICE_ENGINE_GROUP_UPDATE", sync)
        t.delete("\(p)/{id}", admin, "SERVICE_ENGINE_GROUP_DELETE", remove)

        // Assignments: literal path segment "assignments" wins over `{id}` in the route table.
        let a = "\(Cloud.prefix)/\(assignments)"
        t.get(a, .right(RightName.lbView), "SERVICE_ENGINE_GROUP_ASSIGNMENT_VIEW", listAssignments)
        t.get("\(a)/{id}", .right(RightName.lbView), "SERVICE_ENGINE_GROUP_ASSIGNMENT_VIEW", showAssignment)
        t.post(a, admin, "SERVICE_ENGINE_GROUP_ASSIGNMENT_CREATE", assign)
        t.delete("\(a)/{id}", admin, "SERVICE_ENGINE_GROUP_ASSIGNMENT_DELETE", unassign)
    }

    /// GET the imported service engine groups, paged.
    static func list(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.state.all(Kind.serviceEngineGroup), model: "LoadBalancerServiceEngineGroups") { try render(ctx.state, $0) }
    }

    /// GET one service engine group.
    static func show(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.serviceEngineGroup, "Service engine group")
        return ctx.raw(o, body: try render(ctx.state, o))
    }

    /// POST: imports a service engine group of an ALB cloud (the provider's step before any gateway can use it).
    static func importGroup(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var seg = try ctx.body(ServiceEngineGroup.self)
        let name = try Cloud.required(seg.name, "name")
        let backingId = try Cloud.required(seg.serviceEngineGroupBacking?.backingId, "serviceEngineGroupBacking.backingId")
        let cloudId = try Cloud.required(seg.serviceEngineGroupBacking?.loadBalancerCloudRef?.id, "serviceEngineGroupBacking.loadBalancerCloudRef.id")
        guard let cloud = ctx.state.get(cloudId, kind: Kind.albCloud) else { throw SimError(400, VCDMinorError.invalidReference, "Load balancer cloud \(cloudId) does not exist.") }
        guard let imp = ctx.state.get(backingId, kind: Kind.albImportableSEG), imp.parentId == cloud.parentId else {
            throw SimError(400, VCDMinorError.invalidReference, "Service engine group \(backingId) is not importable from cloud \(cloud.name).")
        }
        if ctx.state.records(Kind.serviceEngineGroup, as: ServiceEngineGroup.self).contains(where: { $0.record.serviceEngineGroupBacking?.backingId == backingId }) {
            throw SimError.badRequest("Service engine group \(imp.name) is already imported.")
        }
        if ctx.state.named(Kind.serviceEngineGroup, name) != nil { throw SimError.duplicate("A service engine group named \(name) already exists.") }
        let rec = try imp.decode(ImportableSEGRecord.self)
        let reservation = seg.reservationType ?? "DEDICATED"
        guard ["DEDICATED", "SHARED"].contains(reservation) else { throw SimError.badRequest("reservationType must be DEDICATED or SHARED.") }
        let id = URN.make(URNKind.serviceEngineGroup).description
        seg.id = id
        seg.status = "REALIZED"
        seg.description = seg.description ?? ""
        seg.reservationType = reservation
        seg.haMode = rec.haMode
        seg.serviceEngineGroupBacking?.backingType = "AVI_SERVICE_ENGINE_GROUP"
        seg.serviceEngineGroupBacking?.loadBalancerCloudRef = Cloud.ref(cloud)
        seg.maxVirtualServices = rec.maxVirtualServices
        seg.numDeployedVirtualServices = 0
        seg.reservedVirtualServices = 0
        seg.overAllocated = false
        seg.supportedFeatureSet = seg.supportedFeatureSet ?? "STANDARD"
        try ctx.write.insert(kind: Kind.serviceEngineGroup, id: id, parent: cloud.id, name: name, seg)
        return try ctx.accepted(operation: "Importing service engine group \(name)", operationName: .createServiceEngineGroup,
                                owner: Cloud.owner(ctx, segs, id: id, name: name))
    }

    /// PUT: renames or re-describes a service engine group; its backing never changes.
    static func update(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.serviceEngineGroup, "Service engine group")
        var seg = try o.decode(ServiceEngineGroup.self)
        let input = try ctx.body(ServiceEngineGroup.self)
        let name = input.name ?? o.name
        if name != o.name, ctx.state.named(Kind.serviceEngineGroup, name) != nil { throw SimError.duplicate("A service engine group named \(name) already exists.") }
        seg.name = name
        seg.description = input.description ?? seg.description
        seg.supportedFeatureSet = input.supportedFeatureSet ?? seg.supportedFeatureSet
        try ctx.write.update(o, name: name, seg)
        return try ctx.accepted(operation: "Updating service engine group \(name)", operationName: .updateServiceEngineGroup,
                                owner: Cloud.owner(ctx, segs, id: o.id, name: name))
    }

    /// POST .../sync: pulls the group's settings from the ALB controller.
    static func sync(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.serviceEngineGroup, "Service engine group")
        // Nothing to pull: the simulated controller and VCD share one store. Touch it so the
        // sync is a real (empty) write.
        try ctx.write.update(o, try o.decode(ServiceEngineGroup.self))
        return try ctx.accepted(operation: "Syncing service engine group \(o.name)", operationName: .syncServiceEngineGroup,
                                owner: Cloud.owner(ctx, segs, id: o.id, name: o.name))
    }

    /// DELETE: refused while a gateway still has the group assigned.
    static func remove(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.serviceEngineGroup, "Service engine group")
        if !assignments(ctx.state, ofGroup: o.id).isEmpty {
            throw SimError.badRequest("Service engine group \(o.name) is assigned to edge gateways; remove the assignments first.")
        }
        ctx.write.delete(o.id)
        return try ctx.accepted(operation: "Removing service engine group \(o.name)", operationName: .deleteServiceEngineGroup,
                                owner: Cloud.owner(ctx, segs, id: o.id, name: o.name))
    }

    /// GET the assignments to edge gateways the caller may see, paged.
    static func listAssignments(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.scoped(ctx.state.all(Kind.segAssignment)), model: "LoadBalancerServiceEngineGroupAssignments") { try renderAssignment(ctx.state, $0) }
    }

    /// GET one assignment.
    static func showAssignment(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.segAssignment, "Service engine group assignment")
        return ctx.raw(o, body: try renderAssignment(ctx.state, o))
    }

    /// POST: assigns a group to an edge gateway (DEDICATED: to one gateway only; SHARED: within the group's capacity).
    static func assign(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var asg = try ctx.body(ServiceEngineGroupAssignment.self)
        let gwId = try Cloud.required(asg.gatewayRef?.id, "gatewayRef.id")
        let segId = try Cloud.required(asg.serviceEngineGroupRef?.id, "serviceEngineGroupRef.id")
        let (gw, _) = try EdgeGateways.forChange(ctx, gwId)
        guard let segObj = ctx.state.get(segId, kind: Kind.serviceEngineGroup) else { throw SimError(400, VCDMinorError.invalidReference, "Service engine group \(segId) does not exist.") }
        try GatewayLoadBalancerAPI.requireEnabled(ctx.state, gw)
        let seg = try segObj.decode(ServiceEngineGroup.self)
        let existing = assignments(ctx.state, ofGroup: segId)
        if existing.contains(where: { $0.object.parentId == gw.id }) {
            throw SimError.badRequest("Service engine group \(segObj.name) is already assigned to edge gateway \(gw.name).")
        }
        try checkCapacity(asg, of: seg, named: segObj.name, existing: existing.map(\.record))
        let id = URN.make(URNKind.serviceEngineGroupAssignment).description
        asg.id = id
        asg.gatewayRef = Cloud.ref(gw)
        asg.serviceEngineGroupRef = Cloud.ref(segObj)
        asg.gatewayOrgRef = OpenAPIReference(name: Cloud.orgName(ctx.state, gw.orgId), id: gw.orgId)
        asg.gatewayOwnerRef = gw.parentId.flatMap { ctx.state.get($0) }.map(Cloud.ref)
        asg.numDeployedVirtualServices = 0
        try ctx.write.insert(kind: Kind.segAssignment, id: id, parent: gw.id, org: gw.orgId, name: "\(segObj.name)@\(gw.name)", asg)
        try refreshReserved(ctx.write, segId: segId)
        return try ctx.accepted(operation: "Assigning service engine group \(segObj.name) to \(gw.name)", operationName: .createServiceEngineGroupAssignment,
                                owner: Cloud.owner(ctx, assignments, id: id, name: "\(segObj.name)@\(gw.name)"), lock: gw.id)
    }

    /// A new assignment's reservation against the group's: a DEDICATED group goes to one gateway and
    /// takes no min/max; a SHARED group's minimums must fit within its virtual services.
    private static func checkCapacity(_ asg: ServiceEngineGroupAssignment, of seg: ServiceEngineGroup, named name: String,
                                      existing: [ServiceEngineGroupAssignment]) throws {
        if seg.reservationType == "DEDICATED" {
            if asg.maxVirtualServices != nil || asg.minVirtualServices != nil {
                throw SimError.badRequest("maxVirtualServices and minVirtualServices must not be set for a DEDICATED service engine group.")
            }
            if let other = existing.first { throw SimError.badRequest("DEDICATED service engine group \(name) is already assigned to edge gateway \(other.gatewayRef?.name ?? "").") }
            return
        }
        guard let max = asg.maxVirtualServices, let min = asg.minVirtualServices, min >= 0, max >= min else {
            throw SimError.badRequest("maxVirtualServices and minVirtualServices are required for a SHARED service engine group (0 ≤ min ≤ max).")
        }
        let reserved = existing.compactMap(\.minVirtualServices).reduce(0, +)
        if reserved + min > (seg.maxVirtualServices ?? 0) || max > (seg.maxVirtualServices ?? 0) {
            throw SimError.badRequest("Service engine group \(name) cannot reserve \(min) more virtual services (\(reserved) of \(seg.maxVirtualServices ?? 0) reserved).")
        }
    }

    /// DELETE an assignment: refused while virtual services still run on it.
    static func unassign(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.segAssignment, "Service engine group assignment")
        let segId = try o.decode(ServiceEngineGroupAssignment.self).serviceEngineGroupRef?.id ?? ""
        if !virtualServices(ctx.state, onGroup: segId, gateway: o.parentId ?? "").isEmpty {
            throw SimError.badRequest("Virtual services still run on service engine group \(o.name); delete them first.")
        }
        ctx.write.delete(o.id)
        try refreshReserved(ctx.write, segId: segId)
        return try ctx.accepted(operation: "Removing service engine group assignment \(o.name)", operationName: .deleteServiceEngineGroupAssignment,
                                owner: Cloud.owner(ctx, assignments, id: o.id, name: o.name), lock: o.parentId)
    }

    /// The assignments of a service engine group (to one gateway, when given).
    static func assignments(_ state: StateView, ofGroup segId: String, gateway: String? = nil) -> [(object: StoredObject, record: ServiceEngineGroupAssignment)] {
        state.records(Kind.segAssignment, as: ServiceEngineGroupAssignment.self, parent: gateway).filter { $0.record.serviceEngineGroupRef?.id == segId }
    }

    /// The virtual services placed on a service engine group (on one gateway, when given).
    static func virtualServices(_ state: StateView, onGroup segId: String, gateway: String? = nil) -> [StoredObject] {
        state.records(Kind.virtualService, as: VirtualService.self, parent: gateway).filter { $0.record.serviceEngineGroupRef?.id == segId }.map(\.object)
    }

    /// A SEG with live counts of deployed virtual services.
    static func render(_ state: StateView, _ o: StoredObject) throws -> Data {
        var seg = try o.decode(ServiceEngineGroup.self)
        seg.numDeployedVirtualServices = virtualServices(state, onGroup: o.id).count
        seg.overAllocated = (seg.numDeployedVirtualServices ?? 0) > (seg.maxVirtualServices ?? Int.max)
        return try Cloud.encode(seg)
    }

    /// An assignment with live counts; DEDICATED ones get the SEG's maximum.
    static func renderAssignment(_ state: StateView, _ o: StoredObject) throws -> Data {
        var asg = try o.decode(ServiceEngineGroupAssignment.self)
        let segId = asg.serviceEngineGroupRef?.id ?? ""
        asg.numDeployedVirtualServices = virtualServices(state, onGroup: segId, gateway: o.parentId ?? "").count
        if asg.maxVirtualServices == nil, let seg = state.get(segId).flatMap({ try? $0.decode(ServiceEngineGroup.self) }) {
            asg.maxVirtualServices = seg.maxVirtualServices
        }
        return try Cloud.encode(asg)
    }

    /// Recomputes `reservedVirtualServices` of a SEG from its SHARED assignments.
    static func refreshReserved(_ tx: WriteTx, segId: String) throws {
        guard let o = tx.get(segId, kind: Kind.serviceEngineGroup) else { return }
        var seg = try o.decode(ServiceEngineGroup.self)
        let reserved = assignments(tx, ofGroup: segId).compactMap(\.record.minVirtualServices).reduce(0, +)
        if seg.reservedVirtualServices != reserved {
            seg.reservedVirtualServices = reserved
            try tx.update(o, seg)
        }
    }

    /// Checks that `segId` is assigned to the gateway and has room for one more virtual service.
    static func requireCapacity(_ state: StateView, gatewayId: String, gatewayName: String, segId: String, excludingVS: String?) throws {
        guard let asgObj = assignments(state, ofGroup: segId, gateway: gatewayId).first?.object else {
            throw SimError.badRequest("Service engine group \(segId) is not assigned to edge gateway \(gatewayName).")
        }
        let asg = try JSONDecoder().decode(ServiceEngineGroupAssignment.self, from: try renderAssignment(state, asgObj))
        let segName = asg.serviceEngineGroupRef?.name ?? segId
        let onGateway = virtualServices(state, onGroup: segId, gateway: gatewayId).filter { $0.id != excludingVS }.count
        if onGateway >= (asg.maxVirtualServices ?? 0) {
            throw SimError.badRequest("Service engine group \(segName) has reached the maximum number of virtual services (\(asg.maxVirtualServices ?? 0)) allowed on edge gateway \(gatewayName).")
        }
        if let seg = state.get(segId).flatMap({ try? $0.decode(ServiceEngineGroup.self) }) {
            let total = virtualServices(state, onGroup: segId).filter { $0.id != excludingVS }.count
            if total >= (seg.maxVirtualServices ?? 0) {
                throw SimError.badRequest("Service engine group \(segName) is at capacity: \(total) of \(seg.maxVirtualServices ?? 0) virtual services deployed.")
            }
        }
    }
}
