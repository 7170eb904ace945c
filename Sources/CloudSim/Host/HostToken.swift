import Foundation

/// The capability that lets a local program act as the simulated world's container host: `kind`
/// creates and deletes the node containers of its clusters there. Real kind reaches Docker through
/// a socket only its user may open; here the same guard is a random token in a file beside the
/// state that only its owner can read (created 0600, never wider). Whoever can read the state can
/// read the token, and no one else.
public enum SimHostToken {
    /// `<folder of the state>/host-token`.
    public static func path(forState statePath: String) -> String {
        ((statePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("host-token")
    }

    /// The token of the state at `statePath`, created on first use.
    public static func load(forState statePath: String) throws -> String {
        let file = path(forState: statePath)
        do {
            return try PrivateFiles.secret(at: file, prefix: "host-")
        } catch let e as PrivateFileError {
            throw KubeClusterError(description: e.description)
        }
    }
}

/// Where a `sim serve` of a state listens, read from the state file without loading the world.
public struct SimServedEndpoints: Sendable {
    /// Base URL per service (`https://127.0.0.1:18446` for `.kube`); empty when none is served.
    public var endpoints: [SimService: String]
    /// The certificate a served `--tls` simulator presents (trust it as the CA file).
    public var certificate: String?

    public init(endpoints: [SimService: String], certificate: String?) {
        self.endpoints = endpoints
        self.certificate = certificate
    }

    /// Reads the endpoints that the last `sim serve` of `statePath` recorded (a killed server
    /// leaves them: check that it answers). Nothing when the state file does not exist.
    public static func read(statePath: String) -> SimServedEndpoints {
        guard FileManager.default.fileExists(atPath: statePath), let store = try? Store(path: statePath),
              let meta = try? store.loadMeta() else { return SimServedEndpoints(endpoints: [:], certificate: nil) }
        var out: [SimService: String] = [:]
        for s in SimService.allCases { if let v = meta["endpoint.\(s.rawValue)"], !v.isEmpty { out[s] = v } }
        let cert = meta["endpoint.certificate"].flatMap { $0.isEmpty ? nil : $0 }
        return SimServedEndpoints(endpoints: out, certificate: cert)
    }
}
