import CloudWire
import Foundation
import NetAddress

/// IP spaces (VCD 10.4.1+, API 37.1+; govcd `ip_space.go`, `types.IpSpace`; the 37.2 swagger
/// client of CPI): `POST /ipSpaces` → 202 + task (owner: the new space), `GET/PUT/DELETE
/// /ipSpaces/{id}` (PUT and DELETE → 202 + task), `GET /ipSpaces/summaries` (the only list: VCD
/// has no `GET /ipSpaces`, govcd says so), `GET /ipSpaces/floatingIpSuggestions?filter=gatewayId==…`.
/// Allocations are in `IPSpaceAllocations.swift`, uplinks in `IPSpaceUplinks.swift`.
///
/// * PUBLIC and SHARED_SERVICES spaces belong to the provider (right `IP Spaces: Manage`, provider
///   only); PRIVATE ones to an org (`orgRef`), which its admins manage (`Private IP Spaces: Manage`).
/// * An org may use a PUBLIC space when one of its edge gateways is connected to a provider gateway
///   with an IP-space uplink to it; tenants see those and their PRIVATE spaces, never
///   SHARED_SERVICES ones. Reads need `Private IP Spaces: View` or `IP Spaces: Allocate`.
/// * Ranges and prefix sequences must lie in `ipSpaceInternalScope` and not overlap each other; the
///   addresses of PUBLIC/SHARED_SERVICES spaces do not overlap another such space's, nor a PRIVATE
///   space's those of the same org's other PRIVATE spaces. IPv4 only.
/// * `utilization` is computed on every read: for the owner (the provider; the org of a PRIVATE
///   space) the space's totals, for another org its quota (`totalCount` "-1" = no cap) and its own
///   allocations.
/// * Suggestions answer, per IP space applicable to the gateway (those uplinked to its provider
///   gateway), the caller org's allocated floating IPs that no service uses and that are not marked
///   USED_MANUAL (govcd: "allocated … but not currently used for any network services"); an unknown
///   gateway, or one without IP spaces → 403 as VCD answers.
enum IPSpaces: RouteFamily {
    static let collection = "ipSpaces"
    static let minimumVersion = "37.1"

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/\(collection)"
        t.post(p, .session, "IP_SPACE_CREATE", create)
        t.get("\(p)/summaries", .session, "IP_SPACE_VIEW", listSummaries)
        t.get("\(p)/floatingIpSuggestions", .session, "IP_SPACE_VIEW", suggestions)
        t.get("\(p)/{id}", .session, "IP_SPACE_VIEW", showIPSpace)
        t.put("\(p)/{id}", .session, "IP_SPACE_UPDATE", update)
        t.delete("\(p)/{id}", .session, "IP_SPACE_DELETE", remove)
    }

    /// GET the IP space summaries the caller may see (`/ipSpaces/summaries`), paged.
    static func listSummaries(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try readable(ctx)
        let rows = try ctx.state.all(Kind.ipSpace).filter { visible(ctx, $0) }.map { o -> StoredObject in
            let v = try render(ctx, o)
            var s = IPSpaceSummary()
            s.status = v.status; s.id = v.id; s.name = v.name; s.description = v.description
            s.type = v.type; s.orgRef = v.orgRef; s.utilization = v.utilization
            return try synthetic(o, s)
        }
        return try Listing.page(ctx, rows, model: "IpSpaceSummaries")
    }

    /// GET one IP space.
    static func showIPSpace(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try readable(ctx)
        let o = try require(ctx, ctx.param("id"))
        return ctx.raw(o, body: try Cloud.encode(render(ctx, o)))
    }

    // MARK: Access

    /// 405 below 37.1; 403 unless the caller may read IP spaces.
    static func readable(_ ctx: RequestContext) throws {
        try APIVersions.require(ctx, minimumVersion)
        if !ctx.has(RightName.ipSpaceView) && !ctx.has(RightName.ipSpaceAllocate) {
            throw SimError.forbidden(rights: [RightName.ipSpaceView], operation: ctx.route.operation, target: ctx.request.path)
        }
    }

    /// Throws 403 unless the caller may create, change or delete a space of `type` owned by `org`.
    static func manageable(_ ctx: RequestContext, type: String, org: String?) throws {
        let s = ctx.session!
        if type == IPSpaceType.private {
            try ctx.demand(RightName.ipSpaceManagePrivate, target: "IP space")
            if !s.isProvider, org != s.orgID {
                throw SimError.forbidden(rights: [RightName.ipSpaceManagePrivate], operation: ctx.route.operation, target: "a private IP space of another org")
            }
        } else if !s.isProvider {
            throw SimError.forbidden(rights: [RightName.ipSpaceAdmin], operation: ctx.route.operation, target: "\(type) IP space")
        }
    }

    /// The IP space `id` (URN or UUID): 404 if absent, 403 if the caller may not see it.
    static func require(_ ctx: RequestContext, _ id: String) throws -> StoredObject {
        let urn = URN.normalize(id, kind: URNKind.ipSpace)
        guard let o = ctx.state.get(urn, kind: Kind.ipSpace) else { throw SimError.notFound("IP space \(urn)") }
        guard visible(ctx, o) else { throw SimError.forbidden(rights: [], operation: ctx.route.operation, target: "IP space \(urn)") }
        return o
    }

    /// The provider sees every space; a tenant its org's PRIVATE spaces and the PUBLIC ones
    /// available to its org (never SHARED_SERVICES ones).
    static func visible(_ ctx: RequestContext, _ o: StoredObject) -> Bool {
        guard let s = ctx.session else { return false }
        if s.isProvider { return true }
        return o.json["type"]?.stringValue != IPSpaceType.sharedServices && available(ctx.state, o, to: s.orgID)
    }

    /// Whether `org` may allocate from the space: its own PRIVATE space, or a PUBLIC (or, through
    /// the provider, SHARED_SERVICES) one uplinked to a provider gateway one of the org's edge
    /// gateways is connected to.
    static func available(_ state: StateView, _ o: StoredObject, to org: String?) -> Bool {
        guard let org else { return false }
        switch o.json["type"]?.stringValue {
        case IPSpaceType.private?: return o.orgId == org
        case IPSpaceType.public?, IPSpaceType.sharedServices?: return providerGateways(state, org: org).contains { ext in
            !uplinks(state, of: o.id, on: ext).isEmpty
        }
        default: return false
        }
    }

    /// The uplinks that bind IP space `spaceId` (to provider gateway `externalNetwork`, when given).
    static func uplinks(_ state: StateView, of spaceId: String, on externalNetwork: String? = nil) -> [StoredObject] {
        state.records(Kind.ipSpaceUplink, as: IPSpaceUplink.self, parent: externalNetwork).filter { $0.record.ipSpaceRef?.id == spaceId }.map(\.object)
    }

    /// The external networks the org's edge gateways are connected to.
    static func providerGateways(_ state: StateView, org: String) -> Set<String> {
        var out = Set<String>()
        for g in state.all(Kind.edgeGateway) where g.orgId == org {
            out.formUnion(EdgeGateways.uplinkIds(g))
        }
        return out
    }

    /// The IP spaces a gateway takes floating IPs from: those uplinked to its provider gateways.
    static func ofGateway(_ state: StateView, _ gw: EdgeGateway) -> [StoredObject] {
        var seen = Set<String>()
        var out: [StoredObject] = []
        for u in gw.edgeGatewayUplinks ?? [] {
            guard let ext = u.uplinkId else { continue }
            for up in state.children(Kind.ipSpaceUplink, of: ext) {
                guard let id = (try? up.decode(IPSpaceUplink.self))?.ipSpaceRef?.id, seen.insert(id).inserted,
                      let s = state.get(id, kind: Kind.ipSpace) else { continue }
                out.append(s)
            }
        }
        return out
    }

    // MARK: Rendering

    /// A StoredObject carrying a rendered body, for `Listing.page` to filter and sort on.
    static func synthetic<T: Encodable>(_ o: StoredObject, _ value: T, id: String? = nil) throws -> StoredObject {
        let body = try Cloud.encode(value)
        var s = o
        s.id = id ?? o.id
        s.body = body
        s.json = try JSONValue.parse(body)
        return s
    }

    /// The space with its computed counts and the caller's `utilization`.
    static func render(_ ctx: RequestContext, _ o: StoredObject) throws -> IPSpace {
        var v = try o.decode(IPSpace.self)
        let book = try IPSpaceBook(v)
        let allocations = ctx.state.children(Kind.ipSpaceAllocation, of: o.id)
        var floating = Set<UInt32>()
        var prefixes: [Int: Int] = [:]  // prefix length → allocated blocks
        var prefixSet = Set<UInt32>()
        for a in allocations {
            guard let value = a.json["value"]?.stringValue else { continue }
            if a.json["type"]?.stringValue == IPSpaceAllocationValue.ipPrefix, let (net, len) = IPv4.parseCIDR(value) {
                prefixes[len, default: 0] += 1
                prefixSet.insert(net)
            } else if let ip = IPv4.parse(value) {
                floating.insert(ip)
            }
        }
        // Per range and per sequence counts (strings for ranges, as the wire has them).
        if var ranges = v.ipSpaceRanges?.ipRanges {
            for i in ranges.indices {
                guard let a = ranges[i].startIpAddress.flatMap(IPv4.parse), let b = ranges[i].endIpAddress.flatMap(IPv4.parse) else { continue }
                let total = Int(b - a) + 1
                let used = floating.filter { a <= $0 && $0 <= b }.count
                ranges[i].totalIpCount = String(total)
                ranges[i].allocatedIpCount = String(used)
                ranges[i].allocatedIpPercentage = percent(used, total)
            }
            v.ipSpaceRanges?.ipRanges = ranges
        }
        if var groups = v.ipSpacePrefixes {
            for g in groups.indices {
                for i in (groups[g].ipPrefixSequence ?? []).indices {
                    let seq = groups[g].ipPrefixSequence![i]
                    guard let start = seq.startingPrefixIpAddress.flatMap(IPv4.parse), let len = seq.prefixLength, let n = seq.totalPrefixCount else { continue }
                    let size = UInt64(1) << UInt64(32 - len)
                    let used = prefixSet.filter { UInt64($0) >= UInt64(start) && UInt64($0) < UInt64(start) + UInt64(n) * size }.count
                    groups[g].ipPrefixSequence![i].allocatedPrefixCount = used
                    groups[g].ipPrefixSequence![i].allocatedPrefixPercentage = percent(used, n)
                }
            }
            v.ipSpacePrefixes = groups
        }
        // Utilization: the owner sees the space, another org its quota and its own allocations.
        let owner = ctx.session?.isProvider == true && ctx.scopeOrgID == nil || (v.type == IPSpaceType.private && o.orgId == (ctx.scopeOrgID ?? ctx.session?.orgID))
        let org = ctx.scopeOrgID ?? ctx.session?.orgID
        let usage = IPSpaceAllocations.usage(ctx.state, orgs: owner ? nil : org.map { [$0] })
        var fip = IPSpaceUtilizationCounts()
        var pfx = IPSpaceUtilizationCounts()
        let mine = owner ? allocations : allocations.filter { $0.orgId == org }
        let myFloating = mine.filter { $0.json["type"]?.stringValue != IPSpaceAllocationValue.ipPrefix }
        let myPrefixes = mine.filter { $0.json["type"]?.stringValue == IPSpaceAllocationValue.ipPrefix }
        func used(_ list: [StoredObject]) -> Int {
            list.filter { a in
                let key = "\(a.orgId ?? "")|\(a.json["value"]?.stringValue ?? "")"
                return usage[key] != nil || a.json["usageState"]?.stringValue == IPSpaceAllocationValue.usedManual
            }.count
        }
        let floatingTotal = owner ? book.totalIPs : book.floatingQuota
        fill(&fip, total: floatingTotal, allocated: myFloating.count, used: used(myFloating))
        let prefixTotal: Int
        if owner { prefixTotal = book.groups.reduce(0) { $0 + $1.totalBlocks } } else {
            prefixTotal = book.groups.contains { $0.quota < 0 } ? -1 : book.groups.reduce(0) { $0 + $1.quota }
        }
        fill(&pfx, total: prefixTotal, allocated: myPrefixes.count, used: used(myPrefixes))
        pfx.prefixLengthUtilizations = book.groups.map { g in
            var u = IPSpacePrefixLengthUtilization()
            u.prefixLength = g.length
            u.totalCount = owner ? g.totalBlocks : g.quota
            u.allocatedCount = myPrefixes.filter { IPv4.parseCIDR($0.json["value"]?.stringValue ?? "")?.1 == g.length }.count
            return u
        }
        var util = IPSpaceUtilization()
        util.floatingIPs = fip
        util.ipPrefixes = pfx
        v.utilization = util
        return v
    }

    private static func fill(_ c: inout IPSpaceUtilizationCounts, total: Int, allocated: Int, used: Int) {
        c.totalCount = String(total)
        c.allocatedCount = String(allocated)
        c.usedCount = String(used)
        c.unusedCount = String(allocated - used)
        c.allocatedPercentage = total > 0 ? percent(allocated, total) : (total == 0 ? 0 : nil)
        c.usedPercentage = percent(used, allocated)
    }

    /// `part` of `whole` in percent, two decimals (0 for an empty whole).
    static func percent(_ part: Int, _ whole: Int) -> Double {
        whole > 0 ? (Double(part) * 10000 / Double(whole)).rounded() / 100 : 0
    }

    // MARK: Create, update, delete

    private static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try APIVersions.require(ctx, minimumVersion)
        let input = try ctx.body(IPSpace.self)
        let type = try Cloud.required(input.type, "type")
        guard IPSpaceType.all.contains(type) else {
            throw SimError.badRequest("The IP space type must be one of \(IPSpaceType.all.sorted().joined(separator: ", ")).")
        }
        let org = try ownerOrg(ctx, type: type, input.orgRef)
        try manageable(ctx, type: type, org: org?.id)
        let id = URN.make(URNKind.ipSpace).description
        let space = try normalize(ctx, input, id: id, type: type, org: org, existing: nil)
        try ctx.write.insert(kind: Kind.ipSpace, id: id, org: org?.id, name: space.name!, space)
        return try ctx.accepted(operation: "Creating IP space \(space.name!) (\(id))", operationName: .createIpSpace,
                                owner: Cloud.owner(ctx, collection, id: id, name: space.name!), lock: id)
    }

    /// The org of a PRIVATE space (required, must exist); none for the others.
    private static func ownerOrg(_ ctx: RequestContext, type: String, _ ref: OpenAPIReference?) throws -> StoredObject? {
        if type != IPSpaceType.private {
            if ref?.id != nil { throw SimError.badRequest("Only a PRIVATE IP space has an orgRef.") }
            return nil
        }
        let id = try Cloud.required(ref?.id, "orgRef.id")
        guard let o = ctx.state.get(URN.normalize(id, kind: URNKind.org), kind: Kind.org) else {
            throw SimError(400, VCDMinorError.invalidReference, "Org \(id) does not exist.")
        }
        return o
    }

    private static func update(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try APIVersions.require(ctx, minimumVersion)
        let o = try require(ctx, ctx.param("id"))
        let old = try o.decode(IPSpace.self)
        try manageable(ctx, type: old.type ?? "", org: o.orgId)
        try ctx.ensureNotBusy(o.id, name: o.name)
        let input = try ctx.body(IPSpace.self)
        if let id = input.id, URN.normalize(id, kind: URNKind.ipSpace) != o.id { throw SimError.badRequest("The id in the body (\(id)) is not \(o.id).") }
        let type = input.type ?? old.type!
        if type != old.type, !(old.type == IPSpaceType.sharedServices && type == IPSpaceType.public) {
            throw SimError.badRequest("The type of IP space \(o.name) cannot change from \(old.type!) to \(type): only SHARED_SERVICES may become PUBLIC.")
        }
        if let ref = input.orgRef?.id, URN.normalize(ref, kind: URNKind.org) != o.orgId {
            throw SimError.badRequest("The orgRef of IP space \(o.name) cannot change.")
        }
        let org = o.orgId.flatMap { ctx.state.get($0, kind: Kind.org) }
        let space = try normalize(ctx, input, id: o.id, type: type, org: org, existing: old)
        // What is allocated must stay inside the space.
        let book = try IPSpaceBook(space)
        for a in ctx.state.children(Kind.ipSpaceAllocation, of: o.id) {
            let value = a.json["value"]?.stringValue ?? ""
            let inside = a.json["type"]?.stringValue == IPSpaceAllocationValue.ipPrefix
                ? IPv4.parseCIDR(value).map { book.isBlock($0.0, length: $0.1) } ?? false
                : IPv4.parse(value).map(book.inRanges) ?? false
            if !inside { throw SimError.badRequest("\(value) is allocated to org \((try? a.decode(IPSpaceIPAllocation.self))?.orgRef?.name ?? a.orgId ?? "") and would fall outside IP space \(o.name).") }
        }
        try ctx.write.update(o, name: space.name, space)
        return try ctx.accepted(operation: "Updating IP space \(space.name!) (\(o.id))", operationName: .updateIpSpace,
                                owner: Cloud.owner(ctx, collection, id: o.id, name: space.name!), lock: o.id)
    }

    private static func remove(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try APIVersions.require(ctx, minimumVersion)
        let o = try require(ctx, ctx.param("id"))
        try manageable(ctx, type: o.json["type"]?.stringValue ?? "", org: o.orgId)
        try ctx.ensureNotBusy(o.id, name: o.name)
        let tx = ctx.write
        if let u = uplinks(tx, of: o.id).first {
            throw SimError.badRequest("IP space \(o.name) is used by IP space uplink \(u.name); delete the uplink first.")
        }
        let allocations = tx.children(Kind.ipSpaceAllocation, of: o.id)
        if !allocations.isEmpty {
            throw SimError.badRequest("IP space \(o.name) still has \(allocations.count) IP allocation(s); release them first.")
        }
        tx.delete(o.id)
        return try ctx.accepted(operation: "Deleting IP space \(o.name) (\(o.id))", operationName: .deleteIpSpace,
                                owner: Cloud.owner(ctx, collection, id: o.id, name: o.name), lock: o.id)
    }

    /// Validates a space and fills what VCD fills: ids of ranges and sequences, network addresses
    /// of prefixes, default quotas, status. Computed counts are not stored.
    private static func normalize(_ ctx: RequestContext, _ input: IPSpace, id: String, type: String, org: StoredObject?, existing: IPSpace?) throws -> IPSpace {
        var v = input
        let name = try Cloud.required(v.name ?? existing?.name, "name")
        if ctx.state.all(Kind.ipSpace).contains(where: { $0.id != id && $0.name == name && $0.json["type"]?.stringValue == type && $0.orgId == org?.id }) {
            throw SimError.duplicate("An IP space named \(name) of type \(type) already exists\(org.map { " in org \($0.name)" } ?? "").")
        }
        v.id = id
        v.name = name
        v.type = type
        v.description = v.description ?? existing?.description ?? ""
        v.orgRef = org.map(Cloud.ref)
        v.status = "REALIZED"
        v.utilization = nil
        v.routeAdvertisementEnabled = v.routeAdvertisementEnabled ?? existing?.routeAdvertisementEnabled ?? false
        v.defaultGatewayServiceConfig = v.defaultGatewayServiceConfig ?? existing?.defaultGatewayServiceConfig
        // Scopes.
        let scopes = v.ipSpaceInternalScope ?? existing?.ipSpaceInternalScope ?? []
        guard !scopes.isEmpty else { throw SimError.badRequest("The field ipSpaceInternalScope is required (at least one CIDR).") }
        let scopeRanges = try scopes.map { text -> ClosedRange<UInt32> in
            guard let (a, n) = IPv4.parseCIDR(text) else { throw SimError.badRequest("Invalid internal scope \(text): an IPv4 CIDR is expected (the simulator has no IPv6 IP spaces).") }
            return IPv4.subnetRange(gateway: a, prefix: n)
        }
        v.ipSpaceInternalScope = scopes
        if let ext = v.ipSpaceExternalScope ?? existing?.ipSpaceExternalScope, !ext.isEmpty {
            guard IPv4.parseCIDR(ext) != nil else { throw SimError.badRequest("Invalid external scope \(ext): an IPv4 CIDR is expected.") }
            v.ipSpaceExternalScope = ext
        }
        func inScope(_ r: ClosedRange<UInt32>) -> Bool { scopeRanges.contains { $0.lowerBound <= r.lowerBound && r.upperBound <= $0.upperBound } }
        // Ranges.
        let isPrivate = type == IPSpaceType.private
        var spans: [(ClosedRange<UInt32>, String)] = []
        var ranges = v.ipSpaceRanges ?? existing?.ipSpaceRanges ?? IPSpaceRanges()
        var rangeList: [IPSpaceRange] = []
        for var r in ranges.ipRanges ?? [] {
            let text = "\(r.startIpAddress ?? "?")-\(r.endIpAddress ?? "?")"
            guard let a = r.startIpAddress.flatMap(IPv4.parse), let b = r.endIpAddress.flatMap(IPv4.parse), a <= b else {
                throw SimError.badRequest("Invalid IP range \(text).")
            }
            guard inScope(a...b) else { throw SimError.badRequest("IP range \(text) is not inside the internal scope \(scopes.joined(separator: ", ")).") }
            spans.append((a...b, "IP range \(text)"))
            r.id = r.id ?? UUID().uuidString.lowercased()
            r.totalIpCount = nil; r.allocatedIpCount = nil; r.allocatedIpPercentage = nil
            rangeList.append(r)
        }
        ranges.ipRanges = rangeList
        ranges.defaultFloatingIpQuota = ranges.defaultFloatingIpQuota ?? (isPrivate ? -1 : 1)
        guard ranges.defaultFloatingIpQuota! >= -1 else { throw SimError.badRequest("defaultFloatingIpQuota must be -1 (no cap) or more.") }
        v.ipSpaceRanges = ranges
        // Prefixes: one group per prefix length.
        var lengths = Set<Int>()
        var groups: [IPSpacePrefixes] = []
        for var g in v.ipSpacePrefixes ?? existing?.ipSpacePrefixes ?? [] {
            var seqs: [IPPrefixSequence] = []
            var groupLength: Int?
            for var s in g.ipPrefixSequence ?? [] {
                guard let start = s.startingPrefixIpAddress.flatMap(IPv4.parse), let len = s.prefixLength, (1...32).contains(len),
                      let n = s.totalPrefixCount, n >= 1 else {
                    throw SimError.badRequest("Each prefix sequence needs an IPv4 startingPrefixIpAddress, a prefixLength (1-32) and a totalPrefixCount of at least 1.")
                }
                if let gl = groupLength, gl != len { throw SimError.badRequest("The prefix sequences of one group must share one prefix length (\(gl), \(len)).") }
                groupLength = len
                let net = start & IPv4.mask(len)
                let last = UInt64(net) + UInt64(n) * (UInt64(1) << UInt64(32 - len)) - 1
                guard last <= UInt64(UInt32.max), inScope(net...UInt32(last)) else {
                    throw SimError.badRequest("Prefix sequence \(IPv4.format(net))/\(len) × \(n) is not inside the internal scope \(scopes.joined(separator: ", ")).")
                }
                spans.append((net...UInt32(last), "prefix sequence \(IPv4.format(net))/\(len) × \(n)"))
                s.startingPrefixIpAddress = IPv4.format(net)
                s.id = s.id ?? UUID().uuidString.lowercased()
                s.allocatedPrefixCount = nil; s.allocatedPrefixPercentage = nil
                seqs.append(s)
            }
            guard let len = groupLength else { continue }
            guard lengths.insert(len).inserted else { throw SimError.badRequest("Two prefix groups have prefix length \(len): put their sequences in one.") }
            g.ipPrefixSequence = seqs
            g.defaultQuotaForPrefixLength = g.defaultQuotaForPrefixLength ?? (isPrivate ? -1 : 0)
            guard g.defaultQuotaForPrefixLength! >= -1 else { throw SimError.badRequest("defaultQuotaForPrefixLength must be -1 (no cap) or more.") }
            groups.append(g)
        }
        v.ipSpacePrefixes = groups
        // No address twice, here or in a space that shares its addresses' world.
        let sorted = spans.sorted { $0.0.lowerBound < $1.0.lowerBound }
        for (x, y) in zip(sorted, sorted.dropFirst()) where x.0.overlaps(y.0) {
            throw SimError.badRequest("\(x.1) overlaps \(y.1).")
        }
        for other in ctx.state.all(Kind.ipSpace) where other.id != id {
            let otherType = other.json["type"]?.stringValue
            let sameWorld = isPrivate ? (otherType == IPSpaceType.private && other.orgId == org?.id) : otherType != IPSpaceType.private
            guard sameWorld, let book = try? IPSpaceBook(other.decode(IPSpace.self)) else { continue }
            for (span, what) in spans where book.spans.contains(where: { $0.overlaps(span) }) {
                throw SimError.badRequest("\(what) overlaps IP space \(other.name).")
            }
        }
        return v
    }

    // MARK: Suggestions

    private static func suggestions(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try readable(ctx)
        guard let gatewayId = try Listing.filterValues(ctx.request, "gatewayId").first else {
            throw SimError.badRequest("The filter gatewayId==<edge gateway URN> is required.")
        }
        guard let g = ctx.state.get(gatewayId, kind: Kind.edgeGateway), ctx.visible(g), g.json["usingIpSpace"] == .bool(true) else {
            throw SimError.forbidden(rights: [], operation: ctx.route.operation, target: "edge gateway \(gatewayId)")
        }
        let gw = try g.decode(EdgeGateway.self)
        let ipTypes = try Listing.filterValues(ctx.request, "ipType")
        let wantIPv4 = ipTypes.isEmpty || ipTypes.contains("IPV4")
        let usage = IPSpaceAllocations.usage(ctx.state, orgs: g.orgId.map { [$0] })
        var rows: [StoredObject] = []
        for s in ofGateway(ctx.state, gw) where wantIPv4 {
            if ctx.session?.isProvider != true, s.json["type"]?.stringValue == IPSpaceType.sharedServices { continue }
            let unused = ctx.state.children(Kind.ipSpaceAllocation, of: s.id).filter { a in
                a.orgId == g.orgId && a.json["type"]?.stringValue == IPSpaceAllocationValue.floatingIP
                    && a.json["usageState"]?.stringValue != IPSpaceAllocationValue.usedManual
                    && usage["\(a.orgId ?? "")|\(a.json["value"]?.stringValue ?? "")"] == nil
            }.compactMap { $0.json["value"]?.stringValue }.sorted { (IPv4.parse($0) ?? 0) < (IPv4.parse($1) ?? 0) }
            var sug = IPSpaceFloatingIPSuggestion()
            sug.ipSpaceRef = Cloud.ref(s)
            sug.unusedValues = unused
            rows.append(try synthetic(s, sug))
        }
        return try Listing.page(ctx, rows, model: "IpSpaceFloatingIpSuggestions", parameters: ["gatewayId", "ipType"])
    }
}

/// The address arithmetic of one IP space: its ranges, its prefix groups, its quotas. Never
/// enumerates a range (a /8 is 16M addresses).
struct IPSpaceBook {
    struct Group {
        var length: Int
        var quota: Int
        /// (network of the first block, number of blocks)
        var sequences: [(UInt32, Int)]
        var totalBlocks: Int { sequences.reduce(0) { $0 + $1.1 } }
        var size: UInt64 { UInt64(1) << UInt64(32 - length) }
        /// Blocks in order.
        func blocks() -> AnySequence<UInt32> {
            let size = self.size
            return AnySequence(sequences.lazy.flatMap { s in (0..<s.1).lazy.map { UInt32(UInt64(s.0) + UInt64($0) * size) } })
        }
    }

    var ranges: [ClosedRange<UInt32>] = []
    var groups: [Group] = []
    var floatingQuota: Int
    /// Every span of addresses (ranges and prefix sequences).
    var spans: [ClosedRange<UInt32>] = []

    init(_ v: IPSpace) throws {
        let isPrivate = v.type == IPSpaceType.private
        floatingQuota = v.ipSpaceRanges?.defaultFloatingIpQuota ?? (isPrivate ? -1 : 1)
        for r in v.ipSpaceRanges?.ipRanges ?? [] {
            guard let a = r.startIpAddress.flatMap(IPv4.parse), let b = r.endIpAddress.flatMap(IPv4.parse), a <= b else { continue }
            ranges.append(a...b)
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        spans = ranges
        for g in v.ipSpacePrefixes ?? [] {
            var group: Group?
            for s in g.ipPrefixSequence ?? [] {
                guard let start = s.startingPrefixIpAddress.flatMap(IPv4.parse), let len = s.prefixLength, let n = s.totalPrefixCount, n > 0 else { continue }
                if group == nil { group = Group(length: len, quota: g.defaultQuotaForPrefixLength ?? (isPrivate ? -1 : 0), sequences: []) }
                let net = start & IPv4.mask(len)
                group!.sequences.append((net, n))
                let last = UInt64(net) + UInt64(n) * group!.size - 1
                spans.append(net...UInt32(min(last, UInt64(UInt32.max))))
            }
            if let group { groups.append(group) }
        }
    }

    var totalIPs: Int { ranges.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound) + 1 } }

    func inRanges(_ ip: UInt32) -> Bool { ranges.contains { $0.contains(ip) } }

    func group(_ length: Int) -> Group? { groups.first { $0.length == length } }

    /// Whether `net/length` is one of the space's prefix blocks.
    func isBlock(_ net: UInt32, length: Int) -> Bool {
        guard let g = group(length), net & IPv4.mask(length) == net else { return false }
        return g.sequences.contains { s in UInt64(net) >= UInt64(s.0) && UInt64(net) < UInt64(s.0) + UInt64(s.1) * g.size }
    }

    /// The first `n` addresses of the ranges not in `taken`, or fewer if the space runs out.
    func freeAddresses(_ n: Int, taken: Set<UInt32>) -> [UInt32] {
        var out: [UInt32] = []
        for r in ranges {
            var ip = r.lowerBound
            while out.count < n {
                if !taken.contains(ip) { out.append(ip) }
                if ip == r.upperBound { break }
                ip += 1
            }
            if out.count == n { break }
        }
        return out
    }

    /// The first `n` blocks of `length` not in `taken`.
    func freeBlocks(_ n: Int, length: Int, taken: Set<UInt32>) -> [UInt32] {
        guard let g = group(length) else { return [] }
        var out: [UInt32] = []
        for b in g.blocks() where !taken.contains(b) {
            out.append(b)
            if out.count == n { break }
        }
        return out
    }
}
