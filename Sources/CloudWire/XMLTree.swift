import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML document of the legacy VCD API, as a small tree: the simulator reads request bodies
/// and OVF descriptors with it, the client the answers. Namespace-tolerant on purpose: VCD writes
/// `ovf:`, `vmw:`, `rasd:` prefixes while clients and other servers declare the same names under
/// other prefixes (or none), so names are kept as written and elements and attributes are looked up
/// by their local part.
///
/// ```swift
/// let vm = try XMLTree.parse(response.body)
/// let ip = vm.find("NetworkConnection")?.value("IpAddress")
/// ```
public final class XMLTree: @unchecked Sendable {
    /// The name as written (`ovf:VirtualHardwareSection`).
    public let qname: String
    /// Attributes as written (`vmw:key` → value).
    public let attributes: [String: String]
    public internal(set) var children: [XMLTree] = []
    /// The element's own text (concatenated, untrimmed).
    public internal(set) var text = ""

    public init(qname: String, attributes: [String: String]) {
        self.qname = qname
        self.attributes = attributes
    }

    /// The name without its prefix.
    public var name: String { Self.local(qname) }

    /// A qualified name without its prefix (`vmw:key` → `key`).
    public static func local(_ q: String) -> String {
        if let i = q.lastIndex(of: ":") { return String(q[q.index(after: i)...]) }
        return q
    }

    /// An attribute by local name (`key` finds `vmw:key` and `key`); namespace declarations never match.
    public func attr(_ local: String) -> String? {
        if let v = attributes[local] { return v }
        for (k, v) in attributes where !k.hasPrefix("xmlns") && Self.local(k) == local { return v }
        return nil
    }

    /// The first child with this local name.
    public func child(_ local: String) -> XMLTree? { children.first { $0.name == local } }
    /// Every child with this local name.
    public func all(_ local: String) -> [XMLTree] { children.filter { $0.name == local } }
    /// The first descendant with this local name (depth first).
    public func find(_ local: String) -> XMLTree? {
        for c in children {
            if c.name == local { return c }
            if let f = c.find(local) { return f }
        }
        return nil
    }
    /// Every descendant with this local name (depth first).
    public func findAll(_ local: String) -> [XMLTree] {
        var out: [XMLTree] = []
        for c in children {
            if c.name == local { out.append(c) }
            out += c.findAll(local)
        }
        return out
    }
    /// Trimmed text of the first child with this local name.
    public func value(_ local: String) -> String? { child(local).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) } }

    /// The `Link` children with this `rel` (and, when given, this media `type`).
    public func links(rel: String, type: String? = nil) -> [XMLLink] {
        all("Link").compactMap { l in
            guard l.attr("rel") == rel, let href = l.attr("href") else { return nil }
            if let type, l.attr("type") != type { return nil }
            return XMLLink(rel: rel, href: href, type: l.attr("type"), name: l.attr("name"))
        }
    }

    /// The first link with this `rel` (and type).
    public func link(rel: String, type: String? = nil) -> XMLLink? { links(rel: rel, type: type).first }

    /// The element as XML text, names and attributes as written (so the namespace prefixes it
    /// uses must be declared by whoever embeds it). Elements with children drop their
    /// whitespace; leaf text is escaped.
    public func serialized(skipping skip: (XMLTree) -> Bool = { _ in false }) -> String {
        var s = "<" + qname
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { s += " \(k)=\"\(XMLText.escape(v))\"" }
        let kids = children.filter { !skip($0) }
        if kids.isEmpty {
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return s + (t.isEmpty ? "/>" : ">\(XMLText.escape(t))</\(qname)>")
        }
        return s + ">" + kids.map { $0.serialized(skipping: skip) }.joined() + "</\(qname)>"
    }

    /// The prefix this element declares for a namespace URI (`""` for the default one), if any.
    public func prefix(for namespace: String) -> String? {
        for (k, v) in attributes where v == namespace {
            if k == "xmlns" { return "" }
            if k.hasPrefix("xmlns:") { return String(k.dropFirst(6)) }
        }
        return nil
    }

    /// Parses a document; throws `XMLTreeError` with the parser's line when it is not well-formed
    /// XML, or not namespace-well-formed (a prefix used without being declared in scope), which
    /// VCD's parser refuses too.
    public static func parse(_ data: Data) throws -> XMLTree {
        let p = XMLParser(data: data)
        // Namespace processing off: names stay as written and are matched by their local part.
        p.shouldProcessNamespaces = false
        p.shouldResolveExternalEntities = false
        let b = Builder()
        p.delegate = b
        // FoundationXML on Linux may answer true for a truncated document (an element left open)
        // or set an error without failing: all three checks are needed.
        let ok = p.parse()
        if let unbound = b.unbound { throw XMLTreeError(reason: unbound, line: p.lineNumber, unboundPrefix: true) }
        guard ok, p.parserError == nil, b.stack.isEmpty, let root = b.root else {
            throw XMLTreeError(reason: p.parserError.map { "\($0)" } ?? (b.root == nil ? "empty document" : "truncated document"),
                               line: p.lineNumber, unboundPrefix: false)
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?
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
            let n = XMLTree(qname: qname, attributes: attributeDict)
            if let top = stack.last { top.children.append(n) } else { root = n }
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

/// A `<Link rel= href= type= name=/>` of a legacy document.
public struct XMLLink: Sendable, Equatable {
    public var rel: String
    public var href: String
    public var type: String?
    public var name: String?
}

/// A document that does not parse.
public struct XMLTreeError: Error, CustomStringConvertible {
    /// The parser's words (`The prefix "ovf" for element "ovf:Info" is not bound.`, `empty document`).
    public var reason: String
    /// The line the parser stopped at.
    public var line: Int
    /// Well-formed XML, but a namespace prefix is used without being declared in scope.
    public var unboundPrefix: Bool
    public var message: String { "the answer is not well-formed XML (line \(line)): \(reason)" }
    public var description: String { message }
}
