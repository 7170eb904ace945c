import CloudWire
import Foundation
import NetAddress

/// IP allocations from IP spaces (govcd `ip_space_allocation.go`; the flows of CPI's
/// `ReserveIpForLoadBalancer` / `ReleaseIpFromLoadBalancer`):
/// * `POST /ipSpaces/{id}/allocate` `{"type":"FLOATING_IP","quantity":1}`, `{"type":"IP_PREFIX",
///   "quantity":1,"prefixLength":30}` or (37.2+) `{"type":…,"value":"203.0.113.5"}` → 202 + task
///   whose `Result/ResultContent` is the JSON array `[{id, value, suggestedValue}]` (what govcd
///   unmarshals). The org is the caller's (the provider's tenant context, else System). Refused
///   with 400: an address or prefix outside the space, one already allocated, the org's quota
///   (`defaultFloatingIpQuota`, `defaultQuotaForPrefixLength`; -1 = no cap; System has none)
///   exceeded, the space exhausted, a PUBLIC space not available to the org.
/// * `GET /ipSpaces/{id}/allocations` (paged; FIQL on `value`, `type`, `usageState`,
///   `orgRef.id`, `description`…), `GET/PUT/DELETE …/allocations/{allocationId}`. Tenants see their
///   org's allocations. PUT changes `usageState` (UNUSED | USED_MANUAL; USED is the system's) and
///   `description` → 202 + task; DELETE releases → 202 + task, refused while a NAT rule or a
///   virtual service uses the address.
/// * `usageState` is computed: an allocation that a NAT rule or a virtual service of one of the
///   org's IP-space gateways uses is USED with `usedByRef` (the gateway) and `usageCategories`,
///   unless the client marked it USED_MANUAL, which sticks (CPI finds its claim again by
///   `usageState==USED_MANUAL` and the description after creating the virtual service).
/// Rights: `IP Spaces: Allocate` for allocating, changing and releasing.
enum IPSpaceAllocations: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/\(IPSpaces.collection)/{id}"
        t.post("\(p)/allocate", .right(RightName.ipSpaceAllocate), "IP_SPACE_ALLOCATE", allocate)
        t.get("\(p)/allocations", .session, "IP_SPACE_ALLOCATION_VIEW", listAllocations)
        t.get("\(p)/allocations/{allocationId}", .session, "IP_SPACE_ALLOCATION_VIEW", showAllocation)
        t.put("\(p)/allocations/{allocationId}", .right(RightName.ipSpaceAllocate), "IP_SPACE_ALLOCATION_UPDATE", update)
        t.delete("\(p)/allocations/{allocationId}", .right(RightName.ipSpaceAllocate), "IP_SPACE_ALLOCATION_DELETE", release)
    }

    /// GET the floating IPs and prefixes allocated from an IP space, paged.
    static func listAllocations(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try IPSpaces.readable(ctx)
        let space = try IPSpaces.require(ctx, ctx.param("id"))
        let mine = ctx.state.children(Kind.ipSpaceAllocation, of: space.id).filter { sees(ctx, $0) }
        let usage = usage(ctx.state, orgs: Set(mine.compactMap(\.orgId)))
        let rows = try mine.map { try IPSpaces.synthetic($0, render($0, usage)) }
        return try Listing.page(ctx, rows, model: "IpSpaceIpAllocations")
    }

    /// GET one allocation of an IP space.
    static func showAllocation(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try IPSpaces.readable(ctx)
        let (_, a) = try allocation(ctx)
        return ctx.raw(a, body: try Cloud.encode(render(a, usage(ctx.state, orgs: a.orgId.map { [$0] }))))
    }

    /// Whether the caller sees the allocation: the provider all (its tenant context narrows), a
    /// tenant its org's.
    static func sees(_ ctx: RequestContext, _ a: StoredObject) -> Bool {
        guard let s = ctx.session else { return false }
        if s.isProvider { return ctx.scopeOrgID.map { $0 == a.orgId } ?? true }
        return a.orgId == s.orgID
    }

    /// The space `{id}` and its allocation `{allocationId}`: 404 if absent, 403 if not the caller's.
    static func allocation(_ ctx: RequestContext) throws -> (StoredObject, StoredObject) {
        try APIVersions.require(ctx, IPSpaces.minimumVersion)
        let space = try IPSpaces.require(ctx, ctx.param("id"))
        let id = URN.normalize(ctx.param("allocationId"), kind: URNKind.ipSpaceIPAllocation)
        guard let a = ctx.state.get(id, kind: Kind.ipSpaceAllocation), a.parentId == space.id else {
            throw SimError.notFound("IP allocation \(id) of IP space \(space.name)")
        }
        guard sees(ctx, a) else { throw SimError.forbidden(rights: [], operation: ctx.route.operation, target: "IP allocation \(id)") }
        return (space, a)
    }

    // MARK: Usage

    /// What uses an allocated address: the gateway and the service categories.
    struct Usage {
        var gateway: OpenAPIReference
        var categories: [String]
    }

    /// Addresses used by NAT rules and virtual services of the IP-space gateways of `orgs` (all
    /// orgs when nil), keyed `"<org>|<address>"`.
    static func usage(_ state: StateView, orgs: Set<String>?) -> [String: Usage] {
        var out: [String: Usage] = [:]
        for g in state.all(Kind.edgeGateway) where g.json["usingIpSpace"] == .bool(true) {
            guard let org = g.orgId, orgs?.contains(org) ?? true else { continue }
            func add(_ ip: String, _ category: String) {
                let key = "\(org)|\(ip)"
                var u = out[key] ?? Usage(gateway: Cloud.ref(g), categories: [])
                if !u.categories.contains(category) { u.categories.append(category) }
                out[key] = u
            }
            for j in state.childJSONs(Kind.natRule, of: g.id) {
                guard let ext = j["externalAddresses"]?.stringValue, IPv4.parse(ext) != nil else { continue }
                let t = j["type"]?.stringValue ?? j["ruleType"]?.stringValue ?? "SNAT"
                add(ext, t.hasPrefix("NO_") ? String(t.dropFirst(3)) : t)
            }
            for j in state.childJSONs(Kind.virtualService, of: g.id) {
                if let vip = j["virtualIpAddress"]?.stringValue { add(vip, "LOAD_BALANCER") }
            }
        }
        return out
    }

    /// The allocation as the wire shows it, with its computed usage.
    static func render(_ a: StoredObject, _ usage: [String: Usage]) throws -> IPSpaceIPAllocation {
        var v = try a.decode(IPSpaceIPAllocation.self)
        if let u = usage["\(a.orgId ?? "")|\(v.value ?? "")"] {
            v.usedByRef = u.gateway
            v.usageCategories = u.categories
            if v.usageState != IPSpaceAllocationValue.usedManual { v.usageState = IPSpaceAllocationValue.used }
        } else {
            v.usedByRef = nil
            v.usageCategories = nil
        }
        return v
    }

    // MARK: Allocate

    private static func allocate(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try APIVersions.require(ctx, IPSpaces.minimumVersion)
        let space = try IPSpaces.require(ctx, ctx.param("id"))
        let v = try space.decode(IPSpace.self)
        let book = try IPSpaceBook(v)
        let req = try ctx.body(IPSpaceIPAllocationRequest.self)
        let type = try Cloud.required(req.type, "type")
        guard type == IPSpaceAllocationValue.floatingIP || type == IPSpaceAllocationValue.ipPrefix else {
            throw SimError.badRequest("The allocation type must be FLOATING_IP or IP_PREFIX.")
        }
        // `value` exists from 37.2: an older request's field is unknown to VCD, hence ignored.
        let value = APIVersions.compare(ctx.apiVersion, "37.2") >= 0 ? req.value.flatMap { $0.isEmpty ? nil : $0 } : nil
        if value != nil, req.quantity != nil { throw SimError.badRequest("Set either quantity or value, not both.") }
        if value == nil, req.quantity == nil { throw SimError.badRequest("The field quantity (or value) is required.") }
        let quantity = value == nil ? req.quantity! : 1
        guard quantity >= 1 else { throw SimError.badRequest("The quantity must be at least 1.") }
        // The org: the caller's, and the space must be available to it.
        let s = ctx.session!
        let org = ctx.scopeOrgID ?? s.orgID
        guard let orgObj = ctx.state.get(org, kind: Kind.org) else { throw SimError(400, VCDMinorError.invalidReference, "Org \(org) does not exist.") }
        let isSystem = org == Seed.systemOrgID
        if !isSystem, !IPSpaces.available(ctx.state, space, to: org) {
            throw SimError.badRequest("IP space \(space.name) is not available to org \(orgObj.name): no edge gateway of the org is connected to a provider gateway with an uplink to it.")
        }
        let ofType = ctx.state.children(Kind.ipSpaceAllocation, of: space.id)
            .filter { ($0.json["type"]?.stringValue ?? IPSpaceAllocationValue.floatingIP) == type }
        let ask = Ask(space: space, book: book, ofType: ofType, org: org, orgName: orgObj.name, isSystem: isSystem, value: value, quantity: quantity)
        let values = type == IPSpaceAllocationValue.floatingIP ? try floatingIPs(ask) : try prefixes(ask, length: req.prefixLength)
        let result = try record(ctx, values, type: type, space: space, org: orgObj)
        return try ctx.accepted(operation: "Allocating \(quantity) \(type) from IP space \(space.name) to org \(orgObj.name)",
                                operationName: .ipSpaceAllocate, owner: Cloud.owner(ctx, IPSpaces.collection, id: space.id, name: space.name),
                                result: result)
    }

    /// Stores one allocation per value for `org`, unused, and returns the task's result (the values).
    private static func record(_ ctx: RequestContext, _ values: [String], type: String, space: StoredObject, org orgObj: StoredObject) throws -> String {
        var results: [IPSpaceIPAllocationRequestResult] = []
        for value in values {
            var a = IPSpaceIPAllocation()
            a.id = URN.make(URNKind.ipSpaceIPAllocation).description
            a.type = type
            a.value = value
            a.orgRef = Cloud.ref(orgObj)
            a.usageState = IPSpaceAllocationValue.unused
            a.description = ""
            a.allocationDate = VirtualClock.iso8601(ctx.now)
            try ctx.write.insert(kind: Kind.ipSpaceAllocation, id: a.id!, parent: space.id, org: orgObj.id, name: value, a)
            results.append(IPSpaceIPAllocationRequestResult(id: a.id, value: value, suggestedValue: value))
        }
        return String(decoding: try Cloud.encode(results), as: UTF8.self)
    }

    /// What one allocation request asks of an IP space: `value` or `quantity`, for `org`, against
    /// the space's book and its allocations of the same type (`ofType`).
    private struct Ask {
        let space: StoredObject, book: IPSpaceBook, ofType: [StoredObject]
        let org: String, orgName: String, isSystem: Bool
        let value: String?, quantity: Int
    }

    /// The floating IPs to allocate: the requested `value`, or the first free ones; within the org's quota.
    private static func floatingIPs(_ ask: Ask) throws -> [String] {
        let (space, book, ofType, org, value, quantity) = (ask.space, ask.book, ask.ofType, ask.org, ask.value, ask.quantity)
        let taken = Set(ofType.compactMap { $0.json["value"]?.stringValue.flatMap(IPv4.parse) })
        if let value {
            guard let ip = IPv4.parse(value) else { throw SimError.badRequest("Invalid IP address \(value).") }
            guard book.inRanges(ip) else { throw SimError.badRequest("IP address \(value) is not within the IP ranges of IP space \(space.name).") }
            guard !taken.contains(ip) else { throw SimError.badRequest("IP address \(value) of IP space \(space.name) is already allocated.") }
        }
        let mine = ofType.filter { $0.orgId == org }.count
        if !ask.isSystem, book.floatingQuota >= 0, mine + quantity > book.floatingQuota {
            throw SimError.badRequest("Floating IP quota exceeded for org \(ask.orgName) in IP space \(space.name): quota \(book.floatingQuota), allocated \(mine), requested \(quantity).")
        }
        if let value { return [value] }
        let free = book.totalIPs - taken.filter(book.inRanges).count
        guard free >= quantity else {
            throw SimError.badRequest("IP space \(space.name) has not enough free IP addresses: \(quantity) requested, \(free) available.")
        }
        return book.freeAddresses(quantity, taken: taken).map(IPv4.format)
    }

    /// The IP prefixes to allocate: the requested `value`, or free blocks of `length`; within the
    /// org's quota for that length.
    private static func prefixes(_ ask: Ask, length requested: Int?) throws -> [String] {
        let (space, book, ofType, org, value, quantity) = (ask.space, ask.book, ask.ofType, ask.org, ask.value, ask.quantity)
        let taken = Set(ofType.compactMap { $0.json["value"]?.stringValue.flatMap(IPv4.parseCIDR)?.0 })
        let length: Int
        if let value {
            guard let (net, len) = IPv4.parseCIDR(value) else { throw SimError.badRequest("Invalid IP prefix \(value): a CIDR is expected.") }
            guard book.isBlock(net, length: len) else { throw SimError.badRequest("IP prefix \(value) is not one of the prefixes of IP space \(space.name).") }
            guard !taken.contains(net) else { throw SimError.badRequest("IP prefix \(value) of IP space \(space.name) is already allocated.") }
            length = len
        } else {
            guard let len = requested else { throw SimError.badRequest("The field prefixLength is required to allocate IP prefixes by quantity.") }
            guard book.group(len) != nil else { throw SimError.badRequest("IP space \(space.name) has no IP prefixes of length \(len).") }
            length = len
        }
        let group = book.group(length)!
        let mine = ofType.filter { $0.orgId == org && IPv4.parseCIDR($0.json["value"]?.stringValue ?? "")?.1 == length }.count
        if !ask.isSystem, group.quota >= 0, mine + quantity > group.quota {
            throw SimError.badRequest("IP prefix quota exceeded for org \(ask.orgName) in IP space \(space.name) (prefix length \(length)): quota \(group.quota), allocated \(mine), requested \(quantity).")
        }
        if let value { return [value] }
        let blocks = book.freeBlocks(quantity, length: length, taken: taken)
        guard blocks.count == quantity else {
            throw SimError.badRequest("IP space \(space.name) has not enough free /\(length) prefixes: \(quantity) requested, \(blocks.count) available.")
        }
        return blocks.map { "\(IPv4.format($0))/\(length)" }
    }

    // MARK: Update, release

    private static func update(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (space, a) = try allocation(ctx)
        let input = try ctx.body(IPSpaceIPAllocation.self)
        var v = try a.decode(IPSpaceIPAllocation.self)
        if let value = input.value, value != v.value { throw SimError.badRequest("The value of IP allocation \(a.id) cannot change.") }
        if let type = input.type, type != v.type { throw SimError.badRequest("The type of IP allocation \(a.id) cannot change.") }
        let state = input.usageState ?? v.usageState ?? IPSpaceAllocationValue.unused
        switch state {
        case IPSpaceAllocationValue.unused, IPSpaceAllocationValue.usedManual: v.usageState = state
        case IPSpaceAllocationValue.used:
            // USED is the system's; a client echoing the state it read changes nothing.
            let current = try render(a, usage(ctx.state, orgs: a.orgId.map { [$0] })).usageState
            guard current == IPSpaceAllocationValue.used else {
                throw SimError.badRequest("usageState USED is set by the system: use UNUSED or USED_MANUAL.")
            }
        default: throw SimError.badRequest("usageState must be UNUSED or USED_MANUAL.")
        }
        v.description = input.description ?? v.description ?? ""
        try ctx.write.update(a, v)
        return try ctx.accepted(operation: "Updating IP allocation \(v.value ?? a.name) of IP space \(space.name)", operationName: .ipSpaceAllocationUpdate,
                                owner: owner(ctx, space, a))
    }

    private static func release(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (space, a) = try allocation(ctx)
        if let u = usage(ctx.state, orgs: a.orgId.map { [$0] })["\(a.orgId ?? "")|\(a.name)"] {
            throw SimError.badRequest("IP \(a.name) is in use (\(u.categories.joined(separator: ", "))) on edge gateway \(u.gateway.name ?? ""); remove the service first.")
        }
        ctx.write.delete(a.id)
        return try ctx.accepted(operation: "Releasing IP allocation \(a.name) of IP space \(space.name)", operationName: .ipSpaceAllocationDelete,
                                owner: owner(ctx, space, a))
    }

    private static func owner(_ ctx: RequestContext, _ space: StoredObject, _ a: StoredObject) -> TaskOwner {
        TaskOwner(id: a.id, name: a.name, type: MediaType.json, href: "\(ctx.base)\(Cloud.prefix)/\(IPSpaces.collection)/\(space.id)/allocations/\(a.id)")
    }
}
