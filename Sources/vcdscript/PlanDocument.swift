import CloudClient
import Foundation
import Provisioning

/// The plan as data (`--plan -o json`): every change the run decided, in order, with its action,
/// kind, name, parent (the gateway, VDC or namespace it lives in) and, for updates, each field's
/// value before and after. Every string passes the secret redactor on its way out.
struct PlanDocument: Encodable {
    struct Field: Encodable {
        let name: String
        let before: String?
        let after: String?

        // Absent values are written as null, not left out: a reader can rely on both keys.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(before, forKey: .before)
            try c.encode(after, forKey: .after)
        }
        enum CodingKeys: String, CodingKey { case name, before, after }
    }

    struct Item: Encodable {
        let action: String
        let kind: String
        let name: String
        let parent: String?
        let fields: [Field]

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(action, forKey: .action)
            try c.encode(kind, forKey: .kind)
            try c.encode(name, forKey: .name)
            try c.encode(parent, forKey: .parent)
            try c.encode(fields, forKey: .fields)
        }
        enum CodingKeys: String, CodingKey { case action, kind, name, parent, fields }
    }

    /// Always true: the document describes a plan, nothing was sent.
    let plan = true
    /// False when the run stopped on an error: the changes are those planned up to it.
    let complete: Bool
    /// True when a cloud object would be created, updated or deleted (what `--detailed-exitcode` answers with 2).
    let hasChanges: Bool
    /// How many changes of each action.
    let summary: [String: Int]
    /// Every change, in the order the run decided them.
    let changes: [Item]

    init(gate: MutationGate, complete: Bool) {
        let redact = { (s: String) in SecretRedactor.shared.redact(s) }
        let all = gate.changes
        self.complete = complete
        hasChanges = gate.hasCloudChanges
        var counts: [String: Int] = [:]
        for a in Change.Action.allCases { counts[a.rawValue] = all.filter { $0.action == a }.count }
        summary = counts
        changes = all.map { c in
            // Updates name their fields; the kind's diff gives before and after where it knows them.
            let known = Dictionary(c.values.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let fields = c.fields.map { f in
                Field(name: f, before: known[f]?.before.map(redact), after: known[f]?.after.map(redact))
            }
            return Item(action: c.action.rawValue, kind: c.kind, name: redact(c.name), parent: c.scope.map(redact), fields: fields)
        }
    }

    /// The document as indented JSON with sorted keys (stable for diffs and tests).
    var json: String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: e.encode(self), as: UTF8.self)) ?? "{}"
    }
}
