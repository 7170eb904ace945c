import CloudWire
import Foundation

/// The PATCH formats the apiserver accepts, applied to an object held as `JSONValue`.
enum KubePatch {
    static let mergeType = "application/merge-patch+json"
    static let strategicType = "application/strategic-merge-patch+json"
    static let jsonPatchType = "application/json-patch+json"
    static let applyType = "application/apply-patch+yaml"
    static let accepted = [jsonPatchType, mergeType, applyType, strategicType]

    // MARK: JSON merge patch (RFC 7386)

    static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        var out: JSONObject = [:]
        if case .object(let t) = target { out = t }
        for (k, v) in p {
            if v == .null { out.removeValue(forKey: k) } else { out[k] = merge(out[k] ?? .null, v) }
        }
        return .object(out)
    }

    // MARK: Strategic merge patch

    /// Keys the built-in types merge lists of objects by (containers, env, volumes by `name`;
    /// container ports by `containerPort`; conditions by `type`; ...). Without Go type
    /// information, the first of these that every element of the patch list carries is used;
    /// lists with none are replaced, as for a merge patch.
    static let mergeKeys = ["name", "containerPort", "port", "mountPath", "devicePath", "type", "ip", "topologyKey"]

    /// A strategic merge patch: maps merge as in a merge patch; lists of objects merge by key;
    /// honours `$patch: delete|replace`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`
    /// and ignores `$retainKeys`.
    static func strategic(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(var p) = patch else { return patch }
        if p["$patch"]?.stringValue == "replace" { p.removeValue(forKey: "$patch"); return .object(p.filter { !$0.key.hasPrefix("$") }) }
        if p["$patch"]?.stringValue == "delete" { return .null }
        var out: JSONObject = [:]
        if case .object(let t) = target { out = t }
        for (k, v) in p where !k.hasPrefix("$") {
            if v == .null { out.removeValue(forKey: k); continue }
            switch (out[k], v) {
            case (.array(let old)?, .array(let new)):
                out[k] = .array(mergeList(old, new))
            case (let old, .object):
                let m = strategic(old ?? .null, v)
                if m == .null { out.removeValue(forKey: k) } else { out[k] = m }
            default:
                out[k] = cleaned(v)
            }
        }
        for (k, v) in p where k.hasPrefix("$deleteFromPrimitiveList/") {
            let key = String(k.dropFirst("$deleteFromPrimitiveList/".count))
            if case .array(let drop) = v, case .array(let list)? = out[key] { out[key] = .array(list.filter { !drop.contains($0) }) }
        }
        for (k, v) in p where k.hasPrefix("$setElementOrder/") {
            let key = String(k.dropFirst("$setElementOrder/".count))
            if case .array(let order) = v, case .array(let list)? = out[key] { out[key] = .array(reorder(list, by: order)) }
        }
        return .object(out)
    }

    /// Removes directive keys from a value that replaces rather than merges.
    private static func cleaned(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o): return .object(o.filter { !$0.key.hasPrefix("$") }.mapValues(cleaned))
        case .array(let a): return .array(a.map(cleaned))
        default: return v
        }
    }

    private static func mergeKey(_ items: [JSONValue]) -> String? {
        guard !items.isEmpty else { return nil }
        return mergeKeys.first { key in items.allSatisfy { $0[key] != nil } }
    }

    private static func mergeList(_ old: [JSONValue], _ new: [JSONValue]) -> [JSONValue] {
        guard let key = mergeKey(new), old.allSatisfy({ $0[key] != nil }) else { return new.map(cleaned) }
        var out = old
        for item in new {
            let idx = out.firstIndex { $0[key] == item[key] }
            if item["$patch"]?.stringValue == "delete" {
                if let idx { out.remove(at: idx) }
            } else if let idx {
                out[idx] = strategic(out[idx], item)
            } else {
                out.append(cleaned(item))
            }
        }
        return out
    }

    /// Orders a list as `$setElementOrder` says; elements it does not name keep their relative order after.
    private static func reorder(_ list: [JSONValue], by order: [JSONValue]) -> [JSONValue] {
        let key = mergeKey(order)
        func same(_ a: JSONValue, _ b: JSONValue) -> Bool { key.map { a[$0] == b[$0] } ?? (a == b) }
        var rest = list, out: [JSONValue] = []
        for o in order {
            if let i = rest.firstIndex(where: { same($0, o) }) { out.append(rest.remove(at: i)) }
        }
        return out + rest
    }

    // MARK: JSON patch (RFC 6902)

    /// Applies JSON patch operations; a failing operation is the apiserver's 422.
    static func jsonPatch(_ target: JSONValue, _ ops: JSONValue) throws -> JSONValue {
        guard case .array(let list) = ops else { throw KubeError.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch") }
        var doc = target
        for op in list {
            guard let name = op["op"]?.stringValue, let path = op["path"]?.stringValue else {
                throw KubeError(422, "Invalid", "the server rejected our request due to an error in our request: an operation needs op and path")
            }
            let ptr = try pointer(path)
            switch name {
            case "add": doc = try set(doc, ptr, try value(op), insert: true)
            case "replace":
                _ = try get(doc, ptr, path)
                doc = try set(doc, ptr, try value(op), insert: false)
            case "remove": doc = try remove(doc, ptr, path)
            case "test":
                guard try get(doc, ptr, path) == (try value(op)) else {
                    throw KubeError(422, "Invalid", "the server rejected our request due to an error in our request: testing value \(path) failed: test failed")
                }
            case "move", "copy":
                guard let from = op["from"]?.stringValue else { throw KubeError(422, "Invalid", "the server rejected our request due to an error in our request: \(name) needs from") }
                let fptr = try pointer(from)
                let v = try get(doc, fptr, from)
                if name == "move" { doc = try remove(doc, fptr, from) }
                doc = try set(doc, ptr, v, insert: true)
            default:
                throw KubeError(422, "Invalid", "the server rejected our request due to an error in our request: unexpected operation \"\(name)\"")
            }
        }
        return doc
    }

    private static func value(_ op: JSONValue) throws -> JSONValue {
        guard case .object(let o) = op, let v = o["value"] else {
            throw KubeError(422, "Invalid", "the server rejected our request due to an error in our request: operation has no value")
        }
        return v
    }

    private static func pointer(_ path: String) throws -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw KubeError(422, "Invalid", "the server rejected our request due to an error in our request: invalid JSON pointer \(path)") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
    }

    private static func missing(_ path: String) -> KubeError {
        KubeError(422, "Invalid", "the server rejected our request due to an error in our request: path \(path) does not exist")
    }

    private static func get(_ doc: JSONValue, _ ptr: [String], _ path: String) throws -> JSONValue {
        var cur = doc
        for p in ptr {
            switch cur {
            case .object(let o): guard let n = o[p] else { throw missing(path) }; cur = n
            case .array(let a): guard let i = Int(p), a.indices.contains(i) else { throw missing(path) }; cur = a[i]
            default: throw missing(path)
            }
        }
        return cur
    }

    private static func set(_ doc: JSONValue, _ ptr: [String], _ v: JSONValue, insert: Bool) throws -> JSONValue {
        guard let head = ptr.first else { return v }
        let rest = Array(ptr.dropFirst())
        switch doc {
        case .object(var o):
            if rest.isEmpty { o[head] = v; return .object(o) }
            guard let child = o[head] else { throw missing("/" + ptr.joined(separator: "/")) }
            o[head] = try set(child, rest, v, insert: insert)
            return .object(o)
        case .array(var a):
            if rest.isEmpty {
                if head == "-" && insert { a.append(v); return .array(a) }
                guard let i = Int(head), i >= 0, insert ? i <= a.count : i < a.count else { throw missing("/" + ptr.joined(separator: "/")) }
                if insert { a.insert(v, at: i) } else { a[i] = v }
                return .array(a)
            }
            guard let i = Int(head), a.indices.contains(i) else { throw missing("/" + ptr.joined(separator: "/")) }
            a[i] = try set(a[i], rest, v, insert: insert)
            return .array(a)
        default:
            throw missing("/" + ptr.joined(separator: "/"))
        }
    }

    private static func remove(_ doc: JSONValue, _ ptr: [String], _ path: String) throws -> JSONValue {
        guard let head = ptr.first else { throw missing(path) }
        let rest = Array(ptr.dropFirst())
        switch doc {
        case .object(var o):
            guard let child = o[head] else { throw missing(path) }
            if rest.isEmpty { o.removeValue(forKey: head) } else { o[head] = try remove(child, rest, path) }
            return .object(o)
        case .array(var a):
            guard let i = Int(head), a.indices.contains(i) else { throw missing(path) }
            if rest.isEmpty { a.remove(at: i) } else { a[i] = try remove(a[i], rest, path) }
            return .array(a)
        default: throw missing(path)
        }
    }
}
