import Foundation

/// The error body of the OpenAPI (`{minorErrorCode, message, stackTrace}`, govcd `OpenApiError`).
/// The legacy XML form (`<Error majorErrorCode= minorErrorCode= message=/>`) carries the same
/// three facts; `xml(majorErrorCode:)` renders it.
public struct VCDError: Codable, Equatable, Sendable, Error {
    public var minorErrorCode: String
    public var message: String
    public var stackTrace: String?

    public init(minorErrorCode: String, message: String, stackTrace: String? = nil) {
        self.minorErrorCode = minorErrorCode
        self.message = message
        self.stackTrace = stackTrace
    }

    /// The legacy XML `Error` element.
    public func xml(majorErrorCode: Int) -> String {
        "<Error xmlns=\"http://www.vmware.com/vcloud/v1.5\" minorErrorCode=\"\(XMLText.escape(minorErrorCode))\" "
            + "message=\"\(XMLText.escape(message))\" majorErrorCode=\"\(majorErrorCode)\"/>"
    }
}

/// Minor error codes VCD uses in the situations the simulator reproduces.
public enum VCDMinorError {
    public static let badRequest = "BAD_REQUEST"
    public static let forbidden = "ACCESS_TO_RESOURCE_IS_FORBIDDEN"
    public static let unauthorized = "UNAUTHORIZED"
    public static let notFound = "RESOURCE_NOT_FOUND"
    public static let duplicateName = "DUPLICATE_NAME"
    public static let busyEntity = "BUSY_ENTITY"
    public static let preconditionFailed = "PRECONDITION_FAILED"
    public static let conflict = "CONFLICT"
    public static let internalError = "INTERNAL_SERVER_ERROR"
    public static let unavailable = "SERVICE_UNAVAILABLE"
    public static let methodNotAllowed = "METHOD_NOT_ALLOWED"
    public static let invalidReference = "INVALID_REFERENCE"
    /// 406: the Accept header asks an API version the server does not serve.
    public static let notAcceptable = "NOT_ACCEPTABLE"
}

/// Escaping for XML attribute values and text.
public enum XMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }
}
