import CloudWire
import Foundation

/// Paging, FIQL filtering and sorting of OpenAPI lists (vcd-wire.md §2.3, §2.4).
enum Listing {
    static let defaultPageSize = 25
    static let maxPageSize = 128

    /// Applies `filter`, `sortAsc`/`sortDesc`, `page`/`pageSize` and answers the paged envelope
    /// with `Link` headers. `render` turns an object into its wire JSON (default: the stored body).
    /// Filter clauses on a `parameters` selector (a query parameter written as a filter, such as
    /// `gatewayId==` of IP-space suggestions) match everything: the family reads them itself.
    static func page(_ ctx: RequestContext, _ objects: [StoredObject], model: String, maxPageSize: Int = maxPageSize,
                     parameters: Set<String> = [], render: ((StoredObject) throws -> Data)? = nil) throws -> HTTPResponseMessage {
        let req = ctx.request
        let pageSize = try intParam(req, "pageSize", default: defaultPageSize)
        let page = try intParam(req, "page", default: 1)
        guard pageSize >= 1, pageSize <= maxPageSize else {
            throw SimError.badRequest("Invalid page size \(pageSize): it must be between 1 and \(maxPageSize).")
        }
        guard page >= 1 else { throw SimError.badRequest("Invalid page \(page): pages start at 1.") }
        var items = try filter(objects, req.query("filter"), parameters: parameters)
        items = sort(items, req)
        let total = items.count
        // VCD counts no page at all for an empty result (`pageCount: 0`), not one empty page.
        let pageCount = (total + pageSize - 1) / pageSize
        let start = (page - 1) * pageSize
        let slice = start < total ? Array(items[start..<min(total, start + pageSize)]) : []

        var body = Data("{\"resultTotal\":\(total),\"pageCount\":\(pageCount),\"page\":\(page),\"pageSize\":\(pageSize),\"associations\":[],\"values\":[".utf8)
        for (i, o) in slice.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body.append(try render?(o) ?? o.body)
        }
        body.append(contentsOf: Array("]}".utf8))

        var headers = HTTPHeaderFields()
        headers["Content-Type"] = "application/json;version=\(ctx.apiVersion)"
        // The links differ only in their page number: the rest is built once per list, not once per
        // link. Same text as `query(req, replacing:)` with page and pageSize: the other parameters
        // in their order, then `page`, then `pageSize`.
        let kept = req.queryItems.filter { $0.name != "page" && $0.name != "pageSize" }
            .map { "\($0.name)=\(percentEncode($0.value))" }.joined(separator: "&")
        let head = "<\(ctx.base)\(req.path)?\(kept.isEmpty ? "" : kept + "&")page="
        let middle = "&pageSize=\(pageSize)>;rel=\""
        let tail = "\";type=\"application/json\";model=\"\(model)\""
        func link(_ p: Int, _ rel: String) { headers.add("Link", head + String(p) + middle + rel + tail) }
        if page < pageCount { link(page + 1, "nextPage") }
        if page > 1 { link(page - 1, "previousPage") }
        link(1, "firstPage")
        link(max(1, pageCount), "lastPage")
        return HTTPResponseMessage(status: 200, headers: headers, body: body)
    }

    /// Cursor paging of NAT rules: `pageSize` and an opaque base64 `cursor`; the body is
    /// `{status?, values}`; the next page is a `Link` rel `nextPage` carrying the next cursor.
    static func cursorPage(_ ctx: RequestContext, _ objects: [StoredObject], model: String,
                           render: ((StoredObject) throws -> Data)? = nil) throws -> HTTPResponseMessage {
        let req = ctx.request
        var pageSize = try intParam(req, "pageSize", default: defaultPageSize)
        var offset = 0
        if let cursor = req.query("cursor"), !cursor.isEmpty {
            guard let data = Data(base64Encoded: padded(cursor)),
                  let obj = try? JSONValue.parse(data),
                  let off = obj["NETWORKING_CURSOR_OFFSET"]?.scalarText.flatMap(Int.init) else {
                throw SimError.badRequest("Invalid cursor.")
            }
            offset = off
            if let ps = obj["pageSize"]?.scalarText.flatMap(Int.init) { pageSize = ps }
        }
        guard pageSize >= 1, pageSize <= maxPageSize else {
            throw SimError.badRequest("Invalid page size \(pageSize): it must be between 1 and \(maxPageSize).")
        }
        let items = sort(objects, req)
        let slice = offset < items.count ? Array(items[offset..<min(items.count, offset + pageSize)]) : []
        var body = Data("{\"values\":[".utf8)
        for (i, o) in slice.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body.append(try render?(o) ?? o.body)
        }
        body.append(contentsOf: Array("]}".utf8))
        var headers = HTTPHeaderFields()
        headers["Content-Type"] = "application/json;version=\(ctx.apiVersion)"
        let next = offset + slice.count
        if next < items.count {
            let cursor = "{\"NETWORKING_CURSOR_OFFSET\":\"\(next)\",\"pageSize\":\(pageSize),\"NETWORKING_CURSOR\":\"\(String(format: "%05d", next))\"}"
            let encoded = percentEncode(Data(cursor.utf8).base64EncodedString())
            headers.add("Link", "<\(ctx.base)\(req.path)?cursor=\(encoded)&pageSize=\(pageSize)>;rel=\"nextPage\";type=\"application/json\";model=\"\(model)\"")
        }
        return HTTPResponseMessage(status: 200, headers: headers, body: body)
    }

    private static func padded(_ s: String) -> String {
        let r = s.count % 4
        return r == 0 ? s : s + String(repeating: "=", count: 4 - r)
    }

    static func intParam(_ req: HTTPRequestMessage, _ name: String, default d: Int) throws -> Int {
        guard let v = req.query(name), !v.isEmpty else { return d }
        guard let i = Int(v) else { throw SimError.badRequest("Invalid value '\(v)' for \(name).") }
        return i
    }

    /// The query string with some parameters replaced (and re-encoded).
    static func query(_ req: HTTPRequestMessage, replacing: [String: String]) -> String {
        var items = req.queryItems.filter { replacing[$0.name] == nil }
        for k in replacing.keys.sorted() { items.append((name: k, value: replacing[k]!)) }
        return items.map { "\($0.name)=\(percentEncode($0.value))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters and `:` (URNs stay
    /// readable). Hand-written: Foundation's `addingPercentEncoding` costs tens of µs on Linux.
    static func percentEncode(_ s: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func filter(_ objects: [StoredObject], _ text: String?, parameters: Set<String> = []) throws -> [StoredObject] {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return objects }
        let expr = try FIQL.parse(text)
        return objects.filter { expr.matches($0.json, parameters: parameters) }
    }

    /// The values of `selector==value` clauses of the request's filter (for the selectors a family
    /// reads itself, e.g. `gatewayId`).
    static func filterValues(_ req: HTTPRequestMessage, _ selector: String) throws -> [String] {
        guard let text = req.query("filter"), !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        return try FIQL.parse(text).values(of: selector)
    }

    static func sort(_ objects: [StoredObject], _ req: HTTPRequestMessage) -> [StoredObject] {
        let asc = req.query("sortAsc").flatMap { $0.isEmpty ? nil : $0 }
        let desc = req.query("sortDesc").flatMap { $0.isEmpty ? nil : $0 }
        guard let field = asc ?? desc else { return objects }
        let path = field.split(separator: ".")
        let keyed = objects.map { ($0, $0.json.values(at: path).first?.scalarText ?? "") }
        let sorted = keyed.sorted { a, b in FIQL.compare(a.1, b.1) < 0 }.map(\.0)
        return asc != nil ? sorted : sorted.reversed()
    }

    /// The value of the `_context==` clause of a filter (importable clouds/SEGs, port profiles).
    static func contextValue(_ req: HTTPRequestMessage) -> String? {
        guard let f = req.query("filter") else { return nil }
        for clause in f.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "(" || $0 == ")" }) {
            let c = clause.trimmingCharacters(in: .whitespaces)
            if c.hasPrefix("_context==") { return String(c.dropFirst("_context==".count)) }
        }
        return nil
    }
}

/// FIQL filters: `;` (and) binds tighter than `,` (or); parentheses; `==` (with `*` wildcards),
/// `!=`, `=gt=`, `=ge=`, `=lt=`, `=le=`. Values run to the next `;`, `,` or `)` and may contain
/// colons (URNs, CAPVCD names). Selectors are dotted paths into the object; a path through an
/// array matches if any element matches. `_context` is handled by the families and matches all here.
indirect enum FIQL {
    case and([FIQL])
    case or([FIQL])
    case compare(path: String, op: String, value: String)

    func matches(_ json: JSONValue, parameters: Set<String> = []) -> Bool {
        switch self {
        case .and(let xs): return xs.allSatisfy { $0.matches(json, parameters: parameters) }
        case .or(let xs): return xs.contains { $0.matches(json, parameters: parameters) }
        case .compare(let path, let op, let value):
            if path == "_context" || parameters.contains(path) { return true }
            let found = json.values(at: path.split(separator: ".")).compactMap(\.scalarText)
            if op == "!=" { return !found.contains { FIQL.equals($0, value) } }
            return found.contains { v in
                switch op {
                case "==": return FIQL.equals(v, value)
                case "=gt=": return FIQL.compare(v, value) > 0
                case "=ge=": return FIQL.compare(v, value) >= 0
                case "=lt=": return FIQL.compare(v, value) < 0
                case "=le=": return FIQL.compare(v, value) <= 0
                default: return false
                }
            }
        }
    }

    /// The values compared with `==` to `selector` anywhere in the expression.
    func values(of selector: String) -> [String] {
        switch self {
        case .and(let xs), .or(let xs): return xs.flatMap { $0.values(of: selector) }
        case .compare(let path, let op, let value): return path == selector && op == "==" ? [value] : []
        }
    }

    static func equals(_ v: String, _ pattern: String) -> Bool {
        if !pattern.contains("*") { return v == pattern }
        // Glob with `*` only: split on stars and find the pieces in order.
        let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var rest = Substring(v)
        for (i, piece) in pieces.enumerated() {
            if piece.isEmpty { continue }
            if i == 0 {
                guard rest.hasPrefix(piece) else { return false }
                rest = rest.dropFirst(piece.count)
            } else if i == pieces.count - 1 {
                return rest.hasSuffix(piece)
            } else {
                guard let r = rest.range(of: piece) else { return false }
                rest = rest[r.upperBound...]
            }
        }
        return true
    }

    /// Numbers compare as numbers, everything else as text.
    static func compare(_ a: String, _ b: String) -> Int {
        if let x = Double(a), let y = Double(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    static func parse(_ text: String) throws -> FIQL {
        var p = Parser(chars: Array(text))
        let e = try p.parseOr()
        guard p.pos == p.chars.count else { throw SimError.badRequest("Invalid filter '\(text)' near position \(p.pos).") }
        return e
    }

    private struct Parser {
        let chars: [Character]
        var pos = 0

        mutating func parseOr() throws -> FIQL {
            var xs = [try parseAnd()]
            while pos < chars.count, chars[pos] == "," { pos += 1; xs.append(try parseAnd()) }
            return xs.count == 1 ? xs[0] : .or(xs)
        }

        mutating func parseAnd() throws -> FIQL {
            var xs = [try parsePrimary()]
            while pos < chars.count, chars[pos] == ";" { pos += 1; xs.append(try parsePrimary()) }
            return xs.count == 1 ? xs[0] : .and(xs)
        }

        mutating func parsePrimary() throws -> FIQL {
            skipSpaces()
            if pos < chars.count, chars[pos] == "(" {
                pos += 1
                let e = try parseOr()
                guard pos < chars.count, chars[pos] == ")" else { throw SimError.badRequest("Invalid filter: missing ')'.") }
                pos += 1
                return e
            }
            var sel = ""
            while pos < chars.count, chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "." || chars[pos] == "_" {
                sel.append(chars[pos]); pos += 1
            }
            guard !sel.isEmpty else { throw SimError.badRequest("Invalid filter: expected a field name at position \(pos).") }
            let op: String
            if match("==") { op = "==" } else if match("!=") { op = "!=" } else if pos < chars.count, chars[pos] == "=" {
                var o = "="
                pos += 1
                while pos < chars.count, chars[pos] != "=" { o.append(chars[pos]); pos += 1 }
                guard pos < chars.count else { throw SimError.badRequest("Invalid filter operator.") }
                o.append("="); pos += 1
                guard ["=gt=", "=ge=", "=lt=", "=le="].contains(o) else { throw SimError.badRequest("Unsupported filter operator \(o).") }
                op = o
            } else { throw SimError.badRequest("Invalid filter: expected an operator after \(sel).") }
            var value = ""
            var depth = 0
            while pos < chars.count {
                let c = chars[pos]
                if c == "(" { depth += 1 }
                if c == ")" { if depth == 0 { break }; depth -= 1 }
                if (c == ";" || c == ",") && depth == 0 { break }
                value.append(c); pos += 1
            }
            value = value.trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.first == "\"" || value.first == "'", value.last == value.first {
                value = String(value.dropFirst().dropLast())
            }
            return .compare(path: sel, op: op, value: value)
        }

        mutating func match(_ s: String) -> Bool {
            let cs = Array(s)
            guard pos + cs.count <= chars.count, Array(chars[pos..<pos + cs.count]) == cs else { return false }
            pos += cs.count
            return true
        }

        mutating func skipSpaces() { while pos < chars.count, chars[pos] == " " { pos += 1 } }
    }
}
