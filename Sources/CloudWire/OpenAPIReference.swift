import Foundation

/// A reference to another object: `{name, id}` (govcd `OpenApiReference`). Both may be absent on
/// input (clients often send only the id).
public struct OpenAPIReference: Codable, Equatable, Hashable, Sendable {
    public var name: String?
    public var id: String?
    public init(name: String? = nil, id: String? = nil) {
        self.name = name
        self.id = id
    }
}

/// A list of references wrapped as `{values: [...]}` (rights of a role, tenants of a bundle).
public struct OpenAPIReferences: Codable, Equatable, Sendable {
    public var values: [OpenAPIReference]
    public init(values: [OpenAPIReference]) { self.values = values }
}

/// One `startAddress`–`endAddress` IPv4 range.
public struct IPRange: Codable, Equatable, Sendable {
    public var startAddress: String
    public var endAddress: String
    public init(startAddress: String, endAddress: String) {
        self.startAddress = startAddress
        self.endAddress = endAddress
    }
}

/// IP ranges wrapped as `{values: [...]}`.
public struct IPRanges: Codable, Equatable, Sendable {
    public var values: [IPRange]
    public init(values: [IPRange]) { self.values = values }
}
