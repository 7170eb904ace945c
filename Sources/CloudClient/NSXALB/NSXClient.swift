import CloudWire
import Foundation

/// A client of the NSX-T Policy API (Tier-1 gateways and their route advertisement), HTTP Basic
/// auth with a provider admin. Goes over the same transport stack as the VCD client.
public final class NSXClient: @unchecked Sendable {
    public let baseURL: String
    public let transport: HTTPTransport
    private let user: String
    private let password: String
    static let tier1s = "/policy/api/v1/infra/tier-1s"

    public init(baseURL: String, transport: HTTPTransport, user: String, password: String) {
        var b = baseURL
        while b.hasSuffix("/") { b.removeLast() }
        self.baseURL = b
        self.transport = transport
        self.user = user
        self.password = password
        SecretRedactor.shared.register(password)
    }

    func send(_ method: String, _ target: String, body: JSONValue? = nil) throws -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        h["Accept"] = "application/json"
        h["Authorization"] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        var data = Data()
        if let body { h["Content-Type"] = "application/json"; data = try JSONEncoder().encode(body) }
        let r = try transport.send(HTTPRequestMessage(method: method, target: target, headers: h, body: data), to: baseURL)
        guard (200..<300).contains(r.status) else {
            let msg = (try? JSONValue.parse(r.body))?["error_message"]?.stringValue ?? r.text
            throw VCDClientError(status: r.status, minorErrorCode: "NSX_ERROR", message: msg, operation: "NSX \(method) \(target)",
                                 hint: r.status == 403 ? "check the NSX Manager credentials (a provider admin)" : nil)
        }
        return r
    }

    /// Every Tier-1 gateway (Policy JSON objects).
    public func tier1s() throws -> [JSONValue] {
        let r = try send("GET", Self.tier1s)
        guard case .array(let xs)? = try JSONValue.parse(r.body)["results"] else { return [] }
        return xs
    }

    /// One Tier-1 by Policy id, nil when there is none.
    public func tier1(id: String) throws -> JSONValue? {
        do { return try JSONValue.parse(try send("GET", "\(Self.tier1s)/\(id)").body) } catch let e as VCDClientError where e.status == 404 { return nil }
    }

    /// A Tier-1 by id or display name (one read of the list for both).
    public func tier1(named nameOrID: String) throws -> JSONValue? {
        let all = try tier1s()
        return all.first { $0["id"]?.stringValue == nameOrID } ?? all.first { $0["display_name"]?.stringValue == nameOrID }
    }

    /// Route advertisement types of a Tier-1 as a list of strings.
    public static func routeAdvertisement(_ t1: JSONValue) -> [String] {
        guard case .array(let xs)? = t1["route_advertisement_types"] else { return [] }
        return xs.compactMap { $0.stringValue }
    }

    /// PATCHes `route_advertisement_types` of a Tier-1.
    public func setRouteAdvertisement(tier1 id: String, types: [String]) throws {
        try send("PATCH", "\(Self.tier1s)/\(id)", body: .object(["route_advertisement_types": .array(types.map { .string($0) })]))
    }
}
