import Foundation
import CloudClient

/// The VMs of one vApp: list, find, power, ExtraConfig (and the `guestinfo.*` keys in it, which
/// is how VCD hands properties to a guest: cloud-init's VMware datasource reads them). Every change
/// holds the vApp's lock and goes through the mutation gate.
public struct VMs {
    public static let kind = "VM"
    /// The prefix of guest properties in ExtraConfig.
    public static let guestinfoPrefix = "guestinfo."
    public let engine: Engine
    public let vapp: VAppInfo
    public init(engine: Engine, vapp: VAppInfo) { self.engine = engine; self.vapp = vapp }

    var lockKey: String? { VApps.lockKey(vapp.href) }

    /// The VMs as the server has them now.
    public func list() throws -> [VMInfo] {
        guard !vapp.href.isEmpty else { return vapp.vms }  // planned vApp: the names it will have
        return VAppInfo(try engine.tenant.getXML(vapp.href)).vms
    }

    public func find(_ name: String) throws -> VMInfo? {
        guard let vm = try list().first(where: { $0.name == name }) else { return nil }
        return vm.href.isEmpty ? vm : try read(vm)
    }

    /// The VM document itself (the vApp's `Children/Vm` is the same shape; this is the fresh one).
    public func read(_ vm: VMInfo) throws -> VMInfo { VMInfo(try engine.tenant.getXML(vm.href)) }

    public func require(_ name: String) throws -> VMInfo {
        if let vm = try find(name) { return vm }
        let names = try list().map(\.name)
        throw EngineError.notFound("no VM named \(name) in vApp \(vapp.name)",
                          hint: names.isEmpty ? "the vApp has no VMs" : "known: \(names.prefix(10).joined(separator: ", "))")
    }

    public enum PowerAction: String {
        case powerOn, powerOff, reset
        var words: String { switch self { case .powerOn: return "power on"; case .powerOff: return "power off"; case .reset: return "reset" } }
    }

    /// Powers the VM on or off (`= unchanged` when it already is), or resets a running VM.
    public func power(_ vm: VMInfo, _ action: PowerAction) throws -> Ensured<VMInfo> {
        guard !vm.href.isEmpty else { return try planned(vm, action.words) }
        return try engine.withVAppLock(lockKey) {
            let now = try read(vm)
            switch action {
            case .powerOn where now.status == LegacyStatus.poweredOn, .powerOff where now.status == LegacyStatus.poweredOff:
                engine.unchanged(kind: Self.kind, name: vm.name, scope: vapp.name)
                return Ensured(now, Change(.unchanged, kind: Self.kind, name: vm.name))
            case .reset where now.status != LegacyStatus.poweredOn:
                throw EngineError("VM \(vm.name) is \(LegacyStatus.name(now.status)); only a running VM can be reset", hint: "power it on instead: vm.powerOn()")
            default: break
            }
            let change = Change(.update, kind: Self.kind, name: vm.name, fields: [action.words], scope: vapp.name)
            try engine.mutate(change) {
                try engine.tenant.changeXML("POST", now.href + "/power/action/\(action.rawValue)", what: "\(action.words) VM \(vm.name)")
            }
            return Ensured(engine.isPlan ? now : try read(now), change)
        }
    }

    /// Sets ExtraConfig keys: only keys whose value differs are written (one reconfigure carrying
    /// the VM's hardware items and just those keys); `= unchanged` when none does. Keys not named are kept.
    public func setExtraConfig(_ vm: VMInfo, _ entries: [(key: String, value: String)]) throws -> Ensured<VMInfo> {
        for (k, _) in entries where k.isEmpty || k.contains(where: { $0.isWhitespace }) {
            throw EngineError("invalid ExtraConfig key \"\(k)\"", hint: "keys are dotted words without spaces, e.g. guestinfo.userdata")
        }
        guard !vm.href.isEmpty else { return try planned(vm, "extraConfig \(entries.map(\.key).joined(separator: ", "))") }
        return try engine.withVAppLock(lockKey) {
            let doc = try engine.tenant.getXML(vm.href)
            let now = VMInfo(doc)
            var changed: [(key: String, value: String)] = []
            for kv in entries where now.extraConfigValue(kv.key) != kv.value {
                changed.removeAll { $0.key == kv.key }
                changed.append(kv)
            }
            if changed.isEmpty {
                engine.unchanged(kind: Self.kind, name: vm.name, scope: vapp.name)
                return Ensured(now, Change(.unchanged, kind: Self.kind, name: vm.name))
            }
            let change = Change(.update, kind: Self.kind, name: vm.name, fields: changed.map(\.key), scope: vapp.name)
            try engine.mutate(change) {
                try engine.tenant.changeXML("POST", now.href + "/action/reconfigureVm", body: LegacyBodies.extraConfig(vm: doc, changed),
                                            contentType: LegacyMediaType.vm, what: "set ExtraConfig of VM \(vm.name)")
            }
            return Ensured(engine.isPlan ? now : try read(now), change)
        }
    }

    /// `guestinfo.*` ExtraConfig keys without the prefix.
    public static func guestinfo(_ vm: VMInfo) -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        for kv in vm.extraConfig where kv.key.hasPrefix(guestinfoPrefix) {
            let k = String(kv.key.dropFirst(guestinfoPrefix.count))
            out.removeAll { $0.key == k }
            out.append((k, kv.value))
        }
        return out
    }

    /// Sets guest properties (`guestinfo.<key>` ExtraConfig keys; a key already prefixed is kept as is).
    public func setGuestinfo(_ vm: VMInfo, _ entries: [(key: String, value: String)]) throws -> Ensured<VMInfo> {
        try setExtraConfig(vm, entries.map { ($0.key.hasPrefix(Self.guestinfoPrefix) ? $0.key : Self.guestinfoPrefix + $0.key, $0.value) })
    }

    /// A change to a VM of a vApp that is itself still to be created (plan mode only).
    private func planned(_ vm: VMInfo, _ what: String) throws -> Ensured<VMInfo> {
        guard engine.isPlan else { throw EngineError("VM \(vm.name) does not exist", hint: "create its vApp first with vdc.vapps.ensure(...)") }
        let change = Change(.update, kind: Self.kind, name: vm.name, fields: [what], scope: vapp.name)
        try engine.mutate(change) {}
        return Ensured(vm, change, planned: true)
    }
}
