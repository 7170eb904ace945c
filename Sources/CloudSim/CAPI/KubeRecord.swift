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
