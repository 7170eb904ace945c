import CloudWire
import Foundation

/// The VCD service: every family of `/api` and `/cloudapi` routes. Adding a kind = one file with a
/// `RouteFamily` and one line here.
enum VCDRoutes {
    static let families: [RouteFamily.Type] = [
        Versions.self, Sessions.self, OAuthTokens.self, TasksAPI.self, Tenancy.self, ComputePolicies.self,
        ExternalNetworks.self, EdgeGateways.self, NatRules.self, AppPortProfiles.self, Firewall.self,
        RouteAdvertisementAPI.self, ALBInfrastructure.self, ServiceEngineGroups.self, GatewayLoadBalancerAPI.self,
        Pools.self, VirtualServices.self, OrgVdcNetworks.self, DefinedEntities.self, Roles.self,
        APITokensAPI.self, CertificateLibrary.self, IPSpaces.self, IPSpaceAllocations.self, IPSpaceUplinks.self,
    ] + LegacyXML.families

    static func register(into table: RouteTable) {
        for f in families { f.register(into: table) }
    }
}

/// Small helpers shared by the VCD families.
enum Cloud {
    static let prefix = "/cloudapi/1.0.0"

    static func ref(_ o: StoredObject) -> OpenAPIReference { OpenAPIReference(name: o.name, id: o.id) }

    static func href(_ ctx: RequestContext, _ collection: String, _ id: String) -> String { "\(ctx.base)\(prefix)/\(collection)/\(id)" }

    static func owner(_ ctx: RequestContext, _ collection: String, id: String, name: String) -> TaskOwner {
        TaskOwner(id: id, name: name, type: MediaType.json, href: href(ctx, collection, id))
    }

    static func encode<T: Encodable>(_ v: T) throws -> Data { try JSONEncoder.vcd().encode(v) }

    /// Requires a non-empty string field.
    static func required(_ v: String?, _ field: String) throws -> String {
        guard let v, !v.trimmingCharacters(in: .whitespaces).isEmpty else { throw SimError.badRequest("The field \(field) is required.") }
        return v
    }

    static func orgName(_ state: StateView, _ orgId: String?) -> String? { orgId.flatMap { state.get($0)?.name } }
}
