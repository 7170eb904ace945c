import Foundation
import NetAddress
import CloudWire

/// What a gateway should look like. Only the fields that are set are compared.
public struct EdgeGatewaySpec {
    public var name: String
    public var description: String?
    /// The provider gateway (external network) to uplink to; default: the only/first one.
    public var externalNetwork: String?
    /// How many external addresses the gateway should hold (its IP allocation: SNAT, VIPs).
    public var ipCount: Int?
    public init(name: String, description: String? = nil, externalNetwork: String? = nil, ipCount: Int? = nil) {
        self.name = name
        self.description = description
        self.externalNetwork = externalNetwork
        self.ipCount = ipCount
    }
}

/// NSX-T edge gateways (Tier-1) of one VDC. Creating and growing them is a provider operation.
public struct EdgeGateways {
    public static let kind = "edge gateway"
    public let engine: Engine
    public let vdc: Vdc
    public init(engine: Engine, vdc: Vdc) { self.engine = engine; self.vdc = vdc }

    var path: String { "\(Lookup.prefix)/edgeGateways" }

    public func list() throws -> [EdgeGateway] {
        guard let id = vdc.id else { return [] }
        let all: [EdgeGateway] = try engine.tenant.list(path, filter: .eq("ownerRef.id", id))
        return all.filter { ($0.ownerRef?.id ?? $0.orgVdc?.id) == id }
    }

    public func find(_ name: String) throws -> EdgeGateway? {
        guard let id = vdc.id else { return nil }
        return try Lookup.byName(engine.tenant, path, name: name, extra: .eq("ownerRef.id", id)) { $0.name }
    }

    /// Addresses allocated to a gateway (the first 4096).
    public static func allocatedIPs(_ gw: EdgeGateway, limit: Int = 4096) -> [String] {
        var out: [String] = []
        for r in (gw.edgeGatewayUplinks ?? []).flatMap({ $0.subnets?.values ?? [] }).flatMap({ $0.ipRanges?.values ?? [] }) {
            guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= b else { continue }
            for ip in a...b { out.append(IPv4.format(ip)); if out.count >= limit { return out } }
        }
        return out
    }

    /// Allocated addresses as `a-b` ranges (a single address alone).
    public static func ipRanges(_ gw: EdgeGateway) -> [String] {
        let subnets: [EdgeGatewaySubnet] = (gw.edgeGatewayUplinks ?? []).flatMap { $0.subnets?.values ?? [] }
        let ranges: [IPRange] = subnets.flatMap { $0.ipRanges?.values ?? [] }
        return ranges.map { r in r.startAddress == r.endAddress ? r.startAddress : "\(r.startAddress)-\(r.endAddress)" }
    }

    /// The external subnet of the first uplink as `network/prefix` (CAPVCD's `vipSubnet`).
    public static func vipSubnet(_ gw: EdgeGateway) -> String? {
        guard let s = gw.edgeGatewayUplinks?.first?.subnets?.values.first, let g = s.gateway.flatMap(IPv4.parse),
              let p = s.prefixLength, (0...32).contains(p) else { return nil }
        return IPv4CIDR(address: g, prefix: p).networkText
    }

    /// Used addresses (`usedIpAddresses`: primary IP, NAT, VIPs).
    public func usedIPs(_ gw: EdgeGateway) throws -> [GatewayUsedIPAddress] {
        guard let id = gw.id else { return [] }
        return try engine.tenant.list("\(path)/\(id)/usedIpAddresses")
    }

    public func ensure(_ spec: EdgeGatewaySpec) throws -> Ensured<EdgeGateway> {
        let scope = vdc.name
        if let live = try find(spec.name) {
            var d = Diff()
            d.check("description", spec.description, live.description)
            let have = Self.allocatedIPs(live).count
            if let want = spec.ipCount, want > have { d.check("ipCount", want, have) }
            if d.isEmpty {
                engine.unchanged(kind: Self.kind, name: spec.name, scope: scope)
                return Ensured(live, Change(.unchanged, kind: Self.kind, name: spec.name))
            }
            let change = Change(.update, kind: Self.kind, name: spec.name, fields: d.fields, values: d.values, scope: scope)
            var body = live
            body.description = spec.description ?? live.description
            if let want = spec.ipCount, want > have, var up = body.edgeGatewayUplinks, !up.isEmpty {
                up[0].quickAddAllocatedIpCount = want - have
                body.edgeGatewayUplinks = up
            }
            let p = try engine.providerSession(for: "changing edge gateway \(spec.name)")
            try engine.withGatewayLock(live.id) {
                try engine.mutate(change) { try p.change("PUT", "\(path)/\(live.id!)", body: body, what: "update edge gateway \(spec.name)") }
            }
            return Ensured(engine.isPlan ? body : (try find(spec.name) ?? body), change)
        }
        let change = Change(.create, kind: Self.kind, name: spec.name, fields: ["name"], scope: scope)
        var gw = EdgeGateway()
        gw.name = spec.name
        gw.description = spec.description ?? ""
        gw.ownerRef = OpenAPIReference(name: vdc.name, id: vdc.id)
        let p = try engine.providerSession(for: "creating edge gateway \(spec.name)")
        if vdc.id != nil {
            let exts: [ExternalNetwork] = try p.list("\(Lookup.prefix)/externalNetworks")
            let ext: ExternalNetwork
            if let n = spec.externalNetwork { ext = try Lookup.require(exts, n, kind: "provider gateway", scope: "this site") { $0.name } }
            else if let first = exts.first { ext = first }
            else { throw EngineError("the site has no provider gateway (external network) to uplink edge gateway \(spec.name) to", hint: "create a provider gateway on a Tier-0 first") }
            var up = EdgeGatewayUplink()
            up.uplinkId = ext.id
            up.uplinkName = ext.name
            if let s = ext.subnets?.values.first {
                var sub = EdgeGatewaySubnet()
                sub.gateway = s.gateway
                sub.prefixLength = s.prefixLength
                sub.enabled = true
                up.subnets = EdgeGatewaySubnets(values: [sub])
            }
            up.quickAddAllocatedIpCount = spec.ipCount ?? 1
            up.dedicated = false
            gw.edgeGatewayUplinks = [up]
        }
        try engine.mutate(change) { try engine.createOnce(exists: { try find(spec.name) != nil }) { try p.change("POST", path, body: gw, what: "create edge gateway \(spec.name)") } }
        if engine.isPlan { return Ensured(gw, change, planned: true) }
        guard let created = try find(spec.name) else { throw EngineError("edge gateway \(spec.name) was created but cannot be read back") }
        return Ensured(created, change)
    }

    /// Deletes the gateway if it exists (waits for the task). Returns false when there was none.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name) else { return false }
        let p = try engine.providerSession(for: "deleting edge gateway \(name)")
        try engine.withGatewayLock(live.id) {
            try engine.mutate(Change(.delete, kind: Self.kind, name: name, scope: vdc.name)) {
                try p.delete("\(path)/\(live.id!)", what: "delete edge gateway \(name)")
            }
        }
        return true
    }
}
