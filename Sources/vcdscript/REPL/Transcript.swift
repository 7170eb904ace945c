/// The inputs of a REPL session that ran without error, each with whether it ran in plan mode,
/// and the file `.save` makes of them.
struct Transcript {
    struct Entry {
        let source: String
        /// It ran with `.plan on`: its changes were recorded, not sent.
        let planned: Bool
    }

    private(set) var entries: [Entry] = []

    var count: Int { entries.count }

    mutating func append(_ source: String, planned: Bool) {
        entries.append(Entry(source: source, planned: planned))
    }

    /// What replaying should see of a run of inputs that ran in plan mode: a note, then the inputs
    /// commented out, so that running the saved file (`vcdscript FILE` or `.load FILE`) does not
    /// really make the changes that were only planned.
    static let planNote = """
    # .plan on: the inputs below ran in plan mode and sent nothing. They are kept as comments so
    # that running this file does not make those changes; remove the "# " to make them.
    """
    static let planEnd = "# .plan off"

    /// The text of the saved file: the inputs in order, those that ran in plan mode commented out
    /// between `# .plan on` and `# .plan off`. Empty when there are none.
    var text: String {
        var lines: [String] = []
        var inPlan = false
        for e in entries {
            if e.planned != inPlan {
                lines.append(e.planned ? Self.planNote : Self.planEnd)
                inPlan = e.planned
            }
            lines.append(e.planned ? Self.commented(e.source) : e.source)
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    private static func commented(_ source: String) -> String {
        source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "#" : "# " + $0 }
            .joined(separator: "\n")
    }
}
