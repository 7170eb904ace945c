import CloudWire
import Foundation

/// Avi's partial update (vcd-wire.md §11.2): `PATCH /api/<object>/<uuid>` with a body of one or more
/// of `{"add": {…}}`, `{"replace": {…}}`, `{"delete": {…}}`, applied in that order.
/// * `add`: a list field gets the given items appended (a single value counts as one item); any
///   other field is set.
/// * `replace`: each given field takes the given value.
/// * `delete`: a list field loses the items equal to the given ones; any other field is removed
///   (it goes back to its default).
enum ALBPatch {
    static let operations = ["add", "replace", "delete"]

    /// The object after the patch, or the message of a 400.
    static func apply(_ body: JSONValue, to object: JSONObject) -> Result<JSONObject, SimError> {
        guard case .object(let ops) = body, !ops.isEmpty else { return .failure(.badRequest(usage)) }
        if let unknown = ops.keys.sorted().first(where: { !operations.contains($0) }) {
            return .failure(.badRequest("Unknown PATCH operation \(unknown). \(usage)"))
        }
        var out = object
        for op in operations {
            guard let given = ops[op] else { continue }
            guard case .object(let fields) = given else { return .failure(.badRequest("The value of \(op) must be an object. \(usage)")) }
            for (k, v) in fields.sorted(by: { $0.key < $1.key }) {
                switch op {
                case "add":
                    if case .array(let cur)? = out[k] { out[k] = .array(cur + items(v)) } else { out[k] = v }
                case "replace":
                    out[k] = v
                default:
                    if case .array(let cur)? = out[k] {
                        let gone = items(v)
                        out[k] = .array(cur.filter { !gone.contains($0) })
                    } else {
                        out[k] = nil
                    }
                }
            }
        }
        return .success(out)
    }

    static let usage = #"The body must be {"add"|"replace"|"delete": {field: value, …}}."#

    private static func items(_ v: JSONValue) -> [JSONValue] {
        if case .array(let xs) = v { return xs }
        return [v]
    }
}
