import Foundation

/// A change a script asks of the local machine: a file written or removed, a folder made, a
/// program run. Every builtin that changes the machine describes it this way first and asks the
/// host's gate (`InterpreterOptions.localEffects`), so a host with a plan mode can record and show
/// it without doing it. The language itself has no plan mode: that belongs to the host.
public struct LocalEffect: Equatable, Sendable {
    public enum Action: String, Sendable {
        /// `write(path, …)`.
        case write
        /// `file.remove(path)`.
        case remove
        /// `file.mkdir(path)`.
        case mkdir
        /// `sh(command, …)`.
        case run
    }

    public var action: Action
    /// The path, or for `run` the command line (secret arguments already masked).
    public var target: String

    public init(_ action: Action, _ target: String) {
        self.action = action
        self.target = target
    }
}

/// What the host's gate decides about one local effect.
public enum LocalEffectDecision {
    /// Do it.
    case perform
    /// Do nothing (plan mode); the builtin answers `placeholder` where it would have answered a
    /// result only the real run knows (for `sh`: its stdout, stderr and code).
    case skip(placeholder: Value)
}

extension CallContext {
    /// Asks the host's gate about `effect`; with no gate installed the effect is performed.
    func permit(_ effect: LocalEffect) throws -> LocalEffectDecision {
        guard let gate = interpreter.options.localEffects else { return .perform }
        return try gate(effect)
    }
}
