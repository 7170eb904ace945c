import Foundation

/// A NAT rule as a runbook states it.
public struct NatRuleSpec {
    public var name: String
    /// SNAT | DNAT | NO_SNAT | NO_DNAT | REFLEXIVE.
    public var type: String?
    public var external: String?
    public var `internal`: String?
    /// DNAT external port.
    public var externalPort: String?
    public var snatDestination: String?
    public var description: String?
    public var enabled: Bool?
    public init(name: String, type: String? = nil, external: String? = nil, internal: String? = nil, externalPort: String? = nil,
                snatDestination: String? = nil, description: String? = nil, enabled: Bool? = nil) {
        self.name = name
        self.type = type
        self.external = external
        self.`internal` = `internal`
        self.externalPort = externalPort
        self.snatDestination = snatDestination
        self.description = description
        self.enabled = enabled
    }
}

/// The NAT rules of one edge gateway (cursor-paged on the wire).
public struct NatRules {
    public static let kind = "NAT rule"
    public let engine: Engine
    public let gateway: EdgeGateway
    public init(engine: Engine, gateway: EdgeGateway) { self.engine = engine; self.gateway = gateway }

    var path: String? { gateway.id.map { "\(Lookup.prefix)/edgeGateways/\($0)/nat/rules" } }

    public func list() throws -> [NatRule] {
        guard let path else { return [] }
        return try engine.tenant.list(path)
    }

    public func find(_ name: String) throws -> NatRule? { try list().first { $0.name == name } }

    static func type(of r: NatRule) -> String? { r.type ?? r.ruleType }

    public func ensure(_ spec: NatRuleSpec) throws -> Ensured<NatRule> {
        let scope = gateway.name
        return try engine.withGatewayLock(gateway.id) {
            if let live = try find(spec.name) {
                var d = Diff()
                d.check("type", spec.type, Self.type(of: live))
                d.check("external", spec.external, live.externalAddresses)
                d.check("internal", spec.`internal`, live.internalAddresses)
                d.check("externalPort", spec.externalPort, live.dnatExternalPort)
                d.check("snatDestination", spec.snatDestination, live.snatDestinationAddresses)
                d.check("description", spec.description, live.description)
                d.check("enabled", spec.enabled, live.enabled)
                if d.isEmpty {
                    engine.unchanged(kind: Self.kind, name: spec.name, scope: scope)
                    return Ensured(live, Change(.unchanged, kind: Self.kind, name: spec.name))
                }
                var body = live
                apply(spec, to: &body)
                let change = Change(.update, kind: Self.kind, name: spec.name, fields: d.fields, scope: scope)
                try engine.mutate(change) { try engine.tenant.change("PUT", "\(path!)/\(live.id!)", body: body, what: "update NAT rule \(spec.name)") }
                return Ensured(engine.isPlan ? body : (try find(spec.name) ?? body), change)
            }
            guard spec.type != nil else {
                throw EngineError("NAT rule \(spec.name) does not exist, and creating it needs type:", hint: "add type: \"SNAT\" or \"DNAT\" with external: and internal:")
            }
            var r = NatRule()
            apply(spec, to: &r)
            let change = Change(.create, kind: Self.kind, name: spec.name, scope: scope)
            if let path {
                try engine.mutate(change) { try engine.createOnce(exists: { try find(spec.name) != nil }) { try engine.tenant.change("POST", path, body: r, what: "create NAT rule \(spec.name)") } }
            } else {
                try engine.mutate(change) { throw EngineError("edge gateway \(gateway.name ?? "") does not exist") }
            }
            if engine.isPlan { return Ensured(r, change, planned: true) }
            guard let created = try find(spec.name) else { throw EngineError("NAT rule \(spec.name) was created but cannot be read back") }
            return Ensured(created, change)
        }
    }

    private func apply(_ s: NatRuleSpec, to r: inout NatRule) {
        r.name = s.name
        if let t = s.type { r.ruleType = t == "REFLEXIVE" ? nil : t; r.type = t }
        if let x = s.external { r.externalAddresses = x }
        if let x = s.`internal` { r.internalAddresses = x }
        if let x = s.externalPort { r.dnatExternalPort = x }
        if let x = s.snatDestination { r.snatDestinationAddresses = x }
        if let x = s.description { r.description = x }
        if let x = s.enabled { r.enabled = x }
    }

    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name), let path else { return false }
        try engine.withGatewayLock(gateway.id) {
            try engine.mutate(Change(.delete, kind: Self.kind, name: name, scope: gateway.name)) {
                try engine.tenant.delete("\(path)/\(live.id!)", what: "delete NAT rule \(name)")
            }
        }
        return true
    }
}
