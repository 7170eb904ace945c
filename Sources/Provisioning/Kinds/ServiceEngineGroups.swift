import Foundation
import CloudWire

/// A service engine group to import from the ALB controller into VCD.
public struct ServiceEngineGroupSpec {
    public var name: String
    /// The group's name on the controller (default: `name`).
    public var controllerGroup: String?
    /// DEDICATED (one gateway, the lab's choice) or SHARED.
    public var reservationType: String?
    public var description: String?
    public init(name: String, controllerGroup: String? = nil, reservationType: String? = nil, description: String? = nil) {
        self.name = name
        self.controllerGroup = controllerGroup
        self.reservationType = reservationType
        self.description = description
    }
}

/// Service engine groups imported into VCD (provider objects, VCD side).
public struct ServiceEngineGroups {
    public static let kind = "service engine group"
    public let engine: Engine
    public init(engine: Engine) { self.engine = engine }

    var path: String { "\(Lookup.prefix)/loadBalancer/serviceEngineGroups" }

    public func list() throws -> [ServiceEngineGroup] {
        let p = try engine.providerSession(for: "listing service engine groups")
        return try p.list(path)
    }

    public func find(_ name: String) throws -> ServiceEngineGroup? { try list().first { $0.name == name } }

    public func ensure(_ spec: ServiceEngineGroupSpec) throws -> Ensured<ServiceEngineGroup> {
        let p = try engine.providerSession(for: "importing service engine group \(spec.name)")
        if let live = try find(spec.name) {
            var d = Diff()
            d.check("description", spec.description, live.description)
            if let want = spec.reservationType, want != live.reservationType {
                throw EngineError("service engine group \(spec.name) is \(live.reservationType ?? "?"), not \(want), and VCD cannot change that",
                                  hint: "remove its assignments and the group, then run again, or use reservationType: \"\(live.reservationType ?? "")\"")
            }
            if d.isEmpty {
                engine.unchanged(kind: Self.kind, name: spec.name)
                return Ensured(live, Change(.unchanged, kind: Self.kind, name: spec.name))
            }
            var body = live
            body.description = spec.description
            let change = Change(.update, kind: Self.kind, name: spec.name, fields: d.fields, values: d.values)
            try engine.mutate(change) { try p.change("PUT", "\(path)/\(live.id!)", body: body, what: "update service engine group \(spec.name)") }
            return Ensured(engine.isPlan ? body : (try find(spec.name) ?? body), change)
        }
        // Import: the ALB cloud, then the controller's group of that name.
        let clouds: [ALBCloud] = try p.list("\(Lookup.prefix)/loadBalancer/clouds")
        guard let cloud = clouds.first, let cloudID = cloud.id else {
            throw EngineError("no NSX ALB cloud is imported into VCD", hint: "register the ALB controller and import its NSX-T cloud first (provider setup)")
        }
        let wanted = spec.controllerGroup ?? spec.name
        let importable: [ALBImportableServiceEngineGroup] = try p.list("\(Lookup.prefix)/nsxAlbResources/importableServiceEngineGroups",
                                                                       filter: .context(cloudID))
        guard let imp = importable.first(where: { $0.displayName == wanted }) else {
            throw EngineError("the ALB controller has no importable service engine group named \(wanted) in cloud \(cloud.name ?? "")",
                              hint: importable.isEmpty ? "create it on the ALB controller first (max service engines, vCenter placement)"
                                                       : "importable: \(importable.compactMap(\.displayName).joined(separator: ", "))")
        }
        var seg = ServiceEngineGroup()
        seg.name = spec.name
        seg.description = spec.description ?? ""
        seg.reservationType = spec.reservationType ?? "DEDICATED"
        var b = ServiceEngineGroupBacking()
        b.backingId = imp.id
        b.loadBalancerCloudRef = OpenAPIReference(name: cloud.name, id: cloudID)
        seg.serviceEngineGroupBacking = b
        let change = Change(.create, kind: Self.kind, name: spec.name)
        try engine.mutate(change) { try engine.createOnce(exists: { try find(spec.name) != nil }) { try p.change("POST", path, body: seg, what: "import service engine group \(spec.name)") } }
        if engine.isPlan { return Ensured(seg, change, planned: true) }
        guard let created = try find(spec.name) else { throw EngineError("service engine group \(spec.name) was imported but cannot be read back") }
        return Ensured(created, change)
    }

    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name) else { return false }
        let p = try engine.providerSession(for: "removing service engine group \(name)")
        try engine.mutate(Change(.delete, kind: Self.kind, name: name)) { try p.delete("\(path)/\(live.id!)", what: "remove service engine group \(name)") }
        return true
    }
}

/// The service engine groups assigned to one edge gateway. Tenants read them; assigning is a
/// provider operation.
public struct SEGAssignments {
    public static let kind = "SEG assignment"
    public let engine: Engine
    public let gateway: EdgeGateway
    public init(engine: Engine, gateway: EdgeGateway) { self.engine = engine; self.gateway = gateway }

    var path: String { "\(Lookup.prefix)/loadBalancer/serviceEngineGroups/assignments" }

    public func list() throws -> [ServiceEngineGroupAssignment] {
        guard let id = gateway.id else { return [] }
        let all: [ServiceEngineGroupAssignment] = try engine.tenant.list(path, filter: .eq("gatewayRef.id", id))
        return all.filter { $0.gatewayRef?.id == id }
    }

    /// Assignments are named by their service engine group.
    public func find(_ segName: String) throws -> ServiceEngineGroupAssignment? {
        try list().first { $0.serviceEngineGroupRef?.name == segName }
    }

    public func ensure(serviceEngineGroup segName: String, maxVirtualServices: Int?, minVirtualServices: Int?) throws -> Ensured<ServiceEngineGroupAssignment> {
        let scope = gateway.name
        return try engine.withGatewayLock(gateway.id) {
            if let live = try find(segName) {
                // VCD has no update of an assignment's counts in the simulator; report a drift as an error.
                var d = Diff()
                if live.minVirtualServices != nil || minVirtualServices != nil {
                    d.check("maxVirtualServices", maxVirtualServices, live.maxVirtualServices)
                    d.check("minVirtualServices", minVirtualServices, live.minVirtualServices)
                }
                if !d.isEmpty {
                    throw EngineError("SEG assignment \(segName) on \(scope ?? "") differs in \(d.fields.joined(separator: ", "))",
                                      hint: "delete the assignment (serviceEngineGroups.delete(\"\(segName)\")) and run again")
                }
                engine.unchanged(kind: Self.kind, name: segName, scope: scope)
                return Ensured(live, Change(.unchanged, kind: Self.kind, name: segName))
            }
            let p = try engine.providerSession(for: "assigning service engine group \(segName)")
            let seg = try ServiceEngineGroups(engine: engine).find(segName)
            if seg == nil && !engine.isPlan {
                throw EngineError.notFound("no service engine group named \(segName) is imported into VCD", hint: "import it first: cloud.serviceEngineGroups.ensure(name: \"\(segName)\")")
            }
            var a = ServiceEngineGroupAssignment()
            a.gatewayRef = OpenAPIReference(name: gateway.name, id: gateway.id)
            a.serviceEngineGroupRef = OpenAPIReference(name: segName, id: seg?.id)
            if seg?.reservationType != "DEDICATED" {
                a.maxVirtualServices = maxVirtualServices
                a.minVirtualServices = minVirtualServices
            }
            let change = Change(.create, kind: Self.kind, name: segName, scope: scope)
            try engine.mutate(change) { try engine.createOnce(exists: { try find(segName) != nil }) { try p.change("POST", path, body: a, what: "assign \(segName) to \(scope ?? "")") } }
            if engine.isPlan { return Ensured(a, change, planned: true) }
            guard let created = try find(segName) else { throw EngineError("SEG assignment \(segName) was created but cannot be read back") }
            return Ensured(created, change)
        }
    }

    @discardableResult
    public func delete(_ segName: String) throws -> Bool {
        guard let live = try find(segName) else { return false }
        let p = try engine.providerSession(for: "removing the assignment of \(segName)")
        try engine.withGatewayLock(gateway.id) {
            try engine.mutate(Change(.delete, kind: Self.kind, name: segName, scope: gateway.name)) {
                try p.delete("\(path)/\(live.id!)", what: "remove assignment of \(segName)")
            }
        }
        return true
    }
}
