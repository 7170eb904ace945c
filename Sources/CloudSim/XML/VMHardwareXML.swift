import Foundation

/// The virtual hardware of a VM document as VCD writes it: every field of the CIM classes, in
/// their order, those without a value as `xsi:nil="true"` with the xsi namespace declared on the
/// element itself, as VCD writes them (a client that copies the section into a reconfigure body with
/// the root's declarations gets a namespace-well-formed body).
enum VMHardwareXML {
    static let systemFields = ["AutomaticRecoveryAction", "AutomaticShutdownAction", "AutomaticStartupAction", "AutomaticStartupActionDelay",
                               "AutomaticStartupActionSequenceNumber", "Caption", "ChangeableType", "ConfigurationDataRoot", "ConfigurationFile",
                               "ConfigurationID", "ConfigurationName", "CreationTime", "Description", "ElementName", "Generation", "InstanceID",
                               "LogDataRoot", "RecoveryFile", "SnapshotDataRoot", "SuspendDataRoot", "SwapFileDataRoot", "VirtualSystemIdentifier",
                               "VirtualSystemType"]
    static let itemFields = ["Address", "AddressOnParent", "AllocationUnits", "AutomaticAllocation", "AutomaticDeallocation", "Caption",
                             "ChangeableType", "ConfigurationName", "Connection", "ConsumerVisibility", "Description", "ElementName", "Generation",
                             "HostResource", "InstanceID", "Limit", "MappingBehavior", "OtherResourceType", "Parent", "PoolID", "Reservation",
                             "ResourceSubType", "ResourceType", "VirtualQuantity", "VirtualQuantityUnits", "Weight"]

    static func nilElement(_ prefix: String, _ name: String) -> String {
        "<\(prefix):\(name) xmlns:xsi=\"\(XNS.xsi)\" xsi:nil=\"true\"/>"
    }

    /// `ovf:System` with its vssd fields.
    static func system(name: String, hardwareVersion: String) -> String {
        let values = ["ElementName": "Virtual Hardware Family", "InstanceID": "0", "VirtualSystemIdentifier": name, "VirtualSystemType": hardwareVersion]
        var s = "<ovf:System>"
        for f in systemFields { s += values[f].map { "<vssd:\(f)>\(X.e($0))</vssd:\(f)>" } ?? nilElement("vssd", f) }
        return s + "</ovf:System>\n"
    }

    /// One `ovf:Item`: `values` as text, `raw` fields written as given (attributes), the rest nil;
    /// `extra` (e.g. vmw:CoresPerSocket) after the rasd fields.
    static func item(_ values: [String: String], raw: [String: String] = [:], extra: String = "") -> String {
        var s = "<ovf:Item>"
        for f in itemFields {
            if let r = raw[f] { s += r } else if let v = values[f] { s += "<rasd:\(f)>\(X.e(v))</rasd:\(f)>" } else { s += nilElement("rasd", f) }
        }
        return s + extra + "</ovf:Item>\n"
    }
}
