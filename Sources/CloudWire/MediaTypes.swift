import Foundation

/// Media types and API versions spoken on the VCD wire (vcd-wire.md §1, §3.3).
public enum MediaType {
    public static let json = "application/json"
    public static let formURLEncoded = "application/x-www-form-urlencoded"
    public static let task = "application/vnd.vmware.vcloud.task+xml"
    public static let error = "application/vnd.vmware.vcloud.error+xml"
    public static let session = "application/vnd.vmware.vcloud.session+xml"
    public static let versions = "application/xml"
    public static let org = "application/vnd.vmware.vcloud.org+xml"
    public static let vdc = "application/vnd.vmware.vcloud.vdc+xml"
    public static let user = "application/vnd.vmware.admin.user+xml"
}

/// VCD API versions and the header that carries them.
public enum APIVersion {
    /// Every version the simulator lists in `/api/versions`: 10.3 (36.x) to 10.5 (38.x).
    public static let supported = ["36.0", "36.1", "36.2", "36.3", "37.0", "37.1", "37.2", "37.3", "38.0", "38.1"]
    /// The version assumed when a request names none.
    public static let `default` = "37.2"

    /// The `version=` parameter of an Accept value, whatever its media range, including the literal
    /// `*_/_*;version=36.0` that swagger-generated clients send (vcd-wire.md §1.4).
    public static func from(accept: String?) -> String? {
        guard let accept else { return nil }
        // Plain character work: CharacterSet trimming is slow on Linux and this runs per request.
        func trim(_ s: Substring) -> Substring {
            var t = s
            while let f = t.first, f == " " || f == "\"" { t = t.dropFirst() }
            while let l = t.last, l == " " || l == "\"" { t = t.dropLast() }
            return t
        }
        for range in accept.split(separator: ",") {
            for param in range.split(separator: ";").dropFirst() {
                let kv = param.split(separator: "=", maxSplits: 1)
                if kv.count == 2, trim(kv[0]).lowercased() == "version" {
                    return String(trim(kv[1]))
                }
            }
        }
        return nil
    }

    /// `application/json;version=<v>` for requests.
    public static func jsonAccept(_ version: String) -> String { "application/json;version=\(version)" }
    /// `application/*+xml;version=<v>` for legacy requests and task polls.
    public static func xmlAccept(_ version: String) -> String { "application/*+xml;version=\(version)" }
}

/// Header names of the VCD wire (vcd-wire.md §1.2–1.5).
public enum VCDHeader {
    public static let accessToken = "X-VMWARE-VCLOUD-ACCESS-TOKEN"
    public static let tokenType = "X-VMWARE-VCLOUD-TOKEN-TYPE"
    public static let legacyAuthorization = "X-Vcloud-Authorization"
    public static let tenantContext = "X-VMWARE-VCLOUD-TENANT-CONTEXT"
    public static let authContext = "X-VMWARE-VCLOUD-AUTH-CONTEXT"
    public static let requestID = "X-VMWARE-VCLOUD-REQUEST-ID"
}
