import CloudWire
import Foundation

/// Runtime defined entities (`/cloudapi/1.0.0/entityTypes`, `/cloudapi/1.0.0/entities`) as govcd
/// and CAPVCD call them: a read answers the entity and its `ETag`; an update sends `If-Match` with
/// that ETag and is refused with 412 when someone changed the entity since (compare-and-set).
extension VCDClient {
    /// An entity with the ETag of the version that was read.
    public struct TaggedEntity {
        public var entity: DefinedEntity
        public var etag: String
    }

    static let cloudAPI = "/cloudapi/1.0.0"

    /// The type `urn:vcloud:type:vendor:nss:version`, or nil when it is not registered.
    public func definedEntityType(_ id: String) throws -> DefinedEntityType? {
        let r = try send("GET", "\(Self.cloudAPI)/entityTypes/\(id)")
        if r.status == 404 { return nil }
        guard (200..<300).contains(r.status) else { throw VCDClientError.from(r, operation: "GET entity type \(id)") }
        return try JSONDecoder().decode(DefinedEntityType.self, from: r.body)
    }

    /// Registers an entity type (a provider operation on a real VCD).
    public func registerDefinedEntityType(_ type: DefinedEntityType) throws {
        try checked("POST", "\(Self.cloudAPI)/entityTypes", body: try JSONEncoder.vcd().encode(type))
    }

    /// The entities of `vendor:nss:version` named `name` that this session sees, in creation order.
    public func definedEntities(vendor: String, nss: String, version: String, name: String) throws -> [DefinedEntity] {
        let all: [DefinedEntity] = try list("\(Self.cloudAPI)/entities/types/\(vendor)/\(nss)/\(version)", filter: .eq("name", name))
        return all.filter { $0.name == name }
    }

    /// Creates an entity of `typeID` and resolves it; answers its id. VCD answers the create with
    /// 202 and a task that stays at 1% until the entity is resolved (govcd `CreateRde`), so the
    /// id is read from the task's owner, not from the task's end.
    public func createDefinedEntity(typeID: String, name: String, entity: JSONValue) throws -> String {
        var e = DefinedEntity()
        e.entityType = typeID
        e.name = name
        e.entity = entity
        let operation = "POST entity \(name)"
        let r = try checked("POST", "\(Self.cloudAPI)/entityTypes/\(typeID)", body: try JSONEncoder.vcd().encode(e))
        guard let location = r.headers["Location"], location.contains("/task/") else {
            throw VCDClientError(status: r.status, minorErrorCode: "BAD_RESPONSE", message: "the create of entity \(name) answered no task", operation: operation)
        }
        let target = Self.relativeTarget(location)
        var delay = firstPoll
        let deadline = clock.now() + taskTimeout
        while true {
            let t = try send("GET", target, accept: "application/json;version=\(try apiVersion())")
            guard t.status == 200 else { throw VCDClientError.from(t, operation: "GET task of entity \(name)") }
            let task = try JSONDecoder().decode(VCDTask.self, from: t.body)
            if task.status == VCDTask.Status.error || task.status == VCDTask.Status.aborted {
                throw VCDTaskError(operation: "create entity \(name)", message: task.error.map { VCDClientError.clean($0.message) } ?? "the task ended with \(task.status ?? "")", timedOut: false)
            }
            if let id = task.owner?.id, !id.isEmpty {
                try checked("POST", "\(Self.cloudAPI)/entities/\(id)/resolve")
                return id
            }
            if clock.now() >= deadline {
                throw VCDTaskError(operation: "create entity \(name)", message: "the task named no entity within \(Int(taskTimeout)) s", timedOut: true)
            }
            try clock.pause(delay, waitingFor: "the task of entity \(name)", at: baseURL)
            delay = min(maxPoll, delay * 1.5)
        }
    }

    /// The entity `id` and its ETag, or nil when it is gone.
    public func definedEntity(_ id: String) throws -> TaggedEntity? {
        let r = try send("GET", "\(Self.cloudAPI)/entities/\(id)")
        if r.status == 404 { return nil }
        guard (200..<300).contains(r.status) else { throw VCDClientError.from(r, operation: "GET entity \(id)") }
        let e = try JSONDecoder().decode(DefinedEntity.self, from: r.body)
        return TaggedEntity(entity: e, etag: r.headers["ETag"] ?? "")
    }

    /// The answer to a compare-and-set update.
    public enum SetResult: Equatable {
        /// Written; the entity's new ETag.
        case written(etag: String)
        /// Someone changed the entity since `ifMatch` was read (412).
        case stale
        /// The entity no longer exists (404).
        case gone
    }

    /// Replaces the entity `id` only if it is still the version `ifMatch` names.
    public func updateDefinedEntity(_ id: String, _ entity: DefinedEntity, ifMatch: String) throws -> SetResult {
        var h = HTTPHeaderFields()
        h["If-Match"] = ifMatch
        let r = try send("PUT", "\(Self.cloudAPI)/entities/\(id)", body: try JSONEncoder.vcd().encode(entity), headers: h)
        switch r.status {
        case 412: return .stale
        case 404: return .gone
        case 200..<300: return .written(etag: r.headers["ETag"] ?? "")
        default: throw VCDClientError.from(r, operation: "PUT entity \(id)")
        }
    }

    /// Deletes the entity `id`; one already gone is not an error.
    public func deleteDefinedEntity(_ id: String) throws {
        let r = try send("DELETE", "\(Self.cloudAPI)/entities/\(id)")
        if r.status == 404 || (200..<300).contains(r.status) { return }
        throw VCDClientError.from(r, operation: "DELETE entity \(id)")
    }
}
