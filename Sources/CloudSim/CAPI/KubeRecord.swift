import CloudWire
import Foundation

/// A Kubernetes object (or a part of one) as the simulated controllers read it: a `Decodable`
/// record named after the CRD's json fields, whose members are all optional or defaulted. It is
/// decoded leniently (`JSONValue.DecodingLeniency.lenient`): the objects come from users'
/// manifests, so a missing or mistyped field reads as absent (a number where text is asked
/// reads as its text, text as a number), as these controllers have always read them, and never
/// fails the reconcile. Writes stay structured merges of the object's `JSONValue`.
protocol KubeRecord: Decodable {
    init()
}

extension KubeRecord {
    /// The record of `object`; an empty one for nil.
    init(_ object: JSONValue?) {
        self = (try? (object ?? .null).decode(Self.self, leniency: .lenient)) ?? Self()
    }
}

/// A reference by name: `infrastructureRef`, `controlPlaneRef`, `configRef`, `secretRef`, `nodeRef`.
struct KubeObjectRef: Decodable {
    var name: String?
    var namespace: String?
}

/// Kubernetes quantities of bytes.
enum KubeQuantity {
    /// A byte count written as an integer or a quantity ("20Gi", "20G", "20480Mi"); nil when it
    /// is neither (or too large to count).
    static func bytes(_ text: String?) -> Int? {
        guard let text else { return nil }
        if let i = Int(text) { return i }
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        let units: [(String, Double)] = [("Ki", 0x1p10), ("Mi", 0x1p20), ("Gi", 0x1p30), ("Ti", 0x1p40),
                                         ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12)]
        for (u, f) in units where s.hasSuffix(u) {
            return Double(s.dropLast(u.count)).flatMap { whole($0 * f) }
        }
        return Double(s).flatMap(whole)
    }

    /// The integer part of `d`, nil when it has none (nan, infinite, out of range).
    private static func whole(_ d: Double) -> Int? { Int(exactly: d.rounded(.towardZero)) }
}
