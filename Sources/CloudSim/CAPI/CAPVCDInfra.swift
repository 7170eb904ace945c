import CloudWire
import Foundation

/// Small facts CAPVCD derives from its objects: the VM sizing policy a machine spec names and the
/// providerID it writes (`vmware-cloud-director://<vm uuid>`). What it does in VCD is in
/// CAPVCDClient*.swift, through VCD's API.
enum CAPVCDInfra {
    /// The VM sizing policy a machine spec names: `sizingPolicy` (1.x) or `computePolicy`
    /// (0.5.x, v1alpha4); nil when neither is set.
    static func sizingPolicy(_ machineSpec: JSONValue?) -> String? {
        [KO.str(machineSpec, "sizingPolicy"), KO.str(machineSpec, "computePolicy")].compactMap { $0 }.first { !$0.isEmpty }
    }

    /// `vmware-cloud-director://<vm uuid>`, the providerID CAPVCD writes.
    static func providerID(_ vmId: String) -> String { "vmware-cloud-director://\(XID.uuid(vmId))" }
    static func vmId(fromProviderID p: String?) -> String? {
        guard let p, p.hasPrefix("vmware-cloud-director://") else { return nil }
        // CAPVCD 0.5.x writes the VM's URN after the scheme, later releases its bare UUID.
        let rest = p.dropFirst("vmware-cloud-director://".count)
        return rest.hasPrefix("urn:vcloud:vm:") ? String(rest) : "urn:vcloud:vm:\(rest)"
    }
}
