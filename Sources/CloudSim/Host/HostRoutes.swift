import CloudWire
import Foundation

/// The simulated world's container host, served on the Kubernetes port beside the clusters' APIs:
/// the place where `kind` makes the node containers of a cluster, as real kind asks Docker. A
/// cluster made here is a simulated Kubernetes cluster like any other (its API at
/// `/clusters/<name>`); the host lists only the clusters it made, not the workload clusters that the
/// simulated CAPVCD makes on VMs. Callers prove they may use the host with the token of
/// `SimHostToken` (`Authorization: Bearer …`); errors are Docker-style `{"message": "…"}` bodies.
///
/// * `GET /host/v1/clusters` → `{"items": [{name, kubernetesVersion, creationTimestamp}]}`
/// * `POST /host/v1/clusters` `{name, kubernetesVersion}` → 201 the cluster; 409 when it exists
/// * `GET|DELETE /host/v1/clusters/{name}`: 404 when the host has no such cluster
/// * `GET /host/v1/clusters/{name}/kubeconfig[?internal=true]`: the cluster's admin kubeconfig for
///   the address the caller used (`internal`: the address inside the cluster's network)
enum HostRoutes: RouteFamily {
    static let prefix = "/host/v1/clusters"

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.add(Route("GET", prefix, access: .open, effect: .read, operation: "HOST_CLUSTER_LIST", handler: guarded(list)))
        t.add(Route("POST", prefix, access: .open, effect: .write, operation: "HOST_CLUSTER_CREATE", handler: guarded(create)))
        t.add(Route("GET", prefix + "/{name}", access: .open, effect: .read, operation: "HOST_CLUSTER_GET", handler: guarded(get)))
        t.add(Route("DELETE", prefix + "/{name}", access: .open, effect: .write, operation: "HOST_CLUSTER_DELETE", handler: guarded(delete)))
        t.add(Route("GET", prefix + "/{name}/kubeconfig", access: .open, effect: .read, operation: "HOST_CLUSTER_KUBECONFIG",
                    handler: guarded(kubeconfig)))
    }

    /// Checks the host token, and turns refusals into Docker-style error bodies.
    static func guarded(_ handler: @escaping Handler) -> Handler {
        { ctx in
            do {
                let expected = try SimHostToken.load(forState: ctx.sim.statePath)
                let header = ctx.request.headers["Authorization"] ?? ""
                let parts = header.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "bearer",
                      KubeRoutes.constantTimeEqual(String(parts[1]).trimmingCharacters(in: .whitespaces), expected) else {
                    return error(401, "the simulated container host needs its token (\(SimHostToken.path(forState: ctx.sim.statePath)))")
                }
                return try handler(ctx)
            } catch let e as KubeClusterError {
                return error(400, e.description)
            }
        }
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponseMessage {
        KubeJSON.response(.object(["message": .string(message)]), status: status)
    }

    /// The clusters this host made (not CAPVCD's workload clusters).
    static func hostClusters(_ state: StateView) -> [KubeClusterRecord] {
        state.all(Kind.kubeCluster).compactMap { try? $0.decode(KubeClusterRecord.self) }.filter { $0.flavor != .capvcd }
    }

    static func info(_ r: KubeClusterRecord) -> JSONValue {
        .object(["name": .string(r.name), "kubernetesVersion": .string(r.kubernetesVersion), "creationTimestamp": .string(r.creationTimestamp)])
    }

    static func list(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        KubeJSON.response(.object(["items": .array(hostClusters(ctx.state).map(info))]))
    }

    static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let body = try? JSONValue.parse(ctx.request.body), let name = body["name"]?.stringValue else {
            return error(400, "the body must be a JSON object with a name")
        }
        let version = body["kubernetesVersion"]?.stringValue ?? KubeClusterDefaults.kindVersion
        if let why = KubeMeta.nameProblem(name, label: true) { return error(400, "invalid cluster name \"\(name)\": \(why)") }
        guard version.range(of: #"^v?\d+\.\d+\.\d+"#, options: .regularExpression) != nil else {
            return error(400, "invalid Kubernetes version \"\(version)\" (expected e.g. v1.25.3)")
        }
        if KubeStore.cluster(ctx.state, name) != nil {
            return error(409, "node(s) already exist for a cluster with the name \"\(name)\"")
        }
        let made = try Simulator.insertKubeCluster(ctx.write, name: name, version: version.hasPrefix("v") ? version : "v" + version,
                                                tokens: ctx.sim.kubeTokens)
        guard let rec = KubeStore.cluster(ctx.write, made.name) else { return error(500, "the cluster was not stored") }
        return KubeJSON.response(info(rec), status: 201)
    }

    static func find(_ ctx: RequestContext) -> KubeClusterRecord? {
        guard let r = KubeStore.cluster(ctx.state, ctx.param("name")), r.flavor != .capvcd else { return nil }
        return r
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let r = find(ctx) else { return error(404, "no cluster named \"\(ctx.param("name"))\" on this host") }
        return KubeJSON.response(info(r))
    }

    static func delete(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let r = find(ctx) else { return error(404, "no cluster named \"\(ctx.param("name"))\" on this host") }
        try Simulator.removeKubeCluster(ctx.write, name: r.name)
        return HTTPResponseMessage(status: 204, headers: HTTPHeaderFields(), body: Data())
    }

    static func kubeconfig(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        guard let r = find(ctx) else { return error(404, "no cluster named \"\(ctx.param("name"))\" on this host") }
        let internalAddress = (URLComponents(string: ctx.request.target)?.queryItems ?? []).contains { $0.name == "internal" && $0.value == "true" }
        let server = internalAddress ? "https://\(r.name)-control-plane:6443" : "\(ctx.base)/clusters/\(r.name)"
        // Over https the caller trusts the certificate the server presents (the simulator's own).
        var ca: String? = nil
        if !internalAddress, ctx.base.hasPrefix("https://"), let file = ctx.sim.recordedCertificate,
           let pem = try? String(contentsOfFile: file, encoding: .utf8) {
            ca = Data(pem.utf8).base64EncodedString()
        }
        let yaml = KubeconfigText.yaml(cluster: r.name, server: server, token: ctx.sim.kubeTokens.token(for: r), caData: ca)
        var h = HTTPHeaderFields()
        h["Content-Type"] = "application/yaml"
        return HTTPResponseMessage(status: 200, headers: h, body: Data(yaml.utf8))
    }
}

/// Defaults of clusters made on the host.
public enum KubeClusterDefaults {
    /// The Kubernetes version of kind v0.17's node image (`kindest/node:v1.25.3`).
    public static let kindVersion = "v1.25.3"
}
