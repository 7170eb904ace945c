import Foundation
import CloudClient
import CloudWire

/// The kind of a failure met in the cloud, coarse enough for a runbook to decide what to do about
/// it (`catch NOT_FOUND`, `retry(on: ["BUSY"])`): the real causes — an HTTP status, VCD's
/// `minorErrorCode`, a Kubernetes `Status` reason, a transport failure, a task that failed or did
/// not end — sorted into eight classes. Scripts see the raw value as `err.code`.
public enum HostFailureKind: String, CaseIterable, Sendable {
    /// 404, `RESOURCE_NOT_FOUND`, Kubernetes `NotFound`, a name the engine looked up and did not find.
    case notFound = "NOT_FOUND"
    /// 403, `ACCESS_TO_RESOURCE_IS_FORBIDDEN`, Kubernetes `Forbidden`: the session lacks a right.
    case forbidden = "FORBIDDEN"
    /// 409, 412, `DUPLICATE_NAME`, "already exists", Kubernetes `AlreadyExists` / `Conflict`.
    case conflict = "CONFLICT"
    /// `BUSY_ENTITY`, an entity locked by another task, 429: the same request can succeed later.
    case busy = "BUSY"
    /// A task or a wait that did not end in time, a request that timed out.
    case timeout = "TIMEOUT"
    /// Connection refused, a host that does not resolve or is unreachable, a broken connection, 5xx.
    case unavailable = "UNAVAILABLE"
    /// 400, 422, Kubernetes `Invalid` / `BadRequest`: the request itself is wrong.
    case invalid = "INVALID"
    /// 401, `UNAUTHORIZED`, an OAuth `invalid_grant`: the credentials were refused.
    case auth = "AUTH"

    /// The kind of an error raised by the engine, the clients or a transport; nil when it is none
    /// of the above (a missing tool, a broken kubeconfig, a failed task with no recognisable cause).
    public static func of(_ error: Error) -> HostFailureKind? {
        switch error {
        case let e as EngineError: return e.kind
        case let e as VCDClientError: return vcd(status: e.status, minor: e.minorErrorCode, message: e.message)
        case let e as VCDTaskError: return e.timedOut ? .timeout : fromText(e.message)
        case let e as KubeError: return kube(status: e.status, reason: e.reason)
        case let e as TransportError: return transport(e.kind)
        default: return nil
        }
    }

    /// A VCD (or NSX, ALB) answer: the minor code says more than the status, so it is read first.
    static func vcd(status: Int, minor: String, message: String) -> HostFailureKind? {
        switch minor {
        case VCDMinorError.unauthorized, "INVALID_GRANT", "INVALID_CLIENT": return .auth
        case VCDMinorError.forbidden: return .forbidden
        case VCDMinorError.busyEntity: return .busy
        case VCDMinorError.duplicateName, VCDMinorError.conflict, VCDMinorError.preconditionFailed: return .conflict
        case VCDMinorError.notFound: return .notFound
        case VCDMinorError.unavailable: return .unavailable
        default: break
        }
        switch status {
        case 401: return .auth
        case 403: return .forbidden
        case 404: return .notFound
        case 409, 412: return .conflict
        case 429: return .busy
        case 408, 504: return .timeout
        case 500...599: return .unavailable
        case 400..<500: return fromText(message) ?? .invalid
        default: return nil
        }
    }

    /// What a message says when no code does (a 400 whose text says the name is taken, a failed
    /// task whose text says the entity is busy).
    static func fromText(_ message: String) -> HostFailureKind? {
        let m = message.lowercased()
        if m.contains("busy") || m.contains("is locked") || m.contains("entity locked") || m.contains("another task") { return .busy }
        if m.contains("already exists") || m.contains("duplicate") || m.contains("already in use") { return .conflict }
        return nil
    }

    /// A Kubernetes `Status`: its reason, else its code.
    static func kube(status: Int, reason: String) -> HostFailureKind? {
        switch reason {
        case "NotFound", "Gone": return .notFound
        case "AlreadyExists", "Conflict": return .conflict
        case "Forbidden": return .forbidden
        case "Unauthorized": return .auth
        case "Invalid", "BadRequest", "UnsupportedMediaType", "MethodNotAllowed", "NotAcceptable", "RequestEntityTooLarge": return .invalid
        case "TooManyRequests": return .busy
        case "Timeout", "ServerTimeout": return .timeout
        case "ServiceUnavailable", "InternalError": return .unavailable
        default: return status >= 500 ? .unavailable : nil
        }
    }

    /// A request that got no answer.
    static func transport(_ kind: TransportError.Kind) -> HostFailureKind? {
        switch kind {
        case .couldNotResolve, .couldNotConnect, .connectionLost: return .unavailable
        case .timedOut: return .timeout
        case .certificateNotTrusted: return .auth
        case .tlsHandshakeFailed, .caFileUnusable, .abortedByUser, .uploadFileUnreadable, .invalidRequest, .other: return nil
        }
    }
}
