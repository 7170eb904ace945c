import Crypto
import Foundation
import CryptoExtras

/// How secrets are kept at rest, as VCD keeps them: the state file holds digests, never the
/// secret, so a copy of it opens nothing.
///
/// * Tokens (session tokens, API refresh tokens, cluster bearer tokens) are long random strings:
///   a plain SHA-256 is enough to make them unrecoverable, and it is cheap enough to look a token
///   up by its digest on every request.
/// * Passwords are chosen by people and short: they get a salted, slow digest (PBKDF2-HMAC-SHA256),
///   so that guessing them from a copy of the state costs `passwordRounds` hashes per guess.
enum SecretDigest {
    /// Rounds of PBKDF2 per password. Measured in a debug build on the 2-core CI machine: a login
    /// check takes about 3 ms (BoringSSL does the rounds, so the build mode hardly matters).
    static let passwordRounds = 8192
    private static let scheme = "pbkdf2-sha256"

    /// Hex SHA-256 of a token: how a token is stored and looked up.
    static func token(_ token: String) -> String {
        // Hex by hand: `String(format: "%02x")` per byte cost more than the hash itself on Linux,
        // and every authenticated request digests its token.
        var hasher = SHA256()
        var t = token
        t.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        let digest = hasher.finalize()
        return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { out in
            var i = 0
            for byte in digest {
                out[i] = hexDigits[Int(byte >> 4)]
                out[i + 1] = hexDigits[Int(byte & 15)]
                i += 2
            }
            return i
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A new salted digest of `password`: `pbkdf2-sha256$<rounds>$<salt b64>$<key b64>`.
    static func password(_ password: String, rounds: Int = passwordRounds) -> String {
        var g = SystemRandomNumberGenerator()
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &g) })
        let key = derive(password, salt: salt, rounds: rounds)
        return "\(scheme)$\(rounds)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    /// Whether `password` matches a digest made by `password(_:)`. A malformed digest matches nothing.
    /// Matches are remembered in memory (digest and a SHA-256 of the password, never the password),
    /// so that callers that present the same credentials on every request (NSX basic auth, the
    /// simulated controllers' logins on every pass) pay the rounds once per process.
    static func verify(_ password: String, digest: String) -> Bool {
        let memo = digest + "|" + token(digest + "|" + password)
        if verifiedLock.withLock({ verified.contains(memo) }) { return true }
        guard slowVerify(password, digest: digest) else { return false }
        verifiedLock.withLock {
            if verified.count > 4096 { verified.removeAll() }
            verified.insert(memo)
        }
        return true
    }

    nonisolated(unsafe) private static var verified: Set<String> = []
    private static let verifiedLock = NSLock()

    private static func slowVerify(_ password: String, digest: String) -> Bool {
        let parts = digest.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme, let rounds = Int(parts[1]), rounds > 0, rounds <= 10_000_000,
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])) else { return false }
        return constantTimeEqual(derive(password, salt: salt, rounds: rounds), expected)
    }

    private static func derive(_ password: String, salt: Data, rounds: Int) -> Data {
        let key = try? KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256,
                                                     outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key?.withUnsafeBytes { Data($0) } ?? Data()
    }

    /// Compares without stopping at the first difference (the time taken says nothing about the secret).
    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count, !a.isEmpty else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }
}
