import CloudClient
import CSupport
import Foundation
import ScriptCloud
import Provisioning

extension CloudWiring {
    /// Gives the run's gate the site lock of `engine`'s site, unless `--no-lock` or the gate has one
    /// already (a run locks the first site it opens: `cloud`). The lock is taken through the
    /// provider session when there is one (it may register the lock's entity type), else the
    /// tenant's; messages go to stderr.
    func lockingSite(_ engine: Engine) -> Engine {
        guard let settings = siteLock, let gate, gate.siteLock == nil else { return engine }
        let lock = SiteLock(client: engine.provider ?? engine.tenant, settings: settings) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        lock.interrupted = { vcd_sigint_pending() != 0 }
        gate.siteLock = lock
        return engine
    }
}

extension CloudWiring {
    /// `--no-lock`, `--lock-timeout` and the script's name as the lock records it.
    func configureSiteLock(noLock: Bool, timeout: Double?, script: String) {
        guard !noLock else { siteLock = nil; return }
        var s = siteLock ?? SiteLockSettings()
        if let timeout { s.timeout = timeout }
        s.script = script
        siteLock = s
    }
}

extension CloudWiring {
    /// Frees the site lock at the end of the run, whatever ended it. After Ctrl-C the flag is
    /// cleared first: the transport would abort the release as it aborts any request while it is set.
    func releaseSiteLock() {
        guard let lock = gate?.siteLock else { return }
        if lock.isHeld { _ = vcd_take_sigint() }
        lock.release()
    }
}
