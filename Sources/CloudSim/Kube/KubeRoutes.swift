import CloudWire
import Foundation

/// The Kubernetes API of the simulated clusters (service `.kube`), one cluster per path prefix:
/// `/clusters/{name}/api/v1/...`, so a kubeconfig `server: http://127.0.0.1:PORT/clusters/NAME`
/// works with kubectl and client libraries. Every path under a cluster goes to one dispatcher
/// that parses it as the apiserver lays out its URLs (`KubePath`); errors are `Status` objects.
enum KubeRoutes: RouteFamily {
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        // Patterns of every depth a Kubernetes path can have below the cluster prefix
        // (`/version` … `/apis/g/v/namespaces/ns/res/name/status`); the dispatcher parses them.
        for depth in 1...8 {
            let pattern = "/clusters/{cluster}" + (1...depth).map { "/{s\($0)}" }.joined()
            for m in methods {
                t.add(Route(m, pattern, access: .open, effect: m == "GET" ? .read : .write, operation: operation, handler: handle))
            }
        }
    }

    /// The operation name of the Kubernetes API routes (the request log, fault injection).
    static let operation = "KUBE_API"

    /// The answer to a call that an injected fault (`sim serve --faults 503:0.1`) refuses: the
    /// apiserver's Status for that code; 429 and 503 carry `Retry-After` as the apiserver sends them.
    static func injectedFault(_ status: Int) -> HTTPResponseMessage {
        let reasons = [429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable", 504: "Timeout", 409: "Conflict"]
        var r = KubeError(status, reasons[status] ?? "InternalError", "injected fault: HTTP \(status)").response
        if status == 429 || status == 503 { r.headers["Retry-After"] = "1" }
        return r
    }

    static func handle(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        do {
            return try dispatch(ctx)
        } catch let e as KubeError {
            return e.response
        } catch let e as SimError {
            return KubeError(e.status, e.status == 404 ? "NotFound" : "BadRequest", e.message).response
        } catch {
            return KubeError(500, "InternalError", "Internal error occurred: \(error)").response
        }
    }

    /// The answer to a request the route table does not route: a method no Kubernetes path takes
    /// (405), or a path outside `/clusters/{name}/...` or deeper than any API path (404).
    static func unrouted(_ request: HTTPRequestMessage) -> HTTPResponseMessage {
        if !methods.contains(request.method) { return KubeError.methodNotAllowed(request.method, request.path).response }
        return KubeError.noSuchPath.response
    }

    private static func dispatch(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let parts = RouteTable.split(ctx.request.path)
        let name = ctx.param("cluster")
        guard let cluster = KubeStore.cluster(ctx.state, name) else {
            throw KubeError(404, "NotFound", "no simulated Kubernetes cluster named \"\(name)\" (create it with `vcdscript sim kube create \(name)`)")
        }
        let path = KubePath.parse(Array(parts.dropFirst(2)))
        try authenticate(ctx.request, cluster, publicPath: path == .version || path == .health)
        guard let path else { throw KubeError.noSuchPath }
        if case .resource(let target) = path {
            return try KubeRequest.answer(ctx, cluster: cluster, catalog: KubeCatalog(state: ctx.state, cluster: cluster.name), target: target)
        }
        guard ctx.request.method == "GET" else { throw KubeError.methodNotAllowed(ctx.request.method, ctx.request.path) }
        switch path {
        case .version: return KubeJSON.response(KubeDiscovery.version(cluster))
        case .health:
            var h = HTTPHeaderFields()
            h["Content-Type"] = "text/plain; charset=utf-8"
            return HTTPResponseMessage(status: 200, headers: h, body: Data("ok".utf8))
        case .coreVersions: return KubeJSON.response(KubeDiscovery.coreVersions())
        case .groupList: return KubeJSON.response(KubeDiscovery.groupList(KubeCatalog(state: ctx.state, cluster: cluster.name)))
        case .group(let g): return KubeJSON.response(try KubeDiscovery.group(KubeCatalog(state: ctx.state, cluster: cluster.name), g))
        case .groupVersion(let g, let v):
            return KubeJSON.response(try KubeDiscovery.resourceList(KubeCatalog(state: ctx.state, cluster: cluster.name), group: g, version: v))
        case .openapi(let parts):
            let catalog = KubeCatalog(state: ctx.state, cluster: cluster.name)
            guard parts.first == "v3" else { throw KubeError.noSuchPath }
            if parts.count == 1 { return KubeJSON.response(KubeOpenAPI.root(catalog, cluster: cluster.name)) }
            return KubeJSON.response(try KubeOpenAPI.document(catalog, Array(parts.dropFirst()), cluster: cluster))
        case .resource: throw KubeError.noSuchPath
        }
    }

    /// A request at the root of the Kubernetes listener (`/api/v1/nodes` rather than
    /// `/clusters/N/api/v1/nodes`) goes to the cluster whose token it carries: what a program
    /// that builds its client from the in-cluster environment (`KUBERNETES_SERVICE_HOST` and
    /// `_PORT`, the service account token; no path) reaches, as a pod of that cluster would reach
    /// its own API server. Without a token or with an unknown one it stays unrouted (404, 401).
    static func prefixed(_ request: HTTPRequestMessage, state sim: Simulator) -> HTTPRequestMessage {
        let path = request.path
        guard !path.hasPrefix("/clusters/"), !path.hasPrefix("/host/"),
              let header = request.headers["Authorization"] else { return request }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return request }
        let given = SecretDigest.token(String(parts[1]).trimmingCharacters(in: .whitespaces))
        let records = sim.worldLock.read { sim.world.all(Kind.kubeCluster).compactMap { try? $0.decode(KubeClusterRecord.self) } }
        guard let name = records.first(where: { constantTimeEqual(given, $0.tokenDigest) })?.name else { return request }
        var out = request
        out.target = "/clusters/\(name)" + request.target
        return out
    }

    /// `Authorization: Bearer <the cluster's token>`. A wrong token is refused everywhere; no token
    /// is accepted only for `/version` and the health checks, which real clusters show to anonymous
    /// callers. The token itself never reaches a log or a message.
    static func authenticate(_ request: HTTPRequestMessage, _ cluster: KubeClusterRecord, publicPath: Bool) throws {
        guard let header = request.headers["Authorization"] else {
            if publicPath { return }
            throw KubeError.unauthorized
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw KubeError.unauthorized }
        let given = SecretDigest.token(String(parts[1]).trimmingCharacters(in: .whitespaces))
        guard constantTimeEqual(given, cluster.tokenDigest) || cluster.previousTokenDigest.map({ constantTimeEqual(given, $0) }) == true else {
            throw KubeError.unauthorized
        }
    }

    /// Compares without stopping at the first difference (the time taken says nothing about the token).
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = x.count ^ y.count
        for i in 0..<max(x.count, y.count) { diff |= Int((i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)) }
        return diff == 0
    }
}
