import Foundation

/// A runtime defined entity type, `/cloudapi/1.0.0/entityTypes` (govcd `DefinedEntityType`).
/// Its id is `urn:vcloud:type:<vendor>:<nss>:<version>`.
public struct DefinedEntityType: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var nss: String?
    public var version: String?
    public var description: String?
    public var externalId: String?
    public var hooks: JSONValue?
    public var inheritedVersion: String?
    public var interfaces: [String]?
    public var maxImplicitRight: String?
    public var readonly: Bool?
    public var schema: JSONValue?
    public var vendor: String?
    public init() {}
}

/// A defined interface, `/cloudapi/1.0.0/interfaces` (`urn:vcloud:interface:vmware:k8s:1.0.0`).
public struct DefinedInterface: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var nss: String?
    public var version: String?
    public var vendor: String?
    public var readonly: Bool?
    public init() {}
}

/// A runtime defined entity, `/cloudapi/1.0.0/entities/{id}` (govcd `DefinedEntity`). Reads carry
/// an `ETag`; updates need `If-Match` and fail with 412 when it is stale.
public struct DefinedEntity: Codable, Equatable, Sendable {
    public var id: String?
    public var entityType: String?
    public var name: String?
    public var externalId: String?
    public var entity: JSONValue?
    /// PRE_CREATED | RESOLVED | RESOLUTION_ERROR.
    public var state: String?
    public var owner: OpenAPIReference?
    public var org: OpenAPIReference?
    public var message: String?
    public init() {}
}

/// A right (`/cloudapi/1.0.0/rights`, govcd `Right`).
public struct Right: Codable, Equatable, Sendable {
    public var name: String?
    public var id: String?
    public var description: String?
    public var bundleKey: String?
    public var category: String?
    public var serviceNamespace: String?
    /// VIEW | MODIFY.
    public var rightType: String?
    public var impliedRights: [OpenAPIReference]?
    public init() {}
}

/// A rights bundle (`/cloudapi/1.0.0/rightsBundles`, govcd `RightsBundle`).
public struct RightsBundle: Codable, Equatable, Sendable {
    public var name: String?
    public var id: String?
    public var description: String?
    public var bundleKey: String?
    public var readOnly: Bool?
    public var publishAll: Bool?
    public init() {}
}

/// A tenant role (`/cloudapi/1.0.0/roles`, govcd `Role`).
public struct Role: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    public var bundleKey: String?
    public var readOnly: Bool?
    public init() {}
}
