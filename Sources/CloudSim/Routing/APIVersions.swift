import CloudWire
import Foundation

/// The API version a request asks for, checked as VCD checks it:
/// * a version VCD does not serve (`Accept: …;version=X`, X not in `GET /api/versions`) → 406
///   `NOT_ACCEPTABLE` "The request has invalid accept header: Invalid API version requested.
///   Supported API versions are: [...]" (the wording of VCD 10.5; 10.x before it said "Unknown API
///   version: X"), as XML `Error` on `/api` and JSON on `/cloudapi`;
/// * an endpoint younger than the version asked → 405 `METHOD_NOT_ALLOWED` "HTTP method not
///   allowed", which VCD's `RestApiRequestVersionCompatibilityFilter` answers (seen for
///   `/api/sessions` at 38.0 and `vdcComputePolicies` 1.0.0 after its removal).
enum APIVersions {
    /// The paths whose version is checked: VCD's two APIs, except the unversioned version list.
    static func isVersioned(_ path: String) -> Bool {
        (path.hasPrefix("/api/") || path.hasPrefix("/cloudapi/")) && path != "/api/versions"
    }

    /// The 406 for a request asking a version that is not served; nil when the request asks none
    /// or a served one.
    static func unsupported(_ request: HTTPRequestMessage) -> SimError? {
        guard isVersioned(request.path), let asked = APIVersion.from(accept: request.headers["Accept"]),
              !APIVersion.supported.contains(asked) else { return nil }
        let served = APIVersion.supported.sorted { compare($0, $1) > 0 }.joined(separator: ", ")
        return SimError(406, VCDMinorError.notAcceptable,
                        "The request has invalid accept header: Invalid API version requested. Supported API versions are: [\(served)]")
    }

    /// Throws 405 as VCD does when the client asks an API version older than `minimum`.
    static func require(_ ctx: RequestContext, _ minimum: String) throws {
        if compare(ctx.apiVersion, minimum) < 0 { throw SimError(405, VCDMinorError.methodNotAllowed, "HTTP method not allowed") }
    }

    /// Numeric order of two `major.minor` versions.
    static func compare(_ a: String, _ b: String) -> Int {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? x[i] : 0, r = i < y.count ? y[i] : 0
            if l != r { return l < r ? -1 : 1 }
        }
        return 0
    }
}
