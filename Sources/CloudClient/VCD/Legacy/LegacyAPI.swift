import CloudWire
import Foundation

/// Legacy XML media types the client sends (vcd-wire.md §3.3, §7, §8).
public enum LegacyMediaType {
    public static let adminCatalog = "application/vnd.vmware.admin.catalog+xml"
    public static let catalog = "application/vnd.vmware.vcloud.catalog+xml"
    public static let catalogItem = "application/vnd.vmware.vcloud.catalogItem+xml"
    public static let uploadParams = "application/vnd.vmware.vcloud.uploadVAppTemplateParams+xml"
    public static let vAppTemplate = "application/vnd.vmware.vcloud.vAppTemplate+xml"
    public static let instantiateParams = "application/vnd.vmware.vcloud.instantiateVAppTemplateParams+xml"
    public static let recomposeParams = "application/vnd.vmware.vcloud.recomposeVAppParams+xml"
    public static let vApp = "application/vnd.vmware.vcloud.vApp+xml"
    public static let vm = "application/vnd.vmware.vcloud.vm+xml"
    public static let ovfDescriptor = "text/xml"
    public static let undeployParams = "application/vnd.vmware.vcloud.undeployVAppParams+xml"
    public static let controlAccess = "application/vnd.vmware.vcloud.controlAccess+xml"
    public static let publishCatalogParams = "application/vnd.vmware.admin.publishCatalogParams+xml"
    public static let adminOrg = "application/vnd.vmware.admin.organization+xml"
    public static let adminUser = "application/vnd.vmware.admin.user+xml"
}

/// The legacy XML API (`/api/...`) on the same session as the cloudapi: the same bearer token,
/// version, re-login on 401 and tenant context; `Accept: application/*+xml;version=X`. Hrefs in
/// answers are absolute; they are sent relative to the client's base URL (a site behind a proxy
/// may name itself differently than the URL we reach it by).
extension VCDClient {
    /// `/api/org/<uuid>` for an org URN (`urn:vcloud:org:<uuid>`).
    public static func legacyHref(_ urn: String, _ path: String) -> String {
        "/api/\(path)/\(URN(urn)?.uuid ?? urn.split(separator: ":").last.map(String.init) ?? urn)"
    }

    /// Sends a legacy request; the answer whatever its status.
    public func sendXML(_ method: String, _ href: String, body: String? = nil, contentType: String? = nil) throws -> HTTPResponseMessage {
        let v = try apiVersion()
        return try send(method, Self.relativeTarget(href), body: body.map { Data($0.utf8) }, accept: APIVersion.xmlAccept(v),
                        contentType: contentType)
    }

    /// Sends and parses the answer; error statuses become `VCDClientError` (the XML `Error` body).
    /// Returns nil for an answer without a body (204).
    @discardableResult
    public func requestXML(_ method: String, _ href: String, body: String? = nil, contentType: String? = nil) throws -> XMLTree? {
        let r = try sendXML(method, href, body: body, contentType: contentType)
        let op = "\(method) \(Self.pathOnly(Self.relativeTarget(href)))"
        guard (200..<300).contains(r.status) else { throw VCDClientError.from(r, operation: op) }
        if r.body.isEmpty { return nil }
        do { return try XMLTree.parse(r.body) } catch {
            throw VCDClientError(status: r.status, minorErrorCode: "BAD_RESPONSE", message: "unexpected answer: \(error)", operation: op,
                                 hint: "the site answers in a shape this version of vcdscript does not know; report it with --debug output")
        }
    }

    /// GET one legacy document.
    public func getXML(_ href: String) throws -> XMLTree {
        guard let t = try requestXML("GET", href) else {
            throw VCDClientError(status: 204, minorErrorCode: "BAD_RESPONSE", message: "empty answer", operation: "GET \(Self.pathOnly(Self.relativeTarget(href)))")
        }
        return t
    }

    /// Sends a change and waits for its task: the answer itself when it is a `Task`, else the
    /// tasks it embeds (`Tasks/Task`, as a 201 `VApp` or `AdminCatalog` carries). Returns the
    /// answer (the created object for a 201).
    @discardableResult
    public func changeXML(_ method: String, _ href: String, body: String? = nil, contentType: String? = nil, what: String) throws -> XMLTree? {
        guard let doc = try requestXML(method, href, body: body, contentType: contentType) else { return nil }
        try waitTasks(in: doc, what: what)
        return doc
    }

    /// Waits for the task a document is, or the running tasks it embeds.
    public func waitTasks(in doc: XMLTree, what: String) throws {
        if doc.name == "Task" {
            try waitXMLTask(LegacyTask(doc), what: what)
            return
        }
        for t in doc.child("Tasks")?.all("Task") ?? [] { try waitXMLTask(LegacyTask(t), what: what) }
    }

    /// Polls an XML task until it ends; throws `VCDTaskError` on error, abort or timeout.
    @discardableResult
    public func waitXMLTask(_ first: LegacyTask, what: String, timeout: Double? = nil) throws -> LegacyTask {
        var task = first
        let started = clock.now()
        let deadline = started + (timeout ?? taskTimeout)
        var delay = firstPoll
        var lastProgress = -1
        while true {
            if task.status == VCDTask.Status.success { return task }
            if task.status == VCDTask.Status.error || task.status == VCDTask.Status.aborted {
                let m = task.errorMessage.map(VCDClientError.clean) ?? "the task ended with \(task.status)"
                throw VCDTaskError(operation: what, message: task.errorCode.map { "\(m) (\($0))" } ?? m, timedOut: false)
            }
            guard let href = task.href else { return task }
            // Progress only for tasks that take a while: quick ones would just add noise.
            if let p = task.progress, p != lastProgress, clock.now() - started > 2 { lastProgress = p; onTaskProgress?(what, p) }
            if clock.now() >= deadline {
                throw VCDTaskError(operation: what, message: "the task did not end within \(Int(timeout ?? taskTimeout)) s (it is \(task.status))", timedOut: true)
            }
            try clock.pause(delay, waitingFor: "the task of \(what)", at: baseURL)
            delay = min(maxPoll, delay * 1.5)
            task = LegacyTask(try getXML(href))
        }
    }
}

/// The facts of an XML `Task` the client acts on.
public struct LegacyTask: Sendable, Equatable {
    public var href: String?
    /// queued, preRunning, running, success, error, aborted.
    public var status: String
    public var progress: Int?
    public var operation: String?
    /// The object the task works on (`Owner`).
    public var ownerHref: String?
    public var ownerName: String?
    public var errorCode: String?
    public var errorMessage: String?

    public init(_ t: XMLTree) {
        href = t.attr("href")
        status = t.attr("status") ?? ""
        progress = t.value("Progress").flatMap { Int($0) }
        operation = t.attr("operation")
        ownerHref = t.child("Owner")?.attr("href")
        ownerName = t.child("Owner")?.attr("name")
        errorCode = t.child("Error")?.attr("minorErrorCode")
        errorMessage = t.child("Error")?.attr("message")
    }
}
