import CloudWire
import Foundation

/// The providerID CAPVCD writes (`vmware-cloud-director://<vm uuid>`) and the VM it names (the
/// sizing policy a machine spec names is `VCDMachineSpec.sizingPolicyName`). What it does in VCD
/// is in CAPVCDClient*.swift, through VCD's API.
enum CAPVCDInfra {
    /// `vmware-cloud-director://<vm uuid>`, the providerID CAPVCD writes.
    static func providerID(_ vmId: String) -> String { "vmware-cloud-director://\(XID.uuid(vmId))" }
    static func vmId(fromProviderID p: String?) -> String? {
        guard let p, p.hasPrefix("vmware-cloud-director://") else { return nil }
        // CAPVCD 0.5.x writes the VM's URN after the scheme, later releases its bare UUID.
        let rest = p.dropFirst("vmware-cloud-director://".count)
        return rest.hasPrefix("urn:vcloud:vm:") ? String(rest) : "urn:vcloud:vm:\(rest)"
    }
}
