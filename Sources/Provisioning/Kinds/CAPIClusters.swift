import Foundation
import CloudClient
import CloudWire

/// What a CAPVCD workload cluster is made from: the parameters of CAPVCD's cluster template
/// (cluster-template-v1beta2, the objects `clusterctl generate cluster` writes).
public struct CAPIClusterSpec: Sendable {
    public var name: String
    public var namespace: String = "default"
    public var site: String
    public var org: String
    public var vdc: String
    public var network: String
    public var vipSubnet: String?
    public var catalog: String
    public var template: String
    public var controlPlane: Int = 1
    public var workers: Int = 1
    public var kubernetes: String
    public var sshKey: String?
    public var credentials: VCDCredentials.Method
    /// The org the credentials log in to (`System`: the username is `system/<user>`).
    public var credentialsOrg: String
    public var sizingPolicy: String?
    public var placementPolicy: String?
    public var storageProfile: String?
    public var diskSize: String = "20Gi"
    public var podCIDR: String = "100.96.0.0/11"
    public var serviceCIDR: String = "100.64.0.0/13"
    public var workerPool: String = "md0"
    public var controlPlaneHost: String?

    public init(name: String, site: String, org: String, vdc: String, network: String, catalog: String, template: String,
                kubernetes: String, credentials: VCDCredentials.Method, credentialsOrg: String) {
        self.name = name
        self.site = site
        self.org = org
        self.vdc = vdc
        self.network = network
        self.catalog = catalog
        self.template = template
        self.kubernetes = kubernetes
        self.credentials = credentials
        self.credentialsOrg = credentialsOrg
    }
}

/// CAPI / CAPVCD API versions and the objects of one workload cluster.
public enum CAPI {
    public static let clusterAPI = "cluster.x-k8s.io/v1beta1"
    public static let infrastructure = "infrastructure.cluster.x-k8s.io/v1beta2"
    public static let controlPlaneAPI = "controlplane.cluster.x-k8s.io/v1beta1"
    public static let bootstrapAPI = "bootstrap.cluster.x-k8s.io/v1beta1"
    public static let clusterNameLabel = "cluster.x-k8s.io/cluster-name"
    public static let credentialsSecret = "capi-user-credentials"

    static func s(_ x: String) -> JSONValue { .string(x) }
    static func o(_ pairs: [String: JSONValue]) -> JSONValue { .object(pairs) }
    static func b64(_ x: String) -> JSONValue { .string(Data(x.utf8).base64EncodedString()) }

    static func meta(_ name: String, _ ns: String, labels: [String: String] = [:]) -> JSONValue {
        var m: [String: JSONValue] = ["name": s(name), "namespace": s(ns)]
        if !labels.isEmpty { m["labels"] = KubeJSONPath.object(labels) }
        return o(m)
    }

    static func ref(_ apiVersion: String, _ kind: String, _ name: String, _ ns: String) -> JSONValue {
        o(["apiVersion": s(apiVersion), "kind": s(kind), "name": s(name), "namespace": s(ns)])
    }

    static let nodeRegistration: JSONValue = o([
        "criSocket": s("/run/containerd/containerd.sock"),
        "kubeletExtraArgs": o(["eviction-hard": s("nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%"), "cloud-provider": s("external")]),
    ])

    static func users(_ key: String?) -> JSONValue {
        guard let key, !key.isEmpty else { return .array([]) }
        return .array([o(["name": s("root"), "sshAuthorizedKeys": .array([s(key.trimmingCharacters(in: .whitespacesAndNewlines))])])])
    }

    /// The control plane's KubeadmControlPlane / VCDMachineTemplate name.
    public static func controlPlaneName(_ cluster: String) -> String { "\(cluster)-control-plane" }

    /// The objects of CAPVCD's cluster template for `c`, in the order clusterctl applies them:
    /// Secret capi-user-credentials, Cluster, VCDCluster, VCDMachineTemplate (control plane),
    /// KubeadmControlPlane, VCDMachineTemplate (workers), KubeadmConfigTemplate, MachineDeployment.
    public static func manifests(_ c: CAPIClusterSpec) -> [JSONValue] {
        let ns = c.namespace, name = c.name, cp = controlPlaneName(name), md = "\(name)-\(c.workerPool)"
        let label = [clusterNameLabel: name]
        var creds: [String: JSONValue]
        switch c.credentials {
        case .password(let user, let password):
            let u = c.credentialsOrg.lowercased() == "system" && !user.contains("/") ? "system/\(user)" : user
            creds = ["username": b64(u), "password": b64(password)]
        case .apiToken(let t):
            creds = ["refreshToken": b64(t)]
        }
        let secret = o(["apiVersion": s("v1"), "kind": s("Secret"), "metadata": meta(credentialsSecret, ns), "type": s("Opaque"), "data": .object(creds)])

        let cluster = o([
            "apiVersion": s(clusterAPI), "kind": s("Cluster"),
            "metadata": meta(name, ns, labels: ["cni": "antrea", "ccm": "external", "csi": "external"]),
            "spec": o([
                "clusterNetwork": o(["pods": o(["cidrBlocks": .array([s(c.podCIDR)])]), "serviceDomain": s("cluster.local"),
                                     "services": o(["cidrBlocks": .array([s(c.serviceCIDR)])])]),
                "controlPlaneRef": ref(controlPlaneAPI, "KubeadmControlPlane", cp, ns),
                "infrastructureRef": ref(infrastructure, "VCDCluster", name, ns),
            ]),
        ])

        var vcdSpec: [String: JSONValue] = [
            "site": s(c.site), "org": s(c.org), "ovdc": s(c.vdc), "ovdcNetwork": s(c.network), "useAsManagementCluster": .bool(false),
            "userContext": o(["secretRef": o(["name": s(credentialsSecret), "namespace": s(ns)])]),
        ]
        if let v = c.vipSubnet { vcdSpec["loadBalancerConfigSpec"] = o(["vipSubnet": s(v)]) }
        if let h = c.controlPlaneHost { vcdSpec["controlPlaneEndpoint"] = o(["host": s(h), "port": .int(6443)]) }
        let vcdCluster = o(["apiVersion": s(infrastructure), "kind": s("VCDCluster"), "metadata": meta(name, ns), "spec": .object(vcdSpec)])

        func machineTemplate(_ n: String) -> JSONValue {
            var spec: [String: JSONValue] = ["catalog": s(c.catalog), "template": s(c.template), "diskSize": s(c.diskSize), "enableNvidiaGPU": .bool(false)]
            if let p = c.sizingPolicy { spec["sizingPolicy"] = s(p) }
            if let p = c.placementPolicy { spec["placementPolicy"] = s(p) }
            if let p = c.storageProfile { spec["storageProfile"] = s(p) }
            return o(["apiVersion": s(infrastructure), "kind": s("VCDMachineTemplate"), "metadata": meta(n, ns),
                      "spec": o(["template": o(["spec": .object(spec)])])])
        }

        let kcp = o([
            "apiVersion": s(controlPlaneAPI), "kind": s("KubeadmControlPlane"), "metadata": meta(cp, ns),
            "spec": o([
                "kubeadmConfigSpec": o([
                    "clusterConfiguration": o(["apiServer": o(["certSANs": .array([s("localhost"), s("127.0.0.1")])]),
                                               "imageRepository": s("projects.packages.broadcom.com/tkg")]),
                    "users": users(c.sshKey),
                    "initConfiguration": o(["nodeRegistration": nodeRegistration]),
                    "joinConfiguration": o(["nodeRegistration": nodeRegistration]),
                ]),
                "machineTemplate": o(["infrastructureRef": ref(infrastructure, "VCDMachineTemplate", cp, ns)]),
                "replicas": .int(c.controlPlane),
                "version": s(c.kubernetes),
            ]),
        ])

        let kct = o([
            "apiVersion": s(bootstrapAPI), "kind": s("KubeadmConfigTemplate"), "metadata": meta(md, ns),
            "spec": o(["template": o(["spec": o(["users": users(c.sshKey), "joinConfiguration": o(["nodeRegistration": nodeRegistration])])])]),
        ])

        let mdep = o([
            "apiVersion": s(clusterAPI), "kind": s("MachineDeployment"), "metadata": meta(md, ns, labels: label),
            "spec": o([
                "clusterName": s(name), "replicas": .int(c.workers),
                "selector": o(["matchLabels": KubeJSONPath.object(label)]),
                "template": o([
                    "metadata": o(["labels": KubeJSONPath.object(label)]),
                    "spec": o([
                        "bootstrap": o(["configRef": ref(bootstrapAPI, "KubeadmConfigTemplate", md, ns)]),
                        "clusterName": s(name),
                        "infrastructureRef": ref(infrastructure, "VCDMachineTemplate", md, ns),
                        "version": s(c.kubernetes),
                    ]),
                ]),
            ]),
        ])
        return [secret, cluster, vcdCluster, machineTemplate(cp), kcp, machineTemplate(md), kct, mdep]
    }
}

/// The Cluster API objects of one management cluster, read for the script's workload-cluster
/// objects: phase, readiness, machines, the describe tree, the kubeconfig secret.
public struct CAPIClusters {
    public let kube: KubeEngine
    public let namespace: String
    public init(kube: KubeEngine, namespace: String) {
        self.kube = kube
        self.namespace = namespace
    }

    func objects(_ apiVersion: String, _ kind: String) throws -> KubeObjects {
        kube.objects(try resource(apiVersion, kind), namespace: namespace)
    }

    /// The Cluster objects (an empty list when Cluster API is not installed).
    public func list() throws -> [JSONValue] {
        do { return try objects(CAPI.clusterAPI, "Cluster").list() } catch let e as KubeError where e.status == 404 { return [] }
    }

    public func find(_ name: String) throws -> JSONValue? {
        do { return try objects(CAPI.clusterAPI, "Cluster").find(name) } catch let e as KubeError where e.status == 404 { return nil }
    }

    /// Applies the template's objects (`= unchanged` and no write when they match; plan records).
    public func ensure(_ spec: CAPIClusterSpec) throws -> Ensured<JSONValue> {
        let apply = KubeApply(kube: kube)
        var cluster: Ensured<JSONValue>?
        for m in CAPI.manifests(spec) {
            let r = try apply.apply(object: m, namespace: spec.namespace)
            if m["kind"]?.stringValue == "Cluster" { cluster = r }
        }
        return cluster!
    }

    /// Deletes the Cluster (its controllers delete the rest) and waits until it is gone.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        do { return try objects(CAPI.clusterAPI, "Cluster").delete(name) } catch let e as KubeError where e.status == 404 { return false }
    }

    /// The resource of `kind`: at `apiVersion` when the cluster serves it, else at the version its
    /// group prefers (a management cluster of Cluster API v0.4 serves v1alpha4, not v1beta1; the
    /// stored objects are the same).
    func resource(_ apiVersion: String, _ kind: String) throws -> KubeResource {
        do { return try kube.client.resource(apiVersion: apiVersion, kind: kind) } catch let e as KubeError where e.status == 404 {
            let group = apiVersion.split(separator: "/").first.map(String.init) ?? ""
            guard apiVersion.contains("/"), let g = try kube.client.getIfPresent("/apis/\(group)"),
                  let preferred = g["preferredVersion"]?["groupVersion"]?.stringValue, preferred != apiVersion else { throw e }
            return try kube.client.resource(apiVersion: preferred, kind: kind)
        }
    }

    /// Objects of `kind` labelled with the cluster's name.
    public func owned(_ apiVersion: String, _ kind: String, cluster: String) throws -> [JSONValue] {
        let all: [JSONValue]
        do { all = try objects(apiVersion, kind).list() } catch let e as KubeError where e.status == 404 { return [] }
        return all.filter {
            $0["metadata"]?["labels"]?[CAPI.clusterNameLabel]?.stringValue == cluster || $0["spec"]?["clusterName"]?.stringValue == cluster
        }.sorted { ($0["metadata"]?["name"]?.stringValue ?? "") < ($1["metadata"]?["name"]?.stringValue ?? "") }
    }

    public func machines(_ cluster: String) throws -> [JSONValue] { try owned(CAPI.clusterAPI, "Machine", cluster: cluster) }

    public func get(_ apiVersion: String, _ kind: String, _ name: String) throws -> JSONValue? {
        do { return try objects(apiVersion, kind).find(name) } catch let e as KubeError where e.status == 404 { return nil }
    }

    /// The kubeconfig CAPI wrote for the cluster (secret `<name>-kubeconfig`, data.value), or nil.
    public func kubeconfig(_ cluster: String) throws -> String? {
        guard let secret = try kube.objects(try kube.client.resource(apiVersion: "v1", kind: "Secret"), namespace: namespace).find("\(cluster)-kubeconfig"),
              let b64 = secret["data"]?["value"]?.stringValue, let d = Data(base64Encoded: b64) else { return nil }
        let text = String(decoding: d, as: UTF8.self)
        SecretRedactor.shared.register(text)
        if let c = try? KubeConfig.parse(text) { for s in c.secrets { SecretRedactor.shared.register(s) } }
        return text
    }

    // MARK: Status

    public static func phase(_ cluster: JSONValue?) -> String { cluster?["status"]?["phase"]?.stringValue ?? "Pending" }

    /// `Ready` condition's status, else true when infrastructure and control plane are ready.
    public static func ready(_ o: JSONValue?) -> Bool {
        if let c = condition(o, "Ready") { return c["status"]?.stringValue == "True" }
        if let r = o?["status"]?["ready"], case .bool(let b) = r { return b }
        return o?["status"]?["infrastructureReady"] == .bool(true) && o?["status"]?["controlPlaneReady"] == .bool(true)
    }

    public static func condition(_ o: JSONValue?, _ type: String) -> JSONValue? {
        guard case .array(let cs)? = o?["status"]?["conditions"] else { return nil }
        return cs.first { $0["type"]?.stringValue == type }
    }

    /// `InfrastructureReady=True, ControlPlaneReady=False (WaitingForControlPlane)`.
    public static func conditionsText(_ o: JSONValue?) -> String {
        guard case .array(let cs)? = o?["status"]?["conditions"], !cs.isEmpty else { return "no conditions yet" }
        return cs.map { c in
            let reason = c["reason"]?.stringValue.flatMap { $0.isEmpty ? nil : " (\($0))" } ?? ""
            return "\(c["type"]?.stringValue ?? "?")=\(c["status"]?.stringValue ?? "?")\(reason)"
        }.joined(separator: ", ")
    }

    /// A Machine's one-line state: `capi-cluster-md0-abc-xyz Running`.
    public static func machineLine(_ m: JSONValue) -> String {
        "\(m["metadata"]?["name"]?.stringValue ?? "?") \(m["status"]?["phase"]?.stringValue ?? "Pending")"
    }

    /// Polls the Cluster until its phase is `phase` (`Failed` raises with its failureMessage; a
    /// timeout names the last phase and conditions). `progress` gets one line per change of the
    /// phase, the conditions or the machines' phases.
    /// Reads soon at first (after the engine's poll interval, 0.25 s), then less and less often
    /// (×1.5 a time) up to every `interval` seconds (default 20 × the poll interval: 5 s), on the
    /// engine's clock (simulated time on the embedded simulator): a cluster that is ready at once is
    /// seen at once, one that takes minutes is read every 5 s. `checkpoint` runs between reads and
    /// during the pauses (the script's Ctrl-C: its error ends the wait at once).
    public func waitFor(_ name: String, phase wanted: String, timeout: Double, interval: Double? = nil,
                        checkpoint: () throws -> Void = {}, progress: (String) -> Void) throws -> JSONValue {
        let every = interval ?? kube.pollInterval * 20
        var pauses = PollBackoff(first: kube.pollInterval, maximum: every)
        let clock = kube.clock
        let deadline = clock.now() + timeout
        var last = ""
        var lastCluster: JSONValue?
        while true {
            guard let c = try find(name) else {
                throw EngineError("there is no Cluster \(namespace)/\(name) to wait for", hint: "create it with clusters.ensure(name: \"\(name)\", ...)")
            }
            lastCluster = c
            let phase = Self.phase(c)
            let machines = (try? machines(name)) ?? []
            let state = "\(name): \(phase) (\(Self.conditionsText(c)))" + (machines.isEmpty ? "" : "; machines: " + machines.map(Self.machineLine).joined(separator: ", "))
            // Provisioned also means every machine is what the objects ask for now (a scale or an
            // upgrade just applied leaves the phase as it was until the controllers act).
            let pending = phase == wanted && wanted == "Provisioned" ? try unsettled(name) : nil
            let line = state + (pending.map { "; \($0)" } ?? "")
            if line != last { progress("  … " + line); last = line }
            if phase == wanted && pending == nil { return c }
            if phase == "Failed" && wanted != "Failed" {
                let message = c["status"]?["failureMessage"]?.stringValue ?? c["status"]?["failureReason"]?.stringValue ?? "no failureMessage"
                let reason = Self.condition(c, "Ready")?["reason"]?.stringValue ?? ""
                throw EngineError("cluster \(namespace)/\(name) failed: \(message)",
                                  hint: (Self.fixes[reason].map { $0 + "; " } ?? "") + "then delete the cluster and ensure it again; see describe()")
            }
            // Refusals the controllers retry but that need someone to act: say so now rather than at the timeout.
            if let ready = Self.condition(c, "Ready"), ready["severity"]?.stringValue == "Error",
               let reason = ready["reason"]?.stringValue, Self.needsYou.contains(reason) {
                throw EngineError("cluster \(namespace)/\(name) is stuck: \(ready["message"]?.stringValue ?? reason)",
                                  hint: (Self.fixes[reason] ?? "fix the cause in VCD") + "; the controllers retry on their own, then waitFor again")
            }
            if clock.now() >= deadline {
                let phaseNow = Self.phase(lastCluster)
                if phaseNow == wanted, let pending {
                    throw EngineError("cluster \(namespace)/\(name) is \(wanted) but its machines are not yet what it asks for after \(Self.seconds(timeout)): \(pending)",
                                      hint: "a rollout or scaling is still going on: look at describe(), or wait longer with waitFor(\"\(wanted)\", timeout: ...)", kind: .timeout)
                }
                throw EngineError("cluster \(namespace)/\(name) is still \(phaseNow) after \(Self.seconds(timeout)), not \(wanted); conditions: \(Self.conditionsText(lastCluster))",
                                  hint: "look at its machines and conditions with describe(), or wait longer with waitFor(\"\(wanted)\", timeout: ...)", kind: .timeout)
            }
            try checkpoint()
            var stopped: Error?
            clock.sleep(seconds: max(0.001, min(pauses.next(), deadline - clock.now()))) {
                do { try checkpoint(); return false } catch { stopped = error; return true }
            }
            if let stopped { throw stopped }
        }
    }

    /// Condition reasons (set by CAPVCD) that only a person fixes while the controllers retry.
    public static let needsYou: Set<String> = ["VCDLoginFailed", "VCDAccessDenied"]

    /// What to do about a CAPVCD condition reason.
    public static let fixes: [String: String] = [
        "VCDLoginFailed": "VCD refuses the credentials of the cluster's secret (the VCDCluster's userContext.secretRef, usually capi-user-credentials): put a working username/password or an unrevoked API token (refreshToken) in it",
        "VCDAccessDenied": "the role of the cluster's VCD user lacks the right named in the message: add it to the role (Administration > Roles in VCD, or PUT /cloudapi/1.0.0/roles/{id}/rights)",
        "TemplateNotFound": "the VCDMachineTemplate names a catalog item that the cluster's user cannot see: check catalog and template names, or share/publish the catalog to the org",
        "CatalogNotFound": "the catalog is not visible to the cluster's org: check its name, or share/publish it to the org",
        "TemplateNotReady": "the template's upload has not finished (not RESOLVED): wait for the upload or upload it again",
        "IPPoolExhausted": "the network's static IP pool has no free address: extend the pool (networks.ensure(..., pool:)) or remove unused VMs",
        "NoFreeVIP": "every address allocated to the edge gateway is in use: allocate more IPs to the gateway or free a VIP",
        "LoadBalancerNotEnabled": "enable load balancing on the edge gateway (gateway.loadBalancer.enable(serviceNetwork: ...) in a runbook)",
        "NoServiceEngineGroup": "assign a service engine group to the edge gateway",
        "RDETypeNotFound": "register the vmware:capvcdCluster entity type in VCD (as provider) before CAPVCD runs",
        "LoadBalancerCreateFailed": "VCD refused the control plane's virtual service: check the service engine group's capacity (max virtual services) and the gateway's VIPs",
    ]

    public static func seconds(_ s: Double) -> String {
        if s >= 60, s.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(s / 60))m" }
        return String(format: "%gs", s)
    }

    /// A `clusterctl describe cluster`-like tree: the Cluster, its infrastructure, control plane,
    /// workers and machines, each with READY and phase / reason.
    public func describe(_ name: String) throws -> String {
        guard let c = try find(name) else { throw EngineError.notFound("no Cluster \(namespace)/\(name)", hint: "list them with clusters.list()") }
        var rows: [(String, String, String)] = []
        func ready(_ o: JSONValue?) -> String { o == nil ? "?" : (Self.ready(o) ? "True" : "False") }
        func reason(_ o: JSONValue?) -> String {
            let r = Self.condition(o, "Ready")
            let text = [r?["reason"]?.stringValue, r?["message"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return [o?["status"]?["phase"]?.stringValue, text.isEmpty ? nil : text].compactMap { $0 }.joined(separator: "  ")
        }
        rows.append(("Cluster/\(name)", ready(c), reason(c) + (c["status"]?["failureMessage"]?.stringValue.map { "  \($0)" } ?? "")))
        let infraName = c["spec"]?["infrastructureRef"]?["name"]?.stringValue ?? name
        let infra = try get(CAPI.infrastructure, "VCDCluster", infraName)
        var infraReady = "?"
        if let r = infra?["status"]?["ready"], case .bool(let b) = r { infraReady = b ? "True" : "False" }
        let endpoint = infra?["spec"]?["controlPlaneEndpoint"].flatMap { e in e["host"]?.stringValue.map { "\($0):\(e["port"]?.scalarText ?? "6443")" } }
        rows.append(("├─ClusterInfrastructure - VCDCluster/\(infraName)", infraReady, endpoint.map { "endpoint \($0)" } ?? ""))
        let machines = try machines(name)
        func machineRows(_ ms: [JSONValue], indent: String) {
            for (i, m) in ms.enumerated() {
                let last = i == ms.count - 1
                let node = m["status"]?["nodeRef"]?["name"]?.stringValue.map { "  node \($0)" } ?? ""
                let phase = m["status"]?["phase"]?.stringValue ?? "Pending"
                let r: String
                if Self.condition(m, "Ready") != nil { r = Self.ready(m) ? "True" : "False" } else { r = phase == "Running" ? "True" : "False" }
                rows.append(("\(indent)\(last ? "└─" : "├─")Machine/\(m["metadata"]?["name"]?.stringValue ?? "?")", r, phase + node))
            }
        }
        let cpName = c["spec"]?["controlPlaneRef"]?["name"]?.stringValue ?? CAPI.controlPlaneName(name)
        let kcp = try get(CAPI.controlPlaneAPI, "KubeadmControlPlane", cpName)
        let cpReplicas = "\(kcp?["status"]?["readyReplicas"]?.scalarText ?? "0")/\(kcp?["spec"]?["replicas"]?.scalarText ?? "?") ready"
        rows.append(("├─ControlPlane - KubeadmControlPlane/\(cpName)", kcp?["status"]?["ready"] == .bool(true) ? "True" : "False", cpReplicas))
        let isCP = { (m: JSONValue) in m["metadata"]?["labels"]?["cluster.x-k8s.io/control-plane"] != nil || (m["metadata"]?["name"]?.stringValue ?? "").hasPrefix(cpName) }
        machineRows(machines.filter(isCP), indent: "│ ")
        rows.append(("└─Workers", "", ""))
        let mds = try owned(CAPI.clusterAPI, "MachineDeployment", cluster: name)
        let workers = machines.filter { !isCP($0) }
        for (i, md) in mds.enumerated() {
            let mdName = md["metadata"]?["name"]?.stringValue ?? "?"
            let last = i == mds.count - 1
            let rr = "\(md["status"]?["readyReplicas"]?.scalarText ?? "0")/\(md["spec"]?["replicas"]?.scalarText ?? "?") ready"
            rows.append(("  \(last ? "└─" : "├─")MachineDeployment/\(mdName)", md["status"]?["phase"]?.stringValue == "Running" ? "True" : "False",
                         [md["status"]?["phase"]?.stringValue, rr].compactMap { $0 }.joined(separator: "  ")))
            machineRows(workers.filter { ($0["metadata"]?["name"]?.stringValue ?? "").hasPrefix(mdName) }, indent: last ? "    " : "  │ ")
        }
        let w = max(4, rows.map { $0.0.count }.max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        var lines = [pad("NAME", w) + "  READY  STATUS"]
        for r in rows {
            var line = pad(r.0, w) + "  " + pad(r.1, 5) + "  " + r.2
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
