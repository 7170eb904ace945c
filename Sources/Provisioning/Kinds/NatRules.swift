import Foundation
import NetAddress
import CloudWire

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
    /// DNAT: the port on the internal address (VCD's `internalPort`).
    public var internalPort: String?
    /// An application port profile by name (the tenant's, else a system one): the traffic the rule matches.
    public var application: String?
    /// MATCH_INTERNAL_ADDRESS | MATCH_EXTERNAL_ADDRESS | BYPASS.
    public var firewallMatch: String?
    public var priority: Int?
    public var logging: Bool?
    public init(name: String, type: String? = nil, external: String? = nil, internal: String? = nil, externalPort: String? = nil,
                snatDestination: String? = nil, description: String? = nil, enabled: Bool? = nil, internalPort: String? = nil,
                application: String? = nil, firewallMatch: String? = nil, priority: Int? = nil, logging: Bool? = nil) {
        self.internalPort = internalPort
        self.application = application
        self.firewallMatch = firewallMatch
        self.priority = priority
        self.logging = logging
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

    static let types: Set<String> = ["SNAT", "DNAT", "NO_SNAT", "NO_DNAT", "REFLEXIVE"]
    static let firewallMatches: Set<String> = ["MATCH_INTERNAL_ADDRESS", "MATCH_EXTERNAL_ADDRESS", "BYPASS"]

    /// What VCD would refuse, said before anything is sent (and under `--plan`).
    static func validate(_ spec: NatRuleSpec) throws {
        let n = spec.name
        if let t = spec.type, !types.contains(t) {
            throw EngineError("NAT rule \(n): type \"\(t)\" is not one of \(types.sorted().joined(separator: ", "))")
        }
        // A value known only after apply (plan mode) is checked when it is known.
        for (field, value) in [("external", spec.external), ("internal", spec.`internal`), ("snatDestination", spec.snatDestination)] {
            guard let v = value, !v.isEmpty, !v.contains(knownAfterApply) else { continue }
            if let colon = v.lastIndex(of: ":"), IPv4.parse(String(v[..<colon])) != nil {
                let port = String(v[v.index(after: colon)...])
                throw EngineError("NAT rule \(n): \(field): \"\(v)\" carries a port; VCD takes addresses there",
                                  hint: field == "internal" ? "write internal: \"\(v[..<colon])\", internalPort: \(port)" : "write \(field): \"\(v[..<colon])\", externalPort: \(port)")
            }
            let ok = v.split(separator: ",").allSatisfy { part in
                let x = part.trimmingCharacters(in: .whitespaces)
                return IPv4.parse(x) != nil || IPv4.parseCIDR(x) != nil || (try? IPv4Range(x)) != nil
            }
            if !ok { throw EngineError("NAT rule \(n): \(field): \"\(v)\" is not an IPv4 address, CIDR or range (a.b.c.d, a.b.c.0/24, a.b.c.d-a.b.c.e)") }
        }
        for (field, value) in [("externalPort", spec.externalPort), ("internalPort", spec.internalPort)] {
            guard let v = value, !v.isEmpty, !v.contains(knownAfterApply) else { continue }
            let parts = v.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil && (1...65535).contains($0!) }), parts.count == 1 || parts[0]! <= parts[1]! else {
                throw EngineError("NAT rule \(n): \(field): \"\(v)\" is not a port (1-65535) or a range of ports (8000-8080)")
            }
        }
        if let f = spec.firewallMatch, !firewallMatches.contains(f) {
            throw EngineError("NAT rule \(n): firewallMatch \"\(f)\" is not one of \(firewallMatches.sorted().joined(separator: ", "))")
        }
        if spec.internalPort != nil, let t = spec.type, t != "DNAT" {
            throw EngineError("NAT rule \(n): internalPort is for DNAT rules, not \(t)")
        }
    }

    /// The application port profile named `name`: the tenant's own (its org) first, then a system one.
    func profile(_ name: String) throws -> OpenAPIReference {
        let all: [ApplicationPortProfile] = try engine.tenant.list("\(Lookup.prefix)/applicationPortProfiles", filter: .eq("name", name))
        let byScope = all.filter { $0.name == name }.sorted { ($0.scope == "TENANT" ? 0 : 1) < ($1.scope == "TENANT" ? 0 : 1) }
        guard let p = byScope.first, let id = p.id else {
            throw EngineError("there is no application port profile \(name)", hint: "system ones include SSH, HTTP, HTTPS; a tenant one is made in VCD under Security > Application Port Profiles")
        }
        return OpenAPIReference(name: p.name, id: id)
    }

    public func ensure(_ spec: NatRuleSpec) throws -> Ensured<NatRule> {
        try Self.validate(spec)
        let scope = gateway.name
        let app = try spec.application.map { try profile($0) }
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
                d.check("internalPort", spec.internalPort, live.internalPort)
                d.check("application", app?.id, live.applicationPortProfile?.id)
                d.check("firewallMatch", spec.firewallMatch, live.firewallMatch)
                d.check("priority", spec.priority, live.priority)
                d.check("logging", spec.logging, live.logging)
                if d.isEmpty {
                    engine.unchanged(kind: Self.kind, name: spec.name, scope: scope)
                    return Ensured(live, Change(.unchanged, kind: Self.kind, name: spec.name))
                }
                var body = live
                apply(spec, app, to: &body)
                let change = Change(.update, kind: Self.kind, name: spec.name, fields: d.fields, values: d.values, scope: scope)
                try engine.mutate(change) { try engine.tenant.change("PUT", "\(path!)/\(live.id!)", body: body, what: "update NAT rule \(spec.name)") }
                return Ensured(engine.isPlan ? body : (try find(spec.name) ?? body), change)
            }
            guard spec.type != nil else {
                throw EngineError("NAT rule \(spec.name) does not exist, and creating it needs type:", hint: "add type: \"SNAT\" or \"DNAT\" with external: and internal:")
            }
            var r = NatRule()
            apply(spec, app, to: &r)
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

    private func apply(_ s: NatRuleSpec, _ app: OpenAPIReference?, to r: inout NatRule) {
        if let x = s.internalPort { r.internalPort = x }
        if let x = app { r.applicationPortProfile = x }
        if let x = s.firewallMatch { r.firewallMatch = x }
        if let x = s.priority { r.priority = x }
        if let x = s.logging { r.logging = x }
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
