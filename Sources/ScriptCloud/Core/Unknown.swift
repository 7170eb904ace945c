import Provisioning
import Foundation
import VCDScript

/// The value of a field that exists only after apply (plan mode: the id, status or addresses of an
/// object still to be created). It prints as "(known after apply)" and can be passed to other
/// `ensure` calls, but a script that branches or computes on it gets an error: the plan would
/// otherwise follow a path that the real run may not take.
final class UnknownValue: NativeObject {
    /// The type of an unknown value standing for a `kind` of value (a string, a list…; nil: any).
    static func makeType(standingFor kind: StaticType?) -> NativeType {
        let t = NativeType(name: "unknown", doc: "A value known only after apply (plan mode).")
        t.describe = { _ in knownAfterApply }
        t.undecidable = (
            message: "this value is known only after apply: the plan cannot decide on it",
            hint: "run without --plan, or make the decision depend on values the plan knows (names, specs), not on ids or addresses of objects still to be created")
        t.standsFor = kind
        t.derive = { UnknownValue.standing(for: $0) }
        return t
    }

    static let type = makeType(standingFor: nil)

    static let shared = UnknownValue(standing: type)

    /// One unknown value per kind, so that its members are checked against the kind it will be.
    private static let byKind: [StaticType: UnknownValue] = Dictionary(uniqueKeysWithValues:
        [StaticType.string, .int, .float, .bool, .map, .secret, .list(.string), .list(.map), .list(nil)].map { ($0, UnknownValue(standing: makeType(standingFor: $0))) })

    /// The unknown value standing for a `kind` of value: a field the type declares (`Signatures`)
    /// as a string is a string after apply, so `gw.allocatedIPs.frist` fails the plan as it fails the run.
    static func standing(for kind: StaticType?) -> Value {
        .object(kind.flatMap { byKind[$0] } ?? shared)
    }

    private init(standing type: NativeType) { super.init(type: type) }

    /// True for an unknown value.
    static func isUnknown(_ v: Value) -> Bool {
        if case .object(let o) = v { return o is UnknownValue }
        return false
    }
}
