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
        lock.lock(); _changes.append(change); lock.unlock()
        if isPlan {
            report(change.line(planned: true))
            return nil
        }
        let v = try work()
        report(change.line(planned: false))
        return v
    }

    /// Records and reports an `= unchanged` line.
    public func unchanged(kind: String, name: String, scope: String? = nil) {
        let c = Change(.unchanged, kind: kind, name: name, scope: scope)
        lock.lock(); _changes.append(c); lock.unlock()
        report(c.line(planned: isPlan))
    }

    /// Counts of the changes so far, by action.
    public var summary: String {
        let all = changes
        let n = { (a: Change.Action) in all.filter { $0.action == a }.count }
        return "\(n(.create)) to create, \(n(.update)) to update, \(n(.delete)) to delete, \(n(.unchanged)) unchanged"
    }
}
