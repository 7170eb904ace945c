import CloudWire
import Foundation

/// A `labelSelector` query value: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`,
/// comma-separated and all required (the apiserver's grammar).
struct LabelSelector {
    enum Requirement {
        case equals(String, String), notEquals(String, String), exists(String), notExists(String)
        case isIn(String, Set<String>), notIn(String, Set<String>)
    }
    var requirements: [Requirement] = []

    init(_ text: String) throws {
        for clause in Self.splitTopLevel(text) {
            let c = clause.trimmingCharacters(in: .whitespaces)
            if c.isEmpty { continue }
            if let r = c.range(of: " notin ") ?? c.range(of: " in ") {
                let key = c[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                let rest = c[r.upperBound...].trimmingCharacters(in: .whitespaces)
                guard rest.hasPrefix("("), rest.hasSuffix(")"), !key.isEmpty else {
                    throw KubeError.badRequest("unable to parse requirement: found '\(rest)', expected: '('")
                }
                let values = Set(rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                requirements.append(c[r].contains("notin") ? .notIn(key, values) : .isIn(key, values))
            } else if let r = c.range(of: "!=") {
                requirements.append(.notEquals(Self.trim(c[..<r.lowerBound]), Self.trim(c[r.upperBound...])))
            } else if let r = c.range(of: "==") ?? c.range(of: "=") {
                requirements.append(.equals(Self.trim(c[..<r.lowerBound]), Self.trim(c[r.upperBound...])))
            } else if c.hasPrefix("!") {
                requirements.append(.notExists(Self.trim(c.dropFirst())))
            } else {
                requirements.append(.exists(c))
            }
        }
        for r in requirements {
            switch r {
            case .equals(let k, _), .notEquals(let k, _), .exists(let k), .notExists(let k), .isIn(let k, _), .notIn(let k, _):
                if k.isEmpty || k.contains(" ") { throw KubeError.badRequest("unable to parse requirement: invalid label key \"\(k)\"") }
            }
        }
    }

    private static func trim(_ s: Substring) -> String { s.trimmingCharacters(in: .whitespaces) }

    /// Splits on commas outside parentheses (`a in (x,y),b=c`).
    static func splitTopLevel(_ s: String) -> [String] {
        var out: [String] = [], cur = "", depth = 0
        for ch in s {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if ch == ",", depth == 0 { out.append(cur); cur = "" } else { cur.append(ch) }
        }
        out.append(cur)
        return out
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { r in
            switch r {
            case .equals(let k, let v): return labels[k] == v
            case .notEquals(let k, let v): return labels[k] != v
            case .exists(let k): return labels[k] != nil
            case .notExists(let k): return labels[k] == nil
            case .isIn(let k, let vs): return labels[k].map(vs.contains) ?? false
            case .notIn(let k, let vs): return !(labels[k].map(vs.contains) ?? false)
            }
        }
    }
}

/// A `fieldSelector`: `path=value`, `path==value`, `path!=value`, comma-separated. Custom resources
/// support `metadata.name` and `metadata.namespace` only (as the apiserver); built-in types also any
/// dotted path of the object (`status.phase`, `spec.nodeName`, `type`), compared as text.
struct FieldSelector {
    var terms: [(path: KubeJSONPath, value: String, negated: Bool)] = []

    init(_ text: String, custom: Bool) throws {
        for clause in text.split(separator: ",") {
            let c = String(clause)
            let negated = c.contains("!=")
            let sep = negated ? "!=" : (c.contains("==") ? "==" : "=")
            guard let r = c.range(of: sep) else { throw KubeError.badRequest("invalid selector: '\(c)'; can't understand '\(c)'") }
            let path = String(c[..<r.lowerBound]), value = String(c[r.upperBound...])
            if custom && path != "metadata.name" && path != "metadata.namespace" {
                throw KubeError.badRequest("field label not supported: \(path)")
            }
            guard let parsed = try? KubeJSONPath(fieldPath: path) else { throw KubeError.badRequest("field label not supported: \(path)") }
            terms.append((parsed, value, negated))
        }
    }

    func matches(_ o: JSONValue) -> Bool {
        terms.allSatisfy { t in
            let actual = t.path.value(in: o)?.scalarText ?? ""
            return (actual == t.value) != t.negated
        }
    }
}

/// What a list or a watch selects among a type's objects: its namespace (nil: all), a single name
/// (a watch of one object), `labelSelector` and `fieldSelector`.
struct KubeSelection {
    var namespace: String?
    var name: String?
    var labels: LabelSelector?
    var fields: FieldSelector?

    /// The selection of a request; malformed selectors are 400, as the apiserver answers them.
    init(_ request: HTTPRequestMessage, namespace: String?, name: String? = nil, custom: Bool) throws {
        self.namespace = namespace
        self.name = name
        labels = try request.query("labelSelector").map(LabelSelector.init)
        fields = try request.query("fieldSelector").map { try FieldSelector($0, custom: custom) }
    }

    /// Whether `o` (an object as stored) is selected.
    func matches(_ o: JSONValue) -> Bool {
        if let namespace, KubeMeta.namespace(o) != namespace { return false }
        if let name, KubeMeta.name(o) != name { return false }
        return (labels?.matches(KubeMeta.labels(o)) ?? true) && (fields?.matches(o) ?? true)
    }
}
