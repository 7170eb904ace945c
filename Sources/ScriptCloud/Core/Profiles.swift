import Foundation
import Provisioning

/// Named connection profiles in a small config file (`$VCDSCRIPT_CONFIG`, else
/// `$XDG_CONFIG_HOME/vcdscript/profiles.yaml` or `~/.config/vcdscript/profiles.yaml`):
///
/// ```yaml
/// lab:
///   url: https://vcd.lab.example
///   org: xav_lab
///   user: xav
///   password: "..."          # or password_env: VCD_PASSWORD
///   api_token_env: VCD_API_TOKEN
///   insecure: false
///   ca_file: /etc/ssl/lab-ca.pem
///   provider_user: administrator
///   provider_password_env: VCD_PROVIDER_PASSWORD
/// ```
///
/// A file that others may read (or write) is refused: it may hold credentials.
public enum Profiles {
    public static func defaultPath(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = env["VCDSCRIPT_CONFIG"], !p.isEmpty { return p }
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() as NSString).appendingPathComponent(".config")
        return (base as NSString).appendingPathComponent("vcdscript/profiles.yaml")
    }

    /// The profile `name` as a connect request.
    public static func load(_ name: String, path: String? = nil, env: [String: String] = ProcessInfo.processInfo.environment) throws -> ConnectRequest {
        let file = path ?? defaultPath(env)
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: file), let mode = attrs[.posixPermissions] as? Int else {
            throw EngineError("no profile file at \(file)", hint: "create it with profile \(name): url, org, user, password_env (mode 0600)")
        }
        if mode & 0o077 != 0 {
            throw EngineError("refusing \(file): it is readable or writable by others (mode \(String(mode, radix: 8))) and may hold credentials",
                              hint: "chmod 600 \(file)")
        }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let indented = line.first == " " || line.first == "\t"
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if !indented {
                current = parts[0]
                profiles[parts[0]] = [:]
            } else if let c = current, parts.count == 2 {
                var v = parts[1]
                if v.count >= 2, (v.hasPrefix("\"") && v.hasSuffix("\"")) || (v.hasPrefix("'") && v.hasSuffix("'")) { v = String(v.dropFirst().dropLast()) }
                profiles[c]?[parts[0]] = v
            }
        }
        guard let p = profiles[name] else {
            throw EngineError("no profile named \(name) in \(file)", hint: "profiles: \(profiles.keys.sorted().joined(separator: ", "))")
        }
        func value(_ key: String) -> String? {
            if let v = p[key], !v.isEmpty { return v }
            if let e = p[key + "_env"], let v = env[e], !v.isEmpty { return v }
            return nil
        }
        let r = ConnectRequest(settings: value)
        r.registerSecrets()
        return r
    }
}
