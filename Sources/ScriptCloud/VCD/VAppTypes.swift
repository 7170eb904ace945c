import Foundation
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// A VM with the vApp it belongs to (its changes take the vApp's lock and name it in messages).
struct VMInVApp {
    var vm: VMInfo
    var vapp: VAppInfo
    /// The VDC's name, when the VM was reached through its VDC (nil for a vApp found otherwise).
    var vdc: String? = nil
}

/// `catalog.templates`: a collection that knows its catalog (for `upload`).
final class TemplateCollection: CloudCollection {
    var catalog = CatalogInfo(name: "")
}

/// Catalogs, templates, vApps and VMs as script types (the legacy XML side of the engine).
extension Types {
    // MARK: Collections

    static let catalogs = Collections.type("catalogs", element: "catalog", doc: "The catalogs of an org (its own: those other orgs share with it are in sharedCatalogs). Another org's catalogs are read and changed through the provider session.",
        ensureParams: [Parameter("name"), Parameter("description", default: .null, doc: "set at creation only")],
        ensureDoc: "Creates the catalog if missing, else does nothing; prints + created / = unchanged and returns it. delete(name) removes it with its templates.",
        columns: ["name", "templateCount", "owner", "description"])

    static let sharedCatalogs = Collections.type("sharedCatalogs", element: "catalog",
        doc: "The catalogs of other orgs an org sees, shared with it or published (read-only; found with the query service, type=catalog). Share or publish from the owner: cloud.org(OWNER).catalog(NAME).share(org: ...) or .publish().",
        ensureParams: nil, columns: ["name", "org", "templateCount", "published"])

    static let templates = { () -> NativeType in
        let t = Collections.type("templates", element: "template", doc: "The vApp templates of a catalog. ensure(name:, path:) uploads an OVA (like upload).",
            ensureParams: [Parameter("name"), Parameter("path", doc: "the .ova file"), Parameter("description", default: .null)],
            ensureDoc: "Uploads the OVA at path as template name unless a usable one of that name exists (= unchanged); resumes a broken upload; prints byte progress.",
            columns: ["name", "status", "vms", "osType", "kubernetesVersion"])
        t.method("upload", of: TemplateCollection.self, params: [Parameter("path", doc: "the .ova file"), Parameter("name"), Parameter("description", default: .null)],
                 doc: "Same as catalog.upload(path:, name:).") { c, a, ctx in
            return try Objects.upload(c.engine!, c.catalog, path: try a.string(0), name: try a.string(1), description: try a.optString("description"), ctx)
        }
        return t
    }()

    static let vapps = Collections.type("vapps", element: "vApp", doc: "The vApps of a VDC.",
        ensureParams: [Parameter("name"), Parameter("template", default: .null, doc: "a template object, or its name with catalog:"),
                       Parameter("catalog", default: .null, doc: "catalog (object or name) of a template given by name"),
                       Parameter("network", default: .null, doc: "org VDC network (object or name) for NIC 0 of every VM, pool addressing"),
                       Parameter("vms", default: .null, doc: "VM names; default the template's"),
                       Parameter("sizingPolicy", default: .null, doc: "a VM sizing policy of the VDC, by name"),
                       Parameter("powerOn", default: .null, doc: "power on after creating"), Parameter("description", default: .null)],
        ensureDoc: "Instantiates the template as vApp name if missing (adds VMs named in vms that it lacks, powers it on when powerOn: true); prints + / ~ / = and returns it. delete(name) powers it off first.",
        columns: ["name", "status", "vmCount", "network"])

    static let vms = Collections.type("vms", element: "VM", doc: "The VMs of a vApp (read-only: VMs come from vApp templates).", ensureParams: nil,
                                      columns: ["name", "powerState", "ip", "cpus", "memoryMB", "guestOS"])

    // Views that flatten a level of the tree (read-only): the same vApps and VMs, each knowing
    // where it lives, so an inventory is one expression: cloud.org("xav_lab").vms.

    static let orgVapps = Collections.type("orgVapps", element: "vApp",
        doc: "Every vApp of every VDC of an org (read-only view; each knows its vdc). Create vApps with vdc.vapps.ensure.", ensureParams: nil,
        itemColumns: ["name", "vdc", "status", "vmCount", "network"])

    static let vdcVms = Collections.type("vdcVms", element: "VM",
        doc: "Every VM of every vApp of a VDC (read-only view; each knows its vapp and vdc). get(name) takes \"vapp/vm\" too, as VM names are unique only within a vApp.",
        ensureParams: nil, itemColumns: ["name", "vapp", "powerState", "ip", "cpus", "memoryMB", "guestOS"])

    static let orgVms = Collections.type("orgVms", element: "VM",
        doc: "Every VM of every vApp of every VDC of an org (read-only view; each knows its vapp and vdc). get(name) takes \"vapp/vm\" too, as VM names are unique only within a vApp.",
        ensureParams: nil, itemColumns: ["name", "vdc", "vapp", "powerState", "ip", "cpus", "memoryMB"])

    // MARK: Objects

    static let catalog = { () -> NativeType in
        let t = defineType("catalog", doc: "A catalog of vApp templates, of an org or shared with it by another (read as the org sees it).",
                           columns: ["name", "templateCount", "owner", "description"], fields: [
            Field<CatalogInfo>("name", "Its name.") { r, _ in V.s(r.value.name) },
            Field<CatalogInfo>("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
            Field<CatalogInfo>("description", "Description.") { r, _ in V.s(r.value.description) },
            Field<CatalogInfo>("owner", "The user who owns it.", known: false) { r, _ in V.s(r.value.owner) },
            Field<CatalogInfo>("org", "The org it belongs to.") { r, _ in V.s(r.value.orgName) },
            Field<CatalogInfo>("published", "Whether it is published to every org (read-only for them).", known: false) { r, _ in V.b(r.value.isPublished) },
            Field<CatalogInfo>("sharedWith", "Who it is shared with: a map of org (or user) name to access level (ReadOnly, Change, FullControl); needs full control of it.", known: false) { r, ctx in
                let acl = try host(ctx) { try CatalogSharingOps(engine: r.engine, catalog: r.value).access() }
                var m: [(String, Value)] = []
                for s in acl?.settings ?? [] { m.append((s.subjectName, .string(s.level))) }
                return .map(m)
            },
            Field<CatalogInfo>("templateCount", "How many items (templates) it holds.") { r, _ in V.i(r.value.items.count) },
            Field<CatalogInfo>("templates", "Its templates (collection).") { r, _ in Objects.templates(r.engine, r.value) },
        ], nameOf: { $0.name })
        t.method("share", of: Ref<CatalogInfo>.self, params: [Parameter("org", doc: "the org to share it with, by name"),
                                   Parameter("access", default: .string("ReadOnly"), doc: "ReadOnly (use its templates), Change (also add and remove them) or FullControl")],
                 doc: "Shares the catalog with another org at that access level, keeping its other shares: ~ updated (shared with ORG: LEVEL) or = unchanged. Needs Catalog: Sharing, and for a tenant an org the provider lets share; another org's catalog goes through the provider session.") { r, a, ctx in
            _ = try host(ctx) { try CatalogSharingOps(engine: r.engine, catalog: r.value).share(org: try a.string(0), level: try a.string(1)) }
            return .object(r)
        }
        t.method("unshare", of: Ref<CatalogInfo>.self, params: [Parameter("org", doc: "the org to stop sharing it with")],
                 doc: "Stops sharing the catalog with that org: ~ updated (not shared with ORG) or = unchanged.") { r, a, ctx in
            _ = try host(ctx) { try CatalogSharingOps(engine: r.engine, catalog: r.value).unshare(org: try a.string(0)) }
            return .object(r)
        }
        t.method("publish", of: Ref<CatalogInfo>.self, params: [Parameter("published", default: .bool(true), doc: "false withdraws it")],
                 doc: "Publishes the catalog to every org of the site, read-only (IsPublished): ~ updated (published: false → true) or = unchanged. The provider, or a tenant holding Catalog: Publish in an org the provider lets publish.") { r, a, ctx in
            let published = try a.bool(0)
            let ch = try host(ctx) { try CatalogSharingOps(engine: r.engine, catalog: r.value).publish(published) }
            if ch.action == .update && !r.engine.isPlan { r.value.isPublished = published }
            return .object(r)
        }
        t.method("template", of: Ref<CatalogInfo>.self, params: [Parameter("name")], doc: "The template named `name` (same as templates.get(name)).") { r, a, ctx in
            return try Objects.get(Objects.templates(r.engine, r.value), try a.string(0), ctx)
        }
        t.method("upload", of: Ref<CatalogInfo>.self, params: [Parameter("path", doc: "the .ova file"), Parameter("name"), Parameter("description", default: .null)],
                 doc: "Uploads the OVA at path as template name, with byte progress: = unchanged when a usable template of that name exists; a broken upload is resumed, sending only what the server lacks.") { r, a, ctx in
            let t = try Objects.upload(r.engine, r.value, path: try a.string(0), name: try a.string(1), description: try a.optString("description"), ctx)
            // The catalog's item list changed: read it again so templateCount and friends are current.
            if !r.planned && !r.engine.isPlan, let fresh = try host(ctx, { try Catalogs.read(r.engine, r.value) }) { r.value = fresh }
            return t
        }
        return t
    }()

    static let template = defineType("template", doc: "A vApp template (uploaded from an OVA).", columns: ["name", "status", "vms", "osType", "kubernetesVersion"], fields: [
        Field<TemplateInfo>("name", "Its name.") { r, _ in V.s(r.value.name) },
        Field<TemplateInfo>("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
        Field<TemplateInfo>("status", "RESOLVED when usable, UNRESOLVED while its upload is unfinished, FAILED_CREATION.", known: false) { r, _ in
            V.s(r.value.status == LegacyStatus.resolved ? "RESOLVED" : LegacyStatus.name(r.value.status)) },
        Field<TemplateInfo>("catalog", "The catalog's name.") { r, _ in V.s(r.value.catalogName) },
        Field<TemplateInfo>("description", "Description.") { r, _ in V.s(r.value.description) },
        Field<TemplateInfo>("vms", "Names of its VMs.", known: false) { r, _ in V.list(r.value.vms.map(\.name)) },
        Field<TemplateInfo>("osType", "Guest OS type of its first VM (vmw:osType).", known: false) { r, _ in V.s(r.value.vms.first?.osType) },
        Field<TemplateInfo>("cpus", "vCPUs of its first VM.", known: false) { r, _ in V.i(r.value.vms.first?.cpus) },
        Field<TemplateInfo>("memoryMB", "Memory of its first VM in MB.", known: false) { r, _ in V.i(r.value.vms.first?.memoryMB) },
        Field<TemplateInfo>("version", "Product version from the OVF ProductSection.", known: false) { r, _ in V.s(r.value.productVersion) },
        Field<TemplateInfo>("kubernetesVersion", "Kubernetes version from the OVF properties (CAPVCD's template check).", known: false) { r, _ in V.s(r.value.kubernetesVersion) },
    ], nameOf: { $0.name })

    static let vapp = { () -> NativeType in
        let t = defineType("vapp", doc: "A vApp: VMs made from a template, on an org VDC network.", columns: ["name", "status", "vmCount", "network"], fields: [
            Field<VAppInfo>("name", "Its name.") { r, _ in V.s(r.value.name) },
            Field<VAppInfo>("id", "Its URN.", known: false) { r, _ in V.s(r.value.id) },
            Field<VAppInfo>("vdc", "The VDC's name.") { r, _ in V.s(r.vdc?.name) },
            Field<VAppInfo>("status", "POWERED_ON, POWERED_OFF, MIXED, ...", known: false) { r, _ in V.s(LegacyStatus.name(r.value.status)) },
            Field<VAppInfo>("deployed", "Whether it is deployed.", known: false) { r, _ in V.b(r.value.deployed) },
            Field<VAppInfo>("description", "Description.") { r, _ in V.s(r.value.description) },
            Field<VAppInfo>("network", "Its (first) vApp network, named like the org VDC network.") { r, _ in V.s(r.value.networks.first) },
            Field<VAppInfo>("networks", "Its vApp networks.") { r, _ in V.list(r.value.networks) },
            Field<VAppInfo>("vmCount", "How many VMs it has.") { r, _ in V.i(r.value.vms.count) },
            Field<VAppInfo>("vms", "Its VMs (collection).") { r, _ in Objects.vms(r.engine, r.value, planned: r.planned, vdc: r.vdc?.name) },
        ], nameOf: { $0.name })
        t.method("vm", of: Ref<VAppInfo>.self, params: [Parameter("name")], doc: "The VM named `name` (same as vms.get(name)).") { r, a, ctx in
            return try Objects.get(Objects.vms(r.engine, r.value, planned: r.planned, vdc: r.vdc?.name), try a.string(0), ctx)
        }
        for (name, on) in [("powerOn", true), ("powerOff", false)] {
            t.method(name, of: Ref<VAppInfo>.self, doc: "Powers every VM \(on ? "on" : "off (undeploy)") and waits; = unchanged when they already are.") { r, _, ctx in
                if r.planned { return .null }
                let e = try host(ctx) { try VApps(engine: r.engine, vdc: r.vdc ?? Vdc()).power(r.value, on: on) }
                r.value = e.value
                return .object(r)
            }
        }
        return t
    }()

    static let vm = { () -> NativeType in
        typealias F = Field<VMInVApp>
        let t = defineType("vm", doc: "A VM of a vApp: power, ExtraConfig and guestinfo properties, address.",
                           columns: ["name", "powerState", "ip", "cpus", "memoryMB", "guestOS"], fields: [
            F("name", "Its name.") { r, _ in V.s(r.value.vm.name) },
            F("id", "Its URN (CAPVCD's providerID carries it).", known: false) { r, _ in V.s(r.value.vm.id) },
            F("vapp", "The vApp's name.") { r, _ in V.s(r.value.vapp.name) },
            F("vdc", "The VDC's name.") { r, _ in V.s(r.value.vdc) },
            F("powerState", "POWERED_ON, POWERED_OFF, SUSPENDED, ...", known: false) { r, _ in V.s(LegacyStatus.name(r.value.vm.status)) },
            F("ip", "The address of its primary NIC (from the network's static pool).", known: false) { r, _ in V.s(r.value.vm.ipAddress) },
            F("ips", "Addresses of all its NICs.", known: false) { r, _ in V.list(r.value.vm.ipAddresses) },
            F("network", "The network of its primary NIC.", known: false) { r, _ in V.s(r.value.vm.network) },
            F("guestOS", "Guest OS (the OVF description, else vmw:osType).", known: false) { r, _ in V.s(r.value.vm.osDescription ?? r.value.vm.osType) },
            F("osType", "vmw:osType, e.g. ubuntu64Guest.", known: false) { r, _ in V.s(r.value.vm.osType) },
            F("cpus", "vCPUs.", known: false) { r, _ in V.i(r.value.vm.cpus) },
            F("memoryMB", "Memory in MB.", known: false) { r, _ in V.i(r.value.vm.memoryMB) },
            F("computerName", "The guest host name.", known: false) { r, _ in V.s(r.value.vm.computerName) },
            F("sizingPolicy", "Its VM sizing policy.", known: false) { r, _ in V.s(r.value.vm.sizingPolicy) },
            F("extraConfig", "ExtraConfig as a map (key → value); set with setExtraConfig({...}).", known: false) { r, _ in
                .map(r.value.vm.extraConfig.map { ($0.key, Objects.maybeSecret($0.value)) }) },
            F("guestinfo", "guestinfo.* ExtraConfig keys without the prefix, as a map; set with setGuestinfo({...}).", known: false) { r, _ in
                .map(VMs.guestinfo(r.value.vm).map { ($0.key, Objects.maybeSecret($0.value)) }) },
        ], nameOf: { $0.vm.name })
        let actions: [(String, VMs.PowerAction, String)] = [
            ("powerOn", .powerOn, "Powers the VM on and waits; = unchanged when it is on."),
            ("powerOff", .powerOff, "Powers the VM off and waits; = unchanged when it is off."),
            ("reset", .reset, "Resets a running VM (an error when it is off)."),
        ]
        for (name, action, doc) in actions {
            t.method(name, of: Ref<VMInVApp>.self, doc: doc) { r, _, ctx in
                let e = try host(ctx) { try VMs(engine: r.engine, vapp: r.value.vapp).power(r.value.vm, action) }
                r.value.vm = e.value
                return .object(r)
            }
        }
        t.method("setExtraConfig", of: Ref<VMInVApp>.self, params: [Parameter("entries", doc: "a map key → value")],
                 doc: "Sets ExtraConfig keys; only keys whose value differs are written (~ updated VM … (keys)), else = unchanged. Other keys are kept.") { r, a, ctx in
            let entries = try Objects.stringPairs(a, "setExtraConfig")
            let e = try host(ctx) { try VMs(engine: r.engine, vapp: r.value.vapp).setExtraConfig(r.value.vm, entries) }
            r.value.vm = e.value
            return .object(r)
        }
        t.method("setGuestinfo", of: Ref<VMInVApp>.self, params: [Parameter("entries", doc: "a map key → value; keys get the guestinfo. prefix")],
                 doc: "Sets guest properties (guestinfo.<key> ExtraConfig keys), writing only those that differ.") { r, a, ctx in
            let entries = try Objects.stringPairs(a, "setGuestinfo")
            let e = try host(ctx) { try VMs(engine: r.engine, vapp: r.value.vapp).setGuestinfo(r.value.vm, entries) }
            r.value.vm = e.value
            return .object(r)
        }
        t.method("refresh", of: Ref<VMInVApp>.self, doc: "Reads the VM again (its address, power state and guest-written keys change over time); returns it.") { r, _, ctx in
            if r.planned || r.value.vm.href.isEmpty { return .object(r) }
            r.value.vm = try host(ctx) { try VMs(engine: r.engine, vapp: r.value.vapp).read(r.value.vm) }
            return .object(r)
        }
        return t
    }()
}
