import CloudWire
import Foundation

/// Floating IPs from IP spaces, for a gateway that uses them (capvcd-wire.md row 21; CPI's
/// `gateway.go`): the gateway's IP spaces come from `floatingIpSuggestions`, a PUBLIC one is used,
/// an address is allocated (202 + task whose result lists it), then claimed by marking its
/// allocation `USED_MANUAL` with a description naming the owner, so that a later pass finds it
/// again. Released by marking it `UNUSED` and deleting the allocation, after what used it is gone.
extension VCDControllerClient {
    /// Whether the gateway takes its addresses from IP spaces.
    static func usesIPSpace(_ gw: EdgeGateway) -> Bool {
        gw.usingIpSpace == true || (gw.edgeGatewayUplinks ?? []).contains { $0.usingIpSpace == true }
    }

    private func publicSpace(gatewayId: String, gatewayName: String) throws -> String {
        let suggestions = try list(Self.lbPath("ipSpaces/floatingIpSuggestions?filter=\(Self.encode("gatewayId==\(gatewayId)"))"),
                                   IPSpaceFloatingIPSuggestion.self, what: "floating IP suggestions of gateway [\(gatewayName)]")
        var seen = Set<String>()
        for s in suggestions {
            guard let id = s.ipSpaceRef?.id, seen.insert(id).inserted else { continue }
            let space = try get(Self.lbPath("ipSpaces/\(id)"), IPSpace.self, what: "IP space [\(id)]")
            if space.type == IPSpaceType.public { return id }
        }
        throw CPIError(message: "unable to find a PUBLIC IP space for gateway [\(gatewayName)]: the gateway uses IP spaces but none offers floating IPs")
    }

    private func allocations(_ space: String, _ filter: String) throws -> [IPSpaceIPAllocation] {
        try list(Self.lbPath("ipSpaces/\(space)/allocations?filter=\(Self.encode(filter))"), IPSpaceIPAllocation.self, what: "allocations of IP space [\(space)]")
    }

    /// The floating IP claimed for `marker` on the gateway's IP space (allocated and claimed when
    /// there is none yet).
    func claimFloatingIP(gatewayId: String, gatewayName: String, marker: String) throws -> String {
        let space = try publicSpace(gatewayId: gatewayId, gatewayName: gatewayName)
        if let mine = try allocations(space, "usageState==USED_MANUAL;type==FLOATING_IP").first(where: { $0.description == marker }), let ip = mine.value {
            return ip
        }
        let task = try change("POST", Self.lbPath("ipSpaces/\(space)/allocate"), body: Self.json(IPSpaceIPAllocationRequest(type: "FLOATING_IP", quantity: 1)),
                              what: "allocate a floating IP for [\(marker)]")
        let text = task?.result?.resultContent ?? ""
        guard let values = try? JSONDecoder().decode([IPSpaceIPAllocationRequestResult].self, from: Data(text.utf8)), let ip = values.first?.value else {
            throw CPIError(message: "unable to allocate a floating IP for [\(marker)]: the task's result names no address")
        }
        guard var record = try allocations(space, "value==\(ip);type==FLOATING_IP").first, let id = record.id else {
            throw CPIError(message: "unable to find the allocation of [\(ip)] in IP space [\(space)]")
        }
        record.usageState = "USED_MANUAL"
        record.description = marker
        try change("PUT", Self.lbPath("ipSpaces/\(space)/allocations/\(id)"), body: Self.json(record), what: "claim floating IP [\(ip)] for [\(marker)]")
        return ip
    }

    /// Releases the floating IP claimed for `marker`, if any.
    func releaseClaim(gatewayId: String, gatewayName: String, marker: String) throws {
        let space = try publicSpace(gatewayId: gatewayId, gatewayName: gatewayName)
        guard let ip = try allocations(space, "usageState==USED_MANUAL;type==FLOATING_IP").first(where: { $0.description == marker })?.value else { return }
        try releaseFloatingIP(gatewayId: gatewayId, gatewayName: gatewayName, ip: ip)
    }

    /// Releases the floating IP `ip` (nothing to do when it is not allocated).
    func releaseFloatingIP(gatewayId: String, gatewayName: String, ip: String) throws {
        let space = try publicSpace(gatewayId: gatewayId, gatewayName: gatewayName)
        guard var record = try allocations(space, "value==\(ip);type==FLOATING_IP").first, let id = record.id else { return }
        record.usageState = "UNUSED"
        record.description = ""
        try change("PUT", Self.lbPath("ipSpaces/\(space)/allocations/\(id)"), body: Self.json(record), what: "release floating IP [\(ip)]")
        try deleteObject("ipSpaces/\(space)/allocations/\(id)", what: "allocation of [\(ip)]")
    }
}
