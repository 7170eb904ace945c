import CloudWire
import Foundation

/// The CPI's VCD client: the controllers' client (VCDControllerClient.swift) with the CPI's
/// configuration (`vcloud-ccm-configmap` and `vcloud-basic-auth`), at API 37.2.
final class CPIClient: VCDControllerClient {
    let config: CPIConfig

    init(sim: Simulator, cluster: String, config: CPIConfig) {
        self.config = config
        super.init(sim: sim, owner: "cpi/\(cluster)",
                   credentials: VCDCredentials(host: config.host, user: config.user, userOrg: config.userOrg,
                                               password: config.password, refreshToken: config.refreshToken),
                   agent: "cloud-provider-for-cloud-director/1.4.0")
    }
}
