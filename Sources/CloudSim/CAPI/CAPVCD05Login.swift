import CloudWire
import Foundation

/// What CAPVCD 0.5.x does with a set of credentials before anything else: reach the site, log in
/// (user and password, or a refresh token), find the org, the VDC and the network with its
/// gateway. The controller does it once at start with the credentials of its basic-auth files (a
/// failure there stops the process, so nothing is reconciled), and again for every VCDCluster with
/// the `userContext` written inline in it.
enum CAPVCD05Login {
    /// Whether `site` (`https://host[:port]`) is this simulator's VCD: the address it models
    /// (`https://vcd.sim.test`) or the one it is served at on loopback (`sim serve`).
    static func isThisVCD(_ sim: Simulator, _ state: StateView, _ site: String) -> Bool {
        guard let want = endpoint(site) else { return false }
        return known(sim, state).compactMap(endpoint).contains { $0 == want }
    }

    /// scheme, host and port of a URL (default ports filled, `localhost` as 127.0.0.1, a trailing
    /// `/` or path ignored); nil for text that is not an http(s) URL.
    static func endpoint(_ url: String) -> String? {
        guard let c = URLComponents(string: url.trimmingCharacters(in: .whitespaces)), let scheme = c.scheme?.lowercased(),
              scheme == "https" || scheme == "http", var host = c.host?.lowercased(), !host.isEmpty else { return nil }
        if host == "localhost" { host = "127.0.0.1" }
        return "\(scheme)://\(host):\(c.port ?? (scheme == "https" ? 443 : 80))"
    }

    /// The start of a CAPVCD 0.5.x controller in `cluster`: its configuration read from the pod's
    /// files, then the checks `main.go` makes before running (site reachable, login, org, VDC,
    /// network with an edge gateway), as VCD's client. The failure is what its log would say
    /// before it exits. A controller that started keeps running with its session: the checks are
    /// not repeated while the configuration stays the same.
    static func start(_ sim: Simulator, cluster: String) -> Result<CAPVCD05Config, CAPIFailure> {
        let read: Result<(CAPVCD05Config, Bool, String), CAPIFailure> = sim.capiRead { state in
            guard let d = CAPVCDRelease.deployment(state, cluster) else {
                return .failure(CAPIFailure(reason: "CAPVCDNotInstalled", message: "no CAPVCD Deployment in cluster \(cluster)"))
            }
            do {
                let c = try CAPVCD05Config.read(state, cluster: cluster, deployment: d)
                return .success((c, isThisVCD(sim, state, c.host), known(sim, state).joined(separator: " or ")))
            } catch let f as CAPIFailure {
                return .failure(f)
            } catch {
                return .failure(CAPIFailure(reason: "CAPVCDConfigInvalid", message: "\(error)"))
            }
        }
        guard case .success(let (c, reachable, endpoints)) = read else {
            if case .failure(let f) = read { return .failure(f) }
            return .failure(CAPIFailure(reason: "CAPVCDConfigInvalid", message: "unreadable configuration"))
        }
        guard reachable else {
            let host = URLComponents(string: c.host)?.host ?? c.host
            return .failure(CAPIFailure(reason: "VCDUnreachable",
                                        message: "unable to connect to vcd at [\(c.host)]: [dial tcp: lookup \(host): no such host] (this simulator's VCD is \(endpoints))"))
        }
        let client = CAPVCDClient(sim: sim, owner: "capvcd05/\(cluster)",
                                  credentials: VCDCredentials(host: c.host, user: c.user, userOrg: c.userOrg, password: c.password, refreshToken: c.refreshToken),
                                  version: "36.0", agent: CAPVCDClient.agent05)
        let digest = "\(c)"
        if sim.controllerSessions.started(client.key) == digest, sim.controllerSessions.token(client.key) != nil { return .success(c) }
        do {
            do { try client.connect() } catch let f as CAPIFailure where f.reason == "VCDLoginFailed" {
                // 0.5.x's words for a refused login.
                let vcd = f.message.range(of: "[4").map { String(f.message[$0.lowerBound...]) } ?? f.message
                throw CAPIFailure(reason: f.reason, message: c.refreshToken.isEmpty
                                  ? "error getting auth response from VCD with username [\(c.user)] and org [\(c.userOrg)]: \(vcd)"
                                  : "failed to refresh VCD client with the refresh token for org [\(c.userOrg)]: \(vcd)")
            }
            _ = try client.locate(org: c.org, vdc: c.vdc, network: c.network)
        } catch let f as CAPIFailure {
            sim.controllerSessions.set(client.key, nil)
            return .failure(f)
        } catch {
            return .failure(CAPIFailure(reason: "VCDLoginFailed", message: "\(error)"))
        }
        sim.controllerSessions.setStarted(client.key, digest)
        return .success(c)
    }

    static func known(_ sim: Simulator, _ state: StateView) -> [String] {
        var out = [sim.options.baseURLs[.vcd] ?? "https://vcd.sim.test"]
        if let served = state.meta("endpoint.vcd"), !served.isEmpty { out.append(served) }
        return out
    }
}
