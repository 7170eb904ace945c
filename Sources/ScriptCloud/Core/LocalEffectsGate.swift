import CloudClient
import Foundation
import Provisioning
import VCDScript

/// Puts the language's local effects (`write`, `file.remove`, `file.mkdir`, `sh`) through the
/// run's one mutation gate, so `--plan` (and the REPL's `.plan on`) shows them as `+ write FILE`,
/// `- remove FILE`, `+ mkdir DIR`, `! run sh …` and does none of them. The language only knows
/// the hook (`InterpreterOptions.localEffects`); the plan belongs to the host.
enum LocalEffectsGate {
    static func install(_ interp: Interpreter, gate: MutationGate) {
        interp.options.localEffects = { effect in
            let action: Change.Action, kind: String
            switch effect.action {
            case .write: (action, kind) = (.write, "file")
            case .remove: (action, kind) = (.remove, "file")
            case .mkdir: (action, kind) = (.mkdir, "folder")
            case .run: (action, kind) = (.run, "program")
            }
            // A password that reached a command line as a plain string is still never shown.
            let target = SecretRedactor.shared.redact(effect.target)
            // What the program would have printed is known only after apply.
            return gate.permitLocal(action, kind: kind, target: target) ? .perform : .skip(placeholder: .object(UnknownValue.shared))
        }
    }
}
