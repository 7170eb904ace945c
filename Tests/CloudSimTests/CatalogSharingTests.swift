import CloudWire
import Foundation
import XCTest
import TestFixtures
@testable import CloudSim

/// Catalog sharing and publishing between orgs over HTTP (`CatalogSharing`): a provider catalog
/// shared with one org is visible there and nowhere else, a published one everywhere; a read-only
/// reader cannot change it; revoking hides it again; tenants share only as the provider allows.
final class CatalogSharingTests: XCTestCase {
    static var ova: URL { TestNodeOVA.url }
    static let v = "http://www.vmware.com/vcloud/v1.5"

    // MARK: Helpers

    func xml(_ r: HTTPResponseMessage, file: StaticString = #filePath, line: UInt = #line) -> XMLTree {
        guard let n = try? XMLTree.parse(r.body) else { XCTFail("not XML: \(r.status) \(r.text)", file: file, line: line); return XMLTree(qname: "x", attributes: [:]) }
        return n
    }

    func path(_ url: String) -> String {
        guard url.hasPrefix("http"), let r = url.range(of: "://") else { return url }
        let rest = url[r.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }

    func get(_ h: Harness, _ url: String, _ token: String) -> HTTPResponseMessage {
        h.call("GET", path(url), token: token, headers: ["Accept": "application/*+xml;version=37.2"])
    }

    func send(_ h: Harness, _ method: String, _ url: String, _ token: String, _ body: String = "", type: String? = nil) -> HTTPResponseMessage {
        var headers = ["Accept": "application/*+xml;version=37.2"]
        if let type { headers["Content-Type"] = type }
        return h.call(method, path(url), token: token, body: Data(body.utf8), headers: headers)
    }

    @discardableResult
    func wait(_ h: Harness, _ task: XMLTree, _ token: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard let href = task.attr("href") else { XCTFail("no task href", file: file, line: line); return "" }
        for _ in 0..<200 {
            let s = xml(get(h, href, token)).attr("status") ?? ""
            if VCDTask.Status.isFinal(s) { return s }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTFail("task never ended", file: file, line: line)
        return ""
    }

    func orgID(_ h: Harness, _ name: String) -> String {
        h.sim.world.all(Kind.org).first { $0.name == name }!.id
    }

    /// Creates catalog `name` in org `org` as `token` and uploads the test OVA (whole, to the
    /// descriptor link) as `item`; answers (catalog href, template href).
    func catalogWithTemplate(_ h: Harness, org: String, token: String, name: String, item: String) throws -> (String, String) {
        let created = send(h, "POST", "/api/admin/org/\(URN(orgID(h, org))!.uuid)/catalogs", token,
                           "<AdminCatalog xmlns=\"\(Self.v)\" name=\"\(name)\"><Description>node images</Description></AdminCatalog>", type: XType.adminCatalog)
        XCTAssertEqual(created.status, 201, created.text)
        let cat = xml(created)
        XCTAssertEqual(wait(h, cat.child("Tasks")!.child("Task")!, token), "success")
        let href = "/api/catalog/\(URN(cat.attr("id")!)!.uuid)"
        let item = send(h, "POST", "\(href)/action/upload", token,
                        "<UploadVAppTemplateParams xmlns=\"\(Self.v)\" name=\"\(item)\"><Description>node</Description></UploadVAppTemplateParams>", type: XType.upload)
        XCTAssertEqual(item.status, 201, item.text)
        let tplHref = xml(item).child("Entity")!.attr("href")!
        let descriptor = try XCTUnwrap(xml(get(h, tplHref, token)).child("Files")?.child("File")?.child("Link")?.attr("href"))
        let put = h.call("PUT", path(descriptor), token: token, body: try Data(contentsOf: Self.ova))
        XCTAssertEqual(put.status, 200, put.text)
        XCTAssertEqual(xml(get(h, tplHref, token)).attr("status"), "8")
        return (href, path(tplHref))
    }

    func controlAccess(_ everyone: Bool = false, _ settings: [(href: String, level: String)]) -> String {
        var s = "<ControlAccessParams xmlns=\"\(Self.v)\"><IsSharedToEveryone>\(everyone)</IsSharedToEveryone>"
        if everyone { s += "<EveryoneAccessLevel>ReadOnly</EveryoneAccessLevel>" }
        if !settings.isEmpty {
            s += "<AccessSettings>" + settings.map {
                "<AccessSetting><Subject href=\"\($0.href)\" type=\"application/vnd.vmware.admin.organization+xml\"/><AccessLevel>\($0.level)</AccessLevel></AccessSetting>"
            }.joined() + "</AccessSettings>"
        }
        return s + "</ControlAccessParams>"
    }

    func share(_ h: Harness, _ catalog: String, _ token: String, _ settings: [(href: String, level: String)], everyone: Bool = false) -> HTTPResponseMessage {
        send(h, "POST", "\(catalog)/action/controlAccess", token, controlAccess(everyone, settings), type: CatalogSharing.controlAccessType)
    }

    func publish(_ h: Harness, _ catalog: String, _ token: String, _ on: Bool) -> HTTPResponseMessage {
        send(h, "POST", catalog.replacingOccurrences(of: "/api/catalog/", with: "/api/admin/catalog/") + "/action/publish", token,
             "<PublishCatalogParams xmlns=\"\(Self.v)\"><IsPublished>\(on)</IsPublished></PublishCatalogParams>", type: CatalogSharing.publishType)
    }

    func adminOrgHref(_ h: Harness, _ name: String) -> String { "https://vcd.example/api/admin/org/\(URN(orgID(h, name))!.uuid)" }

    /// Catalog records of a query as name@orgName.
    func catalogs(_ h: Harness, _ token: String, _ filter: String = "") -> [String] {
        xml(get(h, "/api/query?type=catalog&format=records\(filter.isEmpty ? "" : "&filter=" + filter)", token)).all("CatalogRecord")
            .map { "\($0.attr("name") ?? "")@\($0.attr("orgName") ?? "")" }
    }

    func templateNames(_ h: Harness, _ token: String, _ filter: String) -> [String] {
        xml(get(h, "/api/query?type=vAppTemplate&format=records&filter=\(filter)", token)).all("VAppTemplateRecord").compactMap { $0.attr("name") }
    }

    func orgCatalogLinks(_ h: Harness, _ org: String, _ token: String) -> [String] {
        xml(get(h, "/api/org/\(URN(orgID(h, org))!.uuid)", token)).all("Link").filter { $0.attr("type") == XType.catalog }.compactMap { $0.attr("name") }
    }

    // MARK: Tests

    /// The provider's catalog shared with xav_lab read-only: xav_lab sees it everywhere it reads
    /// catalogs and templates and instantiates from it; a third org sees nothing; xav_lab cannot
    /// change it; revoking the share hides it again.
    func testShareWithOneOrgIsVisibleThereOnlyReadOnlyAndRevocable() throws {
        try bothWays { h in
            try h.addTenantOrg("other_lab")
            let other = h.login("administrator", "other_lab")
            let (cat, tpl) = try catalogWithTemplate(h, org: "System", token: h.provider, name: "k8s", item: "node")
            // Not shared yet: the tenants see nothing of it.
            XCTAssertEqual(catalogs(h, h.tenant), [])
            XCTAssertEqual(get(h, cat, h.tenant).status, 403)
            XCTAssertEqual(get(h, tpl, h.tenant).status, 403)
            XCTAssertEqual(orgCatalogLinks(h, "xav_lab", h.tenant), [])

            let shared = share(h, cat, h.provider, [(adminOrgHref(h, "xav_lab"), "ReadOnly")])
            XCTAssertEqual(shared.status, 200, shared.text)
            XCTAssertEqual(shared.headers["Content-Type"]?.hasPrefix(CatalogSharing.controlAccessType), true)
            let acl = xml(get(h, "\(cat)/controlAccess/", h.provider))
            XCTAssertEqual(acl.value("IsSharedToEveryone"), "false")
            let subject = try XCTUnwrap(acl.child("AccessSettings")?.child("AccessSetting")?.child("Subject"))
            XCTAssertEqual(subject.attr("name"), "xav_lab")
            XCTAssertEqual(subject.attr("type"), XType.adminOrg)
            XCTAssertEqual(acl.child("AccessSettings")?.child("AccessSetting")?.value("AccessLevel"), "ReadOnly")

            // xav_lab: the query (as CAPVCD's govcd asks it), the org's links, the documents.
            XCTAssertEqual(catalogs(h, h.tenant), ["k8s@System"])
            XCTAssertEqual(catalogs(h, h.tenant, "name==k8s"), ["k8s@System"])
            XCTAssertEqual(catalogs(h, h.tenant, "orgName==xav_lab"), [], "the org's own catalog link lists its own catalogs")
            let record = xml(get(h, "/api/query?type=catalog&filter=name==k8s", h.tenant)).child("CatalogRecord")
            XCTAssertEqual(record?.attr("isShared"), "true")
            XCTAssertEqual(record?.attr("isPublished"), "false")
            XCTAssertEqual(record?.attr("ownerName"), "administrator")
            XCTAssertEqual(orgCatalogLinks(h, "xav_lab", h.tenant), ["k8s"])
            let doc = xml(get(h, cat, h.tenant))
            XCTAssertEqual(doc.value("IsPublished"), "false")
            XCTAssertNil(doc.all("Link").first { $0.attr("type") == XType.upload }, "a read-only reader gets no upload link")
            XCTAssertNil(doc.all("Link").first { $0.attr("rel") == "controlAccess" })
            let itemHref = try XCTUnwrap(doc.child("CatalogItems")?.child("CatalogItem")?.attr("href"))
            let item = xml(get(h, itemHref, h.tenant))
            XCTAssertEqual(item.child("Entity")?.attr("name"), "node")
            XCTAssertNil(item.all("Link").first { $0.attr("rel") == "remove" })
            XCTAssertEqual(templateNames(h, h.tenant, "catalogName==k8s"), ["node"])
            XCTAssertEqual(xml(get(h, "/api/query?type=catalogItem&filter=catalogName==k8s", h.tenant)).child("CatalogItemRecord")?.attr("name"), "node")
            let tplDoc = xml(get(h, tpl, h.tenant))
            XCTAssertEqual(tplDoc.attr("status"), "8")
            let tvm = try XCTUnwrap(tplDoc.child("Children")?.child("Vm")?.attr("href"))
            XCTAssertEqual(get(h, tvm, h.tenant).status, 200)
            XCTAssertEqual(get(h, "\(tpl)/metadata", h.tenant).status, 200)
            XCTAssertEqual(get(h, "\(cat)/controlAccess/", h.tenant).status, 403, "the ACL is the owner's")

            // xav_lab instantiates from it, and recomposes a VM of it into a vApp of its own.
            let vdc = "/api/vdc/\(URN(h.vdcID)!.uuid)"
            let inst = send(h, "POST", "\(vdc)/action/instantiateVAppTemplate", h.tenant, """
                <InstantiateVAppTemplateParams xmlns="\(Self.v)" name="from-shared"><Source href="\(tpl)"/></InstantiateVAppTemplateParams>
                """, type: XType.instantiate)
            XCTAssertEqual(inst.status, 201, inst.text)
            XCTAssertEqual(wait(h, xml(inst).child("Tasks")!.child("Task")!, h.tenant), "success")
            let composed = send(h, "POST", "\(vdc)/action/composeVApp", h.tenant, "<ComposeVAppParams xmlns=\"\(Self.v)\" name=\"recomposed\"/>", type: XType.composeVApp)
            XCTAssertEqual(composed.status, 201, composed.text)
            let vapp = xml(composed)
            wait(h, vapp.child("Tasks")!.child("Task")!, h.tenant)
            let re = send(h, "POST", "\(vapp.attr("href")!)/action/recomposeVApp", h.tenant, """
                <RecomposeVAppParams xmlns="\(Self.v)" name="recomposed"><SourcedItem><Source href="\(tvm)"/>
                <VmGeneralParams><Name>node-0</Name></VmGeneralParams></SourcedItem></RecomposeVAppParams>
                """, type: XType.recomposeVApp)
            XCTAssertEqual(re.status, 202, re.text)
            XCTAssertEqual(wait(h, xml(re), h.tenant), "success")
            XCTAssertEqual(xml(get(h, vapp.attr("href")!, h.tenant)).child("Children")?.all("Vm").compactMap { $0.attr("name") }, ["node-0"])

            // Read-only: no change to the catalog, its items or its templates.
            XCTAssertEqual(send(h, "DELETE", cat.replacingOccurrences(of: "/api/", with: "/api/admin/") + "?force=true&recursive=true", h.tenant).status, 403)
            XCTAssertEqual(send(h, "DELETE", cat, h.tenant).status, 403)
            XCTAssertEqual(send(h, "DELETE", itemHref, h.tenant).status, 403)
            let delTpl = send(h, "DELETE", tpl, h.tenant)
            XCTAssertEqual(delTpl.status, 403, delTpl.text)
            XCTAssertEqual(h.minor(h.call("DELETE", path(tpl), token: h.tenant)), VCDMinorError.forbidden)
            XCTAssertEqual(send(h, "POST", "\(cat)/action/upload", h.tenant, "<UploadVAppTemplateParams xmlns=\"\(Self.v)\" name=\"mine\"/>", type: XType.upload).status, 403)
            XCTAssertEqual(send(h, "PUT", "\(tpl)/metadata/k", h.tenant,
                                "<MetadataValue xmlns=\"\(Self.v)\"><TypedValue xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"MetadataStringValue\"><Value>v</Value></TypedValue></MetadataValue>",
                                type: XType.metadataValue).status, 403)
            XCTAssertEqual(share(h, cat, h.tenant, []).status, 403)
            XCTAssertEqual(publish(h, cat, h.tenant, true).status, 403)
            XCTAssertEqual(get(h, tpl, h.provider).status, 200, "still there")

            // The third org sees none of it.
            XCTAssertEqual(catalogs(h, other), [])
            XCTAssertEqual(templateNames(h, other, "catalogName==k8s"), [])
            XCTAssertEqual(get(h, cat, other).status, 403)
            XCTAssertEqual(get(h, tpl, other).status, 403)
            XCTAssertEqual(orgCatalogLinks(h, "other_lab", other), [])
            // The provider acting in a tenant's context sees what that org sees.
            let ctx = xml(h.call("GET", "/api/query?type=catalog", token: h.provider,
                                 headers: ["Accept": "application/*+xml;version=37.2", VCDHeader.tenantContext: URN(orgID(h, "other_lab"))!.uuid]))
            XCTAssertEqual(ctx.attr("total"), "0")

            // Revoked: gone again for xav_lab.
            let revoke = share(h, cat, h.provider, [])
            XCTAssertEqual(revoke.status, 200, revoke.text)
            XCTAssertNil(xml(revoke).child("AccessSettings"))
            XCTAssertEqual(catalogs(h, h.tenant), [])
            XCTAssertEqual(templateNames(h, h.tenant, "catalogName==k8s"), [])
            XCTAssertEqual(get(h, cat, h.tenant).status, 403)
            XCTAssertEqual(orgCatalogLinks(h, "xav_lab", h.tenant), [])
        }
    }

    /// A published catalog: every org sees it read-only (with `Catalog: View Published Catalogs`,
    /// which the capvcd role holds), `IsPublished` in its document and records; unpublished: gone.
    func testPublishedCatalogIsVisibleToEveryOrg() throws {
        try bothWays { h in
            try h.addTenantOrg("other_lab", users: [("administrator", RightName.tenantRights), ("viewer", [RightName.orgView])])
            let other = h.login("administrator", "other_lab")
            let viewer = h.login("viewer", "other_lab")
            let (cat, tpl) = try catalogWithTemplate(h, org: "System", token: h.provider, name: "public-k8s", item: "node")
            let doc0 = xml(get(h, cat, h.provider))
            XCTAssertEqual(doc0.all("Link").first { $0.attr("rel") == "publish" }?.attr("type"), CatalogSharing.publishType)
            let r = publish(h, cat, h.provider, true)
            XCTAssertEqual(r.status, 204, r.text)
            XCTAssertEqual(xml(get(h, cat, h.provider)).value("IsPublished"), "true")
            XCTAssertEqual(xml(get(h, cat.replacingOccurrences(of: "/api/", with: "/api/admin/"), h.provider)).value("IsPublished"), "true")
            for token in [h.tenant, h.capvcd, other] {
                XCTAssertEqual(catalogs(h, token, "name==public-k8s"), ["public-k8s@System"])
                XCTAssertEqual(templateNames(h, token, "catalogName==public-k8s"), ["node"])
                XCTAssertEqual(get(h, tpl, token).status, 200)
                XCTAssertEqual(send(h, "DELETE", tpl, token).status, 403, "published is read-only")
            }
            let rec = xml(get(h, "/api/query?type=vAppTemplate&filter=catalogName==public-k8s", h.tenant)).child("VAppTemplateRecord")
            XCTAssertEqual(rec?.attr("isPublished"), "true")
            XCTAssertEqual(xml(get(h, "/api/query?type=catalog&filter=name==public-k8s", other)).child("CatalogRecord")?.attr("isPublished"), "true")
            XCTAssertEqual(orgCatalogLinks(h, "other_lab", other), ["public-k8s"])
            // Without the right to view published catalogs: nothing.
            XCTAssertEqual(catalogs(h, viewer), [])
            XCTAssertEqual(get(h, cat, viewer).status, 403)
            // Withdrawn.
            XCTAssertEqual(publish(h, cat, h.provider, false).status, 204)
            XCTAssertEqual(catalogs(h, h.tenant), [])
            XCTAssertEqual(catalogs(h, other), [])
            XCTAssertEqual(get(h, tpl, h.capvcd).status, 403)
        }
    }

    /// Tenants: sharing needs `Catalog: Sharing`; with another org (and publishing) only where the
    /// provider let the org publish (`canPublish`). A Change share lets the other org add items but
    /// not delete the catalog. The ACL round-trips a user subject; bad input is 400.
    func testTenantSharingFollowsRightsAndTheOrgsPublishSetting() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let otherID = try h.addTenantOrg("other_lab")
        let other = h.login("administrator", "other_lab")
        let (cat, _) = try catalogWithTemplate(h, org: "xav_lab", token: h.tenant, name: "team", item: "node")
        // Within the org: the org admin shares with a user of its own org (a user subject).
        let capvcdUser = try XCTUnwrap(h.sim.world.all(Kind.user).first { $0.name == "capvcd" })
        let userSetting = "<AccessSettings><AccessSetting><Subject href=\"https://x/api/admin/user/\(URN(capvcdUser.id)!.uuid)\" type=\"\(MediaType.user)\"/><AccessLevel>FullControl</AccessLevel></AccessSetting></AccessSettings>"
        let mine = send(h, "POST", "\(cat)/action/controlAccess", h.tenant,
                        "<ControlAccessParams xmlns=\"\(Self.v)\"><IsSharedToEveryone>true</IsSharedToEveryone><EveryoneAccessLevel>ReadOnly</EveryoneAccessLevel>\(userSetting)</ControlAccessParams>",
                        type: CatalogSharing.controlAccessType)
        XCTAssertEqual(mine.status, 200, mine.text)
        let acl = xml(get(h, "\(cat)/controlAccess", h.tenant))
        XCTAssertEqual(acl.value("IsSharedToEveryone"), "true")
        XCTAssertEqual(acl.value("EveryoneAccessLevel"), "ReadOnly")
        XCTAssertEqual(acl.child("AccessSettings")?.child("AccessSetting")?.child("Subject")?.attr("name"), "capvcd")
        XCTAssertEqual(acl.child("AccessSettings")?.child("AccessSetting")?.child("Subject")?.attr("type"), MediaType.user)
        XCTAssertEqual(xml(get(h, "/api/query?type=catalog&filter=name==team", h.tenant)).child("CatalogRecord")?.attr("isShared"), "true")
        // The capvcd role holds no Catalog: Sharing.
        let denied = share(h, cat, h.capvcd, [])
        XCTAssertEqual(denied.status, 403)
        XCTAssertTrue(denied.text.contains("Catalog: Sharing"), denied.text)
        // With another org, or published: refused while xav_lab may not publish.
        let toOther = share(h, cat, h.tenant, [(adminOrgHref(h, "other_lab"), "Change")])
        XCTAssertEqual(toOther.status, 403, toOther.text)
        XCTAssertTrue(toOther.text.contains("canPublish"), toOther.text)
        let pub = publish(h, cat, h.tenant, true)
        XCTAssertEqual(pub.status, 403)
        XCTAssertTrue(pub.text.contains("canPublish"), pub.text)
        XCTAssertNil(xml(get(h, cat, h.tenant)).all("Link").first { $0.attr("rel") == "publish" })
        // Bad input.
        XCTAssertEqual(share(h, cat, h.tenant, [(adminOrgHref(h, "xav_lab"), "Owner")]).status, 400)
        XCTAssertEqual(share(h, cat, h.tenant, [("https://x/api/admin/org/00000000-0000-0000-0000-000000000000", "ReadOnly")]).status, 400)
        XCTAssertEqual(share(h, cat, h.tenant, [(adminOrgHref(h, "xav_lab"), "ReadOnly"), (adminOrgHref(h, "xav_lab"), "Change")]).status, 400)
        XCTAssertEqual(send(h, "POST", "\(cat)/action/controlAccess", h.tenant, "<ControlAccessParams xmlns=\"\(Self.v)\"/>",
                            type: CatalogSharing.controlAccessType).status, 400)

        // The provider lets xav_lab publish: the share with other_lab (Change) goes through.
        try h.setCanPublish(h.sim.world.all(Kind.org).first { $0.name == "xav_lab" }!.id, true)
        XCTAssertNotNil(xml(get(h, cat, h.tenant)).all("Link").first { $0.attr("rel") == "publish" })
        XCTAssertEqual(share(h, cat, h.tenant, [(adminOrgHref(h, "other_lab"), "Change")]).status, 200)
        XCTAssertEqual(catalogs(h, other), ["team@xav_lab"])
        let otherDoc = xml(get(h, cat, other))
        XCTAssertNotNil(otherDoc.all("Link").first { $0.attr("type") == XType.upload }, "Change: items may be added")
        let up = send(h, "POST", "\(cat)/action/upload", other, "<UploadVAppTemplateParams xmlns=\"\(Self.v)\" name=\"theirs\"/>", type: XType.upload)
        XCTAssertEqual(up.status, 201, up.text)
        XCTAssertEqual(send(h, "DELETE", cat.replacingOccurrences(of: "/api/", with: "/api/admin/") + "?force=true&recursive=true", other).status, 403,
                       "deleting the catalog needs FullControl")
        XCTAssertEqual(share(h, cat, other, []).status, 403)
        XCTAssertEqual(publish(h, cat, h.tenant, true).status, 204)
        XCTAssertEqual(xml(get(h, cat, other)).value("IsPublished"), "true")
        _ = otherID
    }
}

extension Harness {
    /// Adds a tenant org named `name` with users (`administrator` holding every tenant right by
    /// default), password `Harness.password`, written into the store: the simulated VCD has no org
    /// creation API. Answers the org's URN.
    @discardableResult
    func addTenantOrg(_ name: String, canPublish: Bool = false, users: [(String, [String])] = [("administrator", RightName.tenantRights)]) throws -> String {
        try sim.worldLock.write {
            let tx = WriteTx(base: sim.world, now: sim.clock.now())
            let orgId = URN.make(URNKind.org).description
            var o = Org()
            o.id = orgId; o.name = name; o.displayName = name; o.isEnabled = true; o.canPublish = canPublish
            try tx.insert(kind: Kind.org, id: orgId, name: name, o)
            for (user, rights) in users {
                var r = Role()
                r.id = URN.make(URNKind.role).description; r.name = "\(name)-\(user)"; r.description = ""; r.bundleKey = r.name; r.readOnly = false
                try tx.insert(kind: Kind.role, id: r.id!, org: orgId, name: r.name!, r)
                try tx.insert(kind: "rightsList", id: Roles.rightsKey(r.id!), parent: r.id, org: orgId, name: r.name!,
                              OpenAPIReferences(values: rights.map { OpenAPIReference(name: $0, id: nil) }))
                let u = SimUser(id: URN.make(URNKind.user).description, name: user, orgId: orgId, orgName: name, roleId: r.id!, roleName: r.name!,
                                passwordDigest: SecretDigest.password(Harness.password), provider: false)
                try tx.insert(kind: Kind.user, id: u.id, parent: orgId, org: orgId, name: user, u)
            }
            try sim.store.commit(upserts: tx.upserts, deletions: [], meta: [:])
            sim.world.apply(tx)
            return orgId
        }
    }

    /// The provider's org setting that lets an org share catalogs with other orgs and publish them.
    func setCanPublish(_ orgId: String, _ on: Bool) throws {
        try sim.worldLock.write {
            let tx = WriteTx(base: sim.world, now: sim.clock.now())
            let obj = try XCTUnwrap(tx.get(orgId))
            var o = try obj.decode(Org.self)
            o.canPublish = on
            try tx.update(obj, o)
            try sim.store.commit(upserts: tx.upserts, deletions: [], meta: [:])
            sim.world.apply(tx)
        }
    }
}
