import CloudWire
import Foundation

/// Bytes of one template upload so far: `sent` of `total` across the OVA's files (the descriptor
/// not counted). A resumed upload starts at what the server already had.
public struct UploadProgressReport: Sendable, Equatable {
    public var file: String
    public var sent: Int64
    public var total: Int64
    /// True for the first report after a broken transfer was picked up again.
    public var resumed: Bool
}

/// The OVA upload of vcd-wire.md §7.2, after the template exists (`UploadVAppTemplateParams`
/// answered): the descriptor, then each file the descriptor names, in pieces with
/// `Content-Range`, streamed from the OVA itself. **Resumable**: what to send is always decided
/// from the server's `Files/File` counts (`bytesTransferred`), so a transfer that broke (or a run
/// that died) is picked up where the server stopped, and nothing it has is sent twice.
extension VCDClient {
    /// Sends what the server does not have yet of `ova` to the template at `templateHref` and waits
    /// for the import to finish. Returns the resolved template.
    /// - Parameters:
    ///   - chunkSize: bytes per PUT (a broken transfer costs at most one piece).
    ///   - resumeAttempts: how many broken transfers (connection lost, timeout, 5xx) are picked up
    ///     before giving up; each resume first asks the server what it has.
    public func uploadOVA(_ ova: OVAArchive, templateHref: String, chunkSize: Int64 = 64 << 20, resumeAttempts: Int = 3,
                          progress: ((UploadProgressReport) -> Void)? = nil) throws -> TemplateInfo {
        var tpl = TemplateInfo(try getXML(templateHref))
        let what = "upload of template \(tpl.name)"
        if tpl.isResolved { return tpl }
        try checkUploadable(tpl)
        if !tpl.descriptorUploaded {
            guard let d = tpl.files.first, let href = d.uploadHref else {
                throw VCDClientError(status: 200, minorErrorCode: "BAD_RESPONSE", message: "template \(tpl.name) offers no descriptor upload link",
                                     operation: "GET \(Self.pathOnly(Self.relativeTarget(templateHref)))", hint: "report it with --debug output")
            }
            let body = try ova.read(ova.descriptor)
            let r = try withSession { h in
                var h = h
                h["Content-Type"] = LegacyMediaType.ovfDescriptor
                return try transport.send(HTTPRequestMessage(method: "PUT", target: Self.relativeTarget(href), headers: h, body: body), to: baseURL)
            }
            guard (200..<300).contains(r.status) else { throw VCDClientError.from(r, operation: "PUT descriptor of \(tpl.name)") }
            tpl = try awaitFileList(templateHref, what: what)
        }
        let total = tpl.files.dropFirst().reduce(Int64(0)) { $0 + max($1.size, 0) }
        var resumes = 0
        var resumedNow = tpl.files.dropFirst().contains { $0.bytesTransferred > 0 }
        while let file = tpl.files.dropFirst().first(where: { !$0.isComplete }) {
            guard let member = ova.member(named: file.name) else {
                throw OVAError(message: "the descriptor of \(ova.path) names \(file.name), which the OVA does not hold",
                               hint: "the OVA is incomplete or damaged; export it again")
            }
            guard file.size < 0 || UInt64(file.size) == member.size else {
                throw OVAError(message: "\(file.name) is \(member.size) bytes in \(ova.path) but the server expects \(file.size)",
                               hint: "the template was started from another OVA; delete it (catalog.templates.delete(\"\(tpl.name)\")) and upload again")
            }
            guard let href = file.uploadHref else {
                throw VCDClientError(status: 200, minorErrorCode: "BAD_RESPONSE", message: "file \(file.name) of template \(tpl.name) has no upload link",
                                     operation: "GET \(Self.pathOnly(Self.relativeTarget(templateHref)))", hint: "report it with --debug output")
            }
            // Bytes of the other files the server has; this file's own count comes from sendPieces.
            let before = tpl.files.dropFirst().filter { $0.name != file.name }.reduce(Int64(0)) { $0 + min($1.bytesTransferred, max($1.size, 0)) }
            do {
                try sendPieces(ova, member, from: file.bytesTransferred, href: href, chunkSize: chunkSize) { sent in
                    progress?(UploadProgressReport(file: file.name, sent: before + sent, total: total, resumed: resumedNow))
                    resumedNow = false
                }
            } catch where resumes < resumeAttempts && Self.isBrokenTransfer(error) {
                resumes += 1
                resumedNow = true
            }
            // Whatever happened, the server's count decides what comes next.
            tpl = TemplateInfo(try getXML(templateHref))
            try checkUploadable(tpl)
            if tpl.isResolved { break }
            if let now = tpl.files.first(where: { $0.name == file.name }), !now.isComplete, now.bytesTransferred <= file.bytesTransferred, !resumedNow {
                throw VCDTaskError(operation: what, message: "the server did not take the bytes of \(file.name) (it still has \(now.bytesTransferred) of \(now.size))",
                                   timedOut: false)
            }
        }
        if let task = tpl.taskHref { try waitXMLTask(LegacyTask(try getXML(task)), what: what) }
        tpl = TemplateInfo(try getXML(templateHref))
        guard tpl.isResolved else {
            throw VCDTaskError(operation: what, message: "every file was sent but the template is \(LegacyStatus.name(tpl.status))", timedOut: false)
        }
        return tpl
    }

    /// PUTs `member[from...]` in pieces; `onSent` gets the bytes of this file sent so far (from its start).
    private func sendPieces(_ ova: OVAArchive, _ member: OVAArchive.Member, from start: Int64, href: String, chunkSize: Int64,
                            onSent: @escaping (Int64) -> Void) throws {
        let size = Int64(member.size)
        var at = start
        onSent(at)
        while at < size {
            let count = min(max(1, chunkSize), size - at)
            let piece = FileUpload(path: ova.path, offset: member.offset + UInt64(at), length: UInt64(count))
            let base = at
            let r = try withSession { h in
                var h = h
                h["Content-Type"] = "application/octet-stream"
                h["Content-Range"] = "bytes \(base)-\(base + count - 1)/\(size)"
                let req = HTTPRequestMessage(method: "PUT", target: Self.relativeTarget(href), headers: h)
                return try transport.upload(req, file: piece, to: baseURL) { sent, _ in onSent(base + sent) }
            }
            guard (200..<300).contains(r.status) else { throw VCDClientError.from(r, operation: "PUT \(member.name)") }
            at += count
            onSent(at)
        }
    }

    /// Sends one transfer request with the session's headers; after a 401 (a session that expired
    /// during a long upload) logs in again and sends it once more.
    private func withSession(_ send: (HTTPHeaderFields) throws -> HTTPResponseMessage) throws -> HTTPResponseMessage {
        let accept = APIVersion.xmlAccept(try apiVersion())
        let r = try send(try sessionHeaders(accept: accept))
        guard r.status == 401 else { return r }
        return try send(try sessionHeaders(accept: accept, relogin: true))
    }

    /// After the descriptor: the server lists the files it names (at once here; VCD may take a few
    /// seconds, which govcd waits out by polling).
    private func awaitFileList(_ href: String, what: String) throws -> TemplateInfo {
        let deadline = clock.now() + taskTimeout
        var delay = firstPoll
        while true {
            let t = TemplateInfo(try getXML(href))
            try checkUploadable(t)
            if t.isResolved || t.files.count > 1 || (t.descriptorUploaded && t.files.allSatisfy(\.isComplete)) { return t }
            if clock.now() >= deadline { throw VCDTaskError(operation: what, message: "the server never listed the OVA's files", timedOut: true) }
            try clock.pause(delay, waitingFor: "the file list of \(what)", at: baseURL)
            delay = min(maxPoll, delay * 1.5)
        }
    }

    private func checkUploadable(_ t: TemplateInfo) throws {
        if t.status == -1 {
            throw VCDTaskError(operation: "upload of template \(t.name)", message: "the import failed (template status FAILED_CREATION)", timedOut: false)
        }
    }

    /// Failures after which the server may hold part of the piece: ask it and go on.
    static func isBrokenTransfer(_ error: Error) -> Bool {
        if let t = error as? TransportError { return [.connectionLost, .timedOut, .couldNotConnect].contains(t.kind) }
        if let e = error as? VCDClientError { return [500, 502, 503, 504].contains(e.status) }
        return false
    }

    /// Starts an upload into a catalog (`UploadVAppTemplateParams`); returns the template's href.
    public func startTemplateUpload(catalog: CatalogInfo, name: String, description: String) throws -> String {
        guard let href = catalog.uploadHref else {
            throw VCDClientError(status: 200, minorErrorCode: "BAD_RESPONSE", message: "catalog \(catalog.name) offers no upload link",
                                 operation: "GET catalog \(catalog.name)", hint: "the session may lack the right to add items to this catalog")
        }
        let body = LegacyBodies.uploadParams(name: name, description: description)
        guard let item = try requestXML("POST", href, body: body, contentType: LegacyMediaType.uploadParams),
              let entity = item.child("Entity")?.attr("href") else {
            throw VCDClientError(status: 201, minorErrorCode: "BAD_RESPONSE", message: "the upload answer names no template", operation: "POST upload to \(catalog.name)",
                                 hint: "report it with --debug output")
        }
        return entity
    }
}
