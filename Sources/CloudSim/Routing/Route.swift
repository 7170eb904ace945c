import CloudWire
import Foundation

/// What a route does to the world; the request log counts reads and writes from it.
enum Effect {
    /// Reads only.
    case read
    /// May change the world: runs in one write transaction.
    case write
    /// Logs in or out: changes sessions, not the world; counted apart.
    case auth
}

/// Who may call a route.
enum Access {
    /// No session needed (`/api/versions`, logins).
    case open
    /// Any session.
    case session
    /// A session holding this right. Provider sessions hold every right.
    case right(String)
    /// Provider sessions only; tenants get 403 naming `right`.
    case provider(String)
}

typealias Handler = (RequestContext) throws -> HTTPResponseMessage

/// One entry of the route table: method + path pattern (`{name}` matches one segment) → handler.
/// A class: the table is scanned per request, and copying a struct of three strings, an array and
/// a closure retained each of them.
final class Route {
    let method: String
    let pattern: String
    let segments: [Segment]
    let access: Access
    let effect: Effect
    /// Human name of the operation, used in 403 messages and the log (`EDGE_GATEWAY_CREATE`).
    let operation: String
    let handler: Handler

    enum Segment: Equatable {
        case literal(String)
        case param(String)
    }

    init(_ method: String, _ pattern: String, access: Access, effect: Effect, operation: String, handler: @escaping Handler) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.effect = effect
        self.operation = operation
        self.handler = handler
        segments = pattern.split(separator: "/").map { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? .param(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
    }

    /// Parameters if `path` (already split and percent-decoded) matches.
    func match(_ parts: [String]) -> [String: String]? {
        guard parts.count == segments.count else { return nil }
        // Literals first, without building anything: most routes of a length do not match.
        for (seg, part) in zip(segments, parts) { if case .literal(let l) = seg, l != part { return nil } }
        var params: [String: String] = [:]
        for (seg, part) in zip(segments, parts) { if case .param(let n) = seg { params[n] = part } }
        return params
    }
}

/// The route table of one service. Resource families add their routes in `register(into:)`; the
/// simulator looks routes up by method and path. Literal segments win over parameters, so
/// `/edgeGateways/{id}/nat/rules` and `/loadBalancer/serviceEngineGroups/assignments` coexist with
/// `{id}` routes.
final class RouteTable {
    private(set) var routes: [Route] = []
    /// Routes grouped by their number of path segments (a request is matched only against routes
    /// of its own length), most literal segments first within each group.
    private var byCount: [Int: [Route]] = [:]

    func add(_ route: Route) {
        routes.append(route)
        byCount[route.segments.count, default: []].append(route)
        // Most literal segments first: specific routes shadow `{id}` ones.
        byCount[route.segments.count]!.sort { a, b in
            let la = a.segments.filter { if case .literal = $0 { return true }; return false }.count
            let lb = b.segments.filter { if case .literal = $0 { return true }; return false }.count
            return la > lb
        }
    }

    func get(_ p: String, _ access: Access, _ op: String, _ h: @escaping Handler) { add(Route("GET", p, access: access, effect: .read, operation: op, handler: h)) }
    func post(_ p: String, _ access: Access, _ op: String, effect: Effect = .write, _ h: @escaping Handler) { add(Route("POST", p, access: access, effect: effect, operation: op, handler: h)) }
    func put(_ p: String, _ access: Access, _ op: String, _ h: @escaping Handler) { add(Route("PUT", p, access: access, effect: .write, operation: op, handler: h)) }
    func patch(_ p: String, _ access: Access, _ op: String, _ h: @escaping Handler) { add(Route("PATCH", p, access: access, effect: .write, operation: op, handler: h)) }
    func delete(_ p: String, _ access: Access, _ op: String, effect: Effect = .write, _ h: @escaping Handler) { add(Route("DELETE", p, access: access, effect: effect, operation: op, handler: h)) }

    enum Lookup {
        case found(Route, [String: String])
        case methodNotAllowed([String])
        case notFound
    }

    func lookup(method: String, path: String) -> Lookup {
        let parts = RouteTable.split(path)
        var allowed: [String] = []
        for r in byCount[parts.count] ?? [] {
            if let params = r.match(parts) {
                if r.method == method { return .found(r, params) }
                allowed.append(r.method)
            }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed)
    }

    /// Splits a path into percent-decoded segments (URNs arrive encoded or not).
    /// Bytes, not Characters: `/` and `%` are ASCII, and grapheme breaking made this most of a
    /// lookup's cost.
    static func split(_ path: String) -> [String] {
        path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { bytes in
            let s = String(Substring(bytes))
            return bytes.contains(UInt8(ascii: "%")) ? (s.removingPercentEncoding ?? s) : s
        }
    }
}

/// A family of routes (one resource kind or a few tightly bound ones). Each file under `VCD/`,
/// `XML/`, `NSX/` and `ALB/` declares one.
protocol RouteFamily {
    static func register(into table: RouteTable)
}
