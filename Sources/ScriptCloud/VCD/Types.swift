import Foundation
import NetAddress
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// The built-in cloud types. Each is defined once, lazily, and registered for help and docs.
enum Types {
    static var everything: [NativeType] {
        [cloud, org, vdc, gateway, natRule, loadBalancer, segAssignment, serviceEngineGroup, pool, virtualService, network,
         computePolicy, entityType, routeAdvertisement, albNamespace, nsxNamespace, albServiceEngineGroup, tier1,
         catalog, template, vapp, vm, simulator,
         orgs, vdcs, gateways, natRules, segAssignments, serviceEngineGroups, pools, virtualServices, networks, computePolicies, entityTypes, albServiceEngineGroups, tier1s,
         catalogs, sharedCatalogs, templates, vapps, vms, orgVapps, vdcVms, orgVms] + KubeTypes.everything + ClusterTypes.everything
    }

    // MARK: Collections

    static let orgs = Collections.type("orgs", element: "org", doc: "The orgs this session can see (read-only).", ensureParams: nil)
    static let vdcs = Collections.type("vdcs", element: "VDC", doc: "The VDCs of an org (read-only).", ensureParams: nil)
    static let gateways = Collections.type("gateways", element: "edge gateway",
        doc: "The NSX-T edge gateways (Tier-1) of a VDC. Creating or growing one is a provider operation.",
        ensureParams: [Parameter("name"), Parameter("ipCount", default: .null, doc: "external addresses to allocate (SNAT, VIPs)"),
                       Parameter("externalNetwork", default: .null, doc: "the provider gateway; default the first"),
                       Parameter("description", default: .null)])
    static let natRules = Collections.type("natRules", element: "NAT rule", doc: "The NAT rules of an edge gateway.",
        ensureParams: [Parameter("name"), Parameter("type", default: .null, doc: "SNAT, DNAT, NO_SNAT, NO_DNAT, REFLEXIVE"),
                       Parameter("external", default: .null), Parameter("internal", default: .null),
                       Parameter("externalPort", default: .null, doc: "DNAT: the port on the external address (22, or a range \"8000-8080\")"),
                       Parameter("snatDestination", default: .null),
                       Parameter("description", default: .null), Parameter("enabled", default: .null),
                       Parameter("internalPort", default: .null, doc: "DNAT: the port on the internal address"),
                       Parameter("application", default: .null, doc: "an application port profile by name (the tenant's, else a system one: SSH, HTTP, HTTPS…)"),
                       Parameter("firewallMatch", default: .null, doc: "MATCH_INTERNAL_ADDRESS (VCD's default), MATCH_EXTERNAL_ADDRESS, BYPASS"),
                       Parameter("priority", default: .null, doc: "lower first (default 0)"), Parameter("logging", default: .null)])
    static let segAssignments = Collections.type("segAssignments", element: "SEG assignment",
        doc: "The service engine groups assigned to an edge gateway, named by their group. Assigning is a provider operation.",
        ensureParams: [Parameter("name", doc: "the service engine group"), Parameter("maxVirtualServices", default: .null, doc: "SHARED groups only"),
                       Parameter("minVirtualServices", default: .null, doc: "SHARED groups only")])
    static let serviceEngineGroups = Collections.type("serviceEngineGroups", element: "service engine group",
        doc: "Service engine groups imported into VCD (provider). ensure imports the controller's group of that name.",
        ensureParams: [Parameter("name"), Parameter("controllerGroup", default: .null, doc: "its name on the ALB controller; default name"),
                       Parameter("reservationType", default: .null, doc: "DEDICATED (default) or SHARED"), Parameter("description", default: .null)])
    static let pools = Collections.type("pools", element: "pool", doc: "Load balancer pools of an edge gateway.",
        ensureParams: [Parameter("name"), Parameter("members", default: .null, doc: "addresses, \"ip\" or \"ip:port\""),
                       Parameter("port", default: .null), Parameter("algorithm", default: .null, doc: "LEAST_CONNECTIONS (default), ROUND_ROBIN, CONSISTENT_HASH, ..."),
                       Parameter("description", default: .null), Parameter("enabled", default: .null),
                       Parameter("healthMonitors", default: .null, doc: "types: HTTP, HTTPS, TCP, UDP, PING"),
                       Parameter("persistence", default: .null, doc: "CLIENT_IP, HTTP_COOKIE, CUSTOM_HTTP_HEADER, APP_COOKIE, TLS"),
                       Parameter("persistenceValue", default: .null, doc: "the cookie or header name"),
                       Parameter("gracefulTimeout", default: .null, doc: "minutes a disabled member drains: 5m, -1 for ever"),
                       Parameter("passiveMonitoring", default: .null)])
    static let virtualServices = Collections.type("virtualServices", element: "virtual service", doc: "Virtual services of an edge gateway.",
        ensureParams: [Parameter("name"), Parameter("pool", default: .null), Parameter("vip", default: .null), Parameter("port", default: .null),
                       Parameter("type", default: .null, doc: "L4 (default), HTTP, HTTPS, L4_TLS"),
                       Parameter("serviceEngineGroup", default: .null, doc: "default: the first assigned"), Parameter("enabled", default: .null),
                       Parameter("description", default: .null), Parameter("ports", default: .null, doc: "443, \"8000-8010\" or a list; instead of port"),
                       Parameter("certificate", default: .null, doc: "HTTPS / L4_TLS: certificate library alias")])
    static let networks = Collections.type("networks", element: "network", doc: "Org VDC networks (segments) of a VDC.",
        ensureParams: [Parameter("name"), Parameter("gateway", default: .null, doc: "edge gateway (object or name); none: isolated"),
                       Parameter("cidr", default: .null, doc: "gateway address/prefix, e.g. 10.0.10.1/24"),
                       Parameter("pool", default: .null, doc: "static pool ranges \"a-b\""), Parameter("dns", default: .null, doc: "DNS servers"),
                       Parameter("dnsSuffix", default: .null), Parameter("description", default: .null)])
    static let computePolicies = Collections.type("computePolicies", element: "compute policy",
        doc: "Compute (sizing) policies published to a VDC (read-only).", ensureParams: nil)
    static let entityTypes = Collections.type("entityTypes", element: "entity type",
        doc: "Runtime defined entity types visible to the session (read-only), e.g. CAPVCD's vmware:capvcdCluster; named nss (capvcdCluster).", ensureParams: nil)

    // MARK: Objects

    static let org = { () -> NativeType in
        let t = defineType("org", doc: "An organisation.", columns: ["name", "displayName", "enabled", "vdcCount"], fields: [
            Field<Org>("name", "Its name.") { r, _ in V.s(r.value.name) },
            Field<Org>("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
            Field<Org>("displayName", "Display name.") { r, _ in V.s(r.value.displayName) },
            Field<Org>("enabled", "Whether it is enabled.") { r, _ in V.b(r.value.isEnabled) },
            Field<Org>("vdcCount", "How many VDCs it has.") { r, _ in V.i(r.value.orgVdcCount) },
            Field<Org>("vdcs", "Its VDCs (collection).") { r, _ in Objects.vdcs(r.engine, r.value) },
            Field<Org>("catalogs", "Its own catalogs (collection).") { r, _ in Objects.catalogs(r.engine, r.value) },
            Field<Org>("sharedCatalogs", "Catalogs of other orgs it sees: shared with it or published (read-only collection).") { r, _ in
                Objects.sharedCatalogs(r.engine, r.value) },
            Field<Org>("vapps", "Every vApp of its VDCs (read-only collection).") { r, _ in Objects.orgVapps(r.engine, r.value) },
            Field<Org>("vms", "Every VM of its VDCs' vApps (read-only collection): the org's VM inventory.") { r, _ in Objects.orgVms(r.engine, r.value) },
        ], nameOf: { $0.name })
        t.method("catalog", of: Ref<Org>.self, params: [Parameter("name"), Parameter("org", default: .null, doc: "the org that owns it, when it is another org's")],
                 doc: "The catalog named `name` (same as catalogs.get(name)); with org: the catalog `name` of that org as this org sees it, shared with it or published (found with the query service as a controller finds it): its templates serve vapps.ensure and clusters.ensure.") { r, a, ctx in
            guard let owner = try a.optString("org") else { return try Objects.get(Objects.catalogs(r.engine, r.value), try a.string(0), ctx) }
            let name = try a.string(0)
            let c = try host(ctx) { try Catalogs(engine: r.engine, org: r.value).requireShared(name, owner: owner) }
            return .object(Ref(Types.catalog, engine: r.engine, value: c))
        }
        t.method("vdc", of: Ref<Org>.self, params: [Parameter("name")], doc: "The VDC named `name` (same as vdcs.get(name)).") { r, a, ctx in
            return try Objects.get(Objects.vdcs(r.engine, r.value), try a.string(0), ctx)
        }
        return t
    }()

    static let vdc = { () -> NativeType in
        let t = defineType("vdc", doc: "An org VDC.", columns: ["name", "allocationType", "org"], fields: [
            Field<Vdc>("name", "Its name.") { r, _ in V.s(r.value.name) },
            Field<Vdc>("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
            Field<Vdc>("allocationType", "FLEX, ALLOCATION_POOL, ...") { r, _ in V.s(r.value.allocationType) },
            Field<Vdc>("org", "The org's name.") { r, _ in V.s(r.value.org?.name) },
            Field<Vdc>("gateways", "Edge gateways (collection).") { r, _ in Objects.gateways(r.engine, r.value) },
            Field<Vdc>("networks", "Org VDC networks (collection).") { r, _ in Objects.networks(r.engine, r.value) },
            Field<Vdc>("computePolicies", "Compute policies (collection).") { r, _ in Objects.computePolicies(r.engine, r.value) },
            Field<Vdc>("vapps", "vApps (collection).") { r, _ in Objects.vapps(r.engine, r.value) },
            Field<Vdc>("vms", "Every VM of its vApps (read-only collection).") { r, _ in Objects.vdcVms(r.engine, r.value) },
        ], nameOf: { $0.name })
        t.method("vapp", of: Ref<Vdc>.self, params: [Parameter("name")], doc: "The vApp named `name`.") { r, a, ctx in
            return try Objects.get(Objects.vapps(r.engine, r.value), try a.string(0), ctx)
        }
        t.method("gateway", of: Ref<Vdc>.self, params: [Parameter("name")], doc: "The edge gateway named `name`.") { r, a, ctx in
            return try Objects.get(Objects.gateways(r.engine, r.value), try a.string(0), ctx)
        }
        t.method("network", of: Ref<Vdc>.self, params: [Parameter("name")], doc: "The network named `name`.") { r, a, ctx in
            return try Objects.get(Objects.networks(r.engine, r.value), try a.string(0), ctx)
        }
        return t
    }()

    static let gateway = { () -> NativeType in
        typealias F = Field<EdgeGateway>
        let t = defineType("gateway", doc: "An NSX-T edge gateway (Tier-1) with its uplink, IP allocation and services.",
                           columns: ["name", "status", "uplink", "primaryIP", "ipRanges", "vipSubnet"], fields: [
            F("name", "Its name.") { r, _ in V.s(r.value.name) },
            F("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
            F("status", "REALIZED when usable.", known: false) { r, _ in V.s(r.value.status) },
            F("description", "Description.") { r, _ in V.s(r.value.description) },
            F("uplink", "The provider gateway it uplinks to.") { r, _ in V.s(r.value.edgeGatewayUplinks?.first?.uplinkName) },
            F("primaryIP", "Its primary external address.", known: false) { r, _ in
                V.s(r.value.edgeGatewayUplinks?.first?.subnets?.values.first?.primaryIp) },
            F("allocatedIPs", "External addresses allocated to it (its IP block).", known: false) { r, _ in
                V.list(EdgeGateways.allocatedIPs(r.value)) },
            F("ipRanges", "The allocated addresses as ranges (a-b).", known: false) { r, _ in
                V.list(EdgeGateways.ipRanges(r.value)) },
            F("usedIPs", "Used external addresses, as maps {ip, category}.", known: false) { r, ctx in
                let used = try host(ctx) { try EdgeGateways(engine: r.engine, vdc: r.vdc ?? Vdc()).usedIPs(r.value) }
                return .list(used.map { .map([("ip", V.s($0.ipAddress)), ("category", V.s($0.category))]) })
            },
            F("freeIPs", "Allocated addresses not in use.", known: false) { r, ctx in
                let used = Set(try host(ctx) { try EdgeGateways(engine: r.engine, vdc: r.vdc ?? Vdc()).usedIPs(r.value) }.compactMap(\.ipAddress))
                return V.list(EdgeGateways.allocatedIPs(r.value).filter { !used.contains($0) })
            },
            F("vipSubnet", "The external subnet as network/prefix: CAPVCD's vipSubnet.") { r, _ in V.s(EdgeGateways.vipSubnet(r.value)) },
            F("nat", "NAT rules (collection).") { r, _ in Objects.natRules(r.engine, r.value) },
            F("loadBalancer", "Load balancer settings: enable(serviceNetwork:), disable().") { r, _ in
                .object(Ref(Types.loadBalancer, engine: r.engine, value: r.value, planned: r.planned, vdc: r.vdc)) },
            F("serviceEngineGroups", "Service engine groups assigned to it (collection).") { r, _ in Objects.segAssignments(r.engine, r.value) },
            F("pools", "Load balancer pools (collection).") { r, _ in Objects.pools(r.engine, r.value) },
            F("virtualServices", "Virtual services (collection).") { r, _ in Objects.virtualServices(r.engine, r.value) },
            F("routeAdvertisement", "Route advertisement of the Tier-1: ensure(enable:, subnets:).") { r, _ in
                .object(Ref(Types.routeAdvertisement, engine: r.engine, value: r.value, planned: r.planned)) },
        ], nameOf: { $0.name })
        return t
    }()

    /// A port as the runbook wrote it: an int, or text for a range.
    static func port(_ s: String?) -> Value {
        guard let s, !s.isEmpty else { return .null }
        return Int(s).map { .int($0) } ?? .string(s)
    }

    static let natRule = defineType("natRule", doc: "A NAT rule of an edge gateway.",
                                    columns: ["name", "type", "external", "internal", "externalPort", "enabled"], fields: [
        Field<NatRule>("name", "Its name.") { r, _ in V.s(r.value.name) },
        Field<NatRule>("id", "Its id.", known: false) { r, _ in V.s(r.value.id) },
        Field<NatRule>("type", "SNAT, DNAT, ...") { r, _ in V.s(r.value.type ?? r.value.ruleType) },
        Field<NatRule>("external", "External address(es).") { r, _ in V.s(r.value.externalAddresses) },
        Field<NatRule>("internal", "Internal address(es) or CIDR.") { r, _ in V.s(r.value.internalAddresses) },
        Field<NatRule>("externalPort", "DNAT external port (an int; a range stays text).") { r, _ in port(r.value.dnatExternalPort) },
        Field<NatRule>("internalPort", "DNAT internal port (an int; a range stays text).") { r, _ in port(r.value.internalPort) },
        Field<NatRule>("application", "The application port profile's name, or nil.") { r, _ in V.s(r.value.applicationPortProfile?.name) },
        Field<NatRule>("firewallMatch", "MATCH_INTERNAL_ADDRESS, MATCH_EXTERNAL_ADDRESS or BYPASS.") { r, _ in V.s(r.value.firewallMatch) },
        Field<NatRule>("priority", "Lower first.") { r, _ in r.value.priority.map { .int($0) } ?? .null },
        Field<NatRule>("logging", "Whether matches are logged.") { r, _ in V.b(r.value.logging ?? false) },
        Field<NatRule>("snatDestination", "SNAT destination addresses.") { r, _ in V.s(r.value.snatDestinationAddresses) },
        Field<NatRule>("enabled", "Whether it is on.") { r, _ in V.b(r.value.enabled ?? true) },
        Field<NatRule>("description", "Description.") { r, _ in V.s(r.value.description) },
    ], nameOf: { $0.name })

    static let loadBalancer = { () -> NativeType in
        let t = NativeType(name: "loadBalancer", doc: "Load balancing (NSX ALB) on one edge gateway. Enabling it is a provider operation.")
        t.property("enabled", of: Ref<EdgeGateway>.self, doc: "Whether load balancing is on.") { r, ctx in
            if r.planned { return .bool(false) }
            return V.b(try host(ctx) { try GatewayLoadBalancerSettings(engine: r.engine, gateway: r.value).get() }.enabled)
        }
        t.property("serviceNetwork", of: Ref<EdgeGateway>.self, doc: "The service network (a /25, gateway/prefix).") { r, ctx in
            if r.planned { return .null }
            return V.s(try host(ctx) { try GatewayLoadBalancerSettings(engine: r.engine, gateway: r.value).get() }.serviceNetworkDefinition)
        }
        t.method("enable", of: Ref<EdgeGateway>.self, params: [Parameter("serviceNetwork", default: .null, doc: "default 192.168.255.1/25")],
                 doc: "Enables load balancing (idempotent; prints + / ~ / =).") { r, a, ctx in
            let sn = try a.optString("serviceNetwork")
            let e = try host(ctx) { try GatewayLoadBalancerSettings(engine: r.engine, gateway: r.value).enable(serviceNetwork: sn) }
            return .bool(e.value.enabled ?? true)
        }
        t.method("disable", of: Ref<EdgeGateway>.self, doc: "Disables load balancing (pools, virtual services and SEG assignments must be gone).") { r, _, ctx in
            return .bool(try host(ctx) { try GatewayLoadBalancerSettings(engine: r.engine, gateway: r.value).disable() })
        }
        t.describe(as: Ref<EdgeGateway>.self) { o in "<loadBalancer of \(o.value.name ?? "")>" }
        CloudTypes.register(t)
        return t
    }()

    static let routeAdvertisement = { () -> NativeType in
        let t = NativeType(name: "routeAdvertisement", doc: "Which subnets the edge gateway's Tier-1 advertises to the Tier-0.")
        t.property("enabled", of: Ref<EdgeGateway>.self, doc: "Whether advertisement is on.") { r, ctx in
            if r.planned { return .bool(false) }
            return V.b(try host(ctx) { try GatewayRouteAdvertisement(engine: r.engine, gateway: r.value).get() }.enable)
        }
        t.property("subnets", of: Ref<EdgeGateway>.self, doc: "Advertised subnets (CIDR).") { r, ctx in
            if r.planned { return .list([]) }
            return V.list(try host(ctx) { try GatewayRouteAdvertisement(engine: r.engine, gateway: r.value).get() }.subnets ?? [])
        }
        t.method("ensure", of: Ref<EdgeGateway>.self, params: [Parameter("enable", default: .bool(true)), Parameter("subnets", default: .null, doc: "network CIDRs, e.g. 10.0.10.0/24")],
                 doc: "Sets advertisement (idempotent; prints ~ / =).") { r, a, ctx in
            let en = try a.bool(0)
            let subnets = try a.optStrings("subnets")
            let e = try host(ctx) { try GatewayRouteAdvertisement(engine: r.engine, gateway: r.value).ensure(enable: en, subnets: subnets) }
            return V.list(e.value.subnets ?? [])
        }
        t.describe(as: Ref<EdgeGateway>.self) { o in "<routeAdvertisement of \(o.value.name ?? "")>" }
        CloudTypes.register(t)
        return t
    }()

    static let segAssignment = defineType("segAssignment", doc: "A service engine group assigned to an edge gateway.",
                                          columns: ["name", "gateway", "maxVirtualServices", "deployedVirtualServices"], fields: [
        Field<ServiceEngineGroupAssignment>("name", "The service engine group's name.") { r, _ in V.s(r.value.serviceEngineGroupRef?.name) },
        Field<ServiceEngineGroupAssignment>("id", "The assignment's URN.", known: false) { r, _ in V.s(r.value.id) },
        Field<ServiceEngineGroupAssignment>("gateway", "The edge gateway's name.") { r, _ in V.s(r.value.gatewayRef?.name) },
        Field<ServiceEngineGroupAssignment>("maxVirtualServices", "Virtual services it may carry on this gateway.", known: false) { r, _ in V.i(r.value.maxVirtualServices) },
        Field<ServiceEngineGroupAssignment>("minVirtualServices", "Reserved virtual services (SHARED).") { r, _ in V.i(r.value.minVirtualServices) },
        Field<ServiceEngineGroupAssignment>("deployedVirtualServices", "Virtual services running now.", known: false) { r, _ in V.i(r.value.numDeployedVirtualServices) },
    ], nameOf: { $0.serviceEngineGroupRef?.name })

    static let serviceEngineGroup = defineType("serviceEngineGroup", doc: "A service engine group imported into VCD.",
                                               columns: ["name", "reservationType", "maxVirtualServices", "deployedVirtualServices", "status"], fields: [
        Field<ServiceEngineGroup>("name", "Its name in VCD.") { r, _ in V.s(r.value.name) },
        Field<ServiceEngineGroup>("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
        Field<ServiceEngineGroup>("reservationType", "DEDICATED or SHARED.") { r, _ in V.s(r.value.reservationType) },
        Field<ServiceEngineGroup>("haMode", "HA mode on the controller.", known: false) { r, _ in V.s(r.value.haMode) },
        Field<ServiceEngineGroup>("maxVirtualServices", "Capacity (max SEs × VS per SE).", known: false) { r, _ in V.i(r.value.maxVirtualServices) },
        Field<ServiceEngineGroup>("deployedVirtualServices", "Virtual services running now.", known: false) { r, _ in V.i(r.value.numDeployedVirtualServices) },
        Field<ServiceEngineGroup>("status", "REALIZED when usable.", known: false) { r, _ in V.s(r.value.status) },
    ], nameOf: { $0.name })

    static let pool = defineType("pool", doc: "A load balancer pool.", columns: ["name", "algorithm", "port", "memberCount", "health"], fields: [
        Field<LoadBalancerPool>("name", "Its name.") { r, _ in V.s(r.value.name) },
        Field<LoadBalancerPool>("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
        Field<LoadBalancerPool>("algorithm", "Balancing algorithm.") { r, _ in V.s(r.value.algorithm) },
        Field<LoadBalancerPool>("port", "Default member port.") { r, _ in V.i(r.value.defaultPort) },
        Field<LoadBalancerPool>("members", "Members as \"ip:port\".") { r, _ in
            V.list((r.value.members ?? []).map { "\($0.ipAddress ?? ""):\($0.port ?? r.value.defaultPort ?? 0)" }) },
        Field<LoadBalancerPool>("memberCount", "How many members.") { r, _ in V.i(r.value.memberCount ?? r.value.members?.count) },
        Field<LoadBalancerPool>("health", "UP, DOWN, ...", known: false) { r, _ in V.s(r.value.healthStatus) },
        Field<LoadBalancerPool>("description", "Its description.") { r, _ in V.s(r.value.description) },
        Field<LoadBalancerPool>("enabled", "Whether it takes traffic.") { r, _ in V.b(r.value.enabled) },
        Field<LoadBalancerPool>("healthMonitors", "Active health monitor types (HTTP, TCP, ...).") { r, _ in
            V.list((r.value.healthMonitors ?? []).compactMap(\.type)) },
        Field<LoadBalancerPool>("persistence", "Session persistence type, or nil.") { r, _ in V.s(r.value.persistenceProfile?.type) },
        Field<LoadBalancerPool>("persistenceValue", "The persistence cookie or header name.") { r, _ in V.s(r.value.persistenceProfile?.value) },
        Field<LoadBalancerPool>("gracefulTimeout", "Minutes a disabled member drains (-1: for ever).") { r, _ in V.i(r.value.gracefulTimeoutPeriod) },
        Field<LoadBalancerPool>("passiveMonitoring", "Members marked down on failed live traffic.") { r, _ in V.b(r.value.passiveMonitoringEnabled) },
    ], nameOf: { $0.name })

    static let virtualService = defineType("virtualService", doc: "A load balancer virtual service.",
                                           columns: ["name", "vip", "port", "type", "pool", "health"], fields: [
        Field<VirtualService>("name", "Its name.") { r, _ in V.s(r.value.name) },
        Field<VirtualService>("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
        Field<VirtualService>("vip", "Virtual IP address.") { r, _ in V.s(r.value.virtualIpAddress) },
        Field<VirtualService>("port", "First service port.") { r, _ in V.i(r.value.servicePorts?.first?.portStart) },
        Field<VirtualService>("type", "Application profile type.") { r, _ in V.s(r.value.applicationProfile?.type ?? r.value.applicationProfileType) },
        Field<VirtualService>("pool", "The pool's name.") { r, _ in V.s(r.value.loadBalancerPoolRef?.name) },
        Field<VirtualService>("serviceEngineGroup", "The SEG's name.") { r, _ in V.s(r.value.serviceEngineGroupRef?.name) },
        Field<VirtualService>("health", "UP, DOWN, PENDING, ...", known: false) { r, _ in V.s(r.value.healthStatus) },
        Field<VirtualService>("description", "Its description.") { r, _ in V.s(r.value.description) },
        Field<VirtualService>("enabled", "Whether it serves.") { r, _ in V.b(r.value.enabled) },
        Field<VirtualService>("ports", "Service ports, \"443\" or \"8000-8010\".") { r, _ in
            V.list((r.value.servicePorts ?? []).map { LoadBalancerRules.PortRange(start: $0.portStart ?? 0, end: $0.portEnd ?? $0.portStart ?? 0).text }) },
        Field<VirtualService>("certificate", "The certificate library alias it presents (HTTPS, L4_TLS).") { r, _ in V.s(r.value.certificateRef?.name) },
    ], nameOf: { $0.name })

    static let network = defineType("network", doc: "An org VDC network (NSX-T segment).",
                                    columns: ["name", "type", "cidr", "gateway", "pool", "dns"], fields: [
        Field<OrgVdcNetwork>("name", "Its name.") { r, _ in V.s(r.value.name) },
        Field<OrgVdcNetwork>("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
        Field<OrgVdcNetwork>("type", "NAT_ROUTED or ISOLATED.") { r, _ in V.s(r.value.networkType) },
        Field<OrgVdcNetwork>("cidr", "Gateway address/prefix (10.0.10.1/24).") { r, _ in V.s(Networks.cidr(r.value)) },
        Field<OrgVdcNetwork>("subnet", "Network/prefix (10.0.10.0/24), for SNAT and route advertisement.") { r, _ in
            V.s(Networks.cidr(r.value).flatMap { try? IPv4CIDR($0) }?.networkText) },
        Field<OrgVdcNetwork>("gateway", "The edge gateway's name (routed networks).") { r, _ in V.s(r.value.connection?.routerRef?.name) },
        Field<OrgVdcNetwork>("pool", "Static pool ranges.") { r, _ in
            V.list((r.value.subnets?.values.first?.ipRanges?.values ?? []).map { "\($0.startAddress)-\($0.endAddress)" }) },
        Field<OrgVdcNetwork>("dns", "DNS servers.") { r, _ in
            V.list([r.value.subnets?.values.first?.dnsServer1, r.value.subnets?.values.first?.dnsServer2].compactMap { $0 }.filter { !$0.isEmpty }) },
        Field<OrgVdcNetwork>("dnsSuffix", "DNS suffix.") { r, _ in V.s(r.value.subnets?.values.first?.dnsSuffix) },
        Field<OrgVdcNetwork>("status", "REALIZED when usable.", known: false) { r, _ in V.s(r.value.status) },
    ], nameOf: { $0.name })

    static let entityType = defineType("entityType", doc: "A runtime defined entity type (RDE type), e.g. vmware:capvcdCluster:1.2.0.",
                                       columns: ["name", "vendor", "nss", "version", "readonly"], fields: [
        Field<DefinedEntityType>("name", "Its nss (the name collections find it by), e.g. capvcdCluster.") { r, _ in V.s(r.value.nss) },
        Field<DefinedEntityType>("id", "Its URN (urn:vcloud:type:vendor:nss:version).") { r, _ in V.s(r.value.id) },
        Field<DefinedEntityType>("displayName", "Its display name.") { r, _ in V.s(r.value.name) },
        Field<DefinedEntityType>("vendor", "Its vendor, e.g. vmware.") { r, _ in V.s(r.value.vendor) },
        Field<DefinedEntityType>("nss", "Its namespace-specific string, e.g. capvcdCluster.") { r, _ in V.s(r.value.nss) },
        Field<DefinedEntityType>("version", "Its version, e.g. 1.2.0.") { r, _ in V.s(r.value.version) },
        Field<DefinedEntityType>("readonly", "Whether it is read-only.") { r, _ in V.b(r.value.readonly) },
    ], nameOf: { $0.nss })

    static let computePolicy = defineType("computePolicy", doc: "A VDC compute (sizing) policy.", columns: ["name", "cpus", "memoryMB", "sizingOnly"], fields: [
        Field<VdcComputePolicy>("name", "Its name.") { r, _ in V.s(r.value.name) },
        Field<VdcComputePolicy>("id", "Its URN.") { r, _ in V.s(r.value.id) },
        Field<VdcComputePolicy>("cpus", "vCPUs.") { r, _ in V.i(r.value.cpuCount) },
        Field<VdcComputePolicy>("memoryMB", "Memory in MB.") { r, _ in V.i(r.value.memory) },
        Field<VdcComputePolicy>("sizingOnly", "A sizing policy.") { r, _ in V.b(r.value.isSizingOnly) },
    ], nameOf: { $0.name })

    /// `cloud.alb` and `cloud.nsx`: namespaces over the cloud's engine.
    final class Namespace: NativeObject {
        let cloud: CloudObject
        init(_ type: NativeType, cloud: CloudObject) { self.cloud = cloud; super.init(type: type) }
    }

    static let simulator = { () -> NativeType in
        let t = NativeType(name: "simulator", doc: "The simulator's own services (cloud.simulator; nil on a real site).")
        t.property("served", of: SimulatorObject.self, doc: "true when the simulator is reached over the wire (`sim serve`, through the real-site path with its kind and clusterctl on PATH); false when embedded in this process.") { o, _ in
            .bool(o.services.served)
        }
        t.method("nodeImage", of: SimulatorObject.self, params: [Parameter("name", default: .null, doc: "the template name; default ubuntu-20.04-kube-v1.22.5+vmware.1"),
                                       Parameter("kubernetes", default: .null, doc: "e.g. v1.22.5+vmware.1; default the version the name ends with (…-kube-v1.22.5+vmware.1)")],
                 doc: "The path of a small OVA node image (descriptor with the Kubernetes version, OS and a 20 GiB disk; manifest; placeholder disk) for that template, written into the simulator's state folder unless it is there already: give it to catalog.upload(path:, name:).") { o, a, ctx in
            let s = o.services
            let name = try a.optString("name"), kubernetes = try a.optString("kubernetes")
            return .string(try host(ctx) {
                do { return try s.nodeImage(name: name, kubernetes: kubernetes) } catch let e as ScriptError { throw e } catch {
                    throw ScriptError(.host, "\(error)", hint: "give a template name ending in -kube-vX.Y.Z (e.g. ubuntu-20.04-kube-v1.22.5+vmware.1), or kubernetes:")
                }
            })
        }
        t.describe = { _ in "<simulator>" }
        CloudTypes.register(t)
        return t
    }()

    static let albNamespace = { () -> NativeType in
        let t = NativeType(name: "alb", doc: "The NSX ALB (Avi) controller API of the site: its service engine groups (provider).")
        t.property("serviceEngineGroups", of: Namespace.self, doc: "Service engine groups on the controller (collection): ensure(name:, maxServiceEngines:).") { o, ctx in
            let e = try host(ctx) { try o.cloud.engine() }
            _ = try host(ctx) { try e.albClient() }
            return Objects.albServiceEngineGroups(e)
        }
        t.property("available", of: Namespace.self, doc: "True when this target has an ALB controller configured.") { o, ctx in
            .bool(try host(ctx) { try o.cloud.engine() }.alb != nil)
        }
        t.describe = { _ in "<alb>" }
        CloudTypes.register(t)
        return t
    }()

    static let nsxNamespace = { () -> NativeType in
        let t = NativeType(name: "nsx", doc: "The NSX-T Policy API of the site: Tier-1 gateways and their route advertisement (provider).")
        t.property("tier1s", of: Namespace.self, doc: "Tier-1 gateways (collection; get(name or id)).") { o, ctx in
            let e = try host(ctx) { try o.cloud.engine() }
            _ = try host(ctx) { try e.nsxClient() }
            return Objects.tier1s(e)
        }
        t.property("available", of: Namespace.self, doc: "True when this target has an NSX Manager configured.") { o, ctx in
            .bool(try host(ctx) { try o.cloud.engine() }.nsx != nil)
        }
        t.describe = { _ in "<nsx>" }
        CloudTypes.register(t)
        return t
    }()

    static let albServiceEngineGroups = Collections.type("albServiceEngineGroups", element: "ALB service engine group",
        doc: "Service engine groups on the NSX ALB controller (provider). ensure creates the group or sets its max service engines; import it into VCD with cloud.serviceEngineGroups.ensure.",
        ensureParams: [Parameter("name"), Parameter("maxServiceEngines", default: .null, doc: "max_se: how many service engines the group may run")],
        columns: ["name", "maxServiceEngines", "haMode"])

    static let tier1s = { () -> NativeType in
        let t = Collections.type("tier1s", element: "Tier-1 gateway", doc: "Tier-1 gateways of NSX-T (Policy API), by display name or id.",
                                 ensureParams: nil, columns: ["name", "id", "routeAdvertisement"])
        t.method("ensureRouteAdvertisement", of: CloudCollection.self, params: [Parameter("name", doc: "the Tier-1's display name or id"),
                                                      Parameter("types", doc: "route_advertisement_types, e.g. [\"TIER1_CONNECTED\", \"TIER1_NAT\", \"TIER1_LB_VIP\"]")],
                 doc: "Sets the Tier-1's route advertisement types (idempotent; prints ~ / =). In plan mode a Tier-1 still to be created counts as an update.") { c, a, ctx in
            let name = try a.string(0)
            guard let types = try a.optStrings("types") else { throw ScriptError(.argument, "ensureRouteAdvertisement() is missing argument types") }
            guard let e = c.engine else { throw ScriptError(.host, "no engine") }
            let r = try host(ctx) { () -> Ensured<[String]> in
                let k = NSXTier1s(engine: e)
                if let t1 = try k.get(name) { return try k.ensureRouteAdvertisement(t1, types: types) }
                guard e.isPlan else { throw EngineError("NSX has no Tier-1 named \(name)", hint: "create the edge gateway first; its Tier-1 carries its name") }
                return try k.ensureRouteAdvertisement(.object(["id": .string(name), "display_name": .string(name)]), types: types, knownMissing: true)
            }
            return V.list(r.value)
        }
        return t
    }()

    static let albServiceEngineGroup = defineType("albServiceEngineGroup", doc: "A service engine group on the NSX ALB controller.",
                                                  columns: ["name", "maxServiceEngines", "haMode"], fields: [
        Field<JSONValue>("name", "Its name on the controller.") { r, _ in V.s(r.value["name"]?.stringValue) },
        Field<JSONValue>("uuid", "Its controller uuid.", known: false) { r, _ in V.s(r.value["uuid"]?.stringValue) },
        Field<JSONValue>("maxServiceEngines", "max_se: how many service engines it may run.") { r, _ in V.i(ALBClient.maxSE(r.value)) },
        Field<JSONValue>("haMode", "HA_MODE_SHARED, HA_MODE_SHARED_PAIR or HA_MODE_LEGACY_ACTIVE_STANDBY.") { r, _ in V.s(r.value["ha_mode"]?.stringValue) },
    ], nameOf: { $0["name"]?.stringValue })

    static let tier1 = { () -> NativeType in
        let t = defineType("tier1", doc: "A Tier-1 gateway of NSX-T (Policy API).", columns: ["name", "id", "routeAdvertisement"], fields: [
            Field<JSONValue>("name", "Its display name (a VCD edge gateway's T1 carries the gateway's name).") { r, _ in V.s(r.value["display_name"]?.stringValue) },
            Field<JSONValue>("id", "Its Policy id.") { r, _ in V.s(r.value["id"]?.stringValue) },
            Field<JSONValue>("path", "Its Policy path.") { r, _ in V.s(r.value["path"]?.stringValue) },
        ], nameOf: { $0["display_name"]?.stringValue })
        t.property("routeAdvertisement", of: Ref<JSONValue>.self, doc: "route_advertisement_types (TIER1_CONNECTED, TIER1_NAT, TIER1_LB_VIP, ...); settable to a list: prints ~ updated or = unchanged.",
                   get: { r, _ in V.list(NSXClient.routeAdvertisement(r.value)) },
                   set: { r, v, ctx in
                       guard case .list(let l) = v else { throw ScriptError(.type, "routeAdvertisement must be a list of strings, not \(v.typeName)") }
                       let types = try l.items.map { x -> String in
                           guard case .string(let s) = x else { throw ScriptError(.type, "routeAdvertisement must be a list of strings") }
                           return s
                       }
                       let e = try host(ctx) { try NSXTier1s(engine: r.engine).ensureRouteAdvertisement(r.value, types: types) }
                       if case .object(var j) = r.value { j["route_advertisement_types"] = .array(e.value.map { .string($0) }); r.value = .object(j) }
                   })
        return t
    }()

    static let cloud = { () -> NativeType in
        let t = NativeType(name: "cloud", doc: "A connection to a VCD site (or the embedded simulator): its orgs, who you are, provider-side ALB objects.")
        t.property("site", of: CloudObject.self, doc: "The site URL (CAPVCD's site); on the embedded simulator its in-process URL.") { c, ctx in
            if c.site.contains("://") { return .string(c.site) }
            return .string(try host(ctx) { try c.engine() }.tenant.baseURL)
        }
        t.property("credentials", of: CloudObject.self, doc: "The session's login (user and password, or API token) as a credentials value that never prints its secret: capvcd.install(credentials:) makes CAPVCD's secret from it.") { c, ctx in
            return .object(CredentialsObject(try host(ctx) { try c.engine() }.tenant.credentials))
        }
        t.property("apiVersion", of: CloudObject.self, doc: "The negotiated API version.") { c, ctx in
            return .string(try host(ctx) { try c.engine().tenant.apiVersion() })
        }
        t.property("user", of: CloudObject.self, doc: "Who is logged in (user@org).") { c, ctx in
            let s = try host(ctx) { try c.engine().tenant.session() }
            return .string("\(s.user?.name ?? "?")@\(s.org?.name ?? "?")")
        }
        t.property("persona", of: CloudObject.self, doc: "The role of the session, and whether a provider session is at hand.") { c, ctx in
            let e = try host(ctx) { try c.engine() }
            let s = try host(ctx) { try e.tenant.session() }
            let role = s.roles?.first ?? "?"
            return .string(e.provider != nil || e.tenant.credentials.isProvider ? "\(role) (+ provider session)" : role)
        }
        t.property("rights", of: CloudObject.self, doc: "The rights of the session's role(s), sorted (reading them needs `Roles: View`): what preflight checks against what CAPVCD needs.") { c, ctx in
            let e = try host(ctx) { try c.engine() }
            let s = try host(ctx) { try e.tenant.session() }
            var names = Set<String>()
            for ref in s.roleRefs ?? [] {
                guard let id = ref.id else { continue }
                let rights = try host(ctx) { try e.tenant.list("/cloudapi/1.0.0/roles/\(id)/rights", as: OpenAPIReference.self) }
                for r in rights { if let n = r.name { names.insert(n) } }
            }
            return .list(names.sorted().map { .string($0) })
        }
        t.property("orgs", of: CloudObject.self, doc: "Orgs (collection).") { c, ctx in
            return Objects.orgs(try host(ctx) { try c.engine() })
        }
        t.property("entityTypes", of: CloudObject.self, doc: "Runtime defined entity types the session sees (read-only collection, by nss: entityTypes.find(\"capvcdCluster\")): CAPVCD's RDE type must be registered.") { c, ctx in
            return Objects.entityTypes(try host(ctx) { try c.engine() })
        }
        t.property("serviceEngineGroups", of: CloudObject.self, doc: "Service engine groups imported into VCD (collection; provider).") { c, ctx in
            return Objects.serviceEngineGroups(try host(ctx) { try c.engine() })
        }
        t.property("alb", of: CloudObject.self, doc: "The NSX ALB controller API: serviceEngineGroups (an error when the target has no controller).") { o, _ in .object(Namespace(Types.albNamespace, cloud: o)) }
        t.property("nsx", of: CloudObject.self, doc: "The NSX-T Policy API: tier1s (an error when the target has no NSX Manager).") { o, _ in .object(Namespace(Types.nsxNamespace, cloud: o)) }
        t.property("plan", of: CloudObject.self, doc: "True in plan mode (--plan): changes are recorded, not sent.") { c, ctx in
            return .bool(try host(ctx) { try c.engine() }.isPlan)
        }
        t.property("changes", of: CloudObject.self, doc: "Every change so far, as lines (+ ~ - =): `+ created ...` for what was sent, `+ create ...` for what plan mode only recorded.") { c, ctx in
            let e = try host(ctx) { try c.engine() }
            return V.list(e.changes.map { $0.line })
        }
        t.property("simulator", of: CloudObject.self, doc: "The simulator's own services (nodeImage(...), served), embedded or served by `sim serve` on this machine; nil on a real site.") { o, _ in
            o.simulator.map { .object(SimulatorObject($0)) } ?? .null
        }
        t.method("org", of: CloudObject.self, params: [Parameter("name")], doc: "The org named `name`.") { c, a, ctx in
            return try Objects.get(Objects.orgs(try host(ctx) { try c.engine() }), try a.string(0), ctx)
        }
        t.describe(as: CloudObject.self) { o in "<cloud \(o.site)>" }
        CloudTypes.register(t)
        return t
    }()
}
