import Foundation

/// The certificate and private key that `sim serve --tls` presents, as PEM files: a self-signed
/// pair made on first use beside the state file (`<state dir>/tls/cert.pem` and `key.pem`), or the
/// user's own (`--cert`, `--key`).
public struct SimulatorTLSFiles: Sendable, Equatable {
    /// The PEM certificate. For the self-signed pair it is also the CA file clients trust.
    public let certificate: String
    /// The PEM private key (no passphrase). Mode 0600 when made here; never printed.
    public let key: String

    /// Names an existing pair (`--cert`, `--key`); `SimulatorServer` checks that they load and match.
    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }

    /// The folder beside the state file that holds the self-signed pair (an absolute path).
    public static func directory(forState statePath: String) -> String {
        URL(fileURLWithPath: statePath).standardizedFileURL.deletingLastPathComponent().appendingPathComponent("tls").path
    }

    /// The self-signed pair beside the state file: reused when both files are there, else made now
    /// with `openssl req -x509` (RSA 2048, 825 days, CN localhost, SAN IP:127.0.0.1 and DNS:localhost).
    /// The tool is `openssl` on the `PATH` of `environment`.
    public static func selfSigned(forState statePath: String,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SimulatorTLSFiles {
        let dir = directory(forState: statePath)
        let files = SimulatorTLSFiles(certificate: (dir as NSString).appendingPathComponent("cert.pem"),
                                      key: (dir as NSString).appendingPathComponent("key.pem"))
        let fm = FileManager.default
        // A pair left wider by hand (or by an older version) is narrowed, with a notice.
        PrivateFiles.tighten(dir, to: PrivateFiles.folderMode)
        PrivateFiles.tighten(files.key, to: PrivateFiles.fileMode)
        if fm.fileExists(atPath: files.certificate) && fm.fileExists(atPath: files.key) { return files }
        guard let tool = findOnPath("openssl", environment: environment) else { throw SimulatorTLSError.opensslMissing }
        // The folder is private (0700 whatever the umask), so the key is never readable by others,
        // not even before its chmod.
        do { try PrivateFiles.makeFolders(dir) } catch let e as PrivateFileError {
            throw SimulatorTLSError.cannotWrite(path: dir, reason: e.description)
        }
        let tag = UUID().uuidString
        let newCert = (dir as NSString).appendingPathComponent(".cert-\(tag).pem")
        let newKey = (dir as NSString).appendingPathComponent(".key-\(tag).pem")
        defer {
            try? fm.removeItem(atPath: newCert)
            try? fm.removeItem(atPath: newKey)
        }
        try runOpenSSL(tool, arguments: [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "825", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", newKey, "-out", newCert,
        ])
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: newKey)
        // Key first: a certificate in place means its key is too.
        try replace(files.key, with: newKey)
        try replace(files.certificate, with: newCert)
        return files
    }

    private static func replace(_ path: String, with new: String) throws {
        if rename(new, path) != 0 {
            throw SimulatorTLSError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private static func runOpenSSL(_ tool: String, arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw SimulatorTLSError.opensslFailed(tool: tool, status: -1, output: "\(error)") }
        // openssl's progress dots and errors are small; read before waiting so the pipe never fills.
        let output = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let text = String(decoding: output, as: UTF8.self)
                .split(separator: "\n").filter { !$0.allSatisfy { "+.*".contains($0) } }.suffix(3).joined(separator: " | ")
            throw SimulatorTLSError.opensslFailed(tool: tool, status: p.terminationStatus, output: text)
        }
    }

    static func findOnPath(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = (String(dir) as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Why the simulator could not serve HTTPS. Messages name files, never their contents.
public enum SimulatorTLSError: Error, CustomStringConvertible, Equatable {
    /// No `openssl` on PATH to make the self-signed certificate.
    case opensslMissing
    /// `openssl req` failed; `output` is the end of what it printed on stderr.
    case opensslFailed(tool: String, status: Int32, output: String)
    /// The pair could not be moved into place.
    case cannotWrite(path: String, reason: String)
    /// The certificate file is missing or holds no PEM certificate.
    case badCertificate(path: String)
    /// The key file is missing or holds no PEM private key without a passphrase.
    case badKey(path: String)
    /// Both load, but they do not belong together (or TLS could not be set up with them).
    case unusablePair(certificate: String, key: String)

    public var description: String {
        switch self {
        case .opensslMissing:
            return "--tls needs the openssl command to make a self-signed certificate, and none is on PATH."
                + " Hint: install it (apt-get install openssl, as scripts/bootstrap.sh does), or pass your own with --cert FILE --key FILE"
        case .opensslFailed(let tool, let status, let output):
            return "\(tool) req could not make the self-signed certificate (exit \(status))\(output.isEmpty ? "" : ": \(output)")."
                + " Hint: pass your own with --cert FILE --key FILE"
        case .cannotWrite(let path, let reason):
            return "could not write \(path): \(reason). Hint: check the permissions of the state folder"
        case .badCertificate(let path):
            return "no PEM certificate could be read from \(path). Hint: --cert takes a PEM file (-----BEGIN CERTIFICATE-----)"
        case .badKey(let path):
            return "no PEM private key could be read from \(path). Hint: --key takes an unencrypted PEM key (openssl req -nodes)"
        case .unusablePair(let cert, let key):
            return "the key \(key) does not match the certificate \(cert). Hint: pass the key the certificate was made with;"
                + " for the self-signed pair, delete its tls folder and start again to make a new one"
        }
    }
}
