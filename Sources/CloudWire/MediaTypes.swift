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
        // Bytes, not Characters: every separator is ASCII, and the Character-level version of this
        // (grapheme breaking in split, lowercased) cost a served GET about 30,000 instructions.
        // Same steps as before: split on `,` then `;` (empty pieces dropped), the first `=` ends
        // the name, spaces and quotes trimmed from both ends, the name compared without case.
        typealias Bytes = Substring.UTF8View
        func trim(_ s: Bytes) -> Bytes {
            var t = s
            while let f = t.first, f == UInt8(ascii: " ") || f == UInt8(ascii: "\"") { t = t.dropFirst() }
            while let l = t.last, l == UInt8(ascii: " ") || l == UInt8(ascii: "\"") { t = t.dropLast() }
            return t
        }
        func isVersion(_ name: Bytes) -> Bool {
            guard name.count == 7 else { return false }
            return zip(name, "version".utf8).allSatisfy { c, v in (c >= 65 && c <= 90 ? c | 0x20 : c) == v }
        }
        let utf8 = Substring(accept).utf8
        for range in utf8.split(separator: UInt8(ascii: ",")) {
            for param in range.split(separator: UInt8(ascii: ";")).dropFirst() {
                let kv = param.split(separator: UInt8(ascii: "="), maxSplits: 1)
                if kv.count == 2, isVersion(trim(kv[0])) {
                    return String(Substring(trim(kv[1])))
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
