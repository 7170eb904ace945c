import CloudWire
import NetAddress

/// What VCD refuses in a load balancer pool or virtual service for a reason known before anything is
/// sent, checked by `ensure` in apply and in `--plan` alike, with the words the API uses (the
/// simulator's `Pools.validate` and `VirtualServices` refuse the same values).
public enum LoadBalancerRules {
    /// NsxtAlbPool `healthMonitors[].type`.
    public static let healthMonitorTypes = ["HTTP", "HTTPS", "TCP", "UDP", "PING"]
    /// NsxtAlbPool `persistenceProfile.type`.
    public static let persistenceTypes = ["CLIENT_IP", "HTTP_COOKIE", "CUSTOM_HTTP_HEADER", "APP_COOKIE", "TLS"]
    /// Persistence types that need a cookie or header name in `persistenceProfile.value`.
    public static let persistenceWithValue = ["HTTP_COOKIE", "CUSTOM_HTTP_HEADER", "APP_COOKIE"]

    /// One service port or range of a virtual service (`servicePorts[]`).
    public struct PortRange: Equatable, Sendable {
        public var start: Int
        public var end: Int
        public init(start: Int, end: Int) { self.start = start; self.end = end }
        init(_ p: ServicePort) { start = p.portStart ?? 0; end = p.portEnd ?? p.portStart ?? 0 }
        /// `80`, or `8000-8010`.
        public var text: String { start == end ? "\(start)" : "\(start)-\(end)" }
    }

    /// Checks a pool's settings.
    public static func check(_ spec: PoolSpec) throws {
        let what = "pool \(spec.name)"
        if let p = spec.port { try port(p, what: "\(what): port") }
        for m in spec.members ?? [] {
            let parts = m.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, IPv4.parse(String(parts[0])) != nil else {
                throw EngineError.invalid("\(what): invalid pool member address \(m)", hint: "give an IPv4 address, optionally with a port: \"192.168.10.11\" or \"192.168.10.11:8080\"")
            }
            if parts.count == 2 {
                guard let n = Int(parts[1]) else { throw EngineError.invalid("\(what): invalid port in pool member \(m)", hint: "a port is a number from 1 to 65535") }
                try port(n, what: "\(what): member \(m)")
            }
        }
        for t in spec.healthMonitors ?? [] where !healthMonitorTypes.contains(t.uppercased()) {
            throw EngineError.invalid("\(what): unknown health monitor type \(t)", hint: "one of \(healthMonitorTypes.joined(separator: ", "))")
        }
        if let t = spec.persistence, !persistenceTypes.contains(t.uppercased()) {
            throw EngineError.invalid("\(what): unknown persistence type \(t)", hint: "one of \(persistenceTypes.joined(separator: ", "))")
        }
        if let g = spec.gracefulTimeoutMinutes, g < -1 {
            throw EngineError.invalid("\(what): gracefulTimeout must be -1 (for ever), 0 or a number of minutes, not \(g)")
        }
    }

    /// Checks the persistence of a pool as it will be sent (what `ensure` was given over what exists).
    public static func checkPersistence(_ pool: LoadBalancerPool) throws {
        let what = "pool \(pool.name ?? "")"
        guard let pp = pool.persistenceProfile else { return }
        guard let t = pp.type else {
            throw EngineError.invalid("\(what): persistenceValue needs a persistence type", hint: "give persistence: \"HTTP_COOKIE\" (or CUSTOM_HTTP_HEADER, APP_COOKIE)")
        }
        if persistenceWithValue.contains(t), (pp.value ?? "").isEmpty {
            throw EngineError.invalid("\(what): \(t) persistence needs the cookie or header name", hint: "give persistenceValue: \"JSESSIONID\" (for example)")
        }
    }

    /// Checks a virtual service's settings; returns its service ports when `ports` was given.
    @discardableResult
    public static func check(_ spec: VirtualServiceSpec) throws -> [PortRange]? {
        let what = "virtual service \(spec.name)"
        if let p = spec.port { try port(p, what: "\(what): port") }
        if let t = spec.type, !["HTTP", "HTTPS", "L4", "L4_TLS"].contains(t) {
            throw EngineError.invalid("\(what): unknown type \(t)", hint: "one of L4 (default), HTTP, HTTPS, L4_TLS")
        }
        if spec.certificate != nil, let t = spec.type, !["HTTPS", "L4_TLS"].contains(t) {
            throw EngineError.invalid("\(what): a certificate is for HTTPS and L4_TLS services, not \(t)", hint: "give type: \"HTTPS\" or leave the certificate out")
        }
        if let t = spec.type, ["HTTPS", "L4_TLS"].contains(t), spec.certificate == nil {
            throw EngineError.invalid("\(what): a \(t) virtual service needs a certificate", hint: "give certificate: \"<alias in the certificate library>\"")
        }
        guard let texts = spec.ports else { return nil }
        if texts.isEmpty { throw EngineError.invalid("\(what): ports must name at least one port") }
        var ranges: [PortRange] = []
        for t in texts {
            let bounds = t.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(bounds.count), let a = bounds.first ?? nil, let b = bounds.last ?? nil else {
                throw EngineError.invalid("\(what): invalid service port \(t)", hint: "a port (443) or a range (\"8000-8010\")")
            }
            try port(a, what: "\(what): port \(t)")
            try port(b, what: "\(what): port \(t)")
            guard a <= b else { throw EngineError.invalid("\(what): the range \(t) ends before it starts") }
            let r = PortRange(start: a, end: b)
            if let other = ranges.first(where: { $0.start <= r.end && r.start <= $0.end }) {
                throw EngineError.invalid("\(what): service ports \(other.text) and \(r.text) overlap")
            }
            ranges.append(r)
        }
        return ranges
    }

    static func port(_ n: Int, what: String) throws {
        guard (1...65535).contains(n) else { throw EngineError.invalid("\(what): \(n) is not a port", hint: "a port is a number from 1 to 65535") }
    }
}
