import CloudWire
import Foundation

/// The request bodies the client writes on the legacy API (vcd-wire.md §7, §8), with every value
/// escaped. Namespaces as VCD declares them (§3.3).
public enum LegacyBodies {
    static let vcloud = VCDXMLNamespace.vcloud
    static let ovf = VCDXMLNamespace.ovf
    static let vmw = VCDXMLNamespace.vmw
    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private static func e(_ s: String) -> String { XMLText.escape(s) }

    /// `AdminCatalog` for `POST /api/admin/org/{uuid}/catalogs`.
    public static func adminCatalog(name: String, description: String) -> String {
        header + "<AdminCatalog xmlns=\"\(vcloud)\" name=\"\(e(name))\">\n<Description>\(e(description))</Description>\n</AdminCatalog>\n"
    }

    /// `ControlAccessParams` for `POST /api/catalog/{uuid}/action/controlAccess` (govcd
    /// `types.ControlAccessParams`): the whole list, which replaces the catalog's.
    public static func controlAccess(_ a: CatalogAccessInfo) -> String {
        var s = header + "<ControlAccessParams xmlns=\"\(vcloud)\">\n<IsSharedToEveryone>\(a.sharedToEveryone)</IsSharedToEveryone>\n"
        if a.sharedToEveryone, let l = a.everyoneAccessLevel { s += "<EveryoneAccessLevel>\(e(l))</EveryoneAccessLevel>\n" }
        if !a.settings.isEmpty {
            s += "<AccessSettings>\n"
            for x in a.settings {
                let type = x.subjectKind == "user" ? LegacyMediaType.adminUser : LegacyMediaType.adminOrg
                s += "<AccessSetting>\n<Subject href=\"\(e(x.subjectHref))\" name=\"\(e(x.subjectName))\" type=\"\(type)\"/>\n"
                s += "<AccessLevel>\(e(x.level))</AccessLevel>\n</AccessSetting>\n"
            }
            s += "</AccessSettings>\n"
        }
        return s + "</ControlAccessParams>\n"
    }

    /// `PublishCatalogParams` for `POST /api/admin/catalog/{uuid}/action/publish`.
    public static func publishCatalog(_ published: Bool) -> String {
        header + "<PublishCatalogParams xmlns=\"\(vcloud)\">\n<IsPublished>\(published)</IsPublished>\n</PublishCatalogParams>\n"
    }

    /// `UploadVAppTemplateParams` for the catalog's upload link.
    public static func uploadParams(name: String, description: String) -> String {
        header + "<UploadVAppTemplateParams xmlns=\"\(vcloud)\" xmlns:ovf=\"\(ovf)\" name=\"\(e(name))\">\n<Description>\(e(description))</Description>\n</UploadVAppTemplateParams>\n"
    }

    /// One VM to make from a template VM: its name, NIC 0 on `network` with a pool address, an
    /// optional sizing policy (its URN goes in `href`, as CAPVCD sends it, vcd-wire.md §8.3).
    public struct VMItem: Sendable {
        public var sourceHref: String
        public var name: String
        public var network: String?
        public var sizingPolicyURN: String?
        public init(sourceHref: String, name: String, network: String?, sizingPolicyURN: String?) {
            self.sourceHref = sourceHref
            self.name = name
            self.network = network
            self.sizingPolicyURN = sizingPolicyURN
        }
    }

    static func sourcedItem(_ vm: VMItem) -> String {
        var s = "<SourcedItem>\n<Source href=\"\(e(vm.sourceHref))\" name=\"\(e(vm.name))\"/>\n"
        s += "<VmGeneralParams><Name>\(e(vm.name))</Name><NeedsCustomization>true</NeedsCustomization></VmGeneralParams>\n"
        s += "<InstantiationParams>\n"
        if let net = vm.network {
            s += "<NetworkConnectionSection><ovf:Info>Network connections</ovf:Info><PrimaryNetworkConnectionIndex>0</PrimaryNetworkConnectionIndex>"
            s += "<NetworkConnection network=\"\(e(net))\"><NetworkConnectionIndex>0</NetworkConnectionIndex><IsConnected>true</IsConnected>"
            s += "<IpAddressAllocationMode>POOL</IpAddressAllocationMode><NetworkAdapterType>VMXNET3</NetworkAdapterType></NetworkConnection>"
            s += "</NetworkConnectionSection>\n"
        }
        s += "<GuestCustomizationSection><ovf:Info>Guest customization</ovf:Info><Enabled>true</Enabled><ComputerName>\(e(vm.name))</ComputerName></GuestCustomizationSection>\n"
        s += "</InstantiationParams>\n"
        if let p = vm.sizingPolicyURN { s += "<ComputePolicy><VmSizingPolicy href=\"\(e(p))\" id=\"\(e(p))\"/></ComputePolicy>\n" }
        return s + "</SourcedItem>\n"
    }

    static func networkConfig(network: String, parentHref: String) -> String {
        "<NetworkConfigSection><ovf:Info>Configuration parameters for logical networks</ovf:Info>\n"
            + "<NetworkConfig networkName=\"\(e(network))\"><Configuration><ParentNetwork href=\"\(e(parentHref))\" name=\"\(e(network))\"/>"
            + "<FenceMode>bridged</FenceMode><RetainNetInfoAcrossDeployments>false</RetainNetInfoAcrossDeployments></Configuration>"
            + "<IsDeployed>false</IsDeployed></NetworkConfig>\n</NetworkConfigSection>\n"
    }

    /// `InstantiateVAppTemplateParams`: a vApp named `name` from the template at `templateHref`,
    /// on the org VDC network (`parentHref`), one `SourcedItem` per VM. Not powered on.
    public static func instantiate(name: String, description: String, templateHref: String, network: String?, parentHref: String?,
                                   vms: [VMItem]) -> String {
        var s = header + "<InstantiateVAppTemplateParams xmlns=\"\(vcloud)\" xmlns:ovf=\"\(ovf)\" name=\"\(e(name))\" deploy=\"false\" powerOn=\"false\">\n"
        s += "<Description>\(e(description))</Description>\n<InstantiationParams>\n"
        if let network, let parentHref { s += networkConfig(network: network, parentHref: parentHref) }
        s += "</InstantiationParams>\n<Source href=\"\(e(templateHref))\"/>\n"
        for vm in vms { s += sourcedItem(vm) }
        return s + "<AllEULAsAccepted>true</AllEULAsAccepted>\n</InstantiateVAppTemplateParams>\n"
    }

    /// `RecomposeVAppParams` adding VMs to a vApp.
    public static func recompose(name: String, vms: [VMItem]) -> String {
        var s = header + "<RecomposeVAppParams xmlns=\"\(vcloud)\" xmlns:ovf=\"\(ovf)\" name=\"\(e(name))\" deploy=\"false\" powerOn=\"false\">\n"
        for vm in vms { s += sourcedItem(vm) }
        return s + "<AllEULAsAccepted>true</AllEULAsAccepted>\n</RecomposeVAppParams>\n"
    }

    /// `UndeployVAppParams` that powers the VMs off (VCD refuses to delete a deployed vApp).
    public static func undeployPowerOff() -> String {
        header + "<UndeployVAppParams xmlns=\"\(vcloud)\">\n<UndeployPowerAction>powerOff</UndeployPowerAction>\n</UndeployVAppParams>\n"
    }

    /// A `Vm` for `reconfigureVm` that adds or changes ExtraConfig entries. Like CAPVCD (vcd-wire.md
    /// §8.5) it re-sends the VM's `VirtualHardwareSection` items as they are, so that VCD does not
    /// read a missing item as a removed device, plus **only** the entries to write (VCD upserts
    /// them and keeps the others). `vm` is the VM document as just read.
    public static func extraConfig(vm: XMLTree, _ entries: [(key: String, value: String)]) -> String {
        var s = header + "<Vm"
        // The VM's own namespace declarations, so the copied section keeps its prefixes.
        for (k, v) in vm.attributes.sorted(by: { $0.key < $1.key }) where k == "xmlns" || k.hasPrefix("xmlns:") { s += " \(k)=\"\(e(v))\"" }
        if vm.prefix(for: vcloud) == nil { s += " xmlns:vcloud=\"\(vcloud)\"" }
        let ovfP = vm.prefix(for: ovf) ?? "ovf", vmwP = vm.prefix(for: vmw) ?? "vmw"
        if vm.prefix(for: ovf) == nil { s += " xmlns:ovf=\"\(ovf)\"" }
        if vm.prefix(for: vmw) == nil { s += " xmlns:vmw=\"\(vmw)\"" }
        func q(_ p: String, _ n: String) -> String { p.isEmpty ? n : "\(p):\(n)" }
        s += " name=\"\(e(vm.attr("name") ?? ""))\">\n"
        let hw = vm.child("VirtualHardwareSection")
        let tag = hw?.qname ?? q(ovfP, "VirtualHardwareSection")
        // The section's own declarations too: VCD declares the prefix of its attributes there
        // (`ns10`), and the items copied below use it (VCD refuses a prefix that is not bound).
        var sectionDeclarations = ""
        for (k, v) in (hw?.attributes ?? [:]).sorted(by: { $0.key < $1.key }) where k == "xmlns" || k.hasPrefix("xmlns:") {
            sectionDeclarations += " \(k)=\"\(e(v))\""
        }
        s += "<\(tag)\(sectionDeclarations)>\n"
        if let hw {
            for c in hw.children where c.name != "ExtraConfig" { s += c.serialized() + "\n" }
        } else {
            s += "<\(q(ovfP, "Info"))>Virtual hardware requirements</\(q(ovfP, "Info"))>\n"
        }
        for kv in entries {
            s += "<\(q(vmwP, "ExtraConfig")) \(q(ovfP, "required"))=\"false\" \(q(vmwP, "key"))=\"\(e(kv.key))\" \(q(vmwP, "value"))=\"\(e(kv.value))\"/>\n"
        }
        return s + "</\(tag)>\n</Vm>\n"
    }
}
