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

    /// The VCD user the credentials log in as, or the refusal in the words of CAPVCD's log.
    static func user(_ state: StateView, user: String, org: String, password: String, refreshToken: String) throws -> SimUser {
        if !refreshToken.isEmpty {
            guard let u = OAuthTokens.user(state, refreshToken: refreshToken, org: org) else {
                throw CAPIFailure(reason: "VCDLoginFailed", message: "failed to refresh VCD client with the refresh token for org [\(org)]: [400 Bad Request: invalid_grant]")
            }
            return u
        }
        guard let u = Sessions.authenticate(state, user: user, org: org, password: password) else {
            throw CAPIFailure(reason: "VCDLoginFailed",
                              message: "error getting auth response from VCD with username [\(user)] and org [\(org)]: [401 Unauthorized: invalid credentials for \(user)@\(org)]")
        }
        return u
    }

    /// The start of a CAPVCD 0.5.x controller in `cluster`: its configuration read from the pod's
    /// files, then the checks `main.go` makes before running (site reachable, login, org, VDC,
    /// network with an edge gateway). The failure is what its log would say before it exits.
    static func start(_ sim: Simulator, _ state: StateView, cluster: String) -> Result<CAPVCD05Config, CAPIFailure> {
        guard let d = CAPVCDRelease.deployment(state, cluster) else {
            return .failure(CAPIFailure(reason: "CAPVCDNotInstalled", message: "no CAPVCD Deployment in cluster \(cluster)"))
        }
        do {
            let c = try CAPVCD05Config.read(state, cluster: cluster, deployment: d)
            try connect(sim, state, site: c.host, org: c.org, vdc: c.vdc, network: c.network,
                        user: c.user, userOrg: c.userOrg, password: c.password, refreshToken: c.refreshToken)
            return .success(c)
        } catch let f as CAPIFailure {
            return .failure(f)
        } catch {
            return .failure(CAPIFailure(reason: "CAPVCDConfigInvalid", message: "\(error)"))
        }
    }

    /// Site, login, org, VDC, network with a gateway: the VCD client CAPVCD 0.5.x builds.
    @discardableResult
    static func connect(_ sim: Simulator, _ state: StateView, site: String, org: String, vdc: String, network: String,
                        user: String, userOrg: String, password: String, refreshToken: String) throws -> SimUser {
        guard isThisVCD(sim, state, site) else {
            let host = URLComponents(string: site)?.host ?? site
            throw CAPIFailure(reason: "VCDUnreachable",
                              message: "unable to connect to vcd at [\(site)]: [dial tcp: lookup \(host): no such host] (this simulator's VCD is \(known(sim, state).joined(separator: " or ")))")
        }
        let u = try self.user(state, user: user, org: userOrg, password: password, refreshToken: refreshToken)
        guard let o = state.all(Kind.org).first(where: { $0.name == org }) else {
            throw CAPIFailure(reason: "OrgNotFound", message: "unable to get org from name [\(org)]: [[ENF] entity not found]")
        }
        guard let v = state.all(Kind.vdc).first(where: { $0.orgId == o.id && $0.name == vdc }) else {
            throw CAPIFailure(reason: "VdcNotFound", message: "unable to get vdc [\(vdc)] from org [\(org)]: [[ENF] entity not found]")
        }
        guard let net = LX.networks(state, vdcId: v.id).first(where: { $0.name == network }) else {
            throw CAPIFailure(reason: "NetworkNotFound", message: "failed to cache gateway details: [unable to obtain network [\(network)] in VDC [\(vdc)]]")
        }
        guard net.json.value(at: "connection.routerRef.id")?.stringValue != nil else {
            throw CAPIFailure(reason: "GatewayNotFound", message: "failed to cache gateway details: [network [\(network)] is not connected to an edge gateway]")
        }
        return u
    }

    static func known(_ sim: Simulator, _ state: StateView) -> [String] {
        var out = [sim.options.baseURLs[.vcd] ?? "https://vcd.sim.test"]
        if let served = state.meta("endpoint.vcd"), !served.isEmpty { out.append(served) }
        return out
    }
}
