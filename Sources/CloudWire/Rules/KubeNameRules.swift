/// The names the Kubernetes apiserver accepts for an object (`metadata.name`), and its words when
/// it refuses one (422 Invalid). One copy: the simulated apiserver answers with them, and the
/// engine checks a name before it sends a create (in apply and under --plan), so the plan refuses
/// a name that is too long or malformed as the cluster would.
public enum KubeNameRules {
    /// Why `name` is no DNS-1123 subdomain (most objects: at most 253 characters) or label
    /// (`label`: namespaces, at most 63), in the apiserver's words; nil when it is fine.
    public static func problem(_ name: String, label: Bool) -> String? {
        let chars = Array(name.utf8)
        let limit = label ? 63 : 253
        if chars.count > limit { return "must be no more than \(limit) characters" }
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        var ok = !chars.isEmpty && alnum(chars.first!) && alnum(chars.last!)
        if ok {
            for (i, c) in chars.enumerated() {
                if alnum(c) || c == 45 { continue }
                if c == 46, !label, alnum(chars[i - 1]), alnum(chars[i + 1]) { continue }
                ok = false
            }
        }
        if ok { return nil }
        return label
            ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    }

    /// The rule of one resource: namespaces are labels, RBAC objects path segments
    /// (`system:controller:x` is fine), everything else subdomains.
    public static func problem(_ name: String, group: String, plural: String) -> String? {
        if group == "rbac.authorization.k8s.io" {
            if name.isEmpty { return "name or generateName is required" }
            if name == "." || name == ".." { return "may not be '\(name)'" }
            for bad in ["/", "%"] where name.contains(bad) { return "may not contain '\(bad)'" }
            return nil
        }
        return problem(name, label: group.isEmpty && plural == "namespaces")
    }

    /// The apiserver's message for a refused name: `Deployment.apps "x" is invalid: metadata.name: Invalid value: "x": why`.
    public static func message(kind: String, group: String, name: String, why: String) -> String {
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        return "\(qualifiedKind) \"\(name)\" is invalid: metadata.name: Invalid value: \"\(name)\": \(why)"
    }
}
