import Foundation
import NetAddress
import CloudWire

public struct PoolSpec {
    public var name: String
    /// Member addresses (`ip` or `ip:port`).
    public var members: [String]?
    public var port: Int?
    public var algorithm: String?
    public var description: String?
    /// Whether the pool takes traffic (`enabled`).
    public var enabled: Bool?
    /// Active health monitors, by type: HTTP, HTTPS, TCP, UDP, PING (`healthMonitors`).
    public var healthMonitors: [String]?
    /// Session persistence: CLIENT_IP, HTTP_COOKIE, CUSTOM_HTTP_HEADER, APP_COOKIE, TLS (`persistenceProfile.type`).
    public var persistence: String?
    /// The cookie or header name of HTTP_COOKIE, CUSTOM_HTTP_HEADER and APP_COOKIE persistence (`persistenceProfile.value`).
    public var persistenceValue: String?
    /// Minutes a disabled member keeps its connections: -1 for ever, 0 none (`gracefulTimeoutPeriod`).
    public var gracefulTimeoutMinutes: Int?
    /// Members marked down on failed connections seen in live traffic (`passiveMonitoringEnabled`).
    public var passiveMonitoring: Bool?
    public init(name: String, members: [String]? = nil, port: Int? = nil, algorithm: String? = nil, description: String? = nil,
                enabled: Bool? = nil, healthMonitors: [String]? = nil, persistence: String? = nil, persistenceValue: String? = nil,
                gracefulTimeoutMinutes: Int? = nil, passiveMonitoring: Bool? = nil) {
        self.name = name
        self.members = members
        self.port = port
        self.algorithm = algorithm
        self.description = description
        self.enabled = enabled
        self.healthMonitors = healthMonitors
        self.persistence = persistence
        self.persistenceValue = persistenceValue
        self.gracefulTimeoutMinutes = gracefulTimeoutMinutes
        self.passiveMonitoring = passiveMonitoring
    }
}

/// Load balancer pools of one edge gateway.
public struct LoadBalancerPools {
    public static let kind = "pool"
    public let engine: Engine
    public let gateway: EdgeGateway
    public init(engine: Engine, gateway: EdgeGateway) { self.engine = engine; self.gateway = gateway }

    var path: String { "\(Lookup.prefix)/loadBalancer/pools" }

    /// Pool summaries (no members); `get` reads one in full.
    public func list() throws -> [LoadBalancerPool] {
        guard let id = gateway.id else { return [] }
        return try engine.tenant.list("\(Lookup.prefix)/edgeGateways/\(id)/loadBalancer/poolSummaries")
    }

    public func find(_ name: String) throws -> LoadBalancerPool? {
        guard let s = try list().first(where: { $0.name == name }), let id = s.id else { return nil }
        return try engine.tenant.get("\(path)/\(id)")
    }

    static func members(_ spec: [String], port: Int?) -> [PoolMember] {
        spec.map { m in
            var pm = PoolMember()
            let parts = m.split(separator: ":")
            pm.ipAddress = String(parts[0])
            pm.port = parts.count > 1 ? Int(parts[1]) : port
            return pm
        }
    }

    static func memberText(_ ms: [PoolMember]?) -> [String] {
        (ms ?? []).map { m in "\(m.ipAddress ?? ""):\(m.port ?? 0)" }.sorted()
    }

    public func ensure(_ spec: PoolSpec) throws -> Ensured<LoadBalancerPool> {
        let scope = gateway.name
        try LoadBalancerRules.check(spec)
        return try engine.withGatewayLock(gateway.id) {
            if let live = try find(spec.name) {
                var d = Diff()
                d.check("algorithm", spec.algorithm, live.algorithm)
                d.check("port", spec.port, live.defaultPort)
                d.check("description", spec.description, live.description)
                d.check("enabled", spec.enabled, live.enabled)
                d.check("healthMonitors", spec.healthMonitors.map { $0.map { $0.uppercased() }.sorted() }, (live.healthMonitors ?? []).compactMap(\.type).sorted())
                d.check("persistence", spec.persistence?.uppercased(), live.persistenceProfile?.type)
                d.check("persistenceValue", spec.persistenceValue, live.persistenceProfile?.value)
                d.check("gracefulTimeout", spec.gracefulTimeoutMinutes, live.gracefulTimeoutPeriod)
                d.check("passiveMonitoring", spec.passiveMonitoring, live.passiveMonitoringEnabled)
                if let m = spec.members {
                    d.check("members", Self.memberText(Self.members(m, port: spec.port ?? live.defaultPort)), Self.memberText(live.members))
                }
                if d.isEmpty {
                    engine.unchanged(kind: Self.kind, name: spec.name, scope: scope)
                    return Ensured(live, Change(.unchanged, kind: Self.kind, name: spec.name))
                }
                var body = live
                apply(spec, to: &body)
                try LoadBalancerRules.checkPersistence(body)
                let change = Change(.update, kind: Self.kind, name: spec.name, fields: d.fields, values: d.values, scope: scope)
                try engine.mutate(change) { try engine.tenant.change("PUT", "\(path)/\(live.id!)", body: body, what: "update pool \(spec.name)") }
                return Ensured(engine.isPlan ? body : (try find(spec.name) ?? body), change)
            }
            var p = LoadBalancerPool()
            p.gatewayRef = OpenAPIReference(name: gateway.name, id: gateway.id)
            apply(spec, to: &p)
            try LoadBalancerRules.checkPersistence(p)
            let change = Change(.create, kind: Self.kind, name: spec.name, scope: scope)
            try engine.mutate(change) { try engine.createOnce(exists: { try find(spec.name) != nil }) { try engine.tenant.change("POST", path, body: p, what: "create pool \(spec.name)") } }
            if engine.isPlan { return Ensured(p, change, planned: true) }
            guard let created = try find(spec.name) else { throw EngineError("pool \(spec.name) was created but cannot be read back") }
            return Ensured(created, change)
        }
    }

    private func apply(_ s: PoolSpec, to p: inout LoadBalancerPool) {
        p.name = s.name
        if let x = s.algorithm { p.algorithm = x }
        if let x = s.port { p.defaultPort = x }
        if let x = s.description { p.description = x }
        if let m = s.members { p.members = Self.members(m, port: s.port ?? p.defaultPort) }
        if let x = s.enabled { p.enabled = x }
        if let x = s.healthMonitors { p.healthMonitors = x.map { PoolHealthMonitor(type: $0.uppercased(), systemDefined: true) } }
        if s.persistence != nil || s.persistenceValue != nil {
            var pp = p.persistenceProfile ?? PoolPersistenceProfile()
            if let t = s.persistence { pp.type = t.uppercased() }
            if let v = s.persistenceValue { pp.value = v }
            p.persistenceProfile = pp
        }
        if let x = s.gracefulTimeoutMinutes { p.gracefulTimeoutPeriod = x }
        if let x = s.passiveMonitoring { p.passiveMonitoringEnabled = x }
    }

    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name) else { return false }
        try engine.withGatewayLock(gateway.id) {
            try engine.mutate(Change(.delete, kind: Self.kind, name: name, scope: gateway.name)) {
                try engine.tenant.delete("\(path)/\(live.id!)", what: "delete pool \(name)")
            }
        }
        return true
    }
}

public struct VirtualServiceSpec {
    public var name: String
    public var pool: String?
    /// The SEG to run on (default: the first one assigned to the gateway).
    public var serviceEngineGroup: String?
    public var vip: String?
    public var port: Int?
    /// HTTP | HTTPS | L4 | L4_TLS.
    public var type: String?
    public var enabled: Bool?
    public var description: String?
    /// Service ports, each `80` or a range `"8000-8010"` (`servicePorts`); replaces `port` when given.
    public var ports: [String]?
    /// The certificate library item an HTTPS or L4_TLS service presents (`certificateRef`), by name.
    public var certificate: String?
    public init(name: String, pool: String? = nil, serviceEngineGroup: String? = nil, vip: String? = nil, port: Int? = nil,
                type: String? = nil, enabled: Bool? = nil, description: String? = nil, ports: [String]? = nil, certificate: String? = nil) {
        self.name = name
        self.pool = pool
        self.serviceEngineGroup = serviceEngineGroup
        self.vip = vip
        self.port = port
        self.type = type
        self.enabled = enabled
        self.description = description
        self.ports = ports
        self.certificate = certificate
    }
}

/// Virtual services of one edge gateway.
public struct VirtualServices {
    public static let kind = "virtual service"
    public let engine: Engine
    public let gateway: EdgeGateway
    public init(engine: Engine, gateway: EdgeGateway) { self.engine = engine; self.gateway = gateway }

    var path: String { "\(Lookup.prefix)/loadBalancer/virtualServices" }

    public func list() throws -> [VirtualService] {
        guard let id = gateway.id else { return [] }
        return try engine.tenant.list("\(Lookup.prefix)/edgeGateways/\(id)/loadBalancer/virtualServiceSummaries")
    }

    public func find(_ name: String) throws -> VirtualService? {
        guard let s = try list().first(where: { $0.name == name }), let id = s.id else { return nil }
        return try engine.tenant.get("\(path)/\(id)")
    }

    public func ensure(_ spec: VirtualServiceSpec) throws -> Ensured<VirtualService> {
        let scope = gateway.name
        let ports = try LoadBalancerRules.check(spec)
        return try engine.withGatewayLock(gateway.id) {
            let certificate = try spec.certificate.map { try certificateRef($0) }
            let pools = LoadBalancerPools(engine: engine, gateway: gateway)
            let poolRef: OpenAPIReference? = try spec.pool.map { name in
                if let p = try pools.list().first(where: { $0.name == name }) { return OpenAPIReference(name: name, id: p.id) }
                if engine.isPlan { return OpenAPIReference(name: name, id: nil) }
                throw EngineError.notFound("no pool named \(name) on edge gateway \(scope ?? "")", hint: "create it first: gw.pools.ensure(name: \"\(name)\", members: [...])")
            }
            if let live = try find(spec.name) {
                var d = Diff()
                d.check("pool", poolRef?.name, live.loadBalancerPoolRef?.name)
                d.check("vip", spec.vip, live.virtualIpAddress)
                if let ports {
                    d.check("ports", ports.map(\.text), (live.servicePorts ?? []).map { LoadBalancerRules.PortRange($0).text })
                } else {
                    d.check("port", spec.port, live.servicePorts?.first?.portStart)
                }
                d.check("type", spec.type, live.applicationProfile?.type)
                d.check("enabled", spec.enabled, live.enabled)
                d.check("description", spec.description, live.description)
                d.check("certificate", certificate?.name, live.certificateRef?.name)
                if d.isEmpty {
                    engine.unchanged(kind: Self.kind, name: spec.name, scope: scope)
                    return Ensured(live, Change(.unchanged, kind: Self.kind, name: spec.name))
                }
                var body = live
                apply(spec, pool: poolRef, ports: ports, certificate: certificate, to: &body)
                if d.fields.contains("vip") { try refuseWhatVCDRefuses(vip: spec.vip, name: spec.name) }
                let change = Change(.update, kind: Self.kind, name: spec.name, fields: d.fields, values: d.values, scope: scope)
                try engine.mutate(change) { try engine.tenant.change("PUT", "\(path)/\(live.id!)", body: body, what: "update virtual service \(spec.name)") }
                return Ensured(engine.isPlan ? body : (try find(spec.name) ?? body), change)
            }
            try refuseWhatVCDRefuses(vip: spec.vip, name: spec.name)
            let assigned = try SEGAssignments(engine: engine, gateway: gateway).list()
            let seg = spec.serviceEngineGroup.flatMap { n in assigned.first { $0.serviceEngineGroupRef?.name == n } } ?? assigned.first
            if seg == nil && !engine.isPlan {
                throw EngineError.notFound("no service engine group is assigned to edge gateway \(scope ?? "")",
                                  hint: "assign one first: gw.serviceEngineGroups.ensure(name: \"seg-tenant\") (provider)")
            }
            var vs = VirtualService()
            vs.gatewayRef = OpenAPIReference(name: gateway.name, id: gateway.id)
            vs.serviceEngineGroupRef = seg?.serviceEngineGroupRef ?? spec.serviceEngineGroup.map { OpenAPIReference(name: $0) }
            vs.enabled = true
            apply(spec, pool: poolRef, ports: ports, certificate: certificate, to: &vs)
            let change = Change(.create, kind: Self.kind, name: spec.name, scope: scope)
            try engine.mutate(change) { try engine.createOnce(exists: { try find(spec.name) != nil }) { try engine.tenant.change("POST", path, body: vs, what: "create virtual service \(spec.name)") } }
            if engine.isPlan { return Ensured(vs, change, planned: true) }
            guard let created = try find(spec.name) else { throw EngineError("virtual service \(spec.name) was created but cannot be read back") }
            return Ensured(created, change)
        }
    }

    /// Refuses, before anything is sent, a VIP VCD would refuse (`VirtualServiceRules`: no
    /// address, outside the gateway's allocated block, inside one of its networks), in the site's
    /// words, in apply and under --plan alike. The gateway is read as it is now. Not judged here:
    /// a VIP on a gateway with IP spaces (the org's floating IPs decide), a gateway still to be
    /// created, or one this plan changes first (its block may grow).
    func refuseWhatVCDRefuses(vip: String?, name: String) throws {
        guard let vip, !vip.contains(knownAfterApply), let gid = gateway.id else { return }
        let hint = "VCD refuses this (400 BAD_REQUEST); nothing was sent"
        guard IPv4.parse(vip) != nil else { throw EngineError("virtual service \(name): Invalid virtual IP address \(vip).", hint: hint) }
        if engine.isPlan && engine.changes.contains(where: { $0.kind == EdgeGateways.kind && $0.name == gateway.name && $0.action == .update }) { return }
        let live: EdgeGateway = try engine.tenant.get("\(Lookup.prefix)/edgeGateways/\(gid)")
        if live.usingIpSpace == true { return }
        let nets: [OrgVdcNetwork] = try engine.tenant.list("\(Lookup.prefix)/orgVdcNetworks", filter: .eq("connection.routerRef.id", gid), maxPageSize: 32)
        let networks = nets.filter { $0.connection?.routerRef?.id == gid }.map { (name: $0.name ?? "", subnets: $0.subnets?.values ?? []) }
        if let p = VirtualServiceRules.vipProblem(vip, gateway: live, gatewayName: live.name ?? gateway.name ?? gid, networks: networks) {
            throw EngineError("virtual service \(name): \(p)", hint: hint)
        }
    }

    private func apply(_ s: VirtualServiceSpec, pool: OpenAPIReference?, ports: [LoadBalancerRules.PortRange]?, certificate: OpenAPIReference?,
                       to v: inout VirtualService) {
        v.name = s.name
        if let pool { v.loadBalancerPoolRef = pool }
        if let x = s.vip { v.virtualIpAddress = x }
        if let x = s.enabled { v.enabled = x }
        if let x = s.description { v.description = x }
        if let certificate { v.certificateRef = certificate }
        if let t = s.type ?? (v.applicationProfile == nil ? "L4" : nil) {
            v.applicationProfile = ApplicationProfile(name: t == "L4" ? "System-L4-Application" : "System-\(t)", type: t, systemDefined: true)
        }
        // TLS is terminated on every port of an HTTPS or L4_TLS service.
        let tls = ["HTTPS", "L4_TLS"].contains(v.applicationProfile?.type ?? "")
        let wanted = ports ?? s.port.map { [LoadBalancerRules.PortRange(start: $0, end: $0)] }
        if let wanted {
            v.servicePorts = wanted.map { r in
                var sp = ServicePort()
                sp.portStart = r.start
                sp.portEnd = r.end
                sp.sslEnabled = tls
                return sp
            }
        }
    }

    /// The certificate library item named `name`, as a reference (in plan mode, a name that may be made by then).
    private func certificateRef(_ name: String) throws -> OpenAPIReference {
        /// The two fields of a certificate library item this needs (never its PEM).
        struct Item: Decodable { var id: String?; var alias: String? }
        let items: [Item] = try engine.tenant.list("\(Lookup.prefix)/ssl/certificateLibrary", filter: .eq("alias", name))
        if let c = items.first(where: { $0.alias == name }) { return OpenAPIReference(name: name, id: c.id) }
        if engine.isPlan { return OpenAPIReference(name: name, id: nil) }
        throw EngineError.notFound("no certificate named \(name) in the certificate library of org \(engine.tenant.credentials.org)",
                          hint: "import it first (VCD: Administration, Certificate Management, Certificate Library), then name it by its alias")
    }

    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name) else { return false }
        try engine.withGatewayLock(gateway.id) {
            try engine.mutate(Change(.delete, kind: Self.kind, name: name, scope: gateway.name)) {
                try engine.tenant.delete("\(path)/\(live.id!)", what: "delete virtual service \(name)")
            }
        }
        return true
    }
}
