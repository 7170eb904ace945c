import CloudWire
import Foundation

/// Brings a state written before secrets were kept as digests to the current form, once, when it
/// is opened:
/// * personas' clear passwords → salted digests, the clear ones moved to the owner's copy
///   (`personas.json`), so `sim status` keeps showing them;
/// * session tokens and API refresh tokens → their SHA-256 (the digest of the same token, so
///   clients stay logged in and refresh tokens keep exchanging);
/// * ALB controller sessions, whose cookies were stored in clear → dropped (clients log in again);
/// * simulated clusters' tokens → the digest of the derived token, plus the digest of the old one,
///   so that kubeconfigs already handed out keep working.
/// The rows are rewritten with `secure_delete` on and the WAL is then checkpointed and emptied, so
/// the old clear values do not survive in free pages or old WAL frames.
extension Simulator {
    func upgradeSecretsAtRest() throws {
        var clearPasswords: [String: String] = [:]
        let changed = try worldLock.write { () -> Bool in
            let tx = WriteTx(base: world, now: clock.now())
            for o in tx.all(Kind.user) {
                guard case .object(var f) = o.json, let clear = f["password"]?.stringValue else { continue }
                f["password"] = nil
                f["passwordDigest"] = .string(SecretDigest.password(clear))
                clearPasswords[o.id] = clear
                try tx.update(o, JSONValue.object(f))
            }
            for (kind, clearKey, digestKey) in [(Kind.session, "token", "tokenDigest"), (Kind.apiToken, "refreshToken", "refreshTokenDigest")] {
                for o in tx.all(kind) {
                    guard case .object(var f) = o.json, let clear = f[clearKey]?.stringValue else { continue }
                    f[clearKey] = nil
                    f[digestKey] = .string(clear.isEmpty ? "" : SecretDigest.token(clear))
                    try tx.update(o, JSONValue.object(f))
                }
            }
            for o in tx.all(Kind.albSession) where o.json["csrftoken"] != nil { tx.delete(o.id) }
            for o in tx.all(Kind.kubeCluster) {
                guard case .object(var f) = o.json, let clear = f["token"]?.stringValue, let uid = f["uid"]?.stringValue else { continue }
                f["token"] = nil
                f["tokenDigest"] = .string(SecretDigest.token(kubeTokens.token(uid: uid)))
                f["previousTokenDigest"] = .string(SecretDigest.token(clear))
                try tx.update(o, JSONValue.object(f))
            }
            guard !tx.isEmpty else { return false }
            // The owner's copy before the commit: a failure between the two loses no password.
            if !clearPasswords.isEmpty { try PersonaPasswords.merge(clearPasswords, forState: statePath) }
            try store.commit(upserts: tx.upserts, deletions: tx.deletions, meta: tx.metaChanges, wipe: false)
            world.apply(tx)
            return true
        }
        // Best effort: a reader holding old frames only delays it to the next checkpoint.
        if changed { try? store.checkpoint() }
    }
}
