import Foundation

/// What `ensure` / `delete` did (or, in plan mode, would do) to one object.
public struct Change: Equatable, Sendable, CustomStringConvertible {
    public enum Action: String, Sendable {
        case create = "+", update = "~", delete = "-", unchanged = "="
    }
    public var action: Action
    /// `edge gateway`, `NAT rule`, ...
    public var kind: String
    public var name: String
    /// Fields that change (update), or are set (create).
    public var fields: [String]
    /// Where the object lives (`gw-capvcd`), for messages.
    public var scope: String?
    /// Decided in plan mode: recorded, not sent. Set by the gate when it records the change, so
    /// that a list of changes made before and after `.plan on|off` says what really happened.
    public var planned = false

    public init(_ action: Action, kind: String, name: String, fields: [String] = [], scope: String? = nil) {
        self.action = action
        self.kind = kind
        self.name = name
        self.fields = fields
        self.scope = scope
    }

    /// `+ created edge gateway gw-capvcd`, `~ updated NAT rule snat (internal)`, `= unchanged ...`;
    /// in plan mode `+ create ...`, `~ update ...`.
    public func line(planned: Bool) -> String {
        let verb: String
        switch action {
        case .create: verb = planned ? "create" : "created"
        case .update: verb = planned ? "update" : "updated"
        case .delete: verb = planned ? "delete" : "deleted"
        case .unchanged: verb = "unchanged"
        }
        var s = "\(action.rawValue) \(verb) \(kind) \(name)"
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
    public init() {}

    /// Records `name` when the spec sets a value that differs from the live one.
    public mutating func check<T: Equatable>(_ name: String, _ spec: T?, _ live: T?) {
        guard let spec else { return }
        if spec != live { fields.append(name) }
    }

    public var isEmpty: Bool { fields.isEmpty }
}

/// The value shown for fields of objects that only exist after apply.
public let knownAfterApply = "(known after apply)"
