import Foundation
import Documents

/// Any JSON document, for the parts of the wire format whose shape is the user's (RDE entity bodies,
/// entity-type schemas, Kubernetes objects) and for evaluating filters over stored objects. The one
/// ordered model lives in `Documents`, below the language and the clouds alike; this name keeps
/// the wire's users (the simulator, the clients) reading as they did.
public typealias JSONValue = Documents.JSONValue

/// The members of a JSON object, in order (`Documents.JSONObject`).
public typealias JSONObject = Documents.JSONObject

extension JSONEncoder {
    /// An encoder that writes JSON as VCD does (`/` not escaped).
    public static func vcd() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }
}
