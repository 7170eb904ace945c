import CloudWire
import Foundation

/// The system workloads a new cluster starts with, by flavour, put in as ordinary objects
/// (Deployments, DaemonSets, Services, a kind Node) so that the cluster's controllers run them
/// like any user workload; and the static pods the kubelet of a control-plane node runs
/// (`staticPods`), which appear as mirror pods. A system object deleted by hand is not put back,
/// as in a real cluster; a mirror pod is (the kubelet keeps its static pods).
enum KubeSystemPods {
    // MARK: Install

    /// Called when the cluster is made (`Simulator.insertKubeCluster`).
    static func install(_ tx: WriteTx, cluster: String, version: String, flavor: KubeClusterFlavor) throws {
        func create(_ r: KubeResource, _ o: JSONValue) throws { try KubeObjectWriter.create(tx, cluster, r, o) }
        try create(KubeTypes.services, service("kubernetes", ns: "default", ip: flavor.serviceIP(1), labels: ["component": "apiserver", "provider": "kubernetes"],
                                               selector: nil, ports: [("https", 443, 6443, "TCP")]))
        try create(KubeTypes.services, service("kube-dns", ns: "kube-system", ip: flavor.serviceIP(10),
                                               labels: ["k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"],
                                               selector: ["k8s-app": "kube-dns"],
                                               ports: [("dns", 53, 53, "UDP"), ("dns-tcp", 53, 53, "TCP"), ("metrics", 9153, 9153, "TCP")]))
        try create(KubeTypes.daemonSets, daemonSet("kube-proxy", labels: ["k8s-app": "kube-proxy"], hostNetwork: true, tolerations: [tolerateAll],
                                                   containers: [container("kube-proxy", flavor.componentImage("kube-proxy", version: version),
                                                                          command: ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf"])]))
        try create(KubeTypes.deployments, coreDNS(image: flavor == .kind ? "registry.k8s.io/coredns/coredns:v1.11.1"
                                                                          : "projects.registry.vmware.com/tkg/coredns:v1.10.1_vmware.7"))
        switch flavor {
        case .kind:
            try create(KubeTypes.nodes, kindNode(tx, cluster: cluster, version: version))
            try create(KubeTypes.daemonSets, daemonSet("kindnet", labels: ["app": "kindnet", "k8s-app": "kindnet", "tier": "node"],
                                                       hostNetwork: true, tolerations: [tolerateAll],
                                                       containers: [container("kindnet-cni", "docker.io/kindest/kindnetd:v20240202-8f1494ea")]))
            try create(KubeTypes.namespaces, .object(["metadata": .object(["name": "local-path-storage",
                                                                          "labels": .object(["kubernetes.io/metadata.name": "local-path-storage"])]),
                                                      "spec": .object(["finalizers": .array(["kubernetes"])]), "status": .object(["phase": "Active"])]))
            try create(KubeTypes.deployments, deployment("local-path-provisioner", ns: "local-path-storage", labels: ["app": "local-path-provisioner"],
                                                         replicas: 1, tolerations: controlPlaneTolerations, priorityClass: nil,
                                                         containers: [container("local-path-provisioner", "docker.io/kindest/local-path-provisioner:v20240202-8f1494ea",
                                                                                command: ["local-path-provisioner", "--debug", "start", "--helper-image",
                                                                                          "docker.io/kindest/local-path-helper:v20230510-486859a6",
                                                                                          "--config", "/etc/config/config.json"])]))
            try create(KubeTypes.storageClasses, .object([
                "metadata": .object(["name": "standard", "annotations": .object(["storageclass.kubernetes.io/is-default-class": "true"])]),
                "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer",
            ]))
        case .capvcd:
            try create(KubeTypes.daemonSets, daemonSet("antrea-agent", labels: ["app": "antrea", "component": "antrea-agent"], hostNetwork: true,
                                                       tolerations: [["key": "CriticalAddonsOnly", "operator": "Exists"],
                                                                     ["effect": "NoSchedule", "operator": "Exists"], ["effect": "NoExecute", "operator": "Exists"]],
                                                       containers: [container("antrea-agent", "projects.registry.vmware.com/antrea/antrea-ubuntu:v1.11.1",
                                                                              command: ["antrea-agent", "--config", "/etc/antrea/antrea-agent.conf"]),
                                                                    container("antrea-ovs", "projects.registry.vmware.com/antrea/antrea-ubuntu:v1.11.1",
                                                                              command: ["start_ovs"])]))
            try create(KubeTypes.deployments, deployment("antrea-controller", ns: "kube-system", labels: ["app": "antrea", "component": "antrea-controller"],
                                                         replicas: 1, tolerations: controlPlaneTolerations, hostNetwork: true,
                                                         containers: [container("antrea-controller", "projects.registry.vmware.com/antrea/antrea-ubuntu:v1.11.1",
                                                                                command: ["antrea-controller", "--config", "/etc/antrea/antrea-controller.conf"])]))
            try create(KubeTypes.deployments, deployment("vmware-cloud-director-ccm", ns: "kube-system", labels: ["app": "vmware-cloud-director-ccm"],
                                                         replicas: 1, tolerations: controlPlaneTolerations + [["key": "node.cloudprovider.kubernetes.io/uninitialized",
                                                                                                              "value": "true", "effect": "NoSchedule"]],
                                                         hostNetwork: true, serviceAccount: "cloud-controller-manager", affinity: controlPlaneAffinity,
                                                         containers: [container("vmware-cloud-director-ccm",
                                                                                "projects.registry.vmware.com/vmware-cloud-director/cloud-provider-for-cloud-director:1.4.0",
                                                                                command: ["/opt/vcloud/bin/cloud-provider-for-cloud-director", "--cloud-provider=vmware-cloud-director",
                                                                                          "--cloud-config=/etc/kubernetes/vcloud/vcloud-ccm-config.yaml"])]))
            let csi = "projects.registry.vmware.com/vmware-cloud-director/cloud-director-named-disk-csi-driver:1.4.0"
            try create(KubeTypes.deployments, deployment("csi-vcd-controllerplugin", ns: "kube-system", labels: ["app": "csi-vcd-controllerplugin"],
                                                         replicas: 1, tolerations: controlPlaneTolerations, serviceAccount: "csi-vcd-controller-sa",
                                                         containers: [container("csi-attacher", "registry.k8s.io/sig-storage/csi-attacher:v3.2.1"),
                                                                      container("csi-provisioner", "registry.k8s.io/sig-storage/csi-provisioner:v2.2.2"),
                                                                      container("vcd-csi-plugin", csi, command: ["/opt/vcloud/bin/cloud-director-named-disk-csi-driver"])]))
            // The node plugin has no tolerations: it runs on the workers only.
            try create(KubeTypes.daemonSets, daemonSet("csi-vcd-nodeplugin", labels: ["app": "csi-vcd-nodeplugin"], hostNetwork: true, tolerations: [],
                                                       serviceAccount: "csi-vcd-node-sa",
                                                       containers: [container("node-driver-registrar", "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.2.0"),
                                                                    container("vcd-csi-plugin", csi, command: ["/opt/vcloud/bin/cloud-director-named-disk-csi-driver"])]))
        }
    }

    // MARK: Static pods

    static let staticComponents = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"]

    /// The names of the mirror pods of `node`'s static pods (none for a node that is not a control plane).
    static func staticPodNames(node: JSONValue) -> [String] {
        guard KubeMeta.labels(node)["node-role.kubernetes.io/control-plane"] != nil else { return [] }
        return staticComponents.map { "\($0)-\(KubeMeta.name(node))" }
    }

    /// The static pods kubeadm writes to a control-plane node's manifests folder, as the mirror
    /// pods the kubelet makes of them (`<component>-<node>` in kube-system, owned by the Node).
    /// Empty for other nodes.
    static func staticPods(node: JSONValue, version: String, flavor: KubeClusterFlavor) -> [JSONValue] {
        guard KubeMeta.labels(node)["node-role.kubernetes.io/control-plane"] != nil else { return [] }
        let nodeName = KubeMeta.name(node)
        let ip = KubeKubelet.nodeIP(node)
        let serviceRange = "\(flavor.serviceNetworkPrefix).0.0/\(flavor == .capvcd ? 13 : 16)"
        let podRange = flavor == .capvcd ? "100.96.0.0/11" : "10.244.0.0/16"
        let etcdImage = flavor == .kind ? "registry.k8s.io/etcd:3.5.10-0" : "projects.registry.vmware.com/tkg/etcd:v3.5.6_vmware.9"
        let components: [(String, String, [String], [String: String])] = [
            ("etcd", etcdImage, ["etcd", "--advertise-client-urls=https://\(ip):2379", "--data-dir=/var/lib/etcd", "--name=\(nodeName)"],
             ["kubeadm.kubernetes.io/etcd.advertise-client-urls": "https://\(ip):2379"]),
            ("kube-apiserver", flavor.componentImage("kube-apiserver", version: version),
             ["kube-apiserver", "--advertise-address=\(ip)", "--secure-port=6443", "--service-cluster-ip-range=\(serviceRange)"],
             ["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": "\(ip):6443"]),
            ("kube-controller-manager", flavor.componentImage("kube-controller-manager", version: version),
             ["kube-controller-manager", "--allocate-node-cidrs=true", "--cluster-cidr=\(podRange)", "--leader-elect=true"], [:]),
            ("kube-scheduler", flavor.componentImage("kube-scheduler", version: version),
             ["kube-scheduler", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"], [:]),
        ]
        return components.map { name, image, command, extra in
            let spec: JSONValue = .object([
                "containers": .array([container(name, image, command: command)]),
                "hostNetwork": true, "priorityClassName": "system-node-critical", "priority": 2_000_001_000,
                "tolerations": .array([["effect": "NoExecute", "operator": "Exists"]]),
                "securityContext": .object(["seccompProfile": .object(["type": "RuntimeDefault"])]),
                "nodeName": .string(nodeName), "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                "schedulerName": "default-scheduler", "terminationGracePeriodSeconds": 30, "enableServiceLinks": true,
            ])
            let hash = String(KubeNames.templateHash(spec).prefix(8))
            var annotations: [String: JSONValue] = ["kubernetes.io/config.hash": .string(hash), "kubernetes.io/config.mirror": .string(hash),
                                                    "kubernetes.io/config.source": "file"]
            for (k, v) in extra { annotations[k] = .string(v) }
            return .object([
                "metadata": .object([
                    "name": .string("\(name)-\(nodeName)"), "namespace": "kube-system",
                    "labels": .object(["component": .string(name), "tier": "control-plane"]), "annotations": .object(annotations),
                    "ownerReferences": .array([.object(["apiVersion": "v1", "kind": "Node", "name": .string(nodeName),
                                                        "uid": .string(KubeFields.uid(node)), "controller": true])]),
                ]),
                "spec": spec,
            ])
        }
    }

    // MARK: Building blocks

    static let tolerateAll: JSONValue = ["operator": "Exists"]
    static let controlPlaneTolerations: [JSONValue] = [
        ["key": "CriticalAddonsOnly", "operator": "Exists"],
        ["key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"],
    ]
    static let controlPlaneAffinity: JSONValue = ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [
        "nodeSelectorTerms": [["matchExpressions": [["key": "node-role.kubernetes.io/control-plane", "operator": "Exists"]]]],
    ]]]

    static func container(_ name: String, _ image: String, command: [String] = []) -> JSONValue {
        var c: [String: JSONValue] = ["name": .string(name), "image": .string(image), "imagePullPolicy": "IfNotPresent",
                                      "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"]
        if !command.isEmpty { c["command"] = .array(command.map { .string($0) }) }
        return .object(c)
    }

    static func labelsJSON(_ l: [String: String]) -> JSONValue { .object(l.mapValues { .string($0) }) }

    static func podSpec(containers: [JSONValue], tolerations: [JSONValue], hostNetwork: Bool, serviceAccount: String?,
                        priorityClass: String?, affinity: JSONValue?) -> JSONValue {
        var s: [String: JSONValue] = ["containers": .array(containers), "nodeSelector": ["kubernetes.io/os": "linux"],
                                      "restartPolicy": "Always", "dnsPolicy": hostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst",
                                      "schedulerName": "default-scheduler", "terminationGracePeriodSeconds": 30]
        if !tolerations.isEmpty { s["tolerations"] = .array(tolerations) }
        if hostNetwork { s["hostNetwork"] = true }
        if let serviceAccount { s["serviceAccountName"] = .string(serviceAccount) }
        if let priorityClass { s["priorityClassName"] = .string(priorityClass) }
        if let affinity { s["affinity"] = affinity }
        return .object(s)
    }

    static func deployment(_ name: String, ns: String, labels: [String: String], replicas: Int, tolerations: [JSONValue],
                           hostNetwork: Bool = false, serviceAccount: String? = nil, priorityClass: String? = "system-cluster-critical",
                           affinity: JSONValue? = nil, containers: [JSONValue]) -> JSONValue {
        .object([
            "metadata": .object(["name": .string(name), "namespace": .string(ns), "labels": labelsJSON(labels)]),
            "spec": .object([
                "replicas": .int(replicas), "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
                "selector": .object(["matchLabels": labelsJSON(labels)]),
                "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": "25%", "maxUnavailable": 1]],
                "template": .object(["metadata": .object(["labels": labelsJSON(labels)]),
                                     "spec": podSpec(containers: containers, tolerations: tolerations, hostNetwork: hostNetwork,
                                                     serviceAccount: serviceAccount, priorityClass: priorityClass, affinity: affinity)]),
            ]),
        ])
    }

    static func daemonSet(_ name: String, labels: [String: String], hostNetwork: Bool, tolerations: [JSONValue],
                          serviceAccount: String? = nil, containers: [JSONValue]) -> JSONValue {
        .object([
            "metadata": .object(["name": .string(name), "namespace": "kube-system", "labels": labelsJSON(labels)]),
            "spec": .object([
                "revisionHistoryLimit": 10, "selector": .object(["matchLabels": labelsJSON(labels)]),
                "updateStrategy": ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": 1, "maxSurge": 0]],
                "template": .object(["metadata": .object(["labels": labelsJSON(labels)]),
                                     "spec": podSpec(containers: containers, tolerations: tolerations, hostNetwork: hostNetwork,
                                                     serviceAccount: serviceAccount ?? name, priorityClass: "system-node-critical", affinity: nil)]),
            ]),
        ])
    }

    static func coreDNS(image: String) -> JSONValue {
        var c = container("coredns", image)
        c = KubePatch.merge(c, ["args": ["-conf", "/etc/coredns/Corefile"], "ports": [
            ["name": "dns", "containerPort": 53, "protocol": "UDP"], ["name": "dns-tcp", "containerPort": 53, "protocol": "TCP"],
            ["name": "metrics", "containerPort": 9153, "protocol": "TCP"],
        ]])
        return deployment("coredns", ns: "kube-system", labels: ["k8s-app": "kube-dns"], replicas: 2, tolerations: controlPlaneTolerations,
                          serviceAccount: "coredns", containers: [c])
    }

    static func service(_ name: String, ns: String, ip: String, labels: [String: String], selector: [String: String]?,
                        ports: [(String, Int, Int, String)]) -> JSONValue {
        var spec: [String: JSONValue] = [
            "type": "ClusterIP", "clusterIP": .string(ip), "clusterIPs": .array([.string(ip)]), "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack", "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
            "ports": .array(ports.map { .object(["name": .string($0.0), "port": .int($0.1), "targetPort": .int($0.2), "protocol": .string($0.3)]) }),
        ]
        if let selector { spec["selector"] = labelsJSON(selector) }
        return .object(["metadata": .object(["name": .string(name), "namespace": .string(ns), "labels": labelsJSON(labels)]),
                        "spec": .object(spec), "status": ["loadBalancer": [:]]])
    }

    /// kind's single node: a control-plane without the taint, on the `kind` Docker network.
    static func kindNode(_ tx: WriteTx, cluster: String, version: String) -> JSONValue {
        let name = "\(cluster)-control-plane"
        // Each kind cluster's node takes the next address of the Docker network (data only).
        let others = tx.all(Kind.kubeCluster).filter { $0.name != cluster }.count
        let ip = "172.18.0.\(2 + others % 250)"
        let t = JSONValue.string(KubeMeta.timestamp(tx.now))
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            .object(["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
                     "lastHeartbeatTime": t, "lastTransitionTime": t])
        }
        return .object([
            "metadata": .object([
                "name": .string(name),
                "labels": labelsJSON(["beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                                      "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "node-role.kubernetes.io/control-plane": "",
                                      "node.kubernetes.io/exclude-from-external-load-balancers": ""]),
                "annotations": labelsJSON(["kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                                           "node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"]),
            ]),
            "spec": .object(["providerID": .string("kind://docker/\(cluster)/\(name)")]),
            "status": .object([
                "addresses": .array([["type": "InternalIP", "address": .string(ip)], ["type": "Hostname", "address": .string(name)]]),
                "conditions": .array([
                    condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                ]),
                "daemonEndpoints": ["kubeletEndpoint": ["Port": 10250]],
                "nodeInfo": .object(["kubeletVersion": .string(version), "kubeProxyVersion": .string(version), "operatingSystem": "linux",
                                     "architecture": "amd64", "osImage": "Debian GNU/Linux 12 (bookworm)", "kernelVersion": "6.5.0-generic",
                                     "containerRuntimeVersion": "containerd://1.7.13"]),
                "capacity": ["cpu": "2", "memory": "8145440Ki", "pods": "110", "ephemeral-storage": "102626232Ki"],
                "allocatable": ["cpu": "2", "memory": "8145440Ki", "pods": "110", "ephemeral-storage": "102626232Ki"],
            ]),
        ])
    }
}
