import Foundation
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// The collections of catalogs, templates, vApps and VMs, and the argument helpers they share.
extension Objects {
    static func catalogs(_ e: Engine, _ org: Org) -> Value {
        let k = Catalogs(engine: e, org: org)
        let wrap = { (c: CatalogInfo, planned: Bool) -> Value in .object(Ref(Types.catalog, engine: e, value: c, planned: planned)) }
        return .object(CloudCollection(type: Types.catalogs, elementKind: "catalog", scope: "org \(org.name ?? "")",
            list: { try k.list().map { wrap($0, false) } },
            find: { n in try k.find(n).map { wrap($0, false) } },
            ensure: { a in
                let r = try k.ensure(name: try a.string(0), description: try a.optString("description"))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) }))
    }

    /// `org.sharedCatalogs`: other orgs' catalogs the org sees (read-only).
    static func sharedCatalogs(_ e: Engine, _ org: Org) -> Value {
        let k = Catalogs(engine: e, org: org)
        return .object(CloudCollection(type: Types.sharedCatalogs, elementKind: "shared catalog", scope: "org \(org.name ?? "")",
            list: { try k.sharedList().map { .object(Ref(Types.catalog, engine: e, value: $0)) } }))
    }

    static func templates(_ e: Engine, _ catalog: CatalogInfo) -> Value {
        let k = Templates(engine: e, catalog: catalog)
        let wrap = { (t: TemplateInfo, planned: Bool) -> Value in .object(Ref(Types.template, engine: e, value: t, planned: planned)) }
        let c = TemplateCollection(type: Types.templates, elementKind: "template", scope: "catalog \(catalog.name)",
            list: { try k.list().map { wrap($0, false) } },
            find: { n in try k.find(n).map { wrap($0, false) } },
            ensure: { a in
                let r = try k.upload(path: expand(try a.requiredString("path")), name: try a.string(0), description: try a.optString("description"))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) })
        c.engine = e
        c.catalog = catalog
        c.emptyHint = { n in "catalog \(catalog.name) is empty; upload the template with catalog.upload(path: \"node.ova\", name: \"\(n)\")" }
        return .object(c)
    }

    /// `catalog.upload(path:, name:)` and `catalog.templates.upload(...)`.
    static func upload(_ e: Engine, _ catalog: CatalogInfo, path: String, name: String, description: String?, _ ctx: CallContext) throws -> Value {
        let r = try host(ctx) { try Templates(engine: e, catalog: catalog).upload(path: expand(path), name: name, description: description) }
        return .object(Ref(Types.template, engine: e, value: r.value, planned: r.planned))
    }

    /// `~/x.ova` → the home directory's; relative paths stay relative to the working directory.
    static func expand(_ path: String) -> String { (path as NSString).expandingTildeInPath }

    static func vapps(_ e: Engine, _ vdc: Vdc) -> Value {
        let k = VApps(engine: e, vdc: vdc)
        let wrap = { (x: VAppInfo, planned: Bool) -> Value in .object(Ref(Types.vapp, engine: e, value: x, planned: planned, vdc: vdc)) }
        return .object(CloudCollection(type: Types.vapps, elementKind: "vApp", scope: "VDC \(vdc.name ?? "")",
            list: { try k.list().map { wrap($0, false) } },
            find: { n in try k.find(n).map { wrap($0, false) } },
            ensure: { a in
                let (template, templateName) = try vappTemplate(e, vdc, a)
                let r = try k.ensure(VAppSpec(name: try a.string(0), template: template, templateName: templateName,
                                              network: try vappNetwork(e, vdc, a["network"]), vms: try a.optStrings("vms"),
                                              sizingPolicy: try a.optString("sizingPolicy"), description: try a.optString("description"),
                                              powerOn: try a.optBool("powerOn")))
                return wrap(r.value, r.planned)
            },
            delete: { n in try k.delete(n) }))
    }

    /// The template of `vapps.ensure`: an object, or a name with `catalog:` (object or name).
    /// Nil with its name when it is planned (plan mode, still to be uploaded).
    static func vappTemplate(_ e: Engine, _ vdc: Vdc, _ a: Arguments) throws -> (TemplateInfo?, String) {
        switch a["template"] {
        case .object(let o):
            guard let r = o as? Ref<TemplateInfo> else { throw ScriptError(.type, "ensure(): template must be a template or its name, not \(o.nativeType.name)") }
            return (r.planned ? nil : r.value, r.value.name)
        case .string(let name):
            let catalog: CatalogInfo
            switch a["catalog"] {
            case .object(let o):
                guard let r = o as? Ref<CatalogInfo> else { throw ScriptError(.type, "ensure(): catalog must be a catalog or its name") }
                catalog = r.value
            case .string(let cname):
                // The catalog of the VDC's org (a catalog shared from another org is passed as an object).
                var org = Org()
                org.id = vdc.org?.id
                org.name = vdc.org?.name
                catalog = try Catalogs(engine: e, org: org).require(cname)
            case .null:
                throw EngineError("template \"\(name)\" is given by name, so ensure() needs catalog: too",
                                  hint: "pass catalog: \"k8s-templates\", or the template object: template: org.catalog(\"k8s-templates\").template(\"\(name)\")")
            case let v: throw ScriptError(.type, "ensure(): catalog must be a catalog or its name, not \(v.typeName)")
            }
            if catalog.href.isEmpty && e.isPlan { return (nil, name) }
            let t = try Templates(engine: e, catalog: catalog)
            if let found = try t.find(name) { return (found, name) }
            if e.isPlan { return (nil, name) }
            return (try t.require(name), name)
        case .null:
            // Needed only to create the vApp: on one that exists, ensure changes what it is given.
            return (nil, "")
        case let v:
            throw ScriptError(.type, "ensure(): template must be a template or its name, not \(v.typeName)")
        }
    }

    /// The network of `vapps.ensure`: an object or a name (a name not found is an error, except in
    /// plan mode where it may be created earlier in the same plan).
    static func vappNetwork(_ e: Engine, _ vdc: Vdc, _ v: Value) throws -> OrgVdcNetwork? {
        switch v {
        case .null: return nil
        case .object(let o):
            guard let r = o as? Ref<OrgVdcNetwork> else { throw ScriptError(.type, "ensure(): network must be a network or its name, not \(o.nativeType.name)") }
            return r.value
        case .string(let name):
            if let n = try Networks(engine: e, vdc: vdc).find(name) { return n }
            if e.isPlan { var n = OrgVdcNetwork(); n.name = name; return n }
            let names = try Networks(engine: e, vdc: vdc).list().compactMap(\.name)
            throw EngineError.notFound("no network named \(name) in VDC \(vdc.name ?? "")",
                              hint: names.isEmpty ? "create it first with vdc.networks.ensure(name: \"\(name)\", gateway: gw, cidr: ...)" : "known: \(names.joined(separator: ", "))")
        default: throw ScriptError(.type, "ensure(): network must be a network or its name, not \(v.typeName)")
        }
    }

    static func vms(_ e: Engine, _ vapp: VAppInfo, planned: Bool, vdc: String? = nil) -> Value {
        let k = VMs(engine: e, vapp: vapp)
        let wrap = { (x: VMInfo) -> Value in .object(Ref(Types.vm, engine: e, value: VMInVApp(vm: x, vapp: vapp, vdc: vdc), planned: planned)) }
        return .object(CloudCollection(type: Types.vms, elementKind: "VM", scope: "vApp \(vapp.name)",
            list: { try k.list().map(wrap) },
            find: { n in try k.find(n).map(wrap) }))
    }

    /// `org.vapps`: every vApp of every VDC of the org, VDC by VDC.
    static func orgVapps(_ e: Engine, _ org: Org) -> Value {
        let list = { () throws -> [Value] in
            try Vdcs(engine: e, org: org).list().flatMap { vdc in
                try VApps(engine: e, vdc: vdc).list().map { Value.object(Ref(Types.vapp, engine: e, value: $0, vdc: vdc)) }
            }
        }
        return .object(CloudCollection(type: Types.orgVapps, elementKind: "vApp", scope: "org \(org.name ?? "")", list: list))
    }

    /// `vdc.vms` and `org.vms`: the VMs of the VDCs' vApps, as each vApp document lists them (one
    /// read per vApp). get/find take a VM name (the first of that name) or "vapp/vm".
    static func flatVms(_ e: Engine, type: NativeType, scope: String, vdcs: @escaping () throws -> [Vdc]) -> Value {
        let list = { () throws -> [Ref<VMInVApp>] in
            try vdcs().flatMap { vdc in
                try VApps(engine: e, vdc: vdc).list().flatMap { vapp in
                    vapp.vms.map { Ref(Types.vm, engine: e, value: VMInVApp(vm: $0, vapp: vapp, vdc: vdc.name)) }
                }
            }
        }
        return .object(CloudCollection(type: type, elementKind: "VM", scope: scope,
            list: { try list().map { .object($0) } },
            find: { n in
                let parts = n.split(separator: "/", maxSplits: 1).map(String.init)
                let match = try list().first { r in
                    parts.count == 2 ? r.value.vapp.name == parts[0] && r.value.vm.name == parts[1] : r.value.vm.name == n
                }
                return match.map { .object($0) }
            }))
    }

    static func vdcVms(_ e: Engine, _ vdc: Vdc) -> Value {
        flatVms(e, type: Types.vdcVms, scope: "VDC \(vdc.name ?? "")") { [vdc] }
    }

    static func orgVms(_ e: Engine, _ org: Org) -> Value {
        flatVms(e, type: Types.orgVms, scope: "org \(org.name ?? "")") { try Vdcs(engine: e, org: org).list() }
    }

    /// A value read back from the site: a secret again when it is one the redactor knows (a
    /// password set through setGuestinfo prints as ******** when read, like when it was written).
    static func maybeSecret(_ v: String) -> Value {
        !v.isEmpty && SecretRedactor.shared.redact(v) != v ? .secret(SecretRef(v)) : .string(v)
    }

    /// A map argument as (key, value) strings; numbers and booleans are written as text, secrets
    /// are revealed here (on their way to the wire) and registered so logs mask them.
    static func stringPairs(_ a: Arguments, _ function: String) throws -> [(key: String, value: String)] {
        guard case .map(let m) = a[0] else {
            throw ScriptError(.type, "\(function)() takes a map, e.g. {\"guestinfo.hostname\": \"node-1\"}, not \(a[0].typeName)")
        }
        return try m.entries.map { kv in
            let v = kv.value
            guard case .string(let key) = kv.key else { throw ScriptError(.type, "\(function)(): keys must be strings") }
            switch v {
            case .string(let s): return (key, s)
            case .int(let i): return (key, String(i))
            case .bool(let b): return (key, b ? "true" : "false")
            case .float(let f): return (key, String(f))
            case .secret(let s):
                SecretRedactor.shared.register(s.reveal())
                return (key, s.reveal())
            default: throw ScriptError(.type, "\(function)(): the value of \(key) must be a string, number or bool, not \(v.typeName)")
            }
        }
    }
}
