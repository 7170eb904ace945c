import Foundation
import CloudWire

/// Orgs (read-only): tenants see their own, the provider sees all.
public struct Orgs {
    public let engine: Engine
    public init(engine: Engine) { self.engine = engine }

    public func list() throws -> [Org] { try engine.readSession.list("\(Lookup.prefix)/orgs") }
    public func find(_ name: String) throws -> Org? {
        try Lookup.byName(engine.readSession, "\(Lookup.prefix)/orgs", name: name) { $0.name }
    }
}

/// The VDCs of one org (read-only).
public struct Vdcs {
    public let engine: Engine
    public let org: Org
    public init(engine: Engine, org: Org) { self.engine = engine; self.org = org }

    public func list() throws -> [Vdc] {
        let all: [Vdc] = try engine.tenant.list("\(Lookup.prefix)/vdcs", filter: org.id.map { .eq("org.id", $0) })
        return all.filter { $0.org?.id == nil || $0.org?.id == org.id }
    }
    public func find(_ name: String) throws -> Vdc? { try list().first { $0.name == name } }
}

/// Compute policies published to one VDC (read-only here; creating them is the provider's job).
public struct ComputePolicies {
    public let engine: Engine
    public let vdc: Vdc
    public init(engine: Engine, vdc: Vdc) { self.engine = engine; self.vdc = vdc }

    public func list() throws -> [VdcComputePolicy] {
        guard let id = vdc.id else { return [] }
        return try engine.tenant.list("\(Lookup.prefix)/vdcs/\(id)/computePolicies")
    }
    public func find(_ name: String) throws -> VdcComputePolicy? { try list().first { $0.name == name } }
}

/// The runtime defined entity types of the site (`/cloudapi/1.0.0/entityTypes`), read-only: CAPVCD's
/// `vmware:capvcdCluster` type must be registered (and visible to the user) before clusters are made.
public struct DefinedEntityTypes {
    public let engine: Engine
    public init(engine: Engine) { self.engine = engine }

    public func list() throws -> [DefinedEntityType] {
        try engine.tenant.list("\(Lookup.prefix)/entityTypes")
    }
}
