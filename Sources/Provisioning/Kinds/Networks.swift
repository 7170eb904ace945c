import Foundation
import NetAddress
import CloudWire

public struct NetworkSpec {
    public var name: String
    /// The edge gateway a routed network hangs off (nil: isolated).
    public var gateway: EdgeGateway?
    /// `gateway-address/prefix`, e.g. `10.0.10.1/24`.
    public var cidr: String?
    /// Static pool ranges `a-b`.
    public var pool: [String]?
    public var dns: [String]?
    public var dnsSuffix: String?
    public var description: String?
    public init(name: String, gateway: EdgeGateway? = nil, cidr: String? = nil, pool: [String]? = nil, dns: [String]? = nil,
                dnsSuffix: String? = nil, description: String? = nil) {
        self.name = name
        self.gateway = gateway
        self.cidr = cidr
        self.pool = pool
        self.dns = dns
        self.dnsSuffix = dnsSuffix
        self.description = description
    }
}

/// Org VDC networks (segments) of one VDC.
public struct Networks {
    public static let kind = "network"
    public let engine: Engine
    public let vdc: Vdc
    public init(engine: Engine, vdc: Vdc) { self.engine = engine; self.vdc = vdc }

    var path: String { "\(Lookup.prefix)/orgVdcNetworks" }

    public func list() throws -> [OrgVdcNetwork] {
        guard let id = vdc.id else { return [] }
        let all: [OrgVdcNetwork] = try engine.tenant.list(path, filter: .eq("ownerRef.id", id), maxPageSize: 32)
        return all.filter { ($0.ownerRef?.id ?? $0.orgVdc?.id) == id }
    }

    public func find(_ name: String) throws -> OrgVdcNetwork? {
        guard let id = vdc.id else { return nil }
        return try Lookup.byName(engine.tenant, path, name: name, extra: .eq("ownerRef.id", id), maxPageSize: 32) { $0.name }
    }

    /// `10.0.10.1/24` of a network.
    public static func cidr(_ n: OrgVdcNetwork) -> String? {
        guard let s = n.subnets?.values.first, let g = s.gateway, let p = s.prefixLength else { return nil }
        return "\(g)/\(p)"
    }

    static func ranges(_ n: OrgVdcNetwork) -> [String] {
        (n.subnets?.values.first?.ipRanges?.values ?? []).map { "\($0.startAddress)-\($0.endAddress)" }
    }

    static func dns(_ n: OrgVdcNetwork) -> [String] {
        guard let s = n.subnets?.values.first else { return [] }
        return [s.dnsServer1, s.dnsServer2].compactMap { $0 }.filter { !$0.isEmpty }
    }

    func normalizedPool(_ pool: [String]) throws -> [String] {
        try pool.map { p in
            guard let r = try? IPv4Range(p) else { throw EngineError("invalid pool range \(p)", hint: "write it as \"10.0.10.10-10.0.10.100\"") }
            return "\(IPv4.format(r.first))-\(IPv4.format(r.last))"
        }
    }

    public func ensure(_ spec: NetworkSpec) throws -> Ensured<OrgVdcNetwork> {
        let scope = vdc.name
        if let c = spec.cidr, IPv4.parseCIDR(c) == nil {
            throw EngineError("invalid cidr \(c) for network \(spec.name)", hint: "give the gateway address and prefix, e.g. \"10.0.10.1/24\"")
        }
        let pool = try spec.pool.map(normalizedPool)
        return try engine.withGatewayLock(spec.gateway?.id) {
            if let live = try find(spec.name) {
                var d = Diff()
                d.check("cidr", spec.cidr, Self.cidr(live))
                d.check("pool", pool, Self.ranges(live))
                d.check("dns", spec.dns, Self.dns(live))
                d.check("dnsSuffix", spec.dnsSuffix, live.subnets?.values.first?.dnsSuffix)
                d.check("description", spec.description, live.description)
                if let g = spec.gateway, live.connection?.routerRef?.id != g.id || g.id == nil {
                    throw EngineError("network \(spec.name) is connected to \(live.connection?.routerRef?.name ?? "no gateway"), not \(g.name ?? "?")",
                                      hint: "a network cannot move to another gateway; delete it first or use another name")
                }
                if d.isEmpty {
                    engine.unchanged(kind: Self.kind, name: spec.name, scope: scope)
                    return Ensured(live, Change(.unchanged, kind: Self.kind, name: spec.name))
                }
                var body = live
                apply(spec, pool: pool, to: &body)
                try refuseWhatVCDRefuses(body, replacing: live.id, gateway: live.connection?.routerRef)
                let change = Change(.update, kind: Self.kind, name: spec.name, fields: d.fields, values: d.values, scope: scope)
                try engine.mutate(change) { try engine.tenant.change("PUT", "\(path)/\(live.id!)", body: body, what: "update network \(spec.name)") }
                return Ensured(engine.isPlan ? body : (try find(spec.name) ?? body), change)
            }
            guard spec.cidr != nil else {
                throw EngineError("network \(spec.name) does not exist, and creating it needs cidr:", hint: "add cidr: \"10.0.10.1/24\" (gateway address/prefix)")
            }
            var n = OrgVdcNetwork()
            n.ownerRef = OpenAPIReference(name: vdc.name, id: vdc.id)
            if let g = spec.gateway {
                n.networkType = "NAT_ROUTED"
                var conn = NetworkConnection()
                conn.routerRef = OpenAPIReference(name: g.name, id: g.id)
                conn.connectionType = "INTERNAL"
                n.connection = conn
            } else {
                n.networkType = "ISOLATED"
            }
            apply(spec, pool: pool, to: &n)
            try refuseWhatVCDRefuses(n, replacing: nil, gateway: n.connection?.routerRef)
            let change = Change(.create, kind: Self.kind, name: spec.name, scope: scope)
            try engine.mutate(change) { try engine.createOnce(exists: { try find(spec.name) != nil }) { try engine.tenant.change("POST", path, body: n, what: "create network \(spec.name)") } }
            if engine.isPlan { return Ensured(n, change, planned: true) }
            guard let created = try find(spec.name) else { throw EngineError("network \(spec.name) was created but cannot be read back") }
            return Ensured(created, change)
        }
    }

    /// Refuses, before anything is sent, what VCD would refuse in `n` (`OrgVdcNetworkRules`: the
    /// subnet and its pools, an overlap with another network of the gateway), in the site's words:
    /// apply and --plan stop at the same place with the same message. A gateway still to be
    /// created (plan mode) has no networks to overlap.
    func refuseWhatVCDRefuses(_ n: OrgVdcNetwork, replacing: String?, gateway: OpenAPIReference?) throws {
        let hint = "VCD refuses this (400 BAD_REQUEST); nothing was sent"
        for s in n.subnets?.values ?? [] {
            if let p = OrgVdcNetworkRules.subnetProblem(s) { throw EngineError("network \(n.name ?? ""): \(p)", hint: hint) }
            guard let gid = gateway?.id else { continue }
            // A network this plan deletes first is no obstacle.
            let deleted = Set(engine.isPlan ? engine.changes.filter { $0.kind == Self.kind && $0.action == .delete }.map(\.name) : [])
            let others = try list().filter { $0.id != replacing && $0.connection?.routerRef?.id == gid && !deleted.contains($0.name ?? "") }
                .map { (name: $0.name ?? "", subnets: $0.subnets?.values ?? []) }
            if let p = OrgVdcNetworkRules.overlapProblem(s, others: others, edgeGateway: gateway?.name ?? gid) {
                throw EngineError("network \(n.name ?? ""): \(p)", hint: hint)
            }
        }
    }

    private func apply(_ s: NetworkSpec, pool: [String]?, to n: inout OrgVdcNetwork) {
        n.name = s.name
        if let x = s.description { n.description = x }
        var sub = n.subnets?.values.first ?? NetworkSubnet()
        if let c = s.cidr, let (g, p) = IPv4.parseCIDR(c) { sub.gateway = IPv4.format(g); sub.prefixLength = p }
        if let pool {
            sub.ipRanges = IPRanges(values: pool.compactMap { try? IPv4Range($0) }.map { IPRange(startAddress: IPv4.format($0.first), endAddress: IPv4.format($0.last)) })
        }
        if let dns = s.dns { sub.dnsServer1 = dns.first ?? ""; sub.dnsServer2 = dns.count > 1 ? dns[1] : "" }
        if let x = s.dnsSuffix { sub.dnsSuffix = x }
        n.subnets = NetworkSubnets(values: [sub])
    }

    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name) else { return false }
        try engine.withGatewayLock(live.connection?.routerRef?.id) {
            try engine.mutate(Change(.delete, kind: Self.kind, name: name, scope: vdc.name)) {
                try engine.tenant.delete("\(path)/\(live.id!)", what: "delete network \(name)")
            }
        }
        return true
    }
}
