import CloudWire
import Foundation

/// An error of the simulated Kubernetes API, answered as a kube-apiserver answers it: a `Status`
/// object (`kind: Status`, `status: Failure`, `reason`, `code`, `details`) with the same HTTP status.
/// Messages follow the apiserver's wording (`configmaps "x" not found`) because clients and users
/// match on them.
struct KubeError: Error {
    var code: Int
    var reason: String
    var message: String
    /// `details`: name, group, kind (the resource, or the Kind for `Invalid`), causes.
    var details: [String: JSONValue]?

    init(_ code: Int, _ reason: String, _ message: String, details: [String: JSONValue]? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    static func detailsOf(_ r: KubeResource, name: String) -> [String: JSONValue] {
        var d: [String: JSONValue] = ["name": .string(name), "kind": .string(r.plural)]
        if !r.group.isEmpty { d["group"] = .string(r.group) }
        return d
    }

    /// What `/api/v1/namespaces/ns/configmaps/x` answers for a missing object.
    static func notFound(_ r: KubeResource, _ name: String) -> KubeError {
        KubeError(404, "NotFound", "\(r.qualified) \"\(name)\" not found", details: detailsOf(r, name: name))
    }

    static func alreadyExists(_ r: KubeResource, _ name: String) -> KubeError {
        KubeError(409, "AlreadyExists", "\(r.qualified) \"\(name)\" already exists", details: detailsOf(r, name: name))
    }

    /// A stale `resourceVersion` on update: the optimistic-concurrency conflict.
    static func conflict(_ r: KubeResource, _ name: String) -> KubeError {
        KubeError(409, "Conflict", "Operation cannot be fulfilled on \(r.qualified) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                  details: detailsOf(r, name: name))
    }

    /// 422 with one cause, as field validation answers (`details.kind` is the Kind here).
    static func invalid(kind: String, group: String, name: String, field: String, value: String, why: String) -> KubeError {
        var d: [String: JSONValue] = [
            "name": .string(name), "kind": .string(kind),
            "causes": .array([.object(["reason": .string("FieldValueInvalid"), "message": .string("Invalid value: \"\(value)\": \(why)"), "field": .string(field)])]),
        ]
        if !group.isEmpty { d["group"] = .string(group) }
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        return KubeError(422, "Invalid", "\(qualifiedKind) \"\(name)\" is invalid: \(field): Invalid value: \"\(value)\": \(why)", details: d)
    }

    static func badRequest(_ m: String) -> KubeError { KubeError(400, "BadRequest", m) }

    /// The apiserver's answer to a path it does not serve.
    static let noSuchPath = KubeError(404, "NotFound", "the server could not find the requested resource", details: [:])

    static let unauthorized = KubeError(401, "Unauthorized", "Unauthorized")

    static func methodNotAllowed(_ method: String, _ what: String) -> KubeError {
        KubeError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource (\(method) \(what))", details: [:])
    }

    static func unsupportedMediaType(_ type: String, accepted: [String]) -> KubeError {
        KubeError(415, "UnsupportedMediaType",
                  "the body of the request was in an unknown format (\(type.isEmpty ? "no Content-Type" : type)) - accepted media types include: \(accepted.joined(separator: ", "))")
    }

    /// The `Status` body.
    var json: JSONValue {
        var o: [String: JSONValue] = [
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]), "status": .string("Failure"),
            "message": .string(message), "reason": .string(reason), "code": .int(code),
        ]
        if let details { o["details"] = .object(details) }
        return .object(o)
    }

    var response: HTTPResponseMessage { KubeJSON.response(json, status: code) }
}

/// JSON answers of the Kubernetes API.
enum KubeJSON {
    static func response(_ value: JSONValue, status: Int = 200) -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        h["Content-Type"] = "application/json"
        h["Cache-Control"] = "no-cache, private"
        return HTTPResponseMessage(status: status, headers: h, body: encode(value))
    }

    /// Sorted keys: stable answers are easier to read and to compare in tests.
    static func encode(_ value: JSONValue) -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(value)) ?? Data("{}".utf8)
    }

    /// `Status` with `status: Success` (what most deletes answer).
    static func success(details: [String: JSONValue]) -> JSONValue {
        .object(["kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]), "status": .string("Success"),
                 "details": .object(details)])
    }
}

