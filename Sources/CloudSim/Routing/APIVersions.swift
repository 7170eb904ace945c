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

    /// The version an Accept value asks for (`APIVersion.from(accept:)`), remembered per Accept
    /// value: a client sends the same one on every request, and parsing it was ~9,000 instructions,
    /// twice per served request (this check and `RequestContext`). Bounded: at most 256 values of at
    /// most 256 bytes, all forgotten when full.
    static func asked(_ accept: String?) -> String? {
        guard let accept else { return nil }
        // Only ordinary values are kept (a hostile client's long ones would fill memory).
        guard accept.utf8.count <= 256 else { return APIVersion.from(accept: accept) }
        askedLock.lock()
        if let known = askedMemo[accept] { askedLock.unlock(); return known }
        askedLock.unlock()
        let version = APIVersion.from(accept: accept)
        askedLock.lock()
        if askedMemo.count >= 256 { askedMemo.removeAll() }
        askedMemo[accept] = .some(version)
        askedLock.unlock()
        return version
    }

    nonisolated(unsafe) private static var askedMemo: [String: String?] = [:]
    private static let askedLock = NSLock()

    /// The 406 for a request asking a version that is not served; nil when the request asks none
    /// or a served one.
    static func unsupported(_ request: HTTPRequestMessage) -> SimError? {
        guard isVersioned(request.path), let asked = asked(request.headers["Accept"]),
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
