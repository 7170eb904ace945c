import Foundation

/// Where a request goes, in the two forms the transport needs: the full URL for libcurl, and a
/// `host:port` for messages. The message form never carries user info (`user:password@`), a path
/// or a query, so an error or a retry notice cannot leak a credential or a query secret.
struct Endpoint {
    let url: String
    let hostPort: String

    /// `target` is normally a path (`/api/versions`) joined to `baseURL`; an absolute `http(s)://`
    /// target (a VCD transfer link, a task href) is used as is.
    init(baseURL: String, target: String) {
        let lower = target.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            url = target
        } else {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            url = target.hasPrefix("/") || target.isEmpty ? base + target : base + "/" + target
        }
        hostPort = Endpoint.hostPort(of: url)
    }

    /// `host:port` of a URL, with the scheme's default port filled in; `<invalid URL>` if it has no host.
    static func hostPort(of url: String) -> String {
        guard let c = URLComponents(string: url), let host = c.host, !host.isEmpty else { return "<invalid URL>" }
        let port = c.port ?? (c.scheme?.lowercased() == "http" ? 80 : 443)
        let h = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(h):\(port)"
    }
}
