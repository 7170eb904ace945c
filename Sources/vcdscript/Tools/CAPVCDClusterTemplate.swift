import Foundation

/// The cluster template of the CAPVCD provider that `clusterctl generate cluster` renders: the
/// objects of one workload cluster with CAPVCD's variable names. Releases 1.1 and later use the
/// v1beta2 infrastructure API with a credentials secret; 1.0 the v1beta1 one; 0.5 (the blog's) the
/// v1alpha4 APIs with the credentials inside the VCDCluster.
enum CAPVCDClusterTemplate {
    struct Variable {
        var name: String
        var defaultValue: String?
    }

    /// The kubelet registration every node of a CAPVCD cluster gets (external cloud provider).
    static let nodeRegistration = """
        nodeRegistration:
          criSocket: /run/containerd/containerd.sock
          kubeletExtraArgs:
            eviction-hard: nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%
            cloud-provider: external
        """

    /// `text` with every line indented by `n` spaces.
    static func indented(_ text: String, _ n: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { String(repeating: " ", count: n) + $0 }.joined(separator: "\n")
    }

    static func text(forVersion version: String) -> String {
        let v05 = version.hasPrefix("v0.5.") || version.hasPrefix("0.5.")
        let v10 = version.hasPrefix("v1.0.") || version.hasPrefix("1.0.")
        let capi = v05 ? "v1alpha4" : "v1beta1"
        let infra = v05 ? "v1alpha4" : v10 ? "v1beta1" : "v1beta2"
        let credentials = v05 ? "" : """
            apiVersion: v1
            kind: Secret
            metadata:
              name: capi-user-credentials
              namespace: ${TARGET_NAMESPACE}
            type: Opaque
            data:
              username: "${VCD_USERNAME_B64}"
              password: "${VCD_PASSWORD_B64}"
              refreshToken: "${VCD_REFRESH_TOKEN_B64}"
            ---

            """
        let userContext = v05 ? """
              userContext:
                username: "${VCD_USERNAME}"
                password: "${VCD_PASSWORD}"
                refreshToken: "${VCD_REFRESH_TOKEN:=}"
            """ : """
              userContext:
                secretRef:
                  name: capi-user-credentials
                  namespace: ${TARGET_NAMESPACE}
              loadBalancerConfigSpec:
                vipSubnet: "${VCD_VIP_CIDR}"
              rdeId: "${VCD_RDE_ID:=}"
              useAsManagementCluster: false
            """
        let policies = v05 ? """
                  computePolicy: "${VCD_CONTROL_PLANE_SIZING_POLICY:=}"
            """ : """
                  sizingPolicy: "${VCD_CONTROL_PLANE_SIZING_POLICY:=}"
                  placementPolicy: "${VCD_CONTROL_PLANE_PLACEMENT_POLICY:=}"
                  storageProfile: "${VCD_CONTROL_PLANE_STORAGE_PROFILE:=}"
                  diskSize: ${DISK_SIZE:=20Gi}
            """
        let workerPolicies = v05 ? """
                  computePolicy: "${VCD_WORKER_SIZING_POLICY:=}"
            """ : """
                  sizingPolicy: "${VCD_WORKER_SIZING_POLICY:=}"
                  placementPolicy: "${VCD_WORKER_PLACEMENT_POLICY:=}"
                  storageProfile: "${VCD_WORKER_STORAGE_PROFILE:=}"
                  diskSize: ${DISK_SIZE:=20Gi}
            """
        return credentials + """
            apiVersion: cluster.x-k8s.io/\(capi)
            kind: Cluster
            metadata:
              name: ${CLUSTER_NAME}
              namespace: ${TARGET_NAMESPACE}
              labels:
                cni: antrea
                ccm: external
                csi: external
            spec:
              clusterNetwork:
                pods:
                  cidrBlocks:
                  - ${POD_CIDR:=100.96.0.0/11}
                serviceDomain: cluster.local
                services:
                  cidrBlocks:
                  - ${SERVICE_CIDR:=100.64.0.0/13}
              controlPlaneRef:
                apiVersion: controlplane.cluster.x-k8s.io/\(capi)
                kind: KubeadmControlPlane
                name: ${CLUSTER_NAME}-control-plane
                namespace: ${TARGET_NAMESPACE}
              infrastructureRef:
                apiVersion: infrastructure.cluster.x-k8s.io/\(infra)
                kind: VCDCluster
                name: ${CLUSTER_NAME}
                namespace: ${TARGET_NAMESPACE}
            ---
            apiVersion: infrastructure.cluster.x-k8s.io/\(infra)
            kind: VCDCluster
            metadata:
              name: ${CLUSTER_NAME}
              namespace: ${TARGET_NAMESPACE}
            spec:
              site: ${VCD_SITE}
              org: ${VCD_ORGANIZATION}
              ovdc: ${VCD_ORGANIZATION_VDC}
              ovdcNetwork: ${VCD_ORGANIZATION_VDC_NETWORK}
            \(userContext)
            ---
            apiVersion: infrastructure.cluster.x-k8s.io/\(infra)
            kind: VCDMachineTemplate
            metadata:
              name: ${CLUSTER_NAME}-control-plane
              namespace: ${TARGET_NAMESPACE}
            spec:
              template:
                spec:
                  catalog: ${VCD_CATALOG}
                  template: ${VCD_TEMPLATE_NAME}
            \(policies)
            ---
            apiVersion: controlplane.cluster.x-k8s.io/\(capi)
            kind: KubeadmControlPlane
            metadata:
              name: ${CLUSTER_NAME}-control-plane
              namespace: ${TARGET_NAMESPACE}
            spec:
              kubeadmConfigSpec:
                clusterConfiguration:
                  apiServer:
                    certSANs:
                    - localhost
                    - 127.0.0.1
                  dns:
                    imageRepository: projects.registry.vmware.com/tkg
                    imageTag: ${DNS_VERSION:=v1.8.6_vmware.5}
                  etcd:
                    local:
                      imageRepository: projects.registry.vmware.com/tkg
                      imageTag: ${ETCD_VERSION:=v3.5.6_vmware.9}
                  imageRepository: projects.registry.vmware.com/tkg
                users:
                - name: root
                  sshAuthorizedKeys:
                  - "${SSH_PUBLIC_KEY:=}"
                initConfiguration:
            \(indented(nodeRegistration, 6))
                joinConfiguration:
            \(indented(nodeRegistration, 6))
              machineTemplate:
                infrastructureRef:
                  apiVersion: infrastructure.cluster.x-k8s.io/\(infra)
                  kind: VCDMachineTemplate
                  name: ${CLUSTER_NAME}-control-plane
                  namespace: ${TARGET_NAMESPACE}
              replicas: ${CONTROL_PLANE_MACHINE_COUNT}
              version: ${KUBERNETES_VERSION}
            ---
            apiVersion: infrastructure.cluster.x-k8s.io/\(infra)
            kind: VCDMachineTemplate
            metadata:
              name: ${CLUSTER_NAME}-md-0
              namespace: ${TARGET_NAMESPACE}
            spec:
              template:
                spec:
                  catalog: ${VCD_CATALOG}
                  template: ${VCD_TEMPLATE_NAME}
            \(workerPolicies)
            ---
            apiVersion: bootstrap.cluster.x-k8s.io/\(capi)
            kind: KubeadmConfigTemplate
            metadata:
              name: ${CLUSTER_NAME}-md-0
              namespace: ${TARGET_NAMESPACE}
            spec:
              template:
                spec:
                  users:
                  - name: root
                    sshAuthorizedKeys:
                    - "${SSH_PUBLIC_KEY:=}"
                  joinConfiguration:
            \(indented(nodeRegistration, 8))
            ---
            apiVersion: cluster.x-k8s.io/\(capi)
            kind: MachineDeployment
            metadata:
              name: ${CLUSTER_NAME}-md-0
              namespace: ${TARGET_NAMESPACE}
              labels:
                cluster.x-k8s.io/cluster-name: ${CLUSTER_NAME}
            spec:
              clusterName: ${CLUSTER_NAME}
              replicas: ${WORKER_MACHINE_COUNT}
              selector:
                matchLabels:
                  cluster.x-k8s.io/cluster-name: ${CLUSTER_NAME}
              template:
                metadata:
                  labels:
                    cluster.x-k8s.io/cluster-name: ${CLUSTER_NAME}
                spec:
                  clusterName: ${CLUSTER_NAME}
                  version: ${KUBERNETES_VERSION}
                  bootstrap:
                    configRef:
                      apiVersion: bootstrap.cluster.x-k8s.io/\(capi)
                      kind: KubeadmConfigTemplate
                      name: ${CLUSTER_NAME}-md-0
                      namespace: ${TARGET_NAMESPACE}
                  infrastructureRef:
                    apiVersion: infrastructure.cluster.x-k8s.io/\(infra)
                    kind: VCDMachineTemplate
                    name: ${CLUSTER_NAME}-md-0
                    namespace: ${TARGET_NAMESPACE}

            """
    }

    static let pattern = try! NSRegularExpression(pattern: #"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[=-])([^}]*))?\}"#)

    /// The template's variables in order of first use, with their defaults.
    static func variables(_ text: String) -> [Variable] {
        var seen: Set<String> = [], out: [Variable] = []
        let ns = text as NSString
        for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: m.range(at: 1))
            guard !seen.contains(name) else { continue }
            seen.insert(name)
            out.append(Variable(name: name, defaultValue: m.range(at: 3).location == NSNotFound ? nil : ns.substring(with: m.range(at: 3))))
        }
        return out.sorted { $0.name < $1.name }
    }

    /// `text` with every `${VAR}` replaced (`${VAR:=d}`: `d` when VAR is unset or empty).
    static func render(_ text: String, _ values: [String: String]) -> String {
        let ns = text as NSString
        var out = "", last = 0
        for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            let name = ns.substring(with: m.range(at: 1))
            let d = m.range(at: 3).location == NSNotFound ? nil : ns.substring(with: m.range(at: 3))
            let v = values[name]
            out += (v == nil || v == "") && d != nil ? d! : (v ?? "")
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }
}
