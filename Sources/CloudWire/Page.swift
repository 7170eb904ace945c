import Foundation

/// The envelope of a paged OpenAPI list (govcd `OpenApiPages`): pages are 1-indexed, a page past
/// the last one has `values: []`.
public struct Page<T: Codable>: Codable {
    public var resultTotal: Int
    public var pageCount: Int
    public var page: Int
    public var pageSize: Int
    public var associations: JSONValue?
    public var values: [T]

    public init(resultTotal: Int, pageCount: Int, page: Int, pageSize: Int, associations: JSONValue? = nil, values: [T]) {
        self.resultTotal = resultTotal
        self.pageCount = pageCount
        self.page = page
        self.pageSize = pageSize
        self.associations = associations
        self.values = values
    }
}

/// The envelope of a cursor-paged list (NAT rules): no counters, the next page is in the `Link`
/// header (vcd-wire.md §2.3).
public struct CursorPage<T: Codable>: Codable {
    public var status: String?
    public var values: [T]
    public init(status: String? = nil, values: [T]) {
        self.status = status
        self.values = values
    }
}

/// One entry of an RFC 8288 `Link` header as VCD writes it:
/// `<url>;rel="nextPage";type="application/json";model="..."`.
public struct LinkHeader: Equatable, Sendable {
    public var url: String
    public var rels: [String]
    public init(url: String, rels: [String]) {
        self.url = url
        self.rels = rels
    }

    /// Parses every link of one or more `Link` header values.
    public static func parse(_ values: [String]) -> [LinkHeader] {
        var out: [LinkHeader] = []
        for value in values {
            var rest = Substring(value)
            while let lt = rest.firstIndex(of: "<"), let gt = rest[lt...].firstIndex(of: ">") {
                let url = String(rest[rest.index(after: lt)..<gt])
                var tail = rest[rest.index(after: gt)...]
                let end = tail.firstIndex(of: "<") ?? tail.endIndex
                let params = tail[..<end]
                var rels: [String] = []
                for p in params.split(separator: ";") {
                    let kv = p.split(separator: "=", maxSplits: 1)
                    if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == "rel" {
                        rels = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: " \",")).split(separator: " ").map(String.init)
                    }
                }
                out.append(LinkHeader(url: url, rels: rels))
                tail = tail[end...]
                rest = tail
            }
        }
        return out
    }
}
