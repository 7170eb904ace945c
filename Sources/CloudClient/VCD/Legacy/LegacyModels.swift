import CloudWire
import Foundation

/// A reference in a legacy document (`name`, `href`, `id`, `type`).
public struct LegacyRef: Sendable, Equatable {
    public var name: String
    public var href: String
    public var id: String?
    public var type: String?
    public init(name: String, href: String, id: String? = nil, type: String? = nil) {
        self.name = name
        self.href = href
        self.id = id
        self.type = type
    }
    /// The reference an element carries; nil without an href.
    public init?(_ t: XMLTree) {
        guard let href = t.attr("href") else { return nil }
        self.init(name: t.attr("name") ?? "", href: href, id: t.attr("id"), type: t.attr("type"))
    }
}

/// The `status` numbers of vApps, VMs and templates as words (the table is CloudWire's
/// `VCDResourceStatus`); an undocumented number shows as `STATUS_<n>`.
public enum LegacyStatus {
    public static func name(_ n: Int?) -> String {
        guard let n else { return "UNKNOWN" }
        return VCDResourceStatus.name(n) ?? "STATUS_\(n)"
    }
    public static let poweredOn = VCDResourceStatus.poweredOn
    public static let poweredOff = VCDResourceStatus.poweredOff
    public static let resolved = VCDResourceStatus.templateReady
}

/// A catalog (`Catalog` / `AdminCatalog`).
public struct CatalogInfo: Sendable, Equatable {
    public var name: String
    public var id: String?
    public var href: String
    public var description: String
    /// Its items by name (each a template here).
    public var items: [LegacyRef]
    /// Where uploads start (`rel="add"`, uploadVAppTemplateParams); absent when the reader may
    /// not add items (a catalog shared with it read-only).
    public var uploadHref: String?
    public var owner: String?
    /// The org it belongs to (`Link rel="up"`).
    public var orgHref: String?
    /// Published to every org of the site (`IsPublished`).
    public var isPublished: Bool
    /// The name of the org it belongs to, when the reader knows it (the document does not say).
    public var orgName: String?
    /// Read (and changed) through the provider session: a catalog of another org than the
    /// tenant's, managed by the provider. False: the tenant session, which sees other orgs'
    /// catalogs only as they are shared with it or published.
    public var viaProvider: Bool

    public init(name: String, id: String? = nil, href: String = "", description: String = "", items: [LegacyRef] = [], uploadHref: String? = nil, owner: String? = nil,
                orgHref: String? = nil, isPublished: Bool = false, orgName: String? = nil, viaProvider: Bool = false) {
        self.name = name
        self.id = id
        self.href = href
        self.description = description
        self.items = items
        self.uploadHref = uploadHref
        self.owner = owner
        self.orgHref = orgHref
        self.isPublished = isPublished
        self.orgName = orgName
        self.viaProvider = viaProvider
    }

    public init(_ t: XMLTree) {
        self.init(name: t.attr("name") ?? "", id: t.attr("id"), href: t.attr("href") ?? "", description: t.value("Description") ?? "",
                  items: t.child("CatalogItems")?.all("CatalogItem").compactMap(LegacyRef.init) ?? [],
                  uploadHref: t.link(rel: "add", type: LegacyMediaType.uploadParams)?.href,
                  owner: t.child("Owner")?.child("User")?.attr("name"),
                  orgHref: t.link(rel: "up")?.href, isPublished: t.value("IsPublished") == "true")
    }
}

/// Who may use a catalog besides its own org (`ControlAccessParams`): orgs and users with their
/// access level (`ReadOnly`, `Change`, `FullControl`).
public struct CatalogAccessInfo: Sendable, Equatable {
    public struct Setting: Sendable, Equatable {
        public var subjectName: String
        public var subjectHref: String
        /// `org` or `user` (from the subject's media type).
        public var subjectKind: String
        public var level: String
        public init(subjectName: String, subjectHref: String, subjectKind: String, level: String) {
            self.subjectName = subjectName
            self.subjectHref = subjectHref
            self.subjectKind = subjectKind
            self.level = level
        }
    }
    public var sharedToEveryone: Bool
    public var everyoneAccessLevel: String?
    public var settings: [Setting]

    public init(sharedToEveryone: Bool = false, everyoneAccessLevel: String? = nil, settings: [Setting] = []) {
        self.sharedToEveryone = sharedToEveryone
        self.everyoneAccessLevel = everyoneAccessLevel
        self.settings = settings
    }

    public init(_ t: XMLTree) {
        let settings = t.child("AccessSettings")?.all("AccessSetting").compactMap { a -> Setting? in
            guard let s = a.child("Subject"), let href = s.attr("href") else { return nil }
            let kind = (s.attr("type") ?? "").contains("user") || href.contains("/user/") ? "user" : "org"
            return Setting(subjectName: s.attr("name") ?? "", subjectHref: href, subjectKind: kind, level: a.value("AccessLevel") ?? "")
        } ?? []
        self.init(sharedToEveryone: t.value("IsSharedToEveryone") == "true", everyoneAccessLevel: t.value("EveryoneAccessLevel"), settings: settings)
    }
}

/// One file of a template upload as the server counts it.
public struct TransferFile: Sendable, Equatable {
    public var name: String
    /// -1 while unknown (the descriptor before it is sent).
    public var size: Int64
    public var bytesTransferred: Int64
    public var uploadHref: String?
    public var isComplete: Bool { size >= 0 && bytesTransferred >= size }
}

/// A vApp template.
public struct TemplateInfo: Sendable, Equatable {
    public var name: String
    public var id: String?
    public var href: String
    /// 8 resolved (usable), 0 still uploading, -1 failed.
    public var status: Int?
    public var description: String
    public var descriptorUploaded: Bool
    /// Upload files (only while the upload runs).
    public var files: [TransferFile]
    /// The import task while it runs.
    public var taskHref: String?
    /// Its VMs (the recompose sources).
    public var vms: [VMInfo]
    public var catalogItemHref: String?
    public var catalogName: String?
    public var productVersion: String?
    public var kubernetesVersion: String?

    public init(name: String, id: String? = nil, href: String = "", status: Int? = nil, description: String = "", descriptorUploaded: Bool = false,
                files: [TransferFile] = [], taskHref: String? = nil, vms: [VMInfo] = [], catalogItemHref: String? = nil, catalogName: String? = nil,
                productVersion: String? = nil, kubernetesVersion: String? = nil) {
        self.name = name
        self.id = id
        self.href = href
        self.status = status
        self.description = description
        self.descriptorUploaded = descriptorUploaded
        self.files = files
        self.taskHref = taskHref
        self.vms = vms
        self.catalogItemHref = catalogItemHref
        self.catalogName = catalogName
        self.productVersion = productVersion
        self.kubernetesVersion = kubernetesVersion
    }

    public init(_ t: XMLTree, catalogName: String? = nil) {
        let files = t.child("Files")?.all("File").map { f in
            TransferFile(name: f.attr("name") ?? "", size: Int64(f.attr("size") ?? "") ?? -1, bytesTransferred: Int64(f.attr("bytesTransferred") ?? "") ?? 0,
                         uploadHref: f.link(rel: "upload:default")?.href ?? f.all("Link").first?.attr("href"))
        } ?? []
        let product = t.child("ProductSection")
        let k8s = product?.all("Property").first { ["KUBERNETES_SEMVER", "KUBERNETES_VERSION", "kubernetes_version"].contains($0.attr("key") ?? "") }?.attr("value")
        self.init(name: t.attr("name") ?? "", id: t.attr("id"), href: t.attr("href") ?? "", status: t.attr("status").flatMap { Int($0) },
                  description: t.value("Description") ?? "", descriptorUploaded: t.attr("ovfDescriptorUploaded") == "true", files: files,
                  taskHref: t.child("Tasks")?.child("Task")?.attr("href"), vms: t.child("Children")?.all("Vm").map { VMInfo($0) } ?? [],
                  catalogItemHref: t.link(rel: "catalogItem")?.href, catalogName: catalogName,
                  productVersion: product?.value("Version"), kubernetesVersion: k8s)
    }

    public var isResolved: Bool { status == LegacyStatus.resolved }
}

/// A vApp with its VMs.
public struct VAppInfo: Sendable, Equatable {
    public var name: String
    public var id: String?
    public var href: String
    public var status: Int?
    public var deployed: Bool
    public var description: String
    /// vApp network names.
    public var networks: [String]
    public var vms: [VMInfo]

    public init(name: String, id: String? = nil, href: String = "", status: Int? = nil, deployed: Bool = false, description: String = "",
                networks: [String] = [], vms: [VMInfo] = []) {
        self.name = name
        self.id = id
        self.href = href
        self.status = status
        self.deployed = deployed
        self.description = description
        self.networks = networks
        self.vms = vms
    }

    public init(_ t: XMLTree) {
        self.init(name: t.attr("name") ?? "", id: t.attr("id"), href: t.attr("href") ?? "", status: t.attr("status").flatMap { Int($0) },
                  deployed: t.attr("deployed") == "true", description: t.value("Description") ?? "",
                  networks: t.child("NetworkConfigSection")?.all("NetworkConfig").compactMap { $0.attr("networkName") } ?? [],
                  vms: t.child("Children")?.all("Vm").map { VMInfo($0) } ?? [])
    }
}

/// A VM (of a vApp or of a template).
public struct VMInfo: Sendable, Equatable {
    public var name: String
    public var id: String?
    public var href: String
    public var status: Int?
    public var vappHref: String?
    public var cpus: Int?
    public var coresPerSocket: Int?
    public var memoryMB: Int?
    public var osType: String?
    public var osDescription: String?
    public var computerName: String?
    /// NIC 0 (the primary connection): network name and address.
    public var network: String?
    public var ipAddress: String?
    /// Every NIC's address, in index order.
    public var ipAddresses: [String]
    /// `vmw:ExtraConfig` entries in document order.
    public var extraConfig: [(key: String, value: String)]
    public var sizingPolicy: String?
    public var storageProfile: String?

    public init(name: String, id: String? = nil, href: String = "", status: Int? = nil, vappHref: String? = nil) {
        self.name = name
        self.id = id
        self.href = href
        self.status = status
        self.vappHref = vappHref
        ipAddresses = []
        extraConfig = []
    }

    public init(_ t: XMLTree) {
        self.init(name: t.attr("name") ?? "", id: t.attr("id"), href: t.attr("href") ?? "", status: t.attr("status").flatMap { Int($0) },
                  vappHref: t.link(rel: "up")?.href)
        let spec = t.child("VmSpecSection")
        cpus = spec?.value("NumCpus").flatMap { Int($0) }
        coresPerSocket = spec?.value("NumCoresPerSocket").flatMap { Int($0) }
        memoryMB = spec?.child("MemoryResourceMb")?.value("Configured").flatMap { Int($0) }
        let os = t.child("OperatingSystemSection")
        osType = os?.attr("osType") ?? spec?.value("OsType")
        osDescription = os?.value("Description")
        computerName = t.child("GuestCustomizationSection")?.value("ComputerName")
        let conns = t.child("NetworkConnectionSection")
        let nics = conns?.all("NetworkConnection").sorted { (Int($0.value("NetworkConnectionIndex") ?? "") ?? 0) < (Int($1.value("NetworkConnectionIndex") ?? "") ?? 0) } ?? []
        let primary = conns?.value("PrimaryNetworkConnectionIndex").flatMap { Int($0) }
        let first = nics.first { Int($0.value("NetworkConnectionIndex") ?? "") == primary } ?? nics.first
        network = first?.attr("network")
        ipAddress = first?.value("IpAddress").flatMap { $0.isEmpty ? nil : $0 }
        ipAddresses = nics.compactMap { $0.value("IpAddress") }.filter { !$0.isEmpty }
        extraConfig = t.child("VirtualHardwareSection")?.all("ExtraConfig").compactMap { e in
            e.attr("key").map { ($0, e.attr("value") ?? "") }
        } ?? []
        sizingPolicy = t.child("ComputePolicy")?.child("VmSizingPolicy")?.attr("name")
        storageProfile = t.child("StorageProfile")?.attr("name")
    }

    /// The value of one ExtraConfig key (the last one wins, as in a .vmx file).
    public func extraConfigValue(_ key: String) -> String? { extraConfig.last { $0.key == key }?.value }

    public static func == (a: VMInfo, b: VMInfo) -> Bool {
        a.href == b.href && a.name == b.name && a.status == b.status && a.extraConfig.map(\.key) == b.extraConfig.map(\.key)
            && a.extraConfig.map(\.value) == b.extraConfig.map(\.value) && a.ipAddress == b.ipAddress
    }
}
