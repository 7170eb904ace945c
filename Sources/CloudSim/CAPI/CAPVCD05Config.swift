import CloudWire
import Foundation
import Yams

/// The configuration of a CAPVCD 0.5.x controller, read as the real one reads it at start: the
/// file `/etc/kubernetes/vcloud/controller_manager_config.yaml` and the files `username`,
/// `password` and `refreshToken` under `/etc/kubernetes/vcloud/basic-auth`, which its pod sees
/// through the volumes of its Deployment (in CAPVCD's kustomize config: the config map
/// `capvcd-manager-config` and the secret `capvcd-vcloud-basic-auth`). The files are found by
/// following the Deployment's `volumeMounts` and `volumes`, never by those names, so a renamed or
/// differently mounted config behaves as it would in a real pod.
struct CAPVCD05Config: Equatable {
    static let configFile = "/etc/kubernetes/vcloud/controller_manager_config.yaml"
    static let authDirectory = "/etc/kubernetes/vcloud/basic-auth"

    var host: String
    var org: String
    var vdc: String
    var network: String
    var vipSubnet: String
    /// `loadbalancer.oneArm`: the range of internal virtual-service addresses behind the DNAT
    /// rules; nil when the file has no `oneArm` (the virtual service then takes the external IP).
    var oneArm: (start: String, end: String)?
    var tcpPort: Int
    var managementClusterRDEId: String
    /// From the basic-auth files: `org/user` splits into both; a bare name is in `org`.
    var user: String
    var userOrg: String
    var password: String
    var refreshToken: String

    static func == (a: CAPVCD05Config, b: CAPVCD05Config) -> Bool {
        a.host == b.host && a.org == b.org && a.vdc == b.vdc && a.network == b.network && a.vipSubnet == b.vipSubnet
            && a.oneArm?.start == b.oneArm?.start && a.oneArm?.end == b.oneArm?.end && a.tcpPort == b.tcpPort
            && a.managementClusterRDEId == b.managementClusterRDEId && a.user == b.user && a.userOrg == b.userOrg
            && a.password == b.password && a.refreshToken == b.refreshToken
    }

    /// Reads the configuration of the CAPVCD Deployment `deployment` of `cluster`. Throws the
    /// failure the real controller (or the kubelet, for a volume whose source is missing) reports.
    static func read(_ state: StateView, cluster: String, deployment: JSONValue) throws -> CAPVCD05Config {
        let pod = PodFiles(state: state, cluster: cluster, deployment: deployment)
        let text: String
        switch pod.read(configFile) {
        case .content(let t): text = t
        case .missing(let why):
            // A Deployment without the volumes (e.g. from `clusterctl init -i vcd:v0.5.x`, a release
            // that never shipped clusterctl components) gets the way 0.5.x is installed as a hint.
            let hint = why == PodFiles.nothingMounted
                ? ": CAPVCD 0.5.x is installed with `kubectl apply -k config/default` of its repository, which mounts its config map and basic-auth secret there" : ""
            throw CAPIFailure(reason: "CAPVCDConfigMissing",
                              message: "Unable to open file [\(configFile)]: [open \(configFile): no such file or directory] (\(why)\(hint))")
        case .volumeUnavailable(let why):
            throw CAPIFailure(reason: "CAPVCDConfigMissing", message: why)
        }
        var config: CAPVCD05Config
        do {
            config = try parse(text)
        } catch let e as CAPVCD05ConfigError {
            throw CAPIFailure(reason: "CAPVCDConfigInvalid", message: "Unable to parse cloud config file [\(configFile)]: [Unable to decode yaml file: [\(e.message)]]")
        }
        // The credentials: each file may be absent; what is there must make a usable set.
        func file(_ name: String) throws -> String? {
            switch pod.read("\(authDirectory)/\(name)") {
            case .content(let t): return t.hasSuffix("\n") ? String(t.dropLast()) : t
            case .missing: return nil
            case .volumeUnavailable(let why): throw CAPIFailure(reason: "CAPVCDConfigMissing", message: why)
            }
        }
        config.refreshToken = try file("refreshToken") ?? ""
        if let name = try file("username"), !name.isEmpty {
            let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else {
                throw CAPIFailure(reason: "CAPVCDConfigInvalid", message: "unable to set authorization in config: [unable to get user org and name: [invalid username format; expected at most two fields separated by /, obtained [\(parts.count)]]]")
            }
            if parts.count == 2 { config.userOrg = parts[0]; config.user = parts[1] } else { config.user = parts[0] }
        }
        if config.userOrg.isEmpty { config.userOrg = config.org }
        config.password = try file("password") ?? ""
        guard !config.refreshToken.isEmpty || (!config.user.isEmpty && !config.userOrg.isEmpty && !config.password.isEmpty) else {
            throw CAPIFailure(reason: "CAPVCDConfigInvalid", message: "unable to set authorization in config: [unable to get valid set of credentials from secrets] (the files username and password, or refreshToken, under \(authDirectory))")
        }
        if config.host.isEmpty { throw CAPIFailure(reason: "CAPVCDConfigInvalid", message: "error validating config: [need a valid vCloud Host]") }
        if config.network.isEmpty { throw CAPIFailure(reason: "CAPVCDConfigInvalid", message: "error validating config: [need a valid ovdc network name]") }
        return config
    }

    /// Parses `controller_manager_config.yaml` as CAPVCD 0.5.x does: strictly (an unknown key is an
    /// error, as with yaml.v2's strict decoder), with its defaults (ports 80/443/6443, no one-arm).
    static func parse(_ text: String) throws -> CAPVCD05Config {
        var c = CAPVCD05Config(host: "", org: "", vdc: "", network: "", vipSubnet: "", oneArm: nil, tcpPort: 6443,
                               managementClusterRDEId: "", user: "", userOrg: "", password: "", refreshToken: "")
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw CAPVCD05ConfigError(message: "\(error)") }
        guard let root else { throw CAPVCD05ConfigError(message: "EOF") }
        let top = try mapping(root, type: "config.CloudConfig")
        for (key, value) in top {
            switch key {
            case "vcd":
                for (k, v) in try mapping(value, type: "config.VCDConfig") {
                    let s = try string(v)
                    switch k {
                    case "host": c.host = s
                    case "org": c.org = s
                    case "vdc": c.vdc = s
                    case "network": c.network = s
                    case "vipSubnet": c.vipSubnet = s
                    // Fields without a yaml tag, under yaml.v2's lowercased names.
                    case "userorg": c.userOrg = s
                    case "user": c.user = s
                    case "secret": c.password = s
                    case "refreshtoken": c.refreshToken = s
                    default: throw unknown(k, v, "config.VCDConfig")
                    }
                }
            case "loadbalancer":
                for (k, v) in try mapping(value, type: "config.LBConfig") {
                    switch k {
                    case "oneArm":
                        var start = "", end = ""
                        for (ok, ov) in try mapping(v, type: "config.OneArm") {
                            switch ok {
                            case "startIP": start = try string(ov)
                            case "endIP": end = try string(ov)
                            default: throw unknown(ok, ov, "config.OneArm")
                            }
                        }
                        c.oneArm = (start, end)
                    case "ports":
                        for (pk, pv) in try mapping(v, type: "config.Ports") {
                            let n = try int(pv)
                            switch pk {
                            case "tcp": c.tcpPort = n
                            case "http", "https": break
                            default: throw unknown(pk, pv, "config.Ports")
                            }
                        }
                    default: throw unknown(k, v, "config.LBConfig")
                    }
                }
            case "clusterResourceSet":
                for (k, v) in try mapping(value, type: "config.ClusterResourcesConfig") {
                    guard ["csi", "cpi", "cni"].contains(k) else { throw unknown(k, v, "config.ClusterResourcesConfig") }
                    _ = try string(v)
                }
            case "managementClusterRDEId": c.managementClusterRDEId = try string(value)
            case "clusterid": _ = try string(value)
            default: throw unknown(key, value, "config.CloudConfig")
            }
        }
        return c
    }

    // MARK: YAML helpers (the wording of yaml.v2's errors)

    private static func line(_ n: Node) -> String { n.mark.map { "line \($0.line): " } ?? "" }

    private static func unknown(_ key: String, _ n: Node, _ type: String) -> CAPVCD05ConfigError {
        CAPVCD05ConfigError(message: "yaml: unmarshal errors:\n  \(line(n))field \(key) not found in type \(type)")
    }

    /// The pairs of a mapping (an empty document part, `key:` with nothing, is an empty mapping).
    private static func mapping(_ n: Node, type: String) throws -> [(String, Node)] {
        if n.null != nil { return [] }
        guard let m = n.mapping else {
            throw CAPVCD05ConfigError(message: "yaml: unmarshal errors:\n  \(line(n))cannot unmarshal \(n.tag.description) `\(n.string ?? "")` into \(type)")
        }
        return m.map { ($0.key.string ?? "", $0.value) }
    }

    private static func string(_ n: Node) throws -> String {
        if n.null != nil { return "" }
        guard let s = n.scalar?.string else {
            throw CAPVCD05ConfigError(message: "yaml: unmarshal errors:\n  \(line(n))cannot unmarshal \(n.tag.description) into string")
        }
        return s
    }

    private static func int(_ n: Node) throws -> Int {
        if n.null != nil { return 0 }
        guard let i = n.int else {
            throw CAPVCD05ConfigError(message: "yaml: unmarshal errors:\n  \(line(n))cannot unmarshal \(n.tag.description) `\(n.string ?? "")` into int32")
        }
        return i
    }
}

/// A problem of the YAML text itself.
struct CAPVCD05ConfigError: Error {
    var message: String
}

/// The files a container of a Deployment's pod sees through its `volumeMounts`: config map and
/// secret volumes (every key a file, or the `items` listed, or one key with `subPath`). A volume
/// whose config map or secret does not exist keeps the pod from starting, as the kubelet reports.
struct PodFiles {
    enum Lookup {
        case content(String)
        case missing(String)
        case volumeUnavailable(String)
    }

    static let nothingMounted = "no volume is mounted there"

    let state: StateView
    let cluster: String
    let deployment: JSONValue

    var namespace: String { KubeMeta.namespace(deployment) }

    func read(_ path: String) -> Lookup {
        let mounts = CAPVCDRelease.managerContainer(deployment)?["volumeMounts"]?.arrayValue ?? []
        // The deepest mount holding the path shadows the others, as in a container's file system.
        let holding = mounts.compactMap { m -> (mount: String, relative: String?, JSONValue)? in
            guard var at = m["mountPath"]?.stringValue else { return nil }
            while at.count > 1, at.hasSuffix("/") { at.removeLast() }
            if let sub = m["subPath"]?.stringValue, !sub.isEmpty { return path == at ? (at, nil, m) : nil }
            return path.hasPrefix(at + "/") ? (at, String(path.dropFirst(at.count + 1)), m) : nil
        }.max { $0.mount.count < $1.mount.count }
        guard let (mountPath, relative, mount) = holding else { return .missing(Self.nothingMounted) }
        let volumeName = mount["name"]?.stringValue ?? ""
        let volumes = deployment["spec"]?["template"]?["spec"]?["volumes"]?.arrayValue ?? []
        guard let volume = volumes.first(where: { $0["name"]?.stringValue == volumeName }) else {
            return .volumeUnavailable("the pod cannot start: volumeMounts[\(volumeName)] names no volume of the Deployment (\(mountPath))")
        }
        let data: [String: String]
        let items: [JSONValue]
        if let cm = volume["configMap"] {
            let name = cm["name"]?.stringValue ?? ""
            guard let o = KO.get(state, cluster, CAPIRes.configMaps, namespace, name) else {
                if cm["optional"] == .bool(true) { return .missing("the optional config map \(namespace)/\(name) does not exist") }
                return .volumeUnavailable("the pod cannot start: MountVolume.SetUp failed for volume \"\(volumeName)\" : configmap \"\(name)\" not found (namespace \(namespace), mounted at \(mountPath))")
            }
            data = Self.strings(o["data"])
            items = cm["items"]?.arrayValue ?? []
        } else if let sec = volume["secret"] {
            let name = sec["secretName"]?.stringValue ?? ""
            guard let o = KO.get(state, cluster, CAPIRes.secrets, namespace, name) else {
                if sec["optional"] == .bool(true) { return .missing("the optional secret \(namespace)/\(name) does not exist") }
                return .volumeUnavailable("the pod cannot start: MountVolume.SetUp failed for volume \"\(volumeName)\" : secret \"\(name)\" not found (namespace \(namespace), mounted at \(mountPath))")
            }
            var d = Self.strings(o["stringData"])
            for (k, v) in Self.strings(o["data"]) { d[k] = Data(base64Encoded: v).map { String(decoding: $0, as: UTF8.self) } ?? "" }
            data = d
            items = sec["items"]?.arrayValue ?? []
        } else {
            return .missing("volume \(volumeName) is neither a config map nor a secret")
        }
        // With `items`, only the keys listed are files, at the paths given.
        var files: [String: String] = [:]
        if items.isEmpty { files = data } else {
            for i in items { if let k = i["key"]?.stringValue, let p = i["path"]?.stringValue, let v = data[k] { files[p] = v } }
        }
        let key = relative ?? (mount["subPath"]?.stringValue ?? "")
        guard let content = files[key] else { return .missing("volume \(volumeName) mounted at \(mountPath) has no key \(key)") }
        return .content(content)
    }

    static func strings(_ v: JSONValue?) -> [String: String] {
        guard case .object(let o)? = v else { return [:] }
        return Dictionary(uniqueKeysWithValues: o.compactMap { m in m.value.stringValue.map { (m.key, $0) } })
    }
}
