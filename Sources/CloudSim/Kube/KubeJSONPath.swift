import CloudWire
import Foundation

/// A path into a Kubernetes object, parsed once, in the two forms the API defines:
/// * the JSONPath of a CRD's `additionalPrinterColumns` and `subresources.scale`
///   (`.spec.replicas`, `.metadata.labels['cluster\.x-k8s\.io/cluster-name']`, `.status.addresses[0].address`),
///   which starts with `.`, as the apiserver's CRD validation requires ("must be a simple json path
///   starting with .");
/// * the field path of a `fieldSelector` (`metadata.name`, `status.phase`): dotted, no leading dot.
///
/// Field names may escape a dot with `\.`; a bracket holds a quoted key (read as a dotted path
/// again, as client-go's jsonpath does, so `['a\.b']` is the one key `a.b`) or an array index.
/// Wildcards and filters (`[*]`, `[?(...)]`) are not supported: they are reported as bad paths.
struct KubeJSONPath: Equatable, CustomStringConvertible {
    /// One step down an object: a member by name or an array element by index.
    enum Step: Equatable {
        case field(String)
        case index(Int)
    }

    /// Why a path does not parse, worded as the apiserver words it.
    struct Invalid: Error, Equatable, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): \(reason)" }
    }

    let steps: [Step]
    /// The path as written.
    let text: String
    var description: String { text }

    /// A JSONPath as printer columns and scale subresources write it: `.a.b`, `.a['k']`, `.a[0]`.
    init(jsonPath text: String) throws {
        guard text.first == "." else { throw Invalid(path: text, reason: "must be a simple json path starting with .") }
        self.text = text
        steps = try Self.parse(text, from: text.index(after: text.startIndex))
    }

    /// A field selector's path: `metadata.name`, `spec.nodeName`.
    init(fieldPath text: String) throws {
        guard !text.isEmpty, text.first != "." else { throw Invalid(path: text, reason: "field label not supported") }
        self.text = text
        steps = try Self.parse(text, from: text.startIndex)
    }

    /// Paths the simulator itself writes (built-in types' scale paths): a mistake in one is a bug.
    init(known text: String) {
        do { try self.init(jsonPath: text) } catch { preconditionFailure("bad built-in JSONPath \(text): \(error)") }
    }

    /// The value at the path in `object`, or nil when a step finds nothing.
    func value(in object: JSONValue) -> JSONValue? {
        var cur = object
        for step in steps {
            switch (step, cur) {
            case (.field(let name), .object(let members)):
                guard let next = members[name] else { return nil }
                cur = next
            case (.index(let i), .array(let elements)):
                guard elements.indices.contains(i) else { return nil }
                cur = elements[i]
            default:
                return nil
            }
        }
        return cur
    }

    /// `{"a":{"b":value}}` for the path `.a.b`: a merge patch that sets the path's value.
    /// Nil when the path goes through an array index (a merge patch cannot address an element).
    func mergePatch(setting value: JSONValue) -> JSONValue? {
        var out = value
        for step in steps.reversed() {
            guard case .field(let name) = step else { return nil }
            out = .object([name: out] as JSONObject)
        }
        return out
    }

    // MARK: Parsing

    private static func parse(_ text: String, from start: String.Index) throws -> [Step] {
        var steps: [Step] = []
        var i = start
        var expectField = true  // after `.` or at the start: a name must follow
        while i < text.endIndex {
            let c = text[i]
            if c == "[" {
                let (bracketSteps, next) = try bracket(text, at: i)
                steps += bracketSteps
                i = next
                expectField = false
            } else if c == "." {
                if expectField { throw Invalid(path: text, reason: "empty field name at offset \(text.distance(from: text.startIndex, to: i))") }
                i = text.index(after: i)
                expectField = true
                if i == text.endIndex { throw Invalid(path: text, reason: "ends with a '.'") }
            } else {
                guard expectField else { throw Invalid(path: text, reason: "a '.' must separate '\(text[..<i])' from what follows") }
                let (name, next) = field(text, at: i)
                steps.append(.field(name))
                i = next
                expectField = false
            }
        }
        if steps.isEmpty, text != "." { throw Invalid(path: text, reason: "must name a field") }
        return steps
    }

    /// A field name up to the next unescaped `.` or `[`; `\x` stands for `x`.
    private static func field(_ text: String, at start: String.Index) -> (String, String.Index) {
        var name = ""
        var i = start
        while i < text.endIndex, text[i] != ".", text[i] != "[" {
            if text[i] == "\\", text.index(after: i) < text.endIndex { i = text.index(after: i) }
            name.append(text[i])
            i = text.index(after: i)
        }
        return (name, i)
    }

    /// `[n]` or `['key']` / `["key"]`, starting at the `[`.
    private static func bracket(_ text: String, at open: String.Index) throws -> ([Step], String.Index) {
        guard let close = closingBracket(text, after: open) else {
            throw Invalid(path: text, reason: "unterminated '['")
        }
        let inside = String(text[text.index(after: open)..<close])
        let next = text.index(after: close)
        if let n = Int(inside), n >= 0 { return ([.index(n)], next) }
        if inside.count >= 2, let q = inside.first, q == "'" || q == "\"", inside.last == q {
            let key = String(inside.dropFirst().dropLast())
            guard !key.isEmpty else { throw Invalid(path: text, reason: "empty key in '[\(inside)]'") }
            return (try parse(key, from: key.startIndex), next)
        }
        throw Invalid(path: text, reason: "unsupported subscript '[\(inside)]' (only an index or a quoted key)")
    }

    /// The `]` that closes the bracket at `open`, skipping a quoted key's contents.
    private static func closingBracket(_ text: String, after open: String.Index) -> String.Index? {
        var quote: Character? = nil
        var i = text.index(after: open)
        while i < text.endIndex {
            let c = text[i]
            if let q = quote {
                if c == "\\" { i = text.index(after: i); if i == text.endIndex { return nil } } else if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "]" {
                return i
            }
            i = text.index(after: i)
        }
        return nil
    }
}
