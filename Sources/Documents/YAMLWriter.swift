import Foundation
import Yams

/// The one YAML writer (Yams, libyaml underneath): maps in the order they hold, strings that
/// would read back as something else quoted, multi-line strings as `|` blocks.
public enum YAMLWriter {
    /// How string values are written (keys are always plain when they can be).
    public enum StringStyle: Sendable {
        /// Plain when the text reads back as the same string, in YAML 1.2 and 1.1 readers alike;
        /// double-quoted otherwise; `|` blocks for several lines.
        case plainWhenSafe
        /// Every string value double-quoted (kubeconfig files: whatever a name or token holds,
        /// client-go, PyYAML and Yams read it back alike).
        case doubleQuoted
    }

    /// One document as YAML text (ending in a newline). `width` 0: libyaml's default (80,
    /// folding long plain text at spaces); -1: never folded.
    public static func text(_ value: JSONValue, strings: StringStyle = .plainWhenSafe, width: Int = 0) throws -> String {
        do { return try Yams.serialize(node: node(value, strings), width: width) } catch let e as YamlError { throw YAMLSyntaxError(e) }
    }

    /// Several documents separated by `---` lines.
    public static func text(documents: [JSONValue], strings: StringStyle = .plainWhenSafe, width: Int = 0) throws -> String {
        do { return try Yams.serialize(nodes: documents.map { node($0, strings) }, width: width) } catch let e as YamlError { throw YAMLSyntaxError(e) }
    }

    /// A string as one double-quoted YAML scalar (`"a\"b\n"`).
    public static func doubleQuoted(_ s: String) -> String {
        let text = (try? Yams.serialize(node: Node(s, Tag(.str), .doubleQuoted), width: -1, allowUnicode: true)) ?? ""
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// The YAML node of a JSON value.
    public static func node(_ x: JSONValue, _ strings: StringStyle = .plainWhenSafe) -> Node {
        switch x {
        case .null: return Node("null", Tag(.null))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .int(let i): return Node(String(i), Tag(.int))
        case .double(let d): return Node(float(d), Tag(.float))
        case .string(let s):
            if strings == .doubleQuoted { return Node(s, Tag(.str), .doubleQuoted) }
            return string(s)
        case .object(let o):
            return .mapping(Node.Mapping(o.map { (string($0.key), node($0.value, strings)) }))
        case .array(let a):
            return .sequence(Node.Sequence(a.map { node($0, strings) }))
        }
    }

    static func string(_ s: String) -> Node {
        if s.contains("\n") { return Node(s, Tag(.str), .literal) }
        let plainOK = !s.isEmpty && readsBackAsString(s) && !s.contains(": ") && !s.hasPrefix("-") && !s.contains(" #")
            && !s.hasPrefix("*") && !s.hasPrefix("&") && !s.hasPrefix("!") && !s.hasPrefix("{") && !s.hasPrefix("[")
        return Node(s, Tag(.str), plainOK ? .plain : .doubleQuoted)
    }

    /// `2.0` for whole floats (so they read back as floats), `nan`/`inf` as the language prints them.
    static func float(_ f: Double) -> String {
        if f.isNaN { return "nan" }
        if f.isInfinite { return f > 0 ? "inf" : "-inf" }
        if f == f.rounded(), abs(f) < 1e16 { return String(format: "%.1f", f) }
        return "\(f)"
    }

    /// True when the text, written plain (unquoted), reads back as this string — here and in
    /// YAML 1.1 readers (yes/no/on/off are booleans there, and numbers come in more shapes).
    public static func readsBackAsString(_ s: String) -> Bool {
        guard YAMLReader.scalar(Node.Scalar(s, Tag(.implicit), .plain), .core) == .string(s) else { return false }
        if ["yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf", ".nan", "null", "~"].contains(s.lowercased()) { return false }
        if let f = s.first, f.isNumber || ("-+.".contains(f) && s.dropFirst().first?.isNumber == true) { return false }
        return true
    }
}
