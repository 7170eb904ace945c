import Foundation

/// What `ensure` / `delete` did (or, in plan mode, would do) to one object; or a change of the
/// local machine a script asked for (a file written or removed, a folder made, a program run).
public struct Change: Equatable, Sendable, CustomStringConvertible {
    public enum Action: String, Sendable, CaseIterable {
        case create, update, delete, unchanged
        /// Local effects (`write`, `file.remove`, `file.mkdir`, `sh`).
        case write, remove, mkdir, run

        /// The mark the plan and the report start the line with.
        public var symbol: String {
            switch self {
            case .create, .write, .mkdir: return "+"
            case .update: return "~"
            case .delete, .remove: return "-"
            case .unchanged: return "="
            case .run: return "!"
            }
        }

        /// True for changes of the local machine rather than of a cloud object.
        public var isLocal: Bool { [.write, .remove, .mkdir, .run].contains(self) }
    }

    /// One field of an update: the live value and the one the spec asks for, as text.
    public struct FieldValues: Equatable, Sendable {
        public var name: String
        public var before: String?
        public var after: String?
        public init(name: String, before: String?, after: String?) {
            self.name = name
            self.before = before
            self.after = after
        }
    }

    public var action: Action
    /// `edge gateway`, `NAT rule`, ... (`file`, `folder`, `program` for local effects)
    public var kind: String
    public var name: String
    /// Fields that change (update), or are set (create).
    public var fields: [String]
    /// Before and after of the fields that change, where the kind's diff knows them.
    public var values: [FieldValues]
    /// Where the object lives (`gw-capvcd`), for messages.
    public var scope: String?
    /// Decided in plan mode: recorded, not sent. Set by the gate when it records the change, so
    /// that a list of changes made before and after `.plan on|off` says what really happened.
    public var planned = false

    public init(_ action: Action, kind: String, name: String, fields: [String] = [], values: [FieldValues] = [], scope: String? = nil) {
        self.action = action
        self.kind = kind
        self.name = name
        self.fields = fields
        self.values = values
        self.scope = scope
    }

    /// `+ created edge gateway gw-capvcd`, `~ updated NAT rule snat (internal)`, `= unchanged ...`;
    /// in plan mode `+ create ...`, `~ update ...`. Local effects: `+ write FILE`, `- remove FILE`,
    /// `+ mkdir DIR`, `! run sh …`.
    public func line(planned: Bool) -> String {
        let verb: String
        switch action {
        case .create: verb = planned ? "create" : "created"
        case .update: verb = planned ? "update" : "updated"
        case .delete: verb = planned ? "delete" : "deleted"
        case .unchanged: verb = "unchanged"
        case .write: return "+ \(planned ? "write" : "wrote") \(name)"
        case .remove: return "- \(planned ? "remove" : "removed") \(name)"
        case .mkdir: return "+ mkdir \(name)"
        case .run: return "! run \(name)"
        }
        var s = "\(action.symbol) \(verb) \(kind) \(name)"
        if let scope { s += " on \(scope)" }
        if action == .update, !fields.isEmpty { s += " (\(fields.joined(separator: ", ")))" }
        return s
    }

    /// The line for what happened to it: `+ create ...` when it was only planned, else `+ created ...`.
    public var line: String { line(planned: planned) }

    public var description: String { line }
}

/// Compares a spec with the live object field by field; only fields the spec sets count.
public struct Diff {
    public private(set) var fields: [String] = []
    /// The live and the wanted value of each field in `fields`.
    public private(set) var values: [Change.FieldValues] = []
    public init() {}

    /// Records `name` when the spec sets a value that differs from the live one.
    public mutating func check<T: Equatable>(_ name: String, _ spec: T?, _ live: T?) {
        guard let spec else { return }
        if spec != live {
            fields.append(name)
            values.append(Change.FieldValues(name: name, before: live.map(Self.text), after: Self.text(spec)))
        }
    }

    /// A value as the JSON plan shows it: strings as they are, others as Swift describes them.
    static func text<T>(_ v: T) -> String {
        if let s = v as? String { return s }
        if let o = v as? CustomStringConvertible { return o.description }
        return String(describing: v)
    }

    public var isEmpty: Bool { fields.isEmpty }
}

/// The value shown for fields of objects that only exist after apply.
public let knownAfterApply = "(known after apply)"
