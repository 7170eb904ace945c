import CloudWire
import Foundation

/// `GET /api/versions`: the XML `SupportedVersions` list, unauthenticated (vcd-wire.md §1.1).
enum Versions: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.get("/api/versions", .open, "VERSIONS_VIEW", listVersions)
    }

    /// GET the supported API versions and their login URLs.
    static func listVersions(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        s += "<SupportedVersions xmlns=\"http://www.vmware.com/vcloud/versions\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
        for v in APIVersion.supported {
            s += "    <VersionInfo deprecated=\"false\">\n"
            s += "        <Version>\(v)</Version>\n"
            s += "        <LoginUrl>\(XMLText.escape(ctx.base))/cloudapi/1.0.0/sessions</LoginUrl>\n"
            s += "        <ProviderLoginUrl>\(XMLText.escape(ctx.base))/cloudapi/1.0.0/sessions/provider</ProviderLoginUrl>\n"
            s += "    </VersionInfo>\n"
        }
        s += "</SupportedVersions>\n"
        var h = HTTPHeaderFields()
        h["Content-Type"] = "application/*+xml;version=\(ctx.apiVersion)"
        return HTTPResponseMessage(status: 200, headers: h, body: Data(s.utf8))
    }
}
