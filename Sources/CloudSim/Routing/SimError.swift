import CloudWire
import Foundation

/// An error a handler raises; the simulator turns it into VCD's error body with this status.
struct SimError: Error {
    var status: Int
    var minor: String
    var message: String

    init(_ status: Int, _ minor: String, _ message: String) {
        self.status = status
        self.minor = minor
        self.message = message
    }

    static func badRequest(_ m: String) -> SimError { SimError(400, VCDMinorError.badRequest, m) }
    static func notFound(_ what: String) -> SimError { SimError(404, VCDMinorError.notFound, "\(what) does not exist.") }
    static func duplicate(_ m: String) -> SimError { SimError(400, VCDMinorError.duplicateName, m) }
    static func busy(_ name: String, _ id: String) -> SimError {
        SimError(400, VCDMinorError.busyEntity,
                 "The entity \(name) (\(id)) is busy completing an operation. Retry after the operation completes.")
    }
    /// VCD answers "forbidden" both when a right is missing and when the object is not visible.
    static func forbidden(rights: [String], operation: String, target: String) -> SimError {
        SimError(403, VCDMinorError.forbidden,
                 "Either you need some or all of the following rights [\(rights.joined(separator: ", "))] to perform operations [\(operation)] for \(target) or the target entity is invalid.")
    }
}
