import CloudWire
import Foundation

/// `GET /api/task/{id}`: the task as XML (the default, what govcd and CAPVCD poll) or JSON when the
/// Accept header asks for it. Each read in fast mode moves the task one state on.
enum TasksAPI: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.get("/api/task/{id}", .session, "TASK_VIEW", showTask)
    }

    /// GET a task in the XML API (`/api/task/{id}`).
    static func showTask(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let id = URN(ctx.param("id"))?.uuid ?? ctx.param("id")
        guard let o = ctx.state.get(id, kind: Kind.task) else { throw SimError(403, VCDMinorError.forbidden, "Task \(id) does not exist or is not visible.") }
        guard ctx.session!.isProvider || o.orgId == ctx.session!.orgID else {
            throw SimError.forbidden(rights: [], operation: "TASK_VIEW", target: "task \(id)")
        }
        let rec = try o.decode(TaskRecord.self)
        let (status, progress) = ctx.sim.tasks.read(rec, now: ctx.now)
        let task = ctx.sim.tasks.json(rec, base: ctx.base, status: status, progress: progress)
        if (ctx.request.headers["Accept"] ?? "").contains("json") { return try ctx.json(task) }
        return ctx.xml(ctx.sim.tasks.xml(task), type: MediaType.task)
    }
}
