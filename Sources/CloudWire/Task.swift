import Foundation

/// An asynchronous VCD task as the JSON side shows it (the same facts as the XML `Task` of
/// vcd-wire.md §2.6, which the simulator also renders). Clients poll it until `status` leaves
/// `queued`/`preRunning`/`running`.
public struct VCDTask: Codable, Equatable, Sendable {
    public var id: String?
    public var href: String?
    public var name: String?
    public var status: String?
    public var operation: String?
    public var operationName: String?
    public var serviceNamespace: String?
    public var startTime: String?
    public var endTime: String?
    public var expiryTime: String?
    public var cancelRequested: Bool?
    public var progress: Int?
    public var owner: TaskReference?
    public var user: TaskReference?
    public var organization: TaskReference?
    public var details: String?
    public var error: VCDError?
    /// What a finished task hands back (the allocated IPs of an IP-space allocation): the XML
    /// `Result/ResultContent` text that govcd reads as `task.Task.Result.ResultContent.Text`.
    public var result: VCDTaskResult?
    public init() {}

    /// The states a task goes through.
    public enum Status {
        public static let queued = "queued"
        public static let preRunning = "preRunning"
        public static let running = "running"
        public static let success = "success"
        public static let error = "error"
        public static let aborted = "aborted"
        /// True for states after which nothing changes.
        public static func isFinal(_ s: String) -> Bool { s == success || s == error || s == aborted }
    }
}

/// `{resultContent}`: the text of the XML task's `Result/ResultContent` (an `xs:string`).
public struct VCDTaskResult: Codable, Equatable, Sendable {
    public var resultContent: String?
    public init(resultContent: String? = nil) { self.resultContent = resultContent }
}

/// A legacy-style reference (`href`, `id`, `name`, `type`) as found in the task's `Owner`, `User`,
/// `Organization`.
public struct TaskReference: Codable, Equatable, Sendable {
    public var href: String?
    public var id: String?
    public var name: String?
    public var type: String?
    public init(href: String? = nil, id: String? = nil, name: String? = nil, type: String? = nil) {
        self.href = href
        self.id = id
        self.name = name
        self.type = type
    }
}
