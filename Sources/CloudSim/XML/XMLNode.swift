import CloudWire
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element of a request body. Namespace-tolerant on purpose: clients mix prefixed and
/// unprefixed names (`ovf:Info` / `Info`, `vmw:key` / `key`) and some send prefixes they never
/// declare, so names are kept as written and looked up by their local part.
final class XMLNode {
    /// The name as written (`ovf:VirtualHardwareSection`).
    let qname: String
    /// Attributes as written (`vmw:key` → value).
    let attributes: [String: String]
    private(set) var children: [XMLNode] = []
    var text: String = ""

    init(qname: String, attributes: [String: String]) {
        self.qname = qname
        self.attributes = attributes
    }

    /// The name without its prefix.
    var name: String { Self.local(qname) }

    static func local(_ q: String) -> String {
        if let i = q.lastIndex(of: ":") { return String(q[q.index(after: i)...]) }
        return q
    }

    /// An attribute by local name (`key` finds `vmw:key` and `key`); namespace declarations never match.
    func attr(_ local: String) -> String? {
        if let v = attributes[local] { return v }
        for (k, v) in attributes where !k.hasPrefix("xmlns") && Self.local(k) == local { return v }
        return nil
    }

    /// The first child with this local name.
    func child(_ local: String) -> XMLNode? { children.first { $0.name == local } }
    /// Every child with this local name.
    func all(_ local: String) -> [XMLNode] { children.filter { $0.name == local } }
    /// The first descendant with this local name (depth first).
    func find(_ local: String) -> XMLNode? {
        for c in children {
            if c.name == local { return c }
            if let f = c.find(local) { return f }
        }
        return nil
    }
    /// Every descendant with this local name.
    func findAll(_ local: String) -> [XMLNode] {
        var out: [XMLNode] = []
        for c in children {
            if c.name == local { out.append(c) }
            out += c.findAll(local)
        }
        return out
    }
    /// Trimmed text of the first child with this local name.
    func value(_ local: String) -> String? { child(local).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) } }

    fileprivate func append(_ c: XMLNode) { children.append(c) }

    /// Parses a document; nil if it is not well-formed XML, or not namespace-well-formed (a prefix
    /// used without being declared in scope), which VCD's parser refuses too.
    static func parse(_ data: Data) -> XMLNode? {
        let (node, problem) = parseReporting(data)
        return problem == nil ? node : nil
    }

    /// Why a request body cannot be read as VCD reads it, in the words of its XML parser, or nil.
    static func problem(_ data: Data) -> String? { parseReporting(data).1 }

    private static func parseReporting(_ data: Data) -> (XMLNode?, String?) {
        let p = XMLParser(data: data)
        p.shouldProcessNamespaces = false
        p.shouldResolveExternalEntities = false
        let d = Builder()
        p.delegate = d
        let ok = p.parse()
        if let unbound = d.unbound { return (nil, unbound) }
        guard ok, let root = d.root else { return (nil, "The request body is not well-formed XML.") }
        return (root, nil)
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var root: XMLNode?
        /// The prefixes declared in each open element's scope (`xml` is always bound).
        var scopes: [Set<String>] = [["xml"]]
        var unbound: String?
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                    attributes attributeDict: [String: String] = [:]) {
            let qname = qName ?? elementName
            var scope = scopes.last ?? []
            for key in attributeDict.keys where key.hasPrefix("xmlns:") { scope.insert(String(key.dropFirst(6))) }
            scopes.append(scope)
            func prefix(_ q: String) -> String? { q.firstIndex(of: ":").map { String(q[..<$0]) } }
            if unbound == nil, let p = prefix(qname), !scope.contains(p) {
                unbound = "The prefix \"\(p)\" for element \"\(qname)\" is not bound."
            }
            for key in attributeDict.keys.sorted() where unbound == nil && !key.hasPrefix("xmlns") {
                if let p = prefix(key), !scope.contains(p) {
                    unbound = "The prefix \"\(p)\" for attribute \"\(key)\" associated with an element type \"\(qname)\" is not bound."
                }
            }
            if unbound != nil { parser.abortParsing(); return }
            let n = XMLNode(qname: qname, attributes: attributeDict)
            if let top = stack.last { top.append(n) } else { root = n }
            stack.append(n)
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            _ = stack.popLast()
            _ = scopes.popLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { stack.last?.text += String(decoding: CDATABlock, as: UTF8.self) }
    }
}

/// Namespaces and media types of the legacy XML API (vcd-wire.md §3.3).
enum XNS {
    static let vcloud = "http://www.vmware.com/vcloud/v1.5"
    static let ovf = "http://schemas.dmtf.org/ovf/envelope/1"
    static let vmw = "http://www.vmware.com/schema/ovf"
    static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    static let rasd = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    static let vssd = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
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
    static func statusName(_ s: Int) -> String {
        switch s {
        case -1: return "FAILED_CREATION"
        case 0: return "UNRESOLVED"
        case 1: return "RESOLVED"
        case 2: return "DEPLOYED"
        case 3: return "SUSPENDED"
        case 4: return "POWERED_ON"
        case 5: return "WAITING_FOR_INPUT"
        case 8: return "POWERED_OFF"
        case 10: return "MIXED"
        case 11: return "DESCRIPTOR_PENDING"
        case 12: return "COPYING_CONTENTS"
        case 13: return "DISK_CONTENTS_PENDING"
        case 20: return "PARTIALLY_POWERED_OFF"
        default: return "UNKNOWN"
        }
    }
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
