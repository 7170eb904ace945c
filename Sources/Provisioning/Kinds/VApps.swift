import Foundation
import CloudClient
import CloudWire

/// What a vApp should be: made from `template` (its VMs, renamed `vms`), NIC 0 of every VM on
/// `network` with a pool address, optionally sized by a VDC sizing policy and powered on.
public struct VAppSpec {
    public var name: String
    /// The template; `nil` in plan mode when it is itself still to be uploaded, and when none was
    /// given (`templateName` empty: enough for a vApp that exists, an error for one to create).
    public var template: TemplateInfo?
    /// For messages and the plan when the template is not there yet.
    public var templateName: String
    /// The org VDC network (by name when it is still to be created in plan mode).
    public var network: OrgVdcNetwork?
    /// VM names, in the template's VM order; names beyond the template's VMs are more copies of
    /// its first VM. Default: the template's VM names.
    public var vms: [String]?
    /// A VM sizing policy published to the VDC, by name.
    public var sizingPolicy: String?
    public var description: String?
    /// Power on after creating (and on an existing vApp that is off).
    public var powerOn: Bool?
    public init(name: String, template: TemplateInfo?, templateName: String, network: OrgVdcNetwork?, vms: [String]? = nil, sizingPolicy: String? = nil,
                description: String? = nil, powerOn: Bool? = nil) {
        self.name = name
        self.template = template
        self.templateName = templateName
        self.network = network
        self.vms = vms
        self.sizingPolicy = sizingPolicy
        self.description = description
        self.powerOn = powerOn
    }
}

/// The vApps of one VDC (legacy XML: `Vdc/ResourceEntities`, instantiateVAppTemplate, recompose,
/// undeploy, delete). Changes hold the vApp's lock (`Engine.withVAppLock`).
public struct VApps {
    public static let kind = "vApp"
    public let engine: Engine
    public let vdc: Vdc
    public init(engine: Engine, vdc: Vdc) { self.engine = engine; self.vdc = vdc }

    var vdcHref: String? { vdc.id.map { VCDClient.legacyHref($0, "vdc") } }

    /// The lock key of a vApp: the last part of its href (`vapp-<uuid>`), which its VMs' `up` link ends with too.
    public static func lockKey(_ href: String?) -> String? {
        guard let href, let last = href.split(separator: "/").last else { return nil }
        return last.lowercased()
    }

    func refs() throws -> [LegacyRef] {
        guard let vdcHref else { return [] }
        let doc = try engine.tenant.getXML(vdcHref)
        return doc.child("ResourceEntities")?.all("ResourceEntity").compactMap(LegacyRef.init).filter { $0.type == LegacyMediaType.vApp } ?? []
    }

    public func list() throws -> [VAppInfo] { try refs().map { VAppInfo(try engine.tenant.getXML($0.href)) } }

    public func find(_ name: String) throws -> VAppInfo? {
        guard let r = try refs().first(where: { $0.name == name }) else { return nil }
        return VAppInfo(try engine.tenant.getXML(r.href))
    }

    public func require(_ name: String) throws -> VAppInfo {
        if let a = try find(name) { return a }
        let names = try refs().map(\.name)
        throw EngineError.notFound("no vApp named \(name) in VDC \(vdc.name ?? "")",
                          hint: names.isEmpty ? "there is none yet; create it with vdc.vapps.ensure(name: \"\(name)\", template: tpl, network: net)"
                                              : "known: \(names.prefix(10).joined(separator: ", "))")
    }

    public func ensure(_ spec: VAppSpec) throws -> Ensured<VAppInfo> {
        guard !spec.name.isEmpty else { throw EngineError("a vApp needs a name", hint: "vdc.vapps.ensure(name: \"capi-nodes\", template: tpl, network: net)") }
        if let t = spec.template, !t.isResolved {
            throw EngineError("template \(t.name) is not usable yet (\(LegacyStatus.name(t.status)))",
                              hint: t.status == 0 ? "its upload did not finish; run catalog.upload(path:, name: \"\(t.name)\") again to resume it"
                                                  : "delete it and upload it again")
        }
        let scope = vdc.name
        if let live = try find(spec.name) {
            return try engine.withVAppLock(Self.lockKey(live.href)) { try update(live, spec) }
        }
        if spec.template == nil && spec.templateName.isEmpty {
            throw EngineError.invalid("vApp \(spec.name) does not exist in VDC \(scope ?? ""), and ensure() needs template: to create it",
                              hint: "template: org.catalog(\"k8s-templates\").template(\"ubuntu-2004-kube\"), or its name with catalog:")
        }
        let sizing = try sizingPolicyID(spec.sizingPolicy)
        let change = Change(.create, kind: Self.kind, name: spec.name, fields: [], scope: scope)
        try engine.mutate(change) {
            guard let tpl = spec.template, let vdcHref else {
                throw EngineError("template \(spec.templateName) does not exist", hint: "upload it first with catalog.upload(path:, name: \"\(spec.templateName)\")")
            }
            guard !tpl.vms.isEmpty else { throw EngineError("template \(tpl.name) has no VM", hint: "upload an OVA that holds a VM") }
            let (netName, parent) = try networkRef(spec.network)
            let names = spec.vms ?? tpl.vms.map(\.name)
            var items: [LegacyBodies.VMItem] = []
            for (i, tvm) in tpl.vms.enumerated() {
                items.append(.init(sourceHref: tvm.href, name: i < names.count ? names[i] : tvm.name, network: netName, sizingPolicyURN: sizing))
            }
            let body = LegacyBodies.instantiate(name: spec.name, description: spec.description ?? "", templateHref: tpl.href, network: netName,
                                                parentHref: parent, vms: items)
            var made: VAppInfo?
            try engine.createOnce(exists: { made = try find(spec.name); return made != nil }) {
                if let doc = try engine.tenant.changeXML("POST", vdcHref + "/action/instantiateVAppTemplate", body: body,
                                                         contentType: LegacyMediaType.instantiateParams, what: "create vApp \(spec.name)") {
                    made = VAppInfo(doc)
                }
            }
            guard let href = made?.href else { throw EngineError("vApp \(spec.name) was created but cannot be read back") }
            try engine.withVAppLock(Self.lockKey(href)) {
                if names.count > tpl.vms.count {
                    let extra = names[tpl.vms.count...].map { LegacyBodies.VMItem(sourceHref: tpl.vms[0].href, name: $0, network: netName, sizingPolicyURN: sizing) }
                    try engine.tenant.changeXML("POST", href + "/action/recomposeVApp", body: LegacyBodies.recompose(name: spec.name, vms: Array(extra)),
                                                contentType: LegacyMediaType.recomposeParams, what: "add VMs to vApp \(spec.name)")
                }
                if spec.powerOn == true {
                    try engine.tenant.changeXML("POST", href + "/power/action/powerOn", what: "power on vApp \(spec.name)")
                }
            }
        }
        if engine.isPlan {
            let names = spec.vms ?? spec.template?.vms.map(\.name) ?? []
            return Ensured(VAppInfo(name: spec.name, description: spec.description ?? "", networks: spec.network?.name.map { [$0] } ?? [],
                                    vms: names.map { VMInfo(name: $0) }), change, planned: true)
        }
        return Ensured(try require(spec.name), change)
    }

    /// An existing vApp: VMs the spec names that it lacks are added (recompose), and it is powered
    /// on when asked and off. Nothing else is compared: a vApp is not re-made from its template.
    private func update(_ live: VAppInfo, _ spec: VAppSpec) throws -> Ensured<VAppInfo> {
        let have = Set(live.vms.map(\.name))
        let missing = (spec.vms ?? []).filter { !have.contains($0) }
        let powerOn = spec.powerOn == true && live.status != LegacyStatus.poweredOn
        var fields: [String] = []
        if !missing.isEmpty { fields.append("vms +\(missing.joined(separator: ", "))") }
        if powerOn { fields.append("power on") }
        if fields.isEmpty {
            engine.unchanged(kind: Self.kind, name: spec.name, scope: vdc.name)
            return Ensured(live, Change(.unchanged, kind: Self.kind, name: spec.name))
        }
        if !missing.isEmpty, spec.template == nil || spec.template?.vms.isEmpty == true {
            throw EngineError("vApp \(spec.name) lacks VMs \(missing.joined(separator: ", ")) but template \(spec.templateName) is not there to make them",
                              hint: "upload the template first")
        }
        let sizing = missing.isEmpty ? nil : try sizingPolicyID(spec.sizingPolicy)
        let change = Change(.update, kind: Self.kind, name: spec.name, fields: fields, scope: vdc.name)
        try engine.mutate(change) {
            if !missing.isEmpty, let src = spec.template?.vms.first {
                let net = spec.network?.name ?? live.networks.first
                let items = missing.map { LegacyBodies.VMItem(sourceHref: src.href, name: $0, network: net, sizingPolicyURN: sizing) }
                try engine.tenant.changeXML("POST", live.href + "/action/recomposeVApp", body: LegacyBodies.recompose(name: live.name, vms: items),
                                            contentType: LegacyMediaType.recomposeParams, what: "add VMs to vApp \(live.name)")
            }
            if powerOn { try engine.tenant.changeXML("POST", live.href + "/power/action/powerOn", what: "power on vApp \(live.name)") }
        }
        return Ensured(engine.isPlan ? live : try require(spec.name), change)
    }

    /// The URN of a sizing policy published to the VDC, or an error naming the ones there are.
    func sizingPolicyID(_ name: String?) throws -> String? {
        guard let name else { return nil }
        let all = try ComputePolicies(engine: engine, vdc: vdc).list()
        if let p = all.first(where: { $0.name == name }), let id = p.id { return id }
        throw EngineError.notFound("no compute policy named \(name) in VDC \(vdc.name ?? "")",
                          hint: all.isEmpty ? "the VDC has no published policies; leave sizingPolicy out" : "known: \(all.compactMap(\.name).joined(separator: ", "))")
    }

    /// The vApp network name and the org VDC network's legacy href.
    func networkRef(_ n: OrgVdcNetwork?) throws -> (String?, String?) {
        guard let n else { return (nil, nil) }
        guard let id = n.id, let name = n.name else {
            throw EngineError("network \(n.name ?? "?") does not exist yet", hint: "create it with vdc.networks.ensure(...) before the vApp")
        }
        return (name, VCDClient.legacyHref(id, "network"))
    }

    /// Powers the vApp's VMs on or off (`= unchanged` when they already are).
    public func power(_ live: VAppInfo, on: Bool) throws -> Ensured<VAppInfo> {
        try engine.withVAppLock(Self.lockKey(live.href)) {
            let now = try find(live.name) ?? live
            let want = on ? LegacyStatus.poweredOn : LegacyStatus.poweredOff
            if now.status == want && (on || !now.deployed || now.vms.isEmpty) {
                engine.unchanged(kind: Self.kind, name: live.name, scope: vdc.name)
                return Ensured(now, Change(.unchanged, kind: Self.kind, name: live.name))
            }
            let change = Change(.update, kind: Self.kind, name: live.name, fields: [on ? "power on" : "power off"], scope: vdc.name)
            try engine.mutate(change) {
                if on {
                    try engine.tenant.changeXML("POST", now.href + "/power/action/powerOn", what: "power on vApp \(live.name)")
                } else {
                    try undeploy(now)
                }
            }
            return Ensured(engine.isPlan ? now : try require(live.name), change)
        }
    }

    /// Powers off and undeploys (VCD refuses to delete a running vApp).
    func undeploy(_ a: VAppInfo) throws {
        try engine.tenant.changeXML("POST", a.href + "/action/undeploy", body: LegacyBodies.undeployPowerOff(), contentType: LegacyMediaType.undeployParams,
                                    what: "power off vApp \(a.name)")
    }

    /// Powers the vApp off if needed, then deletes it with its VMs; false when there was none.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        guard let live = try find(name) else { return false }
        let running = live.vms.filter { $0.status != LegacyStatus.poweredOff }.map(\.name)
        try engine.withVAppLock(Self.lockKey(live.href)) {
            try engine.mutate(Change(.delete, kind: Self.kind, name: name, fields: running.isEmpty ? [] : ["power off"], scope: vdc.name)) {
                if live.deployed || !running.isEmpty { try undeploy(live) }
                try engine.tenant.changeXML("DELETE", live.href, what: "delete vApp \(name)")
            }
        }
        return true
    }
}
