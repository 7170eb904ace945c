/// The numeric `status` attribute of VCD's vApps, VMs, vApp templates and media in the XML API
/// (vcd-wire.md §3.3), with the words query records and users see. One table for the client, the
/// simulator and the script types, so `4` is written once.
public enum VCDResourceStatus {
    public static let failedCreation = -1
    public static let unresolved = 0
    public static let resolved = 1
    public static let deployed = 2
    public static let suspended = 3
    public static let poweredOn = 4
    public static let waitingForInput = 5
    public static let poweredOff = 8
    public static let mixed = 10
    public static let descriptorPending = 11
    public static let copyingContents = 12
    public static let diskContentsPending = 13
    public static let partiallyPoweredOff = 20
    /// A vApp template whose upload and import finished: VCD reports 8 (its VMs are powered off)
    /// and its query records spell it `RESOLVED`.
    public static let templateReady = poweredOff

    /// The word for a status number, as VCD's query service spells it; nil for a number VCD does
    /// not document.
    public static func name(_ status: Int) -> String? {
        switch status {
        case failedCreation: return "FAILED_CREATION"
        case unresolved: return "UNRESOLVED"
        case resolved: return "RESOLVED"
        case deployed: return "DEPLOYED"
        case suspended: return "SUSPENDED"
        case poweredOn: return "POWERED_ON"
        case waitingForInput: return "WAITING_FOR_INPUT"
        case poweredOff: return "POWERED_OFF"
        case mixed: return "MIXED"
        case descriptorPending: return "DESCRIPTOR_PENDING"
        case copyingContents: return "COPYING_CONTENTS"
        case diskContentsPending: return "DISK_CONTENTS_PENDING"
        case partiallyPoweredOff: return "PARTIALLY_POWERED_OFF"
        default: return nil
        }
    }
}
