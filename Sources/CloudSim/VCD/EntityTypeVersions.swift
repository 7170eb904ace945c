import CloudWire
import Foundation

/// Versions of RDE types and interfaces as VCD reads them in paths and upgrades.
///
/// * In `GET /entities/types/{vendor}/{nss}/{version}` (and `/entities/interfaces/…`) the version
///   is a wildcard when it is not a full semver: `1` matches every 1.x.y, `1.1` every 1.1.y; a full
///   `1.1.0` names one type (the description of the operation in VCD's OpenAPI, as vendored by the
///   cloud provider's `vcdswaggerclient_37_2`). CAPVCD 1.1+ lists its clusters with `…/capvcdCluster/1`.
/// * An entity moves to a newer version of its type by a PUT whose `entityType` names it.
enum EntityTypeVersions {
    /// The numeric parts of a version (`1.10.0` → [1, 10, 0]); nil when a part is not a number.
    static func parts(_ version: String) -> [Int]? {
        let ps = version.split(separator: ".", omittingEmptySubsequences: false)
        guard !ps.isEmpty, ps.count <= 3 else { return nil }
        var out: [Int] = []
        for p in ps { guard let n = Int(p), n >= 0 else { return nil }; out.append(n) }
        return out
    }

    /// Whether `pattern` (a major, major.minor or full version) selects `version`.
    static func matches(_ version: String, pattern: String) -> Bool {
        guard let want = parts(pattern), let have = parts(version), have.count == 3 else { return version == pattern }
        return Array(have.prefix(want.count)) == want
    }

    /// True when `pattern` names a single version (no search).
    static func isExact(_ pattern: String) -> Bool { parts(pattern)?.count == 3 }

    /// Semver order of two full versions (numbers compared part by part).
    static func compare(_ a: String, _ b: String) -> Int {
        let x = parts(a) ?? [], y = parts(b) ?? []
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? x[i] : 0, r = i < y.count ? y[i] : 0
            if l != r { return l < r ? -1 : 1 }
        }
        return 0
    }

    /// The stored objects of `kind` (entity types or interfaces) whose id is
    /// `urn:vcloud:<urnKind>:<vendor>:<nss>:<version>` with a version `pattern` selects (an empty
    /// pattern selects every version).
    static func select(_ state: StateView, kind: String, urnKind: String, vendor: String, nss: String, pattern: String) -> [StoredObject] {
        let prefix = "urn:vcloud:\(urnKind):\(vendor):\(nss):"
        if isExact(pattern) { return state.get(prefix + pattern, kind: kind).map { [$0] } ?? [] }
        return state.all(kind).filter { o in
            o.id.hasPrefix(prefix) && (pattern.isEmpty || matches(String(o.id.dropFirst(prefix.count)), pattern: pattern))
        }
    }

    /// The type an entity of `current` may move to when a PUT names `requested`: the same vendor
    /// and nss, a higher version, registered. Throws 400 as VCD refuses otherwise.
    static func upgradeTarget(_ state: StateView, current: DefinedEntityType, requested: String) throws -> (StoredObject, DefinedEntityType) {
        let currentID = current.id ?? ""
        let urnPrefix = "urn:vcloud:type:"
        guard requested.hasPrefix(urnPrefix) else {
            throw SimError.badRequest("Invalid entity type \(requested): expected urn:vcloud:type:<vendor>:<nss>:<version>.")
        }
        let fields = requested.dropFirst(urnPrefix.count).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 3, let version = fields.last, isExact(version) else {
            throw SimError.badRequest("Invalid entity type \(requested): expected urn:vcloud:type:<vendor>:<nss>:<version>.")
        }
        guard fields[0] == current.vendor, fields[1] == current.nss else {
            throw SimError.badRequest("The entity type cannot change from \(currentID) to \(requested): "
                + "an entity moves only to another version of its own type (\(current.vendor ?? ""):\(current.nss ?? "")).")
        }
        guard compare(version, current.version ?? "0.0.0") > 0 else {
            throw SimError.badRequest("The entity type cannot change from \(currentID) to \(requested): "
                + "an entity can only be upgraded to a higher version of its type.")
        }
        guard let o = state.get(requested, kind: Kind.entityType) else {
            throw SimError(400, VCDMinorError.invalidReference, "Entity type \(requested) does not exist.")
        }
        return (o, try o.decode(DefinedEntityType.self))
    }
}
