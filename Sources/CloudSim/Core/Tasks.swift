import CloudWire
import Foundation

/// The object an asynchronous task works on; clients read `Owner.id` to find what was created.
struct TaskOwner: Codable {
    var id: String
    var name: String
    /// Media type of the owner (`application/json` for cloudapi objects).
    var type: String
    var href: String
}

/// A task as stored (kind `task`). Its state is not stored: it is computed from the virtual clock
/// (and, in fast mode, from how often it was read), so a task needs no writer to progress and
/// survives restarts.
struct TaskRecord: Codable {
    var uuid: String
    var operation: String
    var operationName: String
    var owner: TaskOwner
    var orgId: String?
    var orgName: String?
    var userId: String?
    var userName: String?
    var start: Double
    var duration: Double
    /// `success` or `error`, decided when the task starts.
    var outcome: String
    var error: VCDError?
    /// The entity that is busy while the task runs (an edge gateway), if any.
    var lock: String?
    var advanceOnRead: Bool
    /// Progress of a task that runs until something finishes it (an OVF upload); nil otherwise.
    var progressOverride: Int? = nil
    /// The `Result/ResultContent` text a successful task shows (IP-space allocations); nil otherwise.
    var result: String? = nil
}

/// Starts tasks, computes their state, renders them (XML for `/api/task/{id}`, JSON on request),
/// and answers "is this entity busy?".
final class TaskService {
    private let lock = NSLock()
    private var reads: [String: Int] = [:]
    /// Entity → tasks that may still be running on it.
    private var active: [String: [TaskRecord]] = [:]
    unowned let sim: Simulator

    init(sim: Simulator) { self.sim = sim }

    func load(from state: StateView, now: Double) {
        lock.lock(); defer { lock.unlock() }
        active = [:]
        reads = [:]
        for o in state.all(Kind.task) {
            guard let t = try? o.decode(TaskRecord.self), let l = t.lock else { continue }
            if now < t.start + t.duration { active[l, default: []].append(t) }
        }
    }

    func start(_ ctx: RequestContext, operation: String, operationName op: TaskOperation, owner: TaskOwner, lock entity: String?,
               result: String? = nil) throws -> TaskRecord {
        let tx = ctx.write
        let opts = sim.options
        let operationName = op.rawValue
        let duration = opts.realisticTiming ? op.realisticSeconds : opts.fastTaskSeconds
        var rec = TaskRecord(uuid: UUID().uuidString.lowercased(), operation: operation, operationName: operationName, owner: owner,
                             orgId: ctx.scopeOrgID ?? ctx.session?.orgID, orgName: nil, userId: ctx.session?.userID,
                             userName: ctx.session?.userName, start: ctx.now, duration: duration, outcome: VCDTask.Status.success,
                             error: nil, lock: entity, advanceOnRead: !opts.realisticTiming, result: result)
        if let orgId = rec.orgId { rec.orgName = tx.get(orgId)?.name }
        if sim.faultInjector?.drawTaskFailure() == true {
            // A failed task changes nothing: drop what the handler did, keep only the task.
            tx.rollback()
            ctx.afterCommit = []
            rec.outcome = VCDTask.Status.error
            rec.result = nil
            rec.error = VCDError(minorErrorCode: VCDMinorError.internalError,
                                 message: "[ \(ctx.requestID) ] \(operation) failed (injected task failure).")
        }
        try tx.insert(kind: Kind.task, id: rec.uuid, parent: owner.id, org: rec.orgId, name: operationName, rec)
        let record = rec
        ctx.afterCommit.append { [weak self] in
            guard let self, let l = record.lock else { return }
            self.lock.lock(); self.active[l, default: []].append(record); self.lock.unlock()
        }
        return rec
    }

    /// (status, progress) at `now`, counting `reads` reads so far.
    static func state(_ t: TaskRecord, now: Double, reads: Int) -> (String, Int) {
        let elapsed = now - t.start
        if let p = t.progressOverride, elapsed < t.duration { return (VCDTask.Status.running, p) }
        if elapsed >= t.duration || (t.advanceOnRead && reads >= 2) { return (t.outcome, t.outcome == VCDTask.Status.success ? 100 : 0) }
        if (t.advanceOnRead && reads >= 1) || elapsed >= t.duration * 0.2 {
            let p = t.duration > 0 ? Int(min(99, max(1, elapsed / t.duration * 100))) : 50
            return (VCDTask.Status.running, p)
        }
        return (VCDTask.Status.queued, 0)
    }

    /// Reads a task: its state now, then one step forward for the next read in fast mode.
    func read(_ t: TaskRecord, now: Double) -> (String, Int) {
        lock.lock()
        let n = reads[t.uuid, default: 0]
        reads[t.uuid] = n + 1
        lock.unlock()
        return Self.state(t, now: now, reads: n)
    }

    /// Whether a task on `entity` is still running.
    func isBusy(_ entity: String, now: Double) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard var list = active[entity] else { return false }
        list.removeAll { t in
            let (s, _) = Self.state(t, now: now, reads: reads[t.uuid, default: 0])
            return VCDTask.Status.isFinal(s)
        }
        active[entity] = list.isEmpty ? nil : list
        return !list.isEmpty
    }

    // MARK: Rendering

    func json(_ t: TaskRecord, base: String, status: String, progress: Int) -> VCDTask {
        var v = VCDTask()
        v.id = "urn:vcloud:task:\(t.uuid)"
        v.href = "\(base)/api/task/\(t.uuid)"
        v.name = "task"
        v.status = status
        v.operation = t.operation
        v.operationName = t.operationName
        v.serviceNamespace = "com.vmware.cloud"
        v.startTime = VirtualClock.iso8601(t.start)
        if VCDTask.Status.isFinal(status) { v.endTime = VirtualClock.iso8601(t.start + t.duration) }
        v.expiryTime = VirtualClock.iso8601(t.start + 30 * 86400)
        v.cancelRequested = false
        v.progress = progress
        v.owner = TaskReference(href: t.owner.href, id: t.owner.id, name: t.owner.name, type: t.owner.type)
        if let u = t.userId { v.user = TaskReference(href: "\(base)/api/admin/user/\(URN(u)?.uuid ?? u)", id: u, name: t.userName, type: MediaType.user) }
        if let o = t.orgId { v.organization = TaskReference(href: "\(base)/api/org/\(URN(o)?.uuid ?? o)", id: o, name: t.orgName, type: MediaType.org) }
        if status == VCDTask.Status.error { v.error = t.error }
        if status == VCDTask.Status.success, let r = t.result { v.result = VCDTaskResult(resultContent: r) }
        return v
    }

    func xml(_ v: VCDTask) -> String {
        func attr(_ n: String, _ value: String?) -> String { value.map { " \(n)=\"\(XMLText.escape($0))\"" } ?? "" }
        func ref(_ el: String, _ r: TaskReference?) -> String {
            guard let r else { return "" }
            return "    <\(el)\(attr("href", r.href))\(attr("id", r.id))\(attr("name", r.name ?? ""))\(attr("type", r.type))/>\n"
        }
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        s += "<Task xmlns=\"http://www.vmware.com/vcloud/v1.5\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        s += attr("cancelRequested", "false") + attr("expiryTime", v.expiryTime) + attr("operation", v.operation)
        s += attr("operationName", v.operationName) + attr("serviceNamespace", v.serviceNamespace) + attr("startTime", v.startTime)
        s += attr("endTime", v.endTime) + attr("status", v.status) + attr("name", v.name) + attr("id", v.id) + attr("href", v.href)
        s += attr("type", MediaType.task) + ">\n"
        if let href = v.href, !(VCDTask.Status.isFinal(v.status ?? "")) {
            s += "    <Link rel=\"task:cancel\" href=\"\(XMLText.escape(href))/action/cancel\"/>\n"
        }
        s += ref("Owner", v.owner)
        if let e = v.error {
            s += "    <Error minorErrorCode=\"\(XMLText.escape(e.minorErrorCode))\" message=\"\(XMLText.escape(e.message))\" majorErrorCode=\"500\"/>\n"
        }
        s += ref("User", v.user)
        s += ref("Organization", v.organization)
        s += "    <Progress>\(v.progress ?? 0)</Progress>\n"
        s += "    <Details></Details>\n"
        if let r = v.result?.resultContent {
            // As VCD writes it: an xs:string whose text is the result (JSON for IP-space allocations).
            s += "    <Result><ResultContent xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xsi:type=\"xs:string\">\(XMLText.escape(r))</ResultContent></Result>\n"
        }
        s += "</Task>\n"
        return s
    }
}
