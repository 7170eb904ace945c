import Foundation

/// The result of `ensure`: the object (live, or in plan mode the spec with ids unknown) and what
/// happened to it.
public struct Ensured<T> {
    public var value: T
    public var change: Change
    /// True when the object does not exist yet (plan mode): its ids are "known after apply".
    public var planned: Bool
    public init(_ value: T, _ change: Change, planned: Bool = false) {
        self.value = value
        self.change = change
        self.planned = planned
    }
}

/// Name lookups shared by the kinds: the server filters, and the answer is checked again here
/// (a filter value with reserved characters may be matched loosely, or not at all).
enum Lookup {
    static let prefix = "/cloudapi/1.0.0"

    /// Lists `path` filtered by `name==` plus `extra`, and keeps exact matches.
    static func byName<T: Decodable>(_ c: VCDClient, _ path: String, name: String, extra: FIQLFilter? = nil, maxPageSize: Int? = nil,
                                     nameOf: (T) -> String?) throws -> T? {
        var filter: FIQLFilter? = extra
        if !FIQLFilter.needsEscaping(name) {
            filter = extra.map { FIQLFilter.and($0, .eq("name", name)) } ?? .eq("name", name)
        }
        let all: [T] = try c.list(path, filter: filter, maxPageSize: maxPageSize)
        return all.first { nameOf($0) == name }
    }

    /// The element named `name`, or an error listing near names.
    static func require<T>(_ items: [T], _ name: String, kind: String, scope: String, nameOf: (T) -> String?) throws -> T {
        if let x = items.first(where: { nameOf($0) == name }) { return x }
        let names = items.compactMap(nameOf)
        throw EngineError("no \(kind) named \(name) in \(scope)",
                          hint: names.isEmpty ? "there is none yet; create it with ensure(name: ...)" : "known: \(names.prefix(10).joined(separator: ", "))")
    }

    /// `urn:...` path component, percent-encoded where needed.
    static func id(_ s: String) -> String { s }
}

/// Parsing of address notations used in specs.
public enum IPText {
    /// `a.b.c.d` → UInt32.
    public static func parse(_ s: String) -> UInt32? {
        let p = s.split(separator: ".", omittingEmptySubsequences: false)
        guard p.count == 4 else { return nil }
        var v: UInt32 = 0
        for x in p { guard let n = UInt32(x), n < 256, !x.isEmpty else { return nil }; v = v << 8 | n }
        return v
    }

    public static func format(_ v: UInt32) -> String { "\(v >> 24 & 255).\(v >> 16 & 255).\(v >> 8 & 255).\(v & 255)" }

    /// `10.0.0.1/24` → (gateway `10.0.0.1`, 24).
    public static func cidr(_ s: String) -> (String, Int)? {
        let p = s.split(separator: "/")
        guard p.count == 2, parse(String(p[0])) != nil, let n = Int(p[1]), (0...32).contains(n) else { return nil }
        return (String(p[0]), n)
    }

    /// The network of `address/prefix`, as `a.b.c.0/prefix`.
    public static func network(_ address: String, _ prefix: Int) -> String? {
        guard let a = parse(address) else { return nil }
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
        return "\(format(a & mask))/\(prefix)"
    }

    /// `10.0.0.10-10.0.0.50` → range; a single address is a range of one.
    public static func range(_ s: String) -> IPRange? {
        let p = s.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        if p.count == 1, parse(p[0]) != nil { return IPRange(startAddress: p[0], endAddress: p[0]) }
        guard p.count == 2, let a = parse(p[0]), let b = parse(p[1]), a <= b else { return nil }
        return IPRange(startAddress: p[0], endAddress: p[1])
    }

    /// Every address of some ranges.
    public static func expand(_ ranges: [IPRange], limit: Int = 4096) -> [String] {
        var out: [String] = []
        for r in ranges {
            guard let a = parse(r.startAddress), let b = parse(r.endAddress), a <= b else { continue }
            for ip in a...b { out.append(format(ip)); if out.count >= limit { return out } }
        }
        return out
    }
}
