import Foundation
import CloudWire
import Provisioning
import VCDScript

/// Builds the collections of each parent object.
enum Objects {
    static func get(_ collection: Value, _ name: String, _ ctx: CallContext) throws -> Value {
        guard case .object(let o) = collection, let c = o as? CloudCollection else { return .null }
        return try c.get(name, ctx: ctx)
    }

    static func orgs(_ e: Engine) -> Value {
        let k = Orgs(engine: e)
        return .object(CloudCollection(type: Types.orgs, elementKind: "org", scope: "this site",
            list: { try k.list().map { .object(Ref(Types.org, engine: e, value: $0)) } },
            find: { n in try k.find(n).map { .object(Ref(Types.org, engine: e, value: $0)) } }))
    }

    static func vdcs(_ e: Engine, _ org: Org) -> Value {
        let k = Vdcs(engine: e, org: org)
        return .object(CloudCollection(type: Types.vdcs, elementKind: "VDC", scope: "org \(org.name ?? "")",
            list: { try k.list().map { .object(Ref(Types.vdc, engine: e, value: $0)) } }))
    }

    static func gateways(_ e: Engine, _ vdc: Vdc) -> Value {
        let k = EdgeGateways(engine: e, vdc: vdc)
        let wrap = { (g: EdgeGateway, planned: Bool) -> Value in .object(Ref(Types.gateway, engine: e, value: g, planned: planned, vdc: vdc)) }
        return .object(CloudCollection(type: Types.gateways, elementKind: "edge gateway", scope: "VDC \(vdc.name ?? "")",
            list: { try k.list().map { wrap($0, false) } },
            find: { n in try k.find(n).map { wrap($0, false) } },
            ensure: { a in
                let r = try k.ensure(EdgeGatewaySpec(name: try a.string(0), description: try a.optString("description"),
                                                     externalNetwork: try a.optString("externalNetwork"), ipCount: try a.optInt("ipCount")))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) }))
    }

    static func natRules(_ e: Engine, _ gw: EdgeGateway) -> Value {
        let k = NatRules(engine: e, gateway: gw)
        let wrap = { (x: NatRule, planned: Bool) -> Value in .object(Ref(Types.natRule, engine: e, value: x, planned: planned, gateway: gw)) }
        return .object(CloudCollection(type: Types.natRules, elementKind: "NAT rule", scope: "edge gateway \(gw.name ?? "")",
            list: { try k.list().map { wrap($0, false) } },
            ensure: { a in
                let r = try k.ensure(NatRuleSpec(name: try a.string(0), type: try a.optString("type"), external: try a.optString("external"),
                                                 internal: try a.optString("internal"), externalPort: try portText(a, "externalPort"),
                                                 snatDestination: try a.optString("snatDestination"), description: try a.optString("description"),
                                                 enabled: try a.optBool("enabled"), internalPort: try portText(a, "internalPort"),
                                                 application: try a.optString("application"), firewallMatch: try a.optString("firewallMatch"),
                                                 priority: try a.optInt("priority"), logging: try a.optBool("logging")))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) }))
    }

    /// A port given as 6443 or "6443" or "8000-8080".
    static func portText(_ a: Arguments, _ name: String) throws -> String? {
        if case .int(let i) = a[name] { return String(i) }
        return try a.optString(name)
    }

    static func segAssignments(_ e: Engine, _ gw: EdgeGateway) -> Value {
        let k = SEGAssignments(engine: e, gateway: gw)
        let wrap = { (x: ServiceEngineGroupAssignment, planned: Bool) -> Value in .object(Ref(Types.segAssignment, engine: e, value: x, planned: planned, gateway: gw)) }
        return .object(CloudCollection(type: Types.segAssignments, elementKind: "SEG assignment", scope: "edge gateway \(gw.name ?? "")",
            list: { try k.list().map { wrap($0, false) } },
            ensure: { a in
                let r = try k.ensure(serviceEngineGroup: try a.string(0), maxVirtualServices: try a.optInt("maxVirtualServices"),
                                     minVirtualServices: try a.optInt("minVirtualServices"))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) }))
    }

    static func albServiceEngineGroups(_ e: Engine) -> Value {
        let k = ALBServiceEngineGroups(engine: e)
        let wrap = { (x: JSONValue, planned: Bool) -> Value in .object(Ref(Types.albServiceEngineGroup, engine: e, value: x, planned: planned)) }
        let c = CloudCollection(type: Types.albServiceEngineGroups, elementKind: "ALB service engine group", scope: "the ALB controller",
            list: { try k.list().map { wrap($0, false) } },
            find: { n in try k.get(n).map { wrap($0, false) } },
            ensure: { a in
                let r = try k.ensure(name: try a.string(0), maxServiceEngines: try a.optInt("maxServiceEngines"))
                return wrap(r.value, r.planned)
            },
            delete: { n in let had = try k.get(n) != nil; try k.delete(name: n); return had })
        c.engine = e
        return .object(c)
    }

    static func tier1s(_ e: Engine) -> Value {
        let k = NSXTier1s(engine: e)
        let wrap = { (x: JSONValue) -> Value in .object(Ref(Types.tier1, engine: e, value: x)) }
        let c = CloudCollection(type: Types.tier1s, elementKind: "Tier-1 gateway", scope: "NSX",
            list: { try k.list().map(wrap) },
            find: { n in try k.get(n).map(wrap) })
        c.engine = e
        return .object(c)
    }

    static func serviceEngineGroups(_ e: Engine) -> Value {
        let k = ServiceEngineGroups(engine: e)
        let wrap = { (x: ServiceEngineGroup, planned: Bool) -> Value in .object(Ref(Types.serviceEngineGroup, engine: e, value: x, planned: planned)) }
        return .object(CloudCollection(type: Types.serviceEngineGroups, elementKind: "service engine group", scope: "VCD",
            list: { try k.list().map { wrap($0, false) } },
            ensure: { a in
                let r = try k.ensure(ServiceEngineGroupSpec(name: try a.string(0), controllerGroup: try a.optString("controllerGroup"),
                                                            reservationType: try a.optString("reservationType"), description: try a.optString("description")))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) }))
    }

    static func pools(_ e: Engine, _ gw: EdgeGateway) -> Value {
        let k = LoadBalancerPools(engine: e, gateway: gw)
        let wrap = { (x: LoadBalancerPool, planned: Bool) -> Value in .object(Ref(Types.pool, engine: e, value: x, planned: planned, gateway: gw)) }
        return .object(CloudCollection(type: Types.pools, elementKind: "pool", scope: "edge gateway \(gw.name ?? "")",
            list: { try k.list().map { wrap($0, false) } },
            find: { n in try k.find(n).map { wrap($0, false) } },
            ensure: { a in
                let r = try k.ensure(PoolSpec(name: try a.string(0), members: try a.optStrings("members"), port: try a.optInt("port"),
                                              algorithm: try a.optString("algorithm"), description: try a.optString("description"),
                                              enabled: try a.optBool("enabled"), healthMonitors: try a.optStrings("healthMonitors"),
                                              persistence: try a.optString("persistence"), persistenceValue: try a.optString("persistenceValue"),
                                              gracefulTimeoutMinutes: try a.optMinutes("gracefulTimeout"), passiveMonitoring: try a.optBool("passiveMonitoring")))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) }))
    }

    static func virtualServices(_ e: Engine, _ gw: EdgeGateway) -> Value {
        let k = VirtualServices(engine: e, gateway: gw)
        let wrap = { (x: VirtualService, planned: Bool) -> Value in .object(Ref(Types.virtualService, engine: e, value: x, planned: planned, gateway: gw)) }
        return .object(CloudCollection(type: Types.virtualServices, elementKind: "virtual service", scope: "edge gateway \(gw.name ?? "")",
            list: { try k.list().map { wrap($0, false) } },
            find: { n in try k.find(n).map { wrap($0, false) } },
            ensure: { a in
                let pool: String?
                if case .object(let o) = a["pool"], let r = o as? Ref<LoadBalancerPool> { pool = r.value.name } else { pool = try a.optString("pool") }
                let r = try k.ensure(VirtualServiceSpec(name: try a.string(0), pool: pool, serviceEngineGroup: try a.optString("serviceEngineGroup"),
                                                        vip: try a.optString("vip"), port: try a.optInt("port"), type: try a.optString("type"),
                                                        enabled: try a.optBool("enabled"), description: try a.optString("description"),
                                                        ports: try a.optPorts("ports"), certificate: try a.optString("certificate")))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) }))
    }

    static func networks(_ e: Engine, _ vdc: Vdc) -> Value {
        let k = Networks(engine: e, vdc: vdc)
        let wrap = { (x: OrgVdcNetwork, planned: Bool) -> Value in .object(Ref(Types.network, engine: e, value: x, planned: planned, vdc: vdc)) }
        return .object(CloudCollection(type: Types.networks, elementKind: "network", scope: "VDC \(vdc.name ?? "")",
            list: { try k.list().map { wrap($0, false) } },
            find: { n in try k.find(n).map { wrap($0, false) } },
            ensure: { a in
                var gw: EdgeGateway? = nil
                switch a["gateway"] {
                case .object(let o):
                    guard let r = o as? Ref<EdgeGateway> else { throw ScriptError(.type, "ensure(): gateway must be an edge gateway or its name") }
                    gw = r.value
                case .string(let name):
                    let g = EdgeGateways(engine: e, vdc: vdc)
                    guard let found = try g.find(name) else { throw EngineError.notFound("no edge gateway named \(name) in VDC \(vdc.name ?? "")") }
                    gw = found
                case .null: break
                case let v: throw ScriptError(.type, "ensure(): gateway must be an edge gateway or its name, not \(v.typeName)")
                }
                let r = try k.ensure(NetworkSpec(name: try a.string(0), gateway: gw, cidr: try a.optString("cidr"), pool: try a.optStrings("pool"),
                                                 dns: try a.optStrings("dns"), dnsSuffix: try a.optString("dnsSuffix"),
                                                 description: try a.optString("description")))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) }))
    }

    static func entityTypes(_ e: Engine) -> Value {
        let k = DefinedEntityTypes(engine: e)
        return .object(CloudCollection(type: Types.entityTypes, elementKind: "entity type", scope: "the site",
            list: { try k.list().map { .object(Ref(Types.entityType, engine: e, value: $0)) } }))
    }

    static func computePolicies(_ e: Engine, _ vdc: Vdc) -> Value {
        let k = ComputePolicies(engine: e, vdc: vdc)
        return .object(CloudCollection(type: Types.computePolicies, elementKind: "compute policy", scope: "VDC \(vdc.name ?? "")",
            list: { try k.list().map { .object(Ref(Types.computePolicy, engine: e, value: $0, vdc: vdc)) } }))
    }
}

/// `cloud`: a site and a lazily opened engine (nothing connects until the script uses it).
public final class CloudObject: NativeObject {
    public let site: String
    /// What the embedded simulator offers beyond its APIs (`cloud.simulator`); nil on a real site.
    public let simulator: SimulatorServices?
    private let factory: () throws -> Engine
    private var made: Engine?
    private let lock = NSLock()

    public init(site: String, simulator: SimulatorServices? = nil, engine factory: @escaping () throws -> Engine) {
        self.site = site
        self.simulator = simulator
        self.factory = factory
        super.init(type: Types.cloud)
    }

    public func engine() throws -> Engine {
        lock.lock(); defer { lock.unlock() }
        if let made { return made }
        let e = try factory()
        made = e
        // The script is about to send its first request: both sessions log in together now
        // (under the lock, so that parallel() workers wait for them rather than log in again).
        e.logInTogether()
        return e
    }

    /// The engine if the script used the cloud (for the plan summary).
    public var engineIfOpened: Engine? { lock.lock(); defer { lock.unlock() }; return made }
}

/// What the embedded simulator provides to scripts as `cloud.simulator` (the executable wires it
/// to CloudSim; ScriptCloud does not know the simulator). A real site has none.
public protocol SimulatorServices: AnyObject {
    /// The path of an OVA node image for template `name` (nil: the lab's default) with Kubernetes
    /// version `kubernetes` (nil: the one the name ends with), written into the simulator's state
    /// folder unless it is there already.
    func nodeImage(name: String?, kubernetes: String?) throws -> String
    /// True when the simulator is reached over the wire (`sim serve`, like a real site), false when
    /// it is embedded in this process.
    var served: Bool { get }
}

/// `SimulatorServices` from closures.
public final class SimulatorHooks: SimulatorServices {
    private let makeNodeImage: (String?, String?) throws -> String
    public let served: Bool
    public init(served: Bool = false, nodeImage: @escaping (String?, String?) throws -> String) {
        self.served = served
        makeNodeImage = nodeImage
    }
    public func nodeImage(name: String?, kubernetes: String?) throws -> String { try makeNodeImage(name, kubernetes) }
}

/// `cloud.simulator`: the embedded simulator's services.
final class SimulatorObject: NativeObject {
    let services: SimulatorServices
    init(_ services: SimulatorServices) {
        self.services = services
        super.init(type: Types.simulator)
    }
}
