import CloudWire
import Foundation

extension XMLTree {
    /// Why a request body cannot be read as VCD reads it, in the words of its XML parser, or nil.
    static func problem(_ data: Data) -> String? {
        do { _ = try parse(data); return nil } catch let e as XMLTreeError where e.unboundPrefix { return e.reason } catch {
            return "The request body is not well-formed XML."
        }
    }
}

/// Namespaces and media types of the legacy XML API (vcd-wire.md §3.3).
enum XNS {
    static let vcloud = VCDXMLNamespace.vcloud
    static let ovf = VCDXMLNamespace.ovf
    static let vmw = VCDXMLNamespace.vmw
    static let xsi = VCDXMLNamespace.xsi
    static let rasd = VCDXMLNamespace.rasd
    static let vssd = VCDXMLNamespace.vssd
    /// Root attributes declaring every namespace a VCD body may use.
    static let all = "xmlns=\"\(vcloud)\" xmlns:ovf=\"\(ovf)\" xmlns:vmw=\"\(vmw)\" xmlns:xsi=\"\(xsi)\" xmlns:rasd=\"\(rasd)\" xmlns:vssd=\"\(vssd)\""
    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
}

/// Legacy media types (all `application/vnd.vmware.…+xml`).
enum XType {
    static let orgList = "application/vnd.vmware.vcloud.orgList+xml"
    static let org = "application/vnd.vmware.vcloud.org+xml"
    static let adminOrg = "application/vnd.vmware.admin.organization+xml"
    static let vdc = "application/vnd.vmware.vcloud.vdc+xml"
    static let adminVdc = "application/vnd.vmware.admin.vdc+xml"
    static let catalog = "application/vnd.vmware.vcloud.catalog+xml"
    static let adminCatalog = "application/vnd.vmware.admin.catalog+xml"
    static let catalogItem = "application/vnd.vmware.vcloud.catalogItem+xml"
    static let vAppTemplate = "application/vnd.vmware.vcloud.vAppTemplate+xml"
    static let vApp = "application/vnd.vmware.vcloud.vApp+xml"
    static let vm = "application/vnd.vmware.vcloud.vm+xml"
    static let orgNetwork = "application/vnd.vmware.vcloud.orgNetwork+xml"
    static let storageProfile = "application/vnd.vmware.vcloud.vdcStorageProfile+xml"
    static let queryList = "application/vnd.vmware.vcloud.query.queryList+xml"
    static let metadata = "application/vnd.vmware.vcloud.metadata+xml"
    static let metadataValue = "application/vnd.vmware.vcloud.metadata.value+xml"
    static let composeVApp = "application/vnd.vmware.vcloud.composeVAppParams+xml"
    static let recomposeVApp = "application/vnd.vmware.vcloud.recomposeVAppParams+xml"
    static let instantiate = "application/vnd.vmware.vcloud.instantiateVAppTemplateParams+xml"
    static let upload = "application/vnd.vmware.vcloud.uploadVAppTemplateParams+xml"
    static let networkConfigSection = "application/vnd.vmware.vcloud.networkConfigSection+xml"
    static let networkConnectionSection = "application/vnd.vmware.vcloud.networkConnectionSection+xml"
    static let guestCustomizationSection = "application/vnd.vmware.vcloud.guestCustomizationSection+xml"
    static let guestCustomizationStatus = "application/vnd.vmware.vcloud.guestCustomizationStatusSection+xml"
    static let deploy = "application/vnd.vmware.vcloud.deployVAppParams+xml"
    static let undeploy = "application/vnd.vmware.vcloud.undeployVAppParams+xml"
    static let admin = "application/vnd.vmware.admin.vcloud+xml"
    static let tasksList = "application/vnd.vmware.vcloud.tasksList+xml"
    static func query(_ format: String) -> String { "application/vnd.vmware.vcloud.query.\(format)+xml" }
}

/// Small string builders for XML answers.
enum X {
    /// Escapes for XML; most values need nothing, so they are returned without copying.
    static func e(_ s: String) -> String {
        var clean = true
        for b in s.utf8 where b == 38 || b == 60 || b == 62 || b == 34 || b == 39 { clean = false; break }
        return clean ? s : XMLText.escape(s)
    }

    /// ` a="v"` for every non-nil value, in order.
    static func attrs(_ pairs: [(String, String?)]) -> String {
        var s = ""
        for (k, v) in pairs { if let v { s += " \(k)=\"\(e(v))\"" } }
        return s
    }

    static func link(_ rel: String, _ href: String, type: String? = nil, name: String? = nil) -> String {
        "<Link" + attrs([("rel", rel), ("href", href), ("name", name), ("type", type)]) + "/>\n"
    }

    /// `<Name>text</Name>`.
    static func el(_ name: String, _ text: String?) -> String {
        guard let text else { return "" }
        return "<\(name)>\(e(text))</\(name)>\n"
    }

    /// A task embedded in another body (`Tasks/Task`): the task XML without its declaration.
    static func embedded(task xml: String) -> String {
        var s = xml
        if s.hasPrefix("<?xml"), let nl = s.firstIndex(of: "\n") { s = String(s[s.index(after: nl)...]) }
        return s
    }

    /// The numeric `status` of VCD objects (vcd-wire.md §3.3) as query records spell it.
    static func statusName(_ s: Int) -> String { VCDResourceStatus.name(s) ?? "UNKNOWN" }
}

/// `id` ↔ URL segment helpers: URNs are stored, hrefs carry the UUID (`/api/vApp/vm-<uuid>`).
enum XID {
    static func uuid(_ urn: String) -> String { URN(urn)?.uuid ?? urn }
    /// Accepts `vm-<uuid>`, `<uuid>` or a URN; answers the URN of `kind`.
    static func urn(_ segment: String, kind: String, prefix: String = "") -> String {
        var s = segment
        if !prefix.isEmpty, s.lowercased().hasPrefix(prefix.lowercased()) { s = String(s.dropFirst(prefix.count)) }
        if let u = URN(s) { return "urn:vcloud:\(kind):\(u.uuid)" }
        return "urn:vcloud:\(kind):\(s.lowercased())"
    }
}
