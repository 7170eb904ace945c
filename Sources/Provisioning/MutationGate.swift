import Foundation

/// The ONE gate every mutation goes through, whatever it changes (VCD, NSX, ALB or Kubernetes
/// objects): it records each change; in plan mode it reports the planned line (`+ create …`) and
/// runs nothing, in apply mode it runs the work and reports what was done (`+ created …`).
/// One gate per run: the VCD engine and every Kubernetes connection of a script share it, so the
/// plan and its summary cover them all, and `.plan on` in the REPL switches them together.
public final class MutationGate: @unchecked Sendable {
    private let lock = NSLock()
    private var _mode: EngineMode
    private var _report: (String) -> Void
    private var _changes: [Change] = []

    public init(mode: EngineMode = .apply, report: @escaping (String) -> Void = { print($0) }) {
        _mode = mode
        _report = report
    }

    public var mode: EngineMode {
        get { lock.lock(); defer { lock.unlock() }; return _mode }
        set { lock.lock(); _mode = newValue; lock.unlock() }
    }

    /// Receives `+ created ...` lines.
    public var report: (String) -> Void {
        get { lock.lock(); defer { lock.unlock() }; return _report }
        set { lock.lock(); _report = newValue; lock.unlock() }
    }

    public var isPlan: Bool { mode == .plan }

    private var _siteLock: SiteLock?
    /// The run's site-side lock (nil: `--no-lock`, or no site opened yet): taken before the first
    /// change in apply mode, so two runs never change one site at once. Plans take no lock.
    public var siteLock: SiteLock? {
        get { lock.lock(); defer { lock.unlock() }; return _siteLock }
        set { lock.lock(); _siteLock = newValue; lock.unlock() }
    }

    /// Every change decided so far (apply and plan).
    public var changes: [Change] { lock.lock(); defer { lock.unlock() }; return _changes }

    /// Records `change`; in apply mode runs `work` and reports the line; in plan mode reports the
    /// planned line and runs nothing (answers nil).
    @discardableResult
    public func mutate<T>(_ change: Change, _ work: () throws -> T) throws -> T? {
        // Before the change is recorded: a run that waited for another's lock decides again.
        if !isPlan { try siteLock?.ensureHeld() }
        var change = change
        change.planned = isPlan
        lock.lock(); _changes.append(change); lock.unlock()
        if change.planned {
            report(change.line(planned: true))
            return nil
        }
        let v = try work()
        report(change.line(planned: false))
        return v
    }

    /// Records and reports an `= unchanged` line.
    public func unchanged(kind: String, name: String, scope: String? = nil) {
        var c = Change(.unchanged, kind: kind, name: name, scope: scope)
        c.planned = isPlan
        lock.lock(); _changes.append(c); lock.unlock()
        report(c.line)
    }

    /// A change of the local machine (`write`, `file.remove`, `file.mkdir`, `sh`): recorded like
    /// a cloud change; in plan mode its line is reported (`+ write FILE`) and the answer is false
    /// (do nothing); in apply mode the answer is true and nothing is printed (a script's own
    /// files and programs are not news in its output).
    public func permitLocal(_ action: Change.Action, kind: String, target: String) -> Bool {
        let c = Change(action, kind: kind, name: target)
        lock.lock(); _changes.append(c); lock.unlock()
        if isPlan {
            report(c.line(planned: true))
            return false
        }
        return true
    }

    /// How many changes of each action so far.
    public func count(_ action: Change.Action) -> Int { changes.filter { $0.action == action }.count }

    /// True when a cloud object was (or, in plan mode, would be) created, updated or deleted.
    public var hasCloudChanges: Bool { changes.contains { [.create, .update, .delete].contains($0.action) } }

    /// Counts of the changes so far, by action: `1 to create, 0 to update, 0 to delete, 3
    /// unchanged`, then the local effects when there are any (`; on this machine: 1 to write`).
    public var summary: String {
        let n = count
        var s = "\(n(.create)) to create, \(n(.update)) to update, \(n(.delete)) to delete, \(n(.unchanged)) unchanged"
        let local: [(Change.Action, String)] = [(.write, "to write"), (.remove, "to remove"), (.mkdir, "to mkdir"), (.run, "to run")]
        let parts = local.compactMap { a, words in n(a) > 0 ? "\(n(a)) \(words)" : nil }
        if !parts.isEmpty { s += "; on this machine: " + parts.joined(separator: ", ") }
        return s
    }

    /// What an apply run did, in the past tense: `1 created, 2 updated, 0 deleted`.
    public var doneSummary: String {
        "\(count(.create)) created, \(count(.update)) updated, \(count(.delete)) deleted"
    }
}
