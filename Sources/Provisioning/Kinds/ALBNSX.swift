import Foundation
import CloudWire
import CloudClient

/// Service engine groups on the NSX ALB controller (the controller side; `ServiceEngineGroups`
/// imports them into VCD). Avi JSON objects.
public struct ALBServiceEngineGroups {
    public static let kind = "ALB service engine group"
    public let engine: Engine
    public init(engine: Engine) { self.engine = engine }

    public func list() throws -> [JSONValue] { try engine.albClient().serviceEngineGroups() }
    public func get(_ name: String) throws -> JSONValue? { try engine.albClient().serviceEngineGroup(named: name) }

    /// Creates the SEG, or sets its `max_se` when it differs. Through the mutation gate.
    @discardableResult
    public func ensure(name: String, maxServiceEngines: Int?) throws -> Ensured<JSONValue> {
        let alb = try engine.albClient()
        if let live = try alb.serviceEngineGroup(named: name) {
            var d = Diff()
            d.check("maxServiceEngines", maxServiceEngines, ALBClient.maxSE(live))
            if d.isEmpty {
                engine.unchanged(kind: Self.kind, name: name)
                return Ensured(live, Change(.unchanged, kind: Self.kind, name: name))
            }
            guard case .object(var body) = live, let uuid = live["uuid"]?.stringValue else { throw EngineError("the controller answered a SEG without uuid") }
            body["max_se"] = maxServiceEngines.map { .int($0) }
            let change = Change(.update, kind: Self.kind, name: name, fields: d.fields, values: d.values)
            let out = try engine.mutate(change) { try alb.updateServiceEngineGroup(uuid: uuid, .object(body)) }
            return Ensured(out ?? .object(body), change, planned: engine.isPlan)
        }
        var body: [String: JSONValue] = ["name": .string(name), "ha_mode": .string("HA_MODE_SHARED")]
        if let m = maxServiceEngines { body["max_se"] = .int(m) }
        let change = Change(.create, kind: Self.kind, name: name)
        var made: JSONValue?
        try engine.mutate(change) {
            try engine.createOnce(exists: { (made = try alb.serviceEngineGroup(named: name)) != nil }) {
                made = try alb.createServiceEngineGroup(.object(body))
            }
        }
        return Ensured(made ?? .object(body), change, planned: engine.isPlan)
    }

    /// Deletes the SEG when it exists (through the mutation gate).
    public func delete(name: String) throws {
        let alb = try engine.albClient()
        guard let live = try alb.serviceEngineGroup(named: name), let uuid = live["uuid"]?.stringValue else { return }
        try engine.mutate(Change(.delete, kind: Self.kind, name: name)) { try alb.deleteServiceEngineGroup(uuid: uuid) }
    }
}

/// Tier-1 gateways of NSX-T (Policy API): route advertisement types.
public struct NSXTier1s {
    public static let kind = "NSX Tier-1 route advertisement"
    public let engine: Engine
    public init(engine: Engine) { self.engine = engine }

    public func list() throws -> [JSONValue] { try engine.nsxClient().tier1s() }

    /// A Tier-1 by display name or Policy id.
    public func get(_ nameOrID: String) throws -> JSONValue? { try engine.nsxClient().tier1(named: nameOrID) }

    /// Sets `route_advertisement_types` (compared as sets) through the mutation gate.
    @discardableResult
    public func ensureRouteAdvertisement(_ t1: JSONValue, types: [String], knownMissing: Bool = false) throws -> Ensured<[String]> {
        let nsx = try engine.nsxClient()
        let id = t1["id"]?.stringValue ?? ""
        let name = t1["display_name"]?.stringValue ?? id
        let live = knownMissing ? [] : try nsx.tier1(id: id).map(NSXClient.routeAdvertisement) ?? NSXClient.routeAdvertisement(t1)
        if !knownMissing && Set(live) == Set(types) {
            engine.unchanged(kind: Self.kind, name: name)
            return Ensured(live, Change(.unchanged, kind: Self.kind, name: name))
        }
        let change = Change(.update, kind: Self.kind, name: name, fields: ["route_advertisement_types"])
        try engine.mutate(change) { try nsx.setRouteAdvertisement(tier1: id, types: types) }
        return Ensured(types, change, planned: engine.isPlan)
    }
}
