import Foundation
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// The Kubernetes script types: the `kube` namespace, a connection to a cluster, its collections
/// and objects. Registered like the cloud types, for help, completion and docs/types.md.
enum KubeTypes {
    static var everything: [NativeType] {
        [namespaceObject, connection, namespaces, nodes, pods, deployments, services, secrets, configMaps,
         namespace, node, pod, deployment, service, secret, configMap, object]
    }

    // MARK: kube and connections

    static let namespaceObject = { () -> NativeType in
        let t = NativeType(name: "kube", doc: "Kubernetes clusters reached through a kubeconfig: kube.connect(kubeconfig:, context:).")
        t.method("connect", of: KubeNamespaceObject.self, params: [Parameter("kubeconfig", default: .null, doc: "a kubeconfig file; default $KUBECONFIG, else ~/.kube/config"),
                                     Parameter("context", default: .null, doc: "a context of the file; default its current-context"),
                                     Parameter("namespace", default: .null, doc: "default namespace of the collections; default the context's, else default")],
                 doc: "Connects to the cluster of a kubeconfig context (token, client certificate, CA data, insecure-skip-tls-verify; exec plugins are not supported yet) and returns a kubeConnection. Nothing is sent until it is used.") { k, a, ctx in
            return try KubeObjectsBridge.connect(a, ctx, wiring: k.wiring, gate: k.gate)
        }
        t.describe = { _ in "<kube>" }
        CloudTypes.register(t)
        return t
    }()

    static let connection = { () -> NativeType in
        let t = NativeType(name: "kubeConnection", doc: "A Kubernetes cluster as one kubeconfig context reaches it. Collections are in its namespace (the context's, else default); withNamespace(name) gives a view in another.")
        t.property("server", of: KubeConnection.self, doc: "The API server URL.") { o, _ in .string(o.kube.client.server) }
        t.property("context", of: KubeConnection.self, doc: "The kubeconfig context used.") { o, _ in .string(o.kube.client.contextName) }
        t.property("kubeconfig", of: KubeConnection.self, doc: "The kubeconfig file it was read from.") { o, _ in .string(o.kubeconfig) }
        t.property("namespace", of: KubeConnection.self, doc: "The default namespace of its collections.") { o, _ in .string(o.namespace) }
        t.property("version", of: KubeConnection.self, doc: "The server's Kubernetes version (gitVersion of /version).") { o, ctx in
            let v = try host(ctx) { try o.kube.client.version() }
            return V.s(v["gitVersion"]?.stringValue)
        }
        t.property("namespaces", of: KubeConnection.self, doc: "Namespaces (collection): ensure(name:, labels:).") { o, _ in KubeObjectsBridge.namespaces(o.kube) }
        t.property("nodes", of: KubeConnection.self, doc: "Nodes (collection, read-only).") { o, _ in KubeObjectsBridge.nodes(o.kube) }
        t.property("pods", of: KubeConnection.self, doc: "Pods of the namespace (collection, read-only and delete).") { o, _ in KubeObjectsBridge.pods(o.kube, o.namespace) }
        t.property("deployments", of: KubeConnection.self, doc: "Deployments of the namespace (collection): ensure(name:, image:, replicas:, ...).") { o, _ in
            KubeObjectsBridge.deployments(o.kube, o.namespace) }
        t.property("services", of: KubeConnection.self, doc: "Services of the namespace (collection): ensure(name:, port:, targetPort:, selector:, type:).") { o, _ in
            KubeObjectsBridge.services(o.kube, o.namespace) }
        t.property("secrets", of: KubeConnection.self, doc: "Secrets of the namespace (collection): ensure(name:, data:); values never print.") { o, _ in
            KubeObjectsBridge.secrets(o.kube, o.namespace) }
        t.property("configMaps", of: KubeConnection.self, doc: "Config maps of the namespace (collection): ensure(name:, data:).") { o, _ in
            KubeObjectsBridge.configMaps(o.kube, o.namespace) }
        t.property("plan", of: KubeConnection.self, doc: "True in plan mode (--plan): changes are recorded, not sent.") { o, _ in .bool(o.kube.isPlan) }
        t.method("withNamespace", of: KubeConnection.self, params: [Parameter("name")], doc: "The same cluster with another default namespace.") { x, a, _ in
            return .object(KubeConnection(kube: x.kube, namespace: try a.string(0), kubeconfig: x.kubeconfig))
        }
        t.method("expose", of: KubeConnection.self, params: [Parameter("deployment", doc: "a deployment object, or its name"), Parameter("port", doc: "the service port"),
                                    Parameter("targetPort", default: .null, doc: "the pods' port (number or name); default the container's port, else port"),
                                    Parameter("type", default: .string("ClusterIP"), doc: "ClusterIP, NodePort or LoadBalancer"),
                                    Parameter("name", default: .null, doc: "default the deployment's name"),
                                    Parameter("namespace", default: .null, doc: "default the deployment's"), Parameter("protocol", default: .null, doc: "TCP (default), UDP")],
                 doc: "Ensures a Service selecting the deployment's pods (its selector labels) on port → targetPort, like kubectl expose; prints + / ~ / = and returns the service.") { o, a, ctx in
            try KubeObjectsBridge.expose(o, a, ctx)
        }
        t.method("apply", of: KubeConnection.self, params: [Parameter("manifest", doc: "YAML or JSON text, several documents separated by ---"),
                                   Parameter("namespace", default: .null, doc: "for namespaced objects that name none; default the connection's")],
                 doc: "Applies every object of the manifest in order (server-side apply, field manager vcdscript): + created, ~ updated (fields) or = unchanged per object; returns the objects.") { x, a, ctx in
            let text = try a.string(0)
            let ns = try a.optString("namespace") ?? x.namespace
            let results = try host(ctx) { try KubeApply(kube: x.kube).apply(text, namespace: ns) }
            return .list(results.map { r in .object(KubeRef(type(for: r.value["kind"]?.stringValue), kube: x.kube, value: r.value, planned: r.planned)) })
        }
        t.method("get", of: KubeConnection.self, params: [Parameter("kind", doc: "e.g. \"Deployment\", \"apps/v1/Deployment\", \"Cluster\" (found by discovery; apiVersion: when two groups serve it)"),
                                 Parameter("name"), Parameter("namespace", default: .null), Parameter("apiVersion", default: .null)],
                 doc: "Any object by kind and name (custom resources included); nil when there is none.") { x, a, ctx in
            let (kind, given) = try kindAndVersion(try a.string(0), try a.optString("apiVersion"))
            let name = try a.string(1)
            let ns = try a.optString("namespace") ?? x.namespace
            let found = try host(ctx) { () -> JSONValue? in
                let r = try resource(x.kube.client, kind: kind, apiVersion: given)
                let v = try x.kube.objects(r, namespace: ns).find(name)
                return kind == "Secret" ? v.map(KubeSecrets.registered) : v
            }
            return found.map { .object(KubeRef(type(for: kind), kube: x.kube, value: $0)) } ?? .null
        }
        t.describe(as: KubeConnection.self) { o in "<kubeConnection \(o.kube.client.contextName)>" }
        CloudTypes.register(t)
        return t
    }()

    /// `"Deployment"`, or `"apps/v1/Deployment"` (group/version/Kind); `apiVersion:` given twice must agree.
    static func kindAndVersion(_ text: String, _ apiVersion: String?) throws -> (String, String?) {
        guard let slash = text.lastIndex(of: "/") else { return (text, apiVersion) }
        let kind = String(text[text.index(after: slash)...]), version = String(text[..<slash])
        if let apiVersion, apiVersion != version {
            throw ScriptError(.argument, "get(): \(text) names apiVersion \(version) but apiVersion: says \(apiVersion)")
        }
        return (kind, version)
    }

    /// The resource of `kind`: in `apiVersion` when given; else the built-in kinds' own version,
    /// else the one group that serves that kind (found by discovery, as kubectl does).
    static func resource(_ client: KubeClient, kind: String, apiVersion: String?) throws -> KubeResource {
        if let v = apiVersion ?? builtinAPIVersion[kind] { return try client.resource(apiVersion: v, kind: kind) }
        let all = try client.resources(ofKind: kind)
        if all.count == 1 { return all[0] }
        if all.isEmpty {
            throw KubeError(status: 404, reason: "NotFound", message: "the server serves no kind \(kind)", operation: "get \(kind)",
                            hint: "kinds are case-sensitive (Deployment, not deployment); for a custom resource pass apiVersion:, e.g. get(\"\(kind)\", name, apiVersion: \"cluster.x-k8s.io/v1beta1\"), once its CustomResourceDefinition is applied")
        }
        if let core = all.first(where: { $0.group.isEmpty }) { return core }
        throw KubeError(status: 400, reason: "Ambiguous", message: "kind \(kind) is served by \(all.map(\.apiVersion).joined(separator: ", "))", operation: "get \(kind)",
                        hint: "pass apiVersion: to say which, e.g. apiVersion: \"\(all[0].apiVersion)\"")
    }

    static let builtinAPIVersion = ["Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ReplicaSet": "apps/v1",
                                    "Job": "batch/v1", "CronJob": "batch/v1", "Ingress": "networking.k8s.io/v1"]

    /// The script type of an object of `kind`.
    static func type(for kind: String?) -> NativeType {
        switch kind {
        case "Namespace": return namespace
        case "Node": return node
        case "Pod": return pod
        case "Deployment": return deployment
        case "Service": return service
        case "Secret": return secret
        case "ConfigMap": return configMap
        default: return object
        }
    }

    // MARK: Collections

    static func kubeCollection(_ name: String, element: String, doc: String, ensureParams: [Parameter]?, ensureDoc: String = "",
                               namespaced: Bool, deletable: Bool) -> NativeType {
        let t = Collections.type(name, element: element, doc: doc, ensureParams: ensureParams, ensureDoc: ensureDoc)
        if ensureParams != nil || deletable {
            t.method("delete", of: CloudCollection.self, params: [Parameter("name")],
                     doc: "Deletes the \(element) if it exists (missing is fine) and waits until it is gone (finalizers); true if it existed.") { c, a, ctx in
                guard let del = c.deleteItem else { throw ScriptError(.host, "\(c.elementKind)s cannot be deleted here") }
                let name = try a.string(0)
                return .bool(try host(ctx) { try del(name) })
            }
        }
        if namespaced {
            t.property("namespace", of: KubeCollection.self, doc: "The namespace it lists.") { o, _ in V.s(o.namespace) }
            t.method("inNamespace", of: KubeCollection.self, params: [Parameter("name")], doc: "The same collection in another namespace.") { c, a, _ in
                guard let rebuild = c.inNamespace else { return .object(c) }
                return rebuild(try a.string(0))
            }
        }
        return t
    }

    static let ns = Parameter("namespace", default: .null, doc: "default the connection's")

    static let namespaces = kubeCollection("kubeNamespaces", element: "namespace", doc: "The namespaces of a cluster.",
        ensureParams: [Parameter("name"), Parameter("labels", default: .null, doc: "a map; only these keys are compared and set")],
        namespaced: false, deletable: true)
    static let nodes = kubeCollection("kubeNodes", element: "node", doc: "The nodes of a cluster (read-only).", ensureParams: nil, namespaced: false, deletable: false)
    static let pods = kubeCollection("kubePods", element: "pod", doc: "The pods of a namespace (read-only; delete(name) deletes one and waits).",
        ensureParams: nil, namespaced: true, deletable: true)
    static let deployments = kubeCollection("kubeDeployments", element: "deployment", doc: "The deployments of a namespace.",
        ensureParams: [Parameter("name"), ns, Parameter("image", default: .null, doc: "the container image (needed to create)"),
                       Parameter("replicas", default: .null, doc: "default 1 at creation"),
                       Parameter("labels", default: .null, doc: "pod labels and selector at creation (default {app: name}); later only compared and set on the deployment"),
                       Parameter("port", default: .null, doc: "the container port"), Parameter("env", default: .null, doc: "a map of environment variables")],
        ensureDoc: "Creates the deployment (one container named like it) if missing; else updates replicas, image, port, env and labels where they differ (a strategic merge patch of just those); prints + created / ~ updated (fields) / = unchanged and returns it.",
        namespaced: true, deletable: true)
    static let services = kubeCollection("kubeServices", element: "service", doc: "The services of a namespace.",
        ensureParams: [Parameter("name"), ns, Parameter("port", default: .null, doc: "needed to create"),
                       Parameter("targetPort", default: .null, doc: "the pods' port, number or name; default port"),
                       Parameter("selector", default: .null, doc: "pod labels, a map"), Parameter("type", default: .null, doc: "ClusterIP (default), NodePort, LoadBalancer"),
                       Parameter("protocol", default: .null, doc: "TCP (default), UDP")],
        ensureDoc: "Creates the service (one port) if missing; else updates type, selector and the port where they differ; prints + / ~ / = and returns it.",
        namespaced: true, deletable: true)
    static let secrets = kubeCollection("kubeSecrets", element: "secret", doc: "The secrets of a namespace. Values are secret values: they never print or log.",
        ensureParams: [Parameter("name"), ns, Parameter("data", default: .null, doc: "a map key → value (strings or secret(...)); sent base64-encoded"),
                       Parameter("type", default: .null, doc: "Opaque (default); set at creation only")],
        ensureDoc: "Creates the secret if missing; else writes the keys of data whose value differs (other keys are kept); prints + / ~ (keys, never values) / = and returns it.",
        namespaced: true, deletable: true)
    static let configMaps = kubeCollection("kubeConfigMaps", element: "config map", doc: "The config maps of a namespace.",
        ensureParams: [Parameter("name"), ns, Parameter("data", default: .null, doc: "a map key → value")],
        ensureDoc: "Creates the config map if missing; else writes the keys of data whose value differs (other keys are kept); prints + / ~ / = and returns it.",
        namespaced: true, deletable: true)

    // MARK: Objects

    struct F {
        let name: String
        let doc: String
        let known: Bool
        let get: (KubeRef) -> Value
        init(_ name: String, _ doc: String, known: Bool = true, _ get: @escaping (KubeRef) -> Value) {
            self.name = name
            self.doc = doc
            self.known = known
            self.get = get
        }
    }

    static func str(_ r: KubeRef, _ path: String) -> Value { V.s(r.value.value(at: path)?.scalarText) }

    static let common: [F] = [
        F("name", "Its name.") { V.s($0.value["metadata"]?["name"]?.stringValue) },
        F("namespace", "Its namespace (nil for cluster-scoped objects).") { V.s($0.namespace) },
        F("kind", "Its kind.") { V.s($0.value["kind"]?.stringValue) },
        F("apiVersion", "Its apiVersion.") { V.s($0.value["apiVersion"]?.stringValue) },
        F("labels", "metadata.labels, a map.") { KubeObjectsBridge.value($0.value["metadata"]?["labels"] ?? .object([:])) },
        F("annotations", "metadata.annotations, a map.") { KubeObjectsBridge.value($0.value["metadata"]?["annotations"] ?? .object([:])) },
        F("uid", "Its uid.", known: false) { str($0, "metadata.uid") },
        F("resourceVersion", "Its resourceVersion (changes with every write).", known: false) { str($0, "metadata.resourceVersion") },
        F("creationTimestamp", "When it was created.", known: false) { str($0, "metadata.creationTimestamp") },
        F("age", "How long ago it was created, as kubectl shows it (45s, 12m, 5h, 3d).", known: false) { .string(KubeObjectsBridge.age($0.value, now: $0.kube.clock.now())) },
        F("spec", "Its spec, as a map.") { KubeObjectsBridge.value($0.value["spec"]) },
        F("status", "Its status, as a map.", known: false) { KubeObjectsBridge.value($0.value["status"]) },
        F("yaml", "The object as YAML (as kubectl get -o yaml; secret values masked).") { .string(KubeObjectsBridge.yaml($0.value)) },
        F("json", "The object as JSON (secret values masked).") { .string(KubeObjectsBridge.jsonText($0.value)) },
    ]

    static func define(_ name: String, doc: String, columns: [String], fields: [F]) -> NativeType {
        let t = NativeType(name: name, doc: doc)
        var seen = Set<String>()
        for f in fields + common where seen.insert(f.name).inserted {
            t.property(f.name, of: KubeRef.self, doc: f.doc) { r, _ in
                if r.planned && !f.known { return UnknownValue.standing(for: r.nativeType.memberTypes[f.name]) }
                return f.get(r)
            }
        }
        t.method("refresh", of: KubeRef.self, doc: "Reads the object again; returns it (nil when it is gone).") { r, _, ctx in
            if r.planned { return .object(r) }
            guard let apiVersion = r.value["apiVersion"]?.stringValue, let kind = r.value["kind"]?.stringValue else { return .object(r) }
            let fresh = try host(ctx) { () -> JSONValue? in
                let res = try r.kube.client.resource(apiVersion: apiVersion, kind: kind)
                return try r.kube.objects(res, namespace: r.namespace).find(r.name)
            }
            guard let fresh else { return .null }
            r.value = kind == "Secret" ? KubeSecrets.registered(fresh) : fresh
            return .object(r)
        }
        t.columns = columns
        t.describe(as: KubeRef.self) { r in
            return "<\(name) \(r.namespace.map { "\($0)/" } ?? "")\(r.name)>"
        }
        CloudTypes.register(t)
        return t
    }

    static func int(_ v: JSONValue?) -> Value { if case .int(let i)? = v { return .int(i) }; return .null }

    static let namespace = define("kubeNamespace", doc: "A Kubernetes namespace.", columns: ["name", "phase", "age"], fields: [
        F("phase", "Active or Terminating.", known: false) { str($0, "status.phase") },
    ])

    static let node = define("kubeNode", doc: "A Kubernetes node.", columns: ["name", "ready", "roles", "age", "version"], fields: [
        F("ready", "Ready, NotReady or Unknown (from its Ready condition; ,SchedulingDisabled when cordoned).") { .string(KubeNodes.status($0.value)) },
        F("roles", "Its node-role.kubernetes.io/* roles.") { V.list(KubeNodes.roles($0.value)) },
        F("version", "The kubelet version.") { str($0, "status.nodeInfo.kubeletVersion") },
        F("internalIP", "Its InternalIP address.") { V.s(KubeNodes.internalIP($0.value)) },
        F("providerID", "spec.providerID (vmware-cloud-director://<VM urn> on CAPVCD).") { str($0, "spec.providerID") },
    ])

    static let pod = define("kubePod", doc: "A Kubernetes pod.", columns: ["name", "ready", "phase", "restarts", "age"], fields: [
        F("ready", "Ready containers / containers.", known: false) { .string(KubePods.ready($0.value)) },
        F("phase", "kubectl's STATUS: Pending, Running, Succeeded, Failed, Terminating.", known: false) { .string(KubePods.status($0.value)) },
        F("restarts", "Container restarts, summed.", known: false) { .int(KubePods.restarts($0.value)) },
        F("node", "The node it runs on.", known: false) { str($0, "spec.nodeName") },
        F("ip", "Its address.", known: false) { str($0, "status.podIP") },
        F("images", "Its containers' images.") { r in
            guard case .array(let c)? = r.value["spec"]?["containers"] else { return V.list([]) }
            return V.list(c.compactMap { $0["image"]?.stringValue })
        },
    ])

    static let deployment = define("kubeDeployment", doc: "A Kubernetes deployment.", columns: ["name", "ready", "upToDate", "available", "age"], fields: [
        F("replicas", "Desired replicas (spec.replicas).") { int($0.value["spec"]?["replicas"]) },
        F("image", "The image of its first container.") { V.s(KubeDeployments.container($0.value)?["image"]?.stringValue) },
        F("images", "The images of its containers.") { V.list(KubeDeployments.images($0.value)) },
        F("selector", "The pod labels it selects (spec.selector.matchLabels).") { KubeObjectsBridge.value(KubeJSONPath.object(KubeDeployments.selector($0.value))) },
        F("ready", "Ready replicas / desired, as kubectl shows them.", known: false) { .string(KubeDeployments.ready($0.value)) },
        F("upToDate", "status.updatedReplicas.", known: false) { r in .int(KubeDeployments.int(r.value["status"]?["updatedReplicas"])) },
        F("available", "status.availableReplicas.", known: false) { r in .int(KubeDeployments.int(r.value["status"]?["availableReplicas"])) },
    ])

    static let service = { () -> NativeType in
        let t = serviceFields
        t.method("waitForAddress", of: KubeRef.self, params: [Parameter("timeout", default: .duration(2 * 60 * 1_000_000_000), doc: "a duration, e.g. 2m")],
                 doc: "For a LoadBalancer service: reads it again until the load balancer (the cloud provider) has given it an address (status.loadBalancer.ingress), then returns it with externalIP set; an error after the timeout. Other types return at once; in plan mode nothing is read.") { o, a, ctx in
            try KubeObjectsBridge.waitForAddress(o, timeout: try ClusterBridge.timeout(a, "timeout", default: 120), ctx: ctx)
        }
        return t
    }()

    static let serviceFields = define("kubeService", doc: "A Kubernetes service.", columns: ["name", "type", "clusterIP", "externalIP", "portList", "age"], fields: [
        F("type", "ClusterIP, NodePort or LoadBalancer.") { V.s($0.value["spec"]?["type"]?.stringValue ?? "ClusterIP") },
        F("clusterIP", "Its cluster address.", known: false) { V.s($0.value["spec"]?["clusterIP"]?.stringValue ?? "<none>") },
        F("externalIP", "The load balancer's address; <pending> for a LoadBalancer without one yet.", known: false) { .string(KubeServices.externalIP($0.value)) },
        F("loadBalancerIP", "The first status.loadBalancer.ingress ip, or nil.", known: false) { r in
            guard case .array(let ing)? = r.value["status"]?["loadBalancer"]?["ingress"] else { return .null }
            return V.s(ing.first?["ip"]?.stringValue ?? ing.first?["hostname"]?.stringValue)
        },
        F("ports", "Its ports, as maps {name, port, targetPort, protocol, nodePort}.") { r in
            guard case .array(let p)? = r.value["spec"]?["ports"] else { return V.list([]) }
            return .list(p.map { KubeObjectsBridge.value($0) })
        },
        F("portList", "kubectl's PORT(S): 8080:31234/TCP.") { .string(KubeServices.portsText($0.value)) },
        F("selector", "The pod labels it selects.") { KubeObjectsBridge.value($0.value["spec"]?["selector"] ?? .object([:])) },
    ])

    static let secret = define("kubeSecret", doc: "A Kubernetes secret; its values are secret values (they print as ********).", columns: ["name", "type", "dataCount", "age"], fields: [
        F("type", "Opaque, kubernetes.io/tls, ...") { V.s($0.value["type"]?.stringValue ?? "Opaque") },
        F("dataCount", "How many keys it holds (kubectl's DATA).") { .int(KubeJSONPath.stringMap($0.value["data"]).count) },
        F("keys", "Its keys.") { V.list(KubeJSONPath.stringMap($0.value["data"]).keys.sorted()) },
        F("data", "key → value, decoded, each a secret value (unwrapped only where sent).") { r in
            let values = KubeSecrets.values(r.value)
            return .map(values.keys.sorted().map { k in (k, .secret(SecretRef(values[k]!))) })
        },
    ])

    static let configMap = define("kubeConfigMap", doc: "A Kubernetes config map.", columns: ["name", "dataCount", "age"], fields: [
        F("data", "key → value, a map.") { KubeObjectsBridge.value($0.value["data"] ?? .object([:])) },
        F("dataCount", "How many keys it holds (kubectl's DATA).") { .int(KubeJSONPath.stringMap($0.value["data"]).count) },
    ])

    static let object = define("kubeObject", doc: "Any other Kubernetes object (from apply or get).", columns: ["kind", "name", "namespace", "age"], fields: [])
}
