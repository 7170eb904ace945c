import CloudWire
import Foundation

/// A VCD answer that is an error, turned into something a person can act on: the HTTP status,
/// VCD's `minorErrorCode` and message, what was being done, and a hint.
public struct VCDClientError: Error, CustomStringConvertible, Equatable {
    public var status: Int
    public var minorErrorCode: String
    public var message: String
    /// `GET /cloudapi/1.0.0/edgeGateways` (path only: never a query, never a header).
    public var operation: String
    public var hint: String

    public init(status: Int, minorErrorCode: String, message: String, operation: String, hint: String? = nil) {
        self.status = status
        self.minorErrorCode = minorErrorCode
        self.message = message
        self.operation = operation
        self.hint = hint ?? Self.hint(status: status, minor: minorErrorCode, message: message)
    }

    /// Builds the error from a response: the JSON body, the legacy XML `Error`, or the status alone.
    public static func from(_ r: HTTPResponseMessage, operation: String) -> VCDClientError {
        if let e = try? JSONDecoder().decode(VCDError.self, from: r.body) {
            return VCDClientError(status: r.status, minorErrorCode: e.minorErrorCode, message: clean(e.message), operation: operation)
        }
        let text = r.text
        if text.contains("<Error"), let minor = attribute("minorErrorCode", in: text) {
            return VCDClientError(status: r.status, minorErrorCode: minor, message: clean(attribute("message", in: text) ?? ""), operation: operation)
        }
        if let o = try? JSONValue.parse(r.body), let code = o["error"]?.stringValue {  // OAuth errors
            return VCDClientError(status: r.status, minorErrorCode: code.uppercased(), message: o["error_description"]?.stringValue ?? code, operation: operation)
        }
        return VCDClientError(status: r.status, minorErrorCode: "HTTP_\(r.status)", message: "HTTP \(r.status)", operation: operation)
    }

    /// Drops VCD's `[ request-id ]` prefix: useful in logs, noise in a message.
    static func clean(_ m: String) -> String {
        if m.hasPrefix("["), let end = m.firstIndex(of: "]") { return m[m.index(after: end)...].trimmingCharacters(in: .whitespaces) }
        return m
    }

    private static func attribute(_ name: String, in xml: String) -> String? {
        guard let r = xml.range(of: "\(name)=\"") else { return nil }
        let rest = xml[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }

    static func hint(status: Int, minor: String, message: String) -> String {
        switch minor {
        case VCDMinorError.unauthorized, "INVALID_GRANT":
            return "check the user, org and password (or API token); a System user logs in to org System"
        case VCDMinorError.forbidden:
            return "the session's role lacks a right for this; use a provider (System) session or add the right named above to the role"
        case VCDMinorError.busyEntity:
            return "another task still runs on this object; wait and run again (retries already waited)"
        case VCDMinorError.duplicateName:
            return "an object with this name exists where the session cannot see it, or was created concurrently; run again to adopt it"
        case VCDMinorError.notFound:
            return "the object does not exist (or is not visible to this session); check the name and the org"
        case VCDMinorError.invalidReference:
            return "an object this request refers to does not exist; create it first"
        default:
            if status >= 500 { return "the server failed; run again (the runbook is idempotent), and check the VCD logs if it persists" }
            return "fix the value named in the message and run again"
        }
    }

    public var description: String { "\(operation): \(message) (\(minorErrorCode), HTTP \(status))" }
}

/// A task that ended in error or did not end in time.
public struct VCDTaskError: Error, CustomStringConvertible {
    public var operation: String
    public var message: String
    public var timedOut: Bool
    public var hint: String {
        timedOut ? "the task still runs in VCD; wait longer with --timeout (e.g. --timeout 30m), or look at the task in the VCD UI, then run again"
                 : "fix the cause named above and run again; nothing after this step was done"
    }
    public var description: String { "\(operation): \(message)" }
}
