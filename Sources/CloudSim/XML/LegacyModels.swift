import CloudWire
import Foundation

/// Kinds of the legacy XML objects (catalogs, templates, vApps, VMs). Stored as JSON like every
/// other kind; the XML is rendered from them on every read.
extension Kind {
    static let catalog = "catalog"
    static let catalogItem = "catalogItem"
    static let vAppTemplate = "vAppTemplate"
    static let templateVm = "templateVm"
    static let vApp = "vApp"
    static let vm = "vm"
    /// Metadata of any object: id `<objectId>#metadata`, parent the object.
    static let metadata = "metadata"
}

/// One `key=value` pair (ExtraConfig, metadata, OVF properties), kept in order.
struct KV: Codable, Equatable {
    var key: String
    var value: String
}

extension Array where Element == KV {
    subscript(key k: String) -> String? {
        get { first { $0.key == k }?.value }
        set {
            if let i = firstIndex(where: { $0.key == k }) {
                if let v = newValue { self[i].value = v } else { remove(at: i) }
            } else if let v = newValue { append(KV(key: k, value: v)) }
        }
    }
}

struct XCatalog: Codable {
    var id: String
    var name: String
    var description: String
    var orgId: String
    var ownerName: String
    var created: Double
    /// Published to every org of the site, read-only (`PublishCatalogParams`); nil: never published.
    var published: Bool? = nil
    /// `ControlAccessParams` as last set (`CatalogSharing`); nil: never set.
    var sharedToEveryone: Bool? = nil
    var everyoneAccessLevel: String? = nil
    var accessSettings: [XAccessSetting]? = nil
}

/// One `AccessSetting` of a catalog: an org or a user (by URN) and its access level.
struct XAccessSetting: Codable, Equatable {
    /// `org` or `user`.
    var subjectKind: String
    var subjectId: String
    /// `ReadOnly`, `Change` or `FullControl`.
    var level: String
}

struct XCatalogItem: Codable {
    var id: String
    var name: String
    var description: String
    var catalogId: String
    var templateId: String
    var created: Double
}

/// A file of a template upload (`Files/File`).
struct XFile: Codable {
    var name: String
    var size: Int64
    var bytesTransferred: Int64
}

/// What the simulator reads from an OVF descriptor.
struct OVFInfo: Codable {
    var vmName: String = "vm"
    var productName: String?
    var productVersion: String?
    var kubernetesVersion: String?
    var osType: String?
    var osDescription: String?
    var diskSizeMb: Int = 0
    var cpus: Int = 2
    var coresPerSocket: Int = 1
    var memoryMb: Int = 2048
    var hardwareVersion: String = "vmx-19"
    var networks: [String] = []
    var properties: [KV] = []
    /// `vmw:ExtraConfig` (and VM-level `vmw:Config`) entries as found.
    var extraConfig: [KV] = []
    /// Disk files (References/File) other than the descriptor.
    var files: [XFile] = []
}

struct XTemplate: Codable {
    var id: String
    var name: String
    var description: String
    var catalogId: String
    var catalogItemId: String
    var orgId: String
    var vdcId: String?
    /// 0 while the upload runs, 8 once resolved (what CAPVCD requires).
    var status: Int
    /// The secret path segment of the transfer links.
    var uploadId: String
    var descriptorUploaded: Bool
    var files: [XFile]
    var taskId: String?
    var ovf: OVFInfo?
    /// True when the uploader lacked the preserve-ExtraConfig right and the entries were dropped.
    var extraConfigStripped: Bool
    var ownerName: String
    var created: Double
    /// Whether the uploader holds the preserve-ExtraConfig right (decided when the upload starts).
    var preserve: Bool = false
}

/// The VM inside a template (`/api/vAppTemplate/vm-<uuid>`), the recompose source.
struct XTemplateVM: Codable {
    var id: String
    var name: String
    var templateId: String
}

struct XVAppNetwork: Codable {
    var name: String
    /// The org VDC network (URN) this vApp network is bridged to, if any.
    var parentNetworkId: String?
    var fenceMode: String
    var isDeployed: Bool
}

struct XVApp: Codable {
    var id: String
    var name: String
    var description: String
    var vdcId: String
    var orgId: String
    var ownerName: String
    var status: Int
    var deployed: Bool
    var networks: [XVAppNetwork]
    var created: Double
}

struct XNic: Codable {
    var index: Int
    var network: String
    var ip: String?
    var mac: String
    var allocationMode: String
    var connected: Bool
    var adapterType: String
    /// The org VDC network behind the vApp network, for pool allocation.
    var orgNetworkId: String?
}

/// Why the simulated guest stopped, decided at power-on (vcd-wire.md §8.6).
struct GuestPlan: Codable {
    var started: Double
    var phases: [String]
    /// Index of the phase that never completes, with the reason written to the VM.
    var stopAt: Int?
    var reason: String?
    /// The status the stopped phase keeps: `in_progress` (hung) or "" (never started).
    var stopStatus: String = "in_progress"
}

struct XVM: Codable {
    var id: String
    var name: String
    var description: String
    var vappId: String
    var vdcId: String
    var orgId: String
    var templateId: String?
    var status: Int
    var deployed: Bool
    var cpus: Int
    var coresPerSocket: Int
    var memoryMb: Int
    var diskMb: Int
    var osType: String
    var hardwareVersion: String
    var extraConfig: [KV]
    var nics: [XNic]
    var computerName: String
    var needsCustomization: Bool
    var storageProfile: String?
    var sizingPolicy: String?
    var placementPolicy: String?
    /// True when the source template's ExtraConfig was stripped at import.
    var templateExtraConfigStripped: Bool
    var guest: GuestPlan?
    var created: Double
    var product: String? = nil
    var productVersion: String? = nil
    var kubernetesVersion: String? = nil
    var osDescription: String? = nil
    var properties: [KV] = []
}

/// Helpers to read and write the legacy kinds.
enum LX {
    static func decode<T: Decodable>(_ o: StoredObject, _ t: T.Type) throws -> T { try o.decode(t) }

    static func mac(_ seed: String) -> String {
        var h: UInt64 = 1469598103934665603
        for b in seed.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        return String(format: "00:50:56:%02x:%02x:%02x", Int(h & 0x3f), Int(h >> 8 & 0xff), Int(h >> 16 & 0xff))
    }

    static func iso(_ t: Double) -> String { VirtualClock.iso8601(t) }

    /// The org VDC networks of a VDC (cloudapi objects, also served as XML here).
    static func networks(_ state: StateView, vdcId: String) -> [StoredObject] {
        state.all(Kind.orgVdcNetwork).filter { $0.parentId == vdcId }
    }
}

extension JSONValue {
    /// The elements, if this is an array.
    var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
}

/// Tasks answered by the XML API: started through the shared task service, rendered as XML.
enum LTask {
    /// Starts a task and returns its XML (status `running`) to answer with or embed.
    static func start(_ ctx: RequestContext, _ operation: String, _ operationName: TaskOperation, owner: TaskOwner) throws -> (TaskRecord, String) {
        let rec = try ctx.sim.tasks.start(ctx, operation: operation, operationName: operationName, owner: owner, lock: nil)
        let status = rec.outcome == VCDTask.Status.error ? VCDTask.Status.error : VCDTask.Status.running
        return (rec, ctx.sim.tasks.xml(ctx.sim.tasks.json(rec, base: ctx.base, status: status, progress: 0)))
    }

    /// 202 with the Task body (what reconfigureVm, power actions, recompose and deletes answer).
    static func accepted(_ ctx: RequestContext, _ operation: String, _ operationName: TaskOperation, owner: TaskOwner) throws -> HTTPResponseMessage {
        let (rec, xml) = try start(ctx, operation, operationName, owner: owner)
        var h = HTTPHeaderFields()
        h["Location"] = "\(ctx.base)/api/task/\(rec.uuid)"
        return ctx.xml(xml, type: MediaType.task, status: 202, headers: h)
    }

    static func owner(_ id: String, _ name: String, _ type: String, _ href: String) -> TaskOwner {
        TaskOwner(id: id, name: name, type: type, href: href)
    }
}
