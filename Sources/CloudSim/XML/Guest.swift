import CloudWire
import Foundation
import NetAddress

/// The simulated guest of a powered-on VM (vcd-wire.md §8.6). There is no guest: at power-on the
/// simulator decides which `guestinfo.*.status` phases the node's cloud-init would run (the keys
/// the bootstrap script writes, in order; CAPVCD 1.x control-plane phases when no script says),
/// and whether a real failure cause is present:
/// * the template's ExtraConfig was stripped at import → nothing starts;
/// * NIC 0 has no network or address, the network has no DNS server, the network is isolated, or
///   its edge gateway has no SNAT rule covering the address → the network phase hangs.
/// Each phase then takes one task duration of virtual time; the keys are computed on every read.
enum Guest {
    static let failureKey = "guestinfo.post_customization_script_execution_status"
    static let failureReasonKey = "guestinfo.post_customization_script_execution_failure_reason"
    static let defaultPhases = ["guestinfo.postcustomization.networkconfiguration.status", "guestinfo.metering.status",
                                "guestinfo.postcustomization.kubeinit.status"]

    /// The status keys the bootstrap script writes, in the order they first appear.
    static func phases(_ vm: XVM) -> [String] {
        guard let ud = vm.extraConfig[key: "guestinfo.userdata"] else { return defaultPhases }
        var text = ud
        if (vm.extraConfig[key: "guestinfo.userdata.encoding"] ?? "").contains("base64"), let d = Data(base64Encoded: ud) {
            text = String(decoding: d, as: UTF8.self)
        }
        var out: [String] = []
        let re = try! NSRegularExpression(pattern: "guestinfo\\.[A-Za-z0-9_.]+\\.status")
        for m in re.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let k = String(text[Range(m.range, in: text)!])
            if !out.contains(k) { out.append(k) }
        }
        return out.isEmpty ? defaultPhases : out
    }

    static func phaseSeconds(_ ctx: RequestContext) -> Double { ctx.sim.options.realisticTiming ? 15 : ctx.sim.options.fastTaskSeconds }

    /// Decides at power-on what the guest will do.
    static func plan(_ ctx: RequestContext, _ vm: XVM) -> GuestPlan {
        let ph = phases(vm)
        var plan = GuestPlan(started: ctx.now, phases: ph, stopAt: nil, reason: nil)
        let netPhase = ph.firstIndex { $0.contains("networkconfiguration") } ?? 0
        if vm.templateExtraConfigStripped {
            plan.stopAt = 0
            plan.stopStatus = ""
            plan.reason = "post-customization never started: the ExtraConfig of the template was stripped at OVF import "
                + "(the uploader lacks the right \"\(RightName.preserveExtraConfig)\")"
            return plan
        }
        if let why = networkProblem(ctx, vm) {
            plan.stopAt = netPhase
            plan.reason = why
        }
        return plan
    }

    /// Why NIC 0 cannot reach the outside, or nil.
    static func networkProblem(_ ctx: RequestContext, _ vm: XVM) -> String? {
        guard let nic = vm.nics.first(where: { $0.index == 0 }) ?? vm.nics.first, nic.network != "none" else {
            return "network configuration failed: NIC 0 is not connected to a network"
        }
        guard let netId = nic.orgNetworkId, let netObj = ctx.state.get(netId, kind: Kind.orgVdcNetwork),
              let net = try? netObj.decode(OrgVdcNetwork.self) else {
            return "network configuration failed: vApp network \(nic.network) is not connected to an org VDC network"
        }
        guard let ip = nic.ip, let addr = IPv4.parse(ip) else {
            return "network configuration failed: NIC 0 on \(netObj.name) has no IP address"
        }
        let sub = net.subnets?.values.first
        if (sub?.dnsServer1 ?? "").isEmpty && (sub?.dnsServer2 ?? "").isEmpty {
            return "network configuration failed: network \(netObj.name) has no DNS server, names do not resolve"
        }
        guard net.networkType == "NAT_ROUTED", let gwId = net.connection?.routerRef?.id else {
            return "network configuration failed: network \(netObj.name) is isolated, there is no route out"
        }
        let gwName = ctx.state.get(gwId)?.name ?? gwId
        // Stored rules are normalised (NatRules.normalize fills `type` from either field), so the
        // typed record's `type` is the one to read.
        let snat = ctx.state.children(Kind.natRule, of: gwId).contains { o in
            guard let rule = try? o.decode(NatRule.self), rule.type == "SNAT", rule.enabled != false else { return false }
            let inner = rule.internalAddresses ?? ""
            if inner.isEmpty { return true }
            if let (base, prefix) = IPv4.parseCIDR(inner) { return IPv4.inSubnet(addr, gateway: base, prefix: prefix) }
            return IPv4.parse(inner) == addr
        }
        if !snat {
            return "network configuration failed: no outbound connectivity from \(ip): edge gateway \(gwName) has no SNAT rule for network \(netObj.name)"
        }
        return nil
    }

    /// The guest's keys now.
    static func keys(_ ctx: RequestContext, _ vm: XVM) -> [KV] {
        guard vm.status == VCDResourceStatus.poweredOn, let p = vm.guest else { return [] }
        let step = phaseSeconds(ctx)
        let elapsed = ctx.now - p.started
        var out: [KV] = []
        for (i, k) in p.phases.enumerated() {
            if let stop = p.stopAt, i >= stop {
                if i == stop {
                    let reached = step <= 0 || elapsed >= Double(i) * step
                    if reached {
                        if !p.stopStatus.isEmpty { out.append(KV(key: k, value: p.stopStatus)) }
                        out.append(KV(key: failureKey, value: "1"))
                        out.append(KV(key: failureReasonKey, value: p.reason ?? "unknown"))
                    }
                }
                break
            }
            let startT = Double(i) * step, endT = Double(i + 1) * step
            if step <= 0 || elapsed >= endT { out.append(KV(key: k, value: "successful")) } else if elapsed >= startT {
                out.append(KV(key: k, value: "in_progress"))
            }
        }
        if p.stopAt == nil, finished(ctx, vm) { out.append(KV(key: failureKey, value: "0")) }
        return out
    }

    static func finished(_ ctx: RequestContext, _ vm: XVM) -> Bool {
        guard let p = vm.guest, p.stopAt == nil else { return false }
        let step = phaseSeconds(ctx)
        return step <= 0 || ctx.now - p.started >= Double(p.phases.count) * step
    }

    /// Stored ExtraConfig with the guest's keys on top.
    static func merged(_ ctx: RequestContext, _ vm: XVM) -> [KV] {
        var out = vm.extraConfig
        for kv in keys(ctx, vm) { out[key: kv.key] = kv.value }
        return out
    }
}
