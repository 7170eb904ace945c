import CloudWire
import Foundation

/// One object of the simulated world as the store keeps it: its wire JSON plus the few columns the
/// simulator indexes on. Every kind of every service (VCD, NSX, ALB) lives in this one shape.
struct StoredObject {
    /// The kind (`edgeGateway`, `natRule`, ...; see `Kind`).
    var kind: String
    /// The object's id as clients see it (usually a URN).
    var id: String
    /// The owning object (NAT rule → gateway, entity → type), if any.
    var parentId: String?
    /// The org that owns it; nil for provider objects. Tenants see only their org's objects.
    var orgId: String?
    var name: String
    /// The wire JSON, as served.
    var body: Data
    /// Parsed `body`, for filters and sorting (computed once per write, never per read).
    var json: JSONValue
    /// Bumped on every update; the ETag of RDEs and the `version` of NAT/firewall rules.
    var version: Int
    /// Insertion order, so lists are stable across restarts.
    var seq: Int64
    var created: Double
    var updated: Double

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: body)
    }
}

/// Kinds of stored objects. One string per kind keeps the store schema-free: a new kind needs no
/// migration.
enum Kind {
    static let org = "org"
    static let vdc = "vdc"
    static let providerVdc = "providerVdc"
    static let storageProfile = "storageProfile"
    static let vcenter = "vcenter"
    static let cluster = "cluster"
    static let datastore = "datastore"
    static let nsxtManager = "nsxtManager"
    static let networkPool = "networkPool"
    static let edgeCluster = "edgeCluster"
    static let externalNetwork = "externalNetwork"
    static let user = "user"
    static let role = "role"
    static let right = "right"
    static let rightsBundle = "rightsBundle"
    static let session = "session"
    static let apiToken = "apiToken"
    static let task = "task"
    static let edgeGateway = "edgeGateway"
    static let natRule = "natRule"
    static let appPortProfile = "appPortProfile"
    static let firewall = "firewall"
    static let routeAdvertisement = "routeAdvertisement"
    static let gatewayLoadBalancer = "gatewayLoadBalancer"
    static let albController = "albController"
    static let albImportableCloud = "albImportableCloud"
    static let albCloud = "albCloud"
    static let albImportableSEG = "albImportableSEG"
    static let serviceEngineGroup = "serviceEngineGroup"
    static let segAssignment = "segAssignment"
    static let lbPool = "lbPool"
    static let virtualService = "virtualService"
    static let orgVdcNetwork = "orgVdcNetwork"
    static let computePolicy = "computePolicy"
    static let entityType = "entityType"
    static let entity = "entity"
    static let interface = "interface"
    static let ipSpace = "ipSpace"
    static let ipSpaceUplink = "ipSpaceUplink"
    static let ipSpaceAllocation = "ipSpaceAllocation"
}

extension StateView {
    /// The objects of `kind` (under `parent`, when given) with their typed records, so handlers
    /// read fields the compiler checks instead of string paths into the JSON. Objects whose body
    /// does not decode as `T` are left out (there are none: each kind is written from its type).
    func records<T: Decodable>(_ kind: String, as type: T.Type, parent: String? = nil) -> [(object: StoredObject, record: T)] {
        let objects = parent.map { children(kind, of: $0) } ?? all(kind)
        return objects.compactMap { o in (try? o.decode(T.self)).map { (o, $0) } }
    }
}
