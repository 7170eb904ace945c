import CloudWire
import Foundation
import Documents

/// What the cloud provider (CPI) of a workload cluster is configured with, as CAPVCD's
/// ClusterResourceSet installs it there: the secret `kube-system/vcloud-basic-auth` (keys
/// `username`, `password`, `refreshToken`, mounted by the CPI pod at
/// `/etc/kubernetes/vcloud/basic-auth`) and the config map `kube-system/vcloud-ccm-configmap` with
/// the file `vcloud-ccm-config.yaml` (`vcd: {host, org, vdc}`, `loadbalancer: {network,
/// vipSubnet, ports, ...}`, `clusterid`, `vAppName`; the CPI's `pkg/config`). The pass reads them
/// from the workload cluster each time, so an edited secret is used on the next pass.
struct CPIConfig: Equatable {
    static let namespace = "kube-system"
    static let secretName = "vcloud-basic-auth"
    static let configMapName = "vcloud-ccm-configmap"
    static let configKey = "vcloud-ccm-config.yaml"

    var host = ""
    var org = ""
    var vdc = ""
    var network = ""
    var vipSubnet = ""
    var clusterId = ""
    var vAppName = ""
    /// From the secret: `org/user` splits into both; a bare name is a user of `org`.
    var user = ""
    var userOrg = ""
    var password = ""
    var refreshToken = ""

    /// Writes the secret and the config map into workload cluster `w` (kept if already there),
    /// shaped as the CPI's own `vcloud-configmap.yaml` manifest that CAPVCD fills in, `oneArm`
    /// range included (the real CPI refuses a config without it unless it shares the virtual
    /// service's IP, a key older CPIs do not know and refuse). The simulated CPI reads the keys it
    /// needs and serves each Service on its external VIP directly (docs/simulator.md):
    /// the credentials are those of the cluster's credentials secret in the management cluster.
    /// Where the workload cluster's load balancers go: what CAPVCD writes into the CPI's config.
    struct Placement {
        var site: String
        var org: String
        var vdc: String
        var network: String
        var vipSubnet: String
        var clusterId: String
        var vAppName: String

        init(site: String, org: String, vdc: String, network: String, vipSubnet: String, clusterId: String, vAppName: String) {
            (self.site, self.org, self.vdc, self.network) = (site, org, vdc, network)
            (self.vipSubnet, self.clusterId, self.vAppName) = (vipSubnet, clusterId, vAppName)
        }

        /// The placement of a cluster the simulated CAPVCD made.
        init(_ rec: CAPIClusterRecord) {
            self.init(site: rec.site, org: rec.orgName, vdc: rec.vdcName, network: rec.networkName,
                      vipSubnet: rec.vipSubnet ?? "", clusterId: rec.rdeId ?? "", vAppName: rec.name)
        }
    }

    static func install(_ tx: WriteTx, workload w: String, credentials: JSONValue?, record rec: CAPIClusterRecord) throws {
        try install(tx, workload: w, credentials: credentials, placement: Placement(rec))
    }

    static func install(_ tx: WriteTx, workload w: String, credentials: JSONValue?, placement rec: Placement) throws {
        func key(_ k: String) -> JSONValue { .string(credentials?["data"]?[k]?.stringValue ?? "") }
        if KO.get(tx, w, CAPIRes.namespaces, "", namespace) == nil {
            _ = try? KO.create(tx, w, CAPIRes.namespaces, .object(["metadata": .object(["name": .string(namespace)])]))
        }
        if KO.get(tx, w, CAPIRes.secrets, namespace, secretName) == nil {
            try KO.create(tx, w, CAPIRes.secrets, .object([
                "metadata": .object(["name": .string(secretName), "namespace": .string(namespace)]),
                "type": .string("Opaque"),
                "data": .object(["username": key("username"), "password": key("password"), "refreshToken": key("refreshToken")]),
            ]))
        }
        if KO.get(tx, w, CAPIRes.configMaps, namespace, configMapName) == nil {
            let enc = JSONEncoder()
            enc.outputFormatting = .withoutEscapingSlashes
            func q(_ s: String) -> String { (try? enc.encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\"" }
            let site = rec.site.isEmpty ? "https://vcd.sim.test" : rec.site
            let yaml = """
                vcd:
                  host: \(q(site))
                  org: \(q(rec.org))
                  vdc: \(q(rec.vdc))
                loadbalancer:
                  oneArm:
                    startIP: "192.168.8.2"
                    endIP: "192.168.8.100"
                  ports:
                    http: 80
                    https: 443
                  network: \(q(rec.network))
                  vipSubnet: \(q(rec.vipSubnet))
                clusterid: \(q(rec.clusterId))
                vAppName: \(q(rec.vAppName))

                """
            try KO.create(tx, w, CAPIRes.configMaps, .object([
                "metadata": .object(["name": .string(configMapName), "namespace": .string(namespace)]),
                "data": .object([configKey: .string(yaml)]),
            ]))
        }
    }

    /// Reads the configuration of workload cluster `w`; throws what the CPI would log.
    static func read(_ state: StateView, cluster w: String) throws -> CPIConfig {
        guard let cm = KO.get(state, w, CAPIRes.configMaps, namespace, configMapName),
              let text = cm["data"]?[configKey]?.stringValue else {
            throw CAPIFailure(reason: "CPIConfigMissing", message: "unable to open file [/etc/kubernetes/vcloud/\(configKey)]: config map \(namespace)/\(configMapName) has no key \(configKey)")
        }
        var c = CPIConfig()
        let top: JSONValue
        // YAML 1.1 scalars, as the real CPI (yaml.v2) reads them.
        do { top = try YAMLReader.document(text, schema: .yaml11) } catch {
            throw CAPIFailure(reason: "CPIConfigInvalid", message: "unable to decode yaml file: [\(error)]")
        }
        func s(_ d: JSONValue?, _ k: String) -> String { d?[k]?.scalarText ?? "" }
        c.host = s(top["vcd"], "host")
        c.org = s(top["vcd"], "org")
        c.vdc = s(top["vcd"], "vdc")
        c.network = s(top["loadbalancer"], "network")
        c.vipSubnet = s(top["loadbalancer"], "vipSubnet")
        c.clusterId = s(top, "clusterid")
        c.vAppName = s(top, "vAppName")
        if c.host.isEmpty { throw CAPIFailure(reason: "CPIConfigInvalid", message: "need a valid vCloud Host") }
        if c.network.isEmpty { throw CAPIFailure(reason: "CPIConfigInvalid", message: "need a valid ovdc network name") }
        let secret = KO.get(state, w, CAPIRes.secrets, namespace, secretName)
        func file(_ k: String) -> String {
            guard let b = secret?["data"]?[k]?.stringValue, let d = Data(base64Encoded: b), var t = String(data: d, encoding: .utf8) else { return "" }
            if t.hasSuffix("\n") { t.removeLast() }
            return t
        }
        c.refreshToken = file("refreshToken")
        let name = file("username")
        if !name.isEmpty {
            let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else {
                throw CAPIFailure(reason: "CPIConfigInvalid", message: "unable to get user org and name: [invalid username format; expected at most two fields separated by /, obtained [\(parts.count)]]")
            }
            if parts.count == 2 { c.userOrg = parts[0]; c.user = parts[1] } else { c.user = parts[0] }
        }
        if c.userOrg.isEmpty { c.userOrg = c.org }
        c.password = file("password")
        guard !c.refreshToken.isEmpty || (!c.user.isEmpty && !c.password.isEmpty) else {
            throw CAPIFailure(reason: "CPIConfigInvalid", message: "unable to get valid set of credentials from secrets")
        }
        return c
    }
}
