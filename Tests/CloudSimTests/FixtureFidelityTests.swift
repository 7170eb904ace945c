import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The simulator's JSON against payloads recorded from real products (/work/shared/fixtures, see its
/// README: ALB objects from an AKO controller, NSX Policy objects from nsx-operator / alb-sdk, CAPVCD's
/// RDE schemas). What is compared is the *shape*: every key the simulator sends must exist in the
/// real object with the same JSON type (object / array / string / number / bool), recursively, arrays
/// by their first element; references (`url`, `*_ref`) must be URLs of the same kind of object.
/// Keys the real object has and the simulator lacks are allowed, and none of them is read by a client
/// of these APIs: CAPVCD and CPI create load balancers through VCD's cloudapi (vcd-wire.md §5.7–5.8), not
/// the controller; avisdk reads `results`, `next`, `name`, `uuid`, `url`, `max_se` (external-clients.md
/// §3.3); vcdscript's own clients (Sources/CloudClient/NSXALB) read `results`, `next`, `name`, `max_se`,
/// `error`/`detail` from ALB and `results`, `id`, `display_name`, `route_advertisement_types`,
/// `error_message` from NSX. All of those are sent, so no missing key is listed.
///
/// The fixtures live outside the package (`<package root>/../shared/fixtures`). A machine with only
/// the clone skips these tests with a message saying so (as LegacyXMLTests does);
/// `VCDSCRIPT_REQUIRE_FIXTURES=1` makes a missing folder a failure instead. A missing file inside a
/// folder that is there is always a failure.
final class FixtureFidelityTests: XCTestCase {

    // MARK: ALB (Avi) controller

    func testALBServiceEngineGroupMatchesFixture() throws {
        let fixture = try Fixture.json("alb/serviceenginegroup-list.json")
        let real = try Fixture.first(fixture)
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let c = ALBFixtureClient(h)
        XCTAssertEqual(c.login().status, 200)

        // The list envelope, unpaged: exactly what the fixture list has.
        let list = c.call("GET", "/api/serviceenginegroup")
        XCTAssertEqual(list.status, 200, list.text)
        let listJSON = try decode(list)
        assertShape(listJSON, like: envelopeOf(fixture), "GET /api/serviceenginegroup")
        XCTAssertNil(listJSON["next"], "one page: no next")

        // A seeded SEG read by uuid.
        let seeded = try XCTUnwrap(listJSON["results"]?.arrayValue?.first { $0["name"]?.stringValue == "Default-Group" })
        let uuid = try XCTUnwrap(seeded["uuid"]?.stringValue)
        let got = c.call("GET", "/api/serviceenginegroup/\(uuid)")
        XCTAssertEqual(got.status, 200, got.text)
        assertShape(try decode(got), like: real, "GET /api/serviceenginegroup/{uuid} (seeded)")
        assertReferences(try decode(got), like: real, kind: "serviceenginegroup", "seeded SEG")

        // One created the way avisdk does (POST, then GET), with fields a client sets.
        let created = c.call("POST", "/api/serviceenginegroup", json: ["name": "seg-fixture", "max_se": 4, "ha_mode": "HA_MODE_SHARED_PAIR",
                                                                       "se_name_prefix": "vcd", "vcenter_folder": "AviSeFolder", "min_scaleout_per_vs": 1,
                                                                       "labels": [["key": "k", "value": "v"]]])
        XCTAssertEqual(created.status, 201, created.text)
        assertShape(try decode(created), like: real, "POST /api/serviceenginegroup answer")
        let newUUID = try XCTUnwrap(try decode(created)["uuid"]?.stringValue)
        let read = try decode(c.call("GET", "/api/serviceenginegroup/\(newUUID)"))
        assertShape(read, like: real, "GET /api/serviceenginegroup/{uuid} (created)")
        assertReferences(read, like: real, kind: "serviceenginegroup", "created SEG")

        // Paged: the envelope gains `next`, a URL of the next page (avisdk's get_objects_iter follows it
        // while it is non-null). The fixture list is a single page, so `next` is added to its envelope
        // as the Avi collection documents it (vcd-wire.md §11.2, external-clients.md §3.3).
        let paged = c.call("GET", "/api/serviceenginegroup?page_size=1")
        let pagedJSON = try decode(paged)
        guard case .object(var pagedReference) = envelopeOf(fixture) else { return XCTFail("fixture list is not an object") }
        pagedReference["next"] = .string("https://controller/api/serviceenginegroup?page=2&page_size=1")
        assertShape(pagedJSON, like: .object(pagedReference), "GET /api/serviceenginegroup?page_size=1")
        let next = try XCTUnwrap(pagedJSON["next"]?.stringValue, "a page that is not the last has next")
        XCTAssertNotNil(next.range(of: #"^https?://[^/]+/api/serviceenginegroup\?.*page=2"#, options: .regularExpression), next)
    }

    func testALBCloudMatchesFixture() throws {
        let fixture = try Fixture.json("alb/cloud-nsxt.json")
        let real = try Fixture.first(fixture)
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let c = ALBFixtureClient(h)
        XCTAssertEqual(c.login().status, 200)
        let list = try decode(c.call("GET", "/api/cloud"))
        assertShape(list, like: envelopeOf(fixture), "GET /api/cloud")
        let uuid = try XCTUnwrap(list["results"]?.arrayValue?.first?["uuid"]?.stringValue)
        let one = c.call("GET", "/api/cloud/\(uuid)")
        XCTAssertEqual(one.status, 200, one.text)
        let cloud = try decode(one)
        assertShape(cloud, like: real, "GET /api/cloud/{uuid}")
        assertReferences(cloud, like: real, kind: "cloud", "cloud")
        XCTAssertEqual(cloud["vtype"]?.stringValue, "CLOUD_NSXT")
        // NSX-T objects are named by Policy paths on a real controller (/infra/sites/…/transport-zones/…).
        let tz = cloud.value(at: "nsxt_configuration.data_network_config.transport_zone")?.stringValue ?? ""
        XCTAssertTrue(tz.hasPrefix("/infra/sites/"), "transport zone is a Policy path: \(tz)")
    }

    func testALBPoolVirtualServiceAndVsVipMatchFixtures() throws {
        let poolFixture = try Fixture.json("alb/pool-list.json")
        let vsFixture = try Fixture.json("alb/virtualservice-list.json")
        let vipFixture = try Fixture.json("alb/vsvip-list.json")
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let vcdVS = makeVirtualService(h)
        let c = ALBFixtureClient(h)
        XCTAssertEqual(c.login().status, 200)

        let pools = try decode(c.call("GET", "/api/pool"))
        assertShape(pools, like: envelopeOf(poolFixture), "GET /api/pool")
        XCTAssertEqual(pools["count"], .int(1))
        let poolUUID = try XCTUnwrap(pools["results"]?.arrayValue?.first?["uuid"]?.stringValue)
        let pool = try decode(c.call("GET", "/api/pool/\(poolUUID)"))
        let realPool = try Fixture.first(poolFixture)
        assertShape(pool, like: realPool, "GET /api/pool/{uuid}")
        assertReferences(pool, like: realPool, kind: "pool", "pool")
        XCTAssertEqual(pool["lb_algorithm"]?.stringValue, "LB_ALGORITHM_ROUND_ROBIN", "the VCD pool's algorithm")
        XCTAssertEqual(pool["default_server_port"], .int(6443))

        // A virtual service VCD created. `pool_ref` is in none of the recorded VSs (AKO's L7 shards
        // and its L4 VS reach pools through pool groups / L4 policy sets), but it is the VS field of
        // Avi's model for a single pool (ALB `go/models/virtual_service.go`, vcd-wire.md §11.6), so
        // the reference gets it as a ref-shaped string; everything else comes from the recording.
        guard case .object(var realVS) = try Fixture.first(vsFixture) else { return XCTFail("fixture VS is not an object") }
        XCTAssertNil(realVS["pool_ref"], "the recording has no pool_ref; if it gains one, drop this addition")
        realVS["pool_ref"] = .string("https://controller/api/pool/pool-00000000-0000-0000-0000-000000000000")
        let vss = try decode(c.call("GET", "/api/virtualservice"))
        assertShape(vss, like: .object(["count": vsFixture["count"] ?? .null, "results": .array([.object(realVS)])]), "GET /api/virtualservice")
        let vsUUID = try XCTUnwrap(vss["results"]?.arrayValue?.first?["uuid"]?.stringValue)
        let vs = try decode(c.call("GET", "/api/virtualservice/\(vsUUID)"))
        assertShape(vs, like: .object(realVS), "GET /api/virtualservice/{uuid}")
        assertReferences(vs, like: .object(realVS), kind: "virtualservice", "virtual service")
        XCTAssertEqual(vs["pool_ref"]?.stringValue, "https://alb.sim.test/api/pool/\(poolUUID)")
        XCTAssertNotNil(vs["se_group_ref"], "the VS of an imported SEG names it")
        XCTAssertEqual(vs["name"]?.stringValue, vcdVS.name)

        let vips = try decode(c.call("GET", "/api/vsvip"))
        assertShape(vips, like: envelopeOf(vipFixture), "GET /api/vsvip")
        let vipUUID = try XCTUnwrap(vips["results"]?.arrayValue?.first?["uuid"]?.stringValue)
        let vip = try decode(c.call("GET", "/api/vsvip/\(vipUUID)"))
        let realVip = try Fixture.first(vipFixture)
        assertShape(vip, like: realVip, "GET /api/vsvip/{uuid}")
        assertReferences(vip, like: realVip, kind: "vsvip", "vsvip")
        XCTAssertEqual(vip.value(at: "vip")?.arrayValue?.first?.value(at: "ip_address.addr")?.stringValue, vcdVS.vip)
        XCTAssertEqual(vs["vsvip_ref"]?.stringValue, "https://alb.sim.test/api/vsvip/\(vipUUID)", "the VS points at its vsvip")
    }

    // MARK: NSX-T Policy API

    func testNSXTier1MatchesFixture() throws {
        let real = try Fixture.json("nsx-policy/tier1-get.json")
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let t1 = makeTier1(h)
        let path = "/policy/api/v1/infra/tier-1s/\(t1)"

        let fresh = nsx(h, "GET", path)
        XCTAssertEqual(fresh.status, 200, fresh.text)
        assertShape(try decode(fresh), like: real, "GET tier-1 (as VCD created it)")

        // After the PATCH CAPVCD-era tooling sends (vcd-wire.md §10), and after a PUT with the revision.
        XCTAssertEqual(nsx(h, "PATCH", path, json: ["route_advertisement_types": ["TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP"]]).status, 200)
        let patched = try decode(nsx(h, "GET", path))
        assertShape(patched, like: real, "GET tier-1 after PATCH")
        XCTAssertEqual(patched["_revision"], .int(1))
        guard case .object(var body) = patched else { return XCTFail("tier-1 is not an object") }
        body["route_advertisement_types"] = .array([.string("TIER1_LB_VIP")])
        let put = nsx(h, "PUT", path, body: try JSONEncoder().encode(JSONValue.object(body)))
        XCTAssertEqual(put.status, 200, put.text)
        assertShape(try decode(put), like: real, "PUT tier-1 answer")

        // The list. No recorded Policy list envelope is among the fixtures (segments.json is the bare
        // results array), so the envelope reference is NSX's ListResult (results, result_count,
        // cursor, sort_by, sort_ascending) with the recorded Tier1 as its element.
        let listReference: JSONValue = .object(["results": .array([real]), "result_count": .int(1), "cursor": .string("00036"),
                                                "sort_by": .string("display_name"), "sort_ascending": .bool(true)])
        let list = nsx(h, "GET", "/policy/api/v1/infra/tier-1s")
        XCTAssertEqual(list.status, 200, list.text)
        let listJSON = try decode(list)
        assertShape(listJSON, like: listReference, "GET /infra/tier-1s")
        XCTAssertEqual(listJSON["result_count"], .int(listJSON["results"]?.arrayValue?.count ?? -1))
        XCTAssertNotNil(listJSON["results"]?.arrayValue, "results is required")
        // Segments (segments.json) and LB objects (lb-config-export.json) are not simulated; NSX's
        // answer for them is the error body below.
    }

    func testNSXErrorBodiesMatchFixture() throws {
        let real = try Fixture.json("nsx-policy/error-8327.json")
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let t1 = makeTier1(h)
        let path = "/policy/api/v1/infra/tier-1s/\(t1)"
        XCTAssertEqual(nsx(h, "PATCH", path, json: ["description": "a", "_revision": 0]).status, 200)

        let cases: [(String, HTTPResponseMessage, Int, String)] = [
            ("404 unknown tier-1", nsx(h, "GET", "/policy/api/v1/infra/tier-1s/nope"), 404, "NOT_FOUND"),
            ("412 stale _revision", nsx(h, "PATCH", path, json: ["description": "b", "_revision": 0]), 412, "PRECONDITION_FAILED"),
            ("400 bad enum", nsx(h, "PATCH", path, json: ["route_advertisement_types": ["BOGUS"]]), 400, "BAD_REQUEST"),
            ("403 bad credentials", nsx(h, "GET", path, password: "wrong"), 403, "FORBIDDEN"),
            ("404 path the simulator does not cover", nsx(h, "GET", "/policy/api/v1/infra/segments"), 404, "NOT_FOUND"),
        ]
        for (what, r, status, text) in cases {
            XCTAssertEqual(r.status, status, "\(what): \(r.text)")
            guard let body = try? decode(r) else { XCTFail("\(what): not JSON: \(r.text)"); continue }
            assertShape(body, like: real, "NSX error, \(what)")
            // The keys NSX clients read (nsx-operator's InitErrorFromResponse) must all be there.
            for k in ["httpStatus", "error_code", "module_name", "error_message"] {
                XCTAssertNotNil(body[k], "\(what): \(k) missing in \(r.text)")
            }
            XCTAssertEqual(body["httpStatus"]?.stringValue, text, what)
        }
    }

    // MARK: CAPVCD runtime defined entity

    func testCapvcdEntityValidatesAgainstTheRealSchema() throws {
        let typeRequest = try Fixture.json("vcd-cloudapi/capvcd-entitytype-1.1.0-request.json")
        let schema = try Fixture.json("vcd-cloudapi/capvcd-schema-1.1.0.json")
        let example = try Fixture.json("vcd-cloudapi/capvcd-rde-entity-1.1.0-example.json")

        // The checker itself: the real example passes, broken copies do not.
        XCTAssertEqual(JSONSchemaSubset.problems(example, schema: schema), [], "the CAPVCD example entity is valid")
        XCTAssertFalse(JSONSchemaSubset.problems(setting(example, ["kind"], .string("Cluster")), schema: schema).isEmpty, "enum")
        XCTAssertFalse(JSONSchemaSubset.problems(removing(example, "apiVersion"), schema: schema).isEmpty, "required")
        XCTAssertFalse(JSONSchemaSubset.problems(setting(example, ["status", "capvcd", "k8sNetwork", "pods", "cidrBlocks"], .string("10.0.0.0/8")),
                                                 schema: schema).isEmpty, "$ref into definitions")

        let h = try Harness(overSocket: false)
        defer { h.close() }
        // Register the type with the request CAPVCD documents, its schema inlined (the request names it
        // by a remote $ref to the file in CAPVCD's repository, which is the schema fixture).
        guard case .object(var request) = typeRequest else { return XCTFail("type request is not an object") }
        request["schema"] = schema
        // The site's own 1.1.0 (seeded as registered) gives way to the one CAPVCD documents.
        XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/entityTypes/urn:vcloud:type:vmware:capvcdCluster:1.1.0", token: h.provider).status, 204)
        let reg = h.call("POST", "/cloudapi/1.0.0/entityTypes", token: h.provider, body: try JSONEncoder().encode(JSONValue.object(request)),
                         headers: ["Content-Type": "application/json"])
        XCTAssertEqual(reg.status, 201, reg.text)
        let typeURN = "urn:vcloud:type:vmware:capvcdCluster:1.1.0"
        let type = try decode(h.call("GET", "/cloudapi/1.0.0/entityTypes/\(typeURN)", token: h.provider))
        // The type as VCD answers it: the request's fields plus `id` (govcd types.DefinedEntityType;
        // `maxImplicitRight` only from 37.1 and only when set). Nulls in the request are typed here.
        guard case .object(var typeReference) = typeRequest else { return }
        typeReference["id"] = .string(typeURN)
        typeReference["schema"] = schema
        typeReference["externalId"] = .string(""); typeReference["inheritedVersion"] = .string(""); typeReference["hooks"] = .object([:])
        typeReference["maxImplicitRight"] = .string("")
        assertShape(type, like: .object(typeReference), "GET entityTypes/{id}")
        XCTAssertEqual(type["schema"], schema, "the schema comes back as registered")

        // CAPVCD writes the entity (its role holds the type's Full Access right, as VCD_SETUP.md says).
        let role = h.values(h.call("GET", "/cloudapi/1.0.0/roles?filter=name==capvcd", token: h.provider)).first!["id"] as! String
        XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/roles/\(role)/rights", token: h.provider,
                              json: ["values": [["name": "vmware:capvcdCluster: Full Access"]]]).status, 200)
        let create = h.call("POST", "/cloudapi/1.0.0/entityTypes/\(typeURN)", token: h.capvcd,
                            body: try JSONEncoder().encode(JSONValue.object(["name": .string("ABCDEFGH"), "externalId": .string(""), "entity": example])),
                            headers: ["Content-Type": "application/json"])
        let id = try XCTUnwrap(h.waitTask(create, token: h.capvcd).1)
        let got = h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd)
        XCTAssertEqual(got.status, 200, got.text)
        XCTAssertNotNil(got.headers["ETag"])
        let rde = try decode(got)
        // The envelope as govcd's types.DefinedEntity reads it.
        let envelope: JSONValue = .object(["id": .string(""), "entityType": .string(""), "name": .string(""), "externalId": .string(""),
                                           "entity": .null, "state": .string(""), "message": .string(""),
                                           "owner": .object(["name": .string(""), "id": .string("")]),
                                           "org": .object(["name": .string(""), "id": .string("")])])
        // (`entity` is free-form here: it is checked against the type's schema below.)
        assertShape(rde, like: envelope, "GET entities/{id}")
        XCTAssertEqual(rde["entityType"]?.stringValue, typeURN)
        XCTAssertEqual(rde["state"]?.stringValue, "PRE_CREATED")
        XCTAssertEqual(rde["entity"], example, "the entity is stored and returned as sent")
        XCTAssertEqual(JSONSchemaSubset.problems(rde["entity"] ?? .null, schema: schema), [], "the stored entity is valid")
        let resolved = try decode(h.call("POST", "/cloudapi/1.0.0/entities/\(id)/resolve", token: h.capvcd))
        XCTAssertEqual(resolved["state"]?.stringValue, "RESOLVED", "\(resolved)")

        // CAPVCD 1.x then PUTs its status (vcd-wire.md §9.3). A valid one is stored and still valid…
        let status: JSONValue = .object(["capvcd": .object([
            "phase": .string("provisioning"), "kubernetes": .string("v1.25.7+vmware.2"), "uid": .string("u-1"),
            "k8sNetwork": .object(["pods": .object(["cidrBlocks": .array([.string("100.96.0.0/11")])]),
                                   "services": .object(["cidrBlocks": .array([.string("100.64.0.0/13")])])]),
            "errorSet": .array([]), "eventSet": .array([.object(["name": .string("InfraVappAvailable"), "occurredAt": .string("2024-01-01T00:00:00Z")])]),
            "useAsManagementCluster": .bool(false),
            "clusterApiStatus": .object(["phase": .string("Provisioning"), "apiEndpoints": .array([.object(["host": .string("10.0.0.2"), "port": .int(6443)])])]),
            "vcdProperties": .object(["site": .string("https://vcd.sim.test"), "organizations": .array([.object(["name": .string("xav_lab"), "id": .string("x")])])]),
            "capvcdVersion": .string("1.3.2"), "createdByVersion": .string("1.3.2"),
        ])])
        let withStatus = setting(example, ["status"], status)
        var put = rde
        if case .object(var o) = put { o["entity"] = withStatus; put = .object(o) }
        let updated = h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd, body: try JSONEncoder().encode(put),
                             headers: ["Content-Type": "application/json", "If-Match": h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd).headers["ETag"] ?? ""])
        XCTAssertEqual(updated.status, 200, updated.text)
        let after = try decode(h.call("GET", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd))
        XCTAssertEqual(after["entity"], withStatus)
        XCTAssertEqual(JSONSchemaSubset.problems(after["entity"] ?? .null, schema: schema), [])

        // …and one the real schema refuses (k8sNetwork is typed through "$ref": "#/definitions/k8sNetwork")
        // is refused by the simulator too, as VCD validates a RESOLVED entity on update.
        let bad = setting(withStatus, ["status", "capvcd", "k8sNetwork", "pods", "cidrBlocks"], .string("100.96.0.0/11"))
        XCTAssertFalse(JSONSchemaSubset.problems(bad, schema: schema).isEmpty)
        if case .object(var o) = put { o["entity"] = bad; put = .object(o) }
        let refused = h.call("PUT", "/cloudapi/1.0.0/entities/\(id)", token: h.capvcd, body: try JSONEncoder().encode(put),
                             headers: ["Content-Type": "application/json", "If-Match": "*"])
        XCTAssertEqual(refused.status, 400, refused.text)
        XCTAssertTrue(refused.text.contains("k8sNetwork"), refused.text)
        // A new entity with the same defect fails resolution.
        let badCreate = h.call("POST", "/cloudapi/1.0.0/entityTypes/\(typeURN)", token: h.capvcd,
                               body: try JSONEncoder().encode(JSONValue.object(["name": .string("broken"), "entity": bad])),
                               headers: ["Content-Type": "application/json"])
        let badID = try XCTUnwrap(h.waitTask(badCreate, token: h.capvcd).1)
        let badResolve = try decode(h.call("POST", "/cloudapi/1.0.0/entities/\(badID)/resolve", token: h.capvcd))
        XCTAssertEqual(badResolve["state"]?.stringValue, "RESOLUTION_ERROR", "\(badResolve)")
    }

    // MARK: Set-up helpers

    private func decode(_ r: HTTPResponseMessage, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        do { return try JSONDecoder().decode(JSONValue.self, from: r.body) } catch {
            XCTFail("not JSON (\(r.status)): \(r.text)", file: file, line: line)
            throw error
        }
    }

    private func nsx(_ h: Harness, _ method: String, _ path: String, password: String = Harness.password, json: Any? = nil, body: Data? = nil) -> HTTPResponseMessage {
        var hd = HTTPHeaderFields()
        hd["Authorization"] = "Basic " + Data("administrator:\(password)".utf8).base64EncodedString()
        var data = body ?? Data()
        if let json { data = try! JSONSerialization.data(withJSONObject: json) }
        if !data.isEmpty { hd["Content-Type"] = "application/json" }
        return h.sim.handle(HTTPRequestMessage(method: method, target: path, headers: hd, body: data), service: .nsx)
    }

    /// The Tier1 behind a new VCD edge gateway.
    private func makeTier1(_ h: Harness) -> String {
        let gw = h.createGateway("gw-fixture")
        let g = h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)", token: h.provider))
        return (g["gatewayBacking"] as? [String: Any])?["backingId"] as? String ?? ""
    }

    /// A VCD virtual service on an imported, assigned SEG with a one-member pool (what CAPVCD builds).
    private func makeVirtualService(_ h: Harness) -> (name: String, vip: String) {
        let gw = h.createGateway("gw-alb", ips: 4)
        let cloud = h.values(h.call("GET", "/cloudapi/1.0.0/loadBalancer/clouds", token: h.provider)).first?["id"] as? String ?? ""
        let importable = h.values(h.call("GET", "/cloudapi/1.0.0/nsxAlbResources/importableServiceEngineGroups?filter=_context==\(cloud)", token: h.provider))
        let backing = importable.first { $0["displayName"] as? String == "seg-tenant" }?["id"] as? String ?? ""
        let seg = h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups", token: h.provider, json: [
            "name": "seg-tenant", "reservationType": "DEDICATED",
            "serviceEngineGroupBacking": ["backingId": backing, "loadBalancerCloudRef": ["id": cloud]]]), token: h.provider).1 ?? ""
        XCTAssertEqual(h.waitTask(h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/loadBalancer", token: h.provider, json: ["enabled": true]),
                                  token: h.provider).0, "success")
        XCTAssertEqual(h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments", token: h.provider,
                                         json: ["gatewayRef": ["id": gw], "serviceEngineGroupRef": ["id": seg]]), token: h.provider).0, "success")
        let pool = h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/pools", token: h.capvcd, json: [
            "name": "capi-pool", "enabled": true, "defaultPort": 6443, "gatewayRef": ["id": gw], "algorithm": "ROUND_ROBIN",
            "members": [["ipAddress": "192.168.8.10", "port": 6443, "ratio": 1, "enabled": true]]]), token: h.capvcd).1 ?? ""
        let vip = h.allocated(gw)[1]
        let (status, _, _) = h.waitTask(h.call("POST", "/cloudapi/1.0.0/loadBalancer/virtualServices", token: h.capvcd, json: [
            "name": "capi-vs", "enabled": true, "virtualIpAddress": vip, "loadBalancerPoolRef": ["id": pool], "gatewayRef": ["id": gw],
            "serviceEngineGroupRef": ["id": seg], "servicePorts": [["tcpUdpProfile": ["type": "TCP_PROXY"], "portStart": 6443, "sslEnabled": false]],
            "applicationProfile": ["name": "System-L4-Application", "type": "L4", "systemDefined": true]]), token: h.capvcd)
        XCTAssertEqual(status, "success")
        return ("capi-vs", vip)
    }

    /// A recorded controller list: `{count, results}` (the reference for a list answer).
    private func envelopeOf(_ list: JSONValue) -> JSONValue { list }

    private func setting(_ v: JSONValue, _ path: [String], _ new: JSONValue) -> JSONValue {
        guard let first = path.first else { return new }
        guard case .object(var o) = v else { return v }
        o[first] = setting(o[first] ?? .object([:]), Array(path.dropFirst()), new)
        return .object(o)
    }

    private func removing(_ v: JSONValue, _ key: String) -> JSONValue {
        guard case .object(var o) = v else { return v }
        o[key] = nil
        return .object(o)
    }

    // MARK: Comparisons

    /// Every key of `actual` exists in `reference` with the same JSON type, recursively (objects key by
    /// key, arrays element by element against the reference's first element). A `null` in the
    /// reference says nothing about the type and matches anything.
    func assertShape(_ actual: JSONValue, like reference: JSONValue, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let problems = JSONShape.mismatches(actual, reference, path: "$")
        XCTAssertEqual(problems, [], "\(what): the simulator's answer differs in shape from the real one", file: file, line: line)
    }

    /// `url` and every `*_ref` whose real value is a controller URL must be a URL of the same kind of
    /// object (`https://host/api/<kind>/<uuid>`, optionally `#name`); `url` must end with `uuid`, whose
    /// prefix (`pool-`, `cloud-`, …) is the real one; `_last_modified` is a string of microseconds.
    func assertReferences(_ actual: JSONValue, like reference: JSONValue, kind: String, _ what: String,
                          file: StaticString = #filePath, line: UInt = #line) {
        guard case .object(let a) = actual, case .object(let r) = reference else { return XCTFail("\(what): not objects", file: file, line: line) }
        for (k, v) in a.sorted(by: { $0.key < $1.key }) where k == "url" || k.hasSuffix("_ref") {
            guard let realKind = r[k]?.stringValue.flatMap(ALBRef.init)?.kind else { continue }
            guard let s = v.stringValue, let ref = ALBRef(s) else {
                XCTFail("\(what): \(k) is not a controller URL: \(v)", file: file, line: line); continue
            }
            XCTAssertEqual(ref.kind, realKind, "\(what): \(k) names the wrong kind of object: \(s)", file: file, line: line)
        }
        let url = a["url"]?.stringValue.flatMap(ALBRef.init)
        XCTAssertEqual(url?.kind, kind, "\(what): url", file: file, line: line)
        XCTAssertEqual(url?.uuid, a["uuid"]?.stringValue, "\(what): url ends with the uuid", file: file, line: line)
        if let realUUID = r["uuid"]?.stringValue, let dash = realUUID.firstIndex(of: "-") {
            let prefix = String(realUUID[...dash])
            XCTAssertTrue(a["uuid"]?.stringValue?.hasPrefix(prefix) ?? false, "\(what): uuid \(a["uuid"] ?? .null) lacks the \(prefix) prefix", file: file, line: line)
        }
        if let lm = a["_last_modified"] {
            let s = lm.stringValue ?? ""
            XCTAssertTrue(!s.isEmpty && s.allSatisfy(\.isNumber), "\(what): _last_modified \(lm) is not a string of digits", file: file, line: line)
            if let realLM = r["_last_modified"]?.stringValue {
                XCTAssertEqual(s.count, realLM.count, "\(what): _last_modified \(s) is not microseconds since 1970 like \(realLM)", file: file, line: line)
            }
        }
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
}

/// A controller reference `https://host[:port]/api/<kind>/<uuid>[#name]`.
struct ALBRef {
    let kind: String
    let uuid: String
    init?(_ s: String) {
        guard let m = s.range(of: #"^https?://[^/]+/api/[a-z]+/[^/#?]+(#.*)?$"#, options: .regularExpression), m.lowerBound == s.startIndex else { return nil }
        let path = s.split(separator: "#", maxSplits: 1)[0]
        let parts = path.split(separator: "/")
        kind = String(parts[parts.count - 2])
        uuid = String(parts[parts.count - 1])
    }
}

enum JSONShape {
    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    static func mismatches(_ actual: JSONValue, _ reference: JSONValue, path: String) -> [String] {
        if case .null = reference { return [] }
        guard kind(actual) == kind(reference) else {
            return ["\(path): \(kind(actual)) where the real payload has \(kind(reference))"]
        }
        switch (actual, reference) {
        case (.object(let a), .object(let r)):
            var out: [String] = []
            for k in a.keys.sorted() {
                guard let rv = r[k] else { out.append("\(path).\(k): not in the real payload"); continue }
                out += mismatches(a[k]!, rv, path: "\(path).\(k)")
            }
            return out
        case (.array(let a), .array(let r)):
            guard let first = r.first else { return [] }
            return a.enumerated().flatMap { mismatches($0.element, first, path: "\(path)[\($0.offset)]") }
        default:
            return []
        }
    }
}

/// The part of JSON Schema the CAPVCD schemas use for structure: `type`, `properties`, `required`,
/// `items`, `enum`, and local `$ref` into `definitions`. Other keywords (`description`, `default`,
/// `x-vcloud-restricted`, `minimum`, `maximum`, `anyOf`, `additionalProperties`) are not checked.
enum JSONSchemaSubset {
    static func problems(_ value: JSONValue, schema: JSONValue) -> [String] {
        check(value, schema, root: schema, path: "entity", hops: 0)
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, root: JSONValue, path: String, hops: Int) -> [String] {
        guard case .object(let s) = schema else { return [] }
        if let ref = s["$ref"]?.stringValue {
            guard hops < 16, ref.hasPrefix("#/") else { return ["\(path): unresolvable $ref \(ref)"] }
            var target: JSONValue? = root
            for part in ref.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
            guard let target else { return ["\(path): $ref \(ref) names nothing"] }
            return check(value, target, root: root, path: path, hops: hops + 1)
        }
        if let t = s["type"]?.stringValue, !has(value, type: t) { return ["\(path): \(JSONShape.kind(value)), the schema says \(t)"] }
        var out: [String] = []
        if case .array(let allowed)? = s["enum"], !allowed.contains(value) { out.append("\(path): \(value) is not in the enum") }
        if case .object(let o) = value {
            for r in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where o[r] == nil { out.append("\(path).\(r): required") }
            if case .object(let props)? = s["properties"] {
                for (k, sub) in props.sorted(by: { $0.key < $1.key }) {
                    if let v = o[k] { out += check(v, sub, root: root, path: "\(path).\(k)", hops: 0) }
                }
            }
        }
        if case .array(let items) = value, let itemSchema = s["items"] {
            for (i, v) in items.enumerated() { out += check(v, itemSchema, root: root, path: "\(path)[\(i)]", hops: 0) }
        }
        return out
    }

    private static func has(_ v: JSONValue, type: String) -> Bool {
        switch (type, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("integer", .int),
             ("number", .int), ("number", .double): return true
        case ("integer", .double(let d)): return d == d.rounded()
        default: return false
        }
    }
}

/// Fixture files at `<package root>/../shared/fixtures` (the package root is two levels above this
/// file). A missing folder or file fails the test with the path it looked at.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures").standardized

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static func json(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        guard FileManager.default.fileExists(atPath: root.path) else {
            let m = "fixtures folder not found at \(root.path): these tests compare the simulator with recorded payloads"
            if ProcessInfo.processInfo.environment["VCDSCRIPT_REQUIRE_FIXTURES"] != "1" { throw XCTSkip(m) }
            XCTFail(m, file: file, line: line)
            throw Missing(description: m)
        }
        let url = root.appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            let m = "fixture \(relative) not found at \(url.path)"
            XCTFail(m, file: file, line: line)
            throw Missing(description: m)
        }
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// `results[0]` of a controller list.
    static func first(_ list: JSONValue, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        guard let first = list["results"]?.arrayValue?.first else {
            let m = "fixture list has no results[0]"
            XCTFail(m, file: file, line: line)
            throw Missing(description: m)
        }
        return first
    }
}

/// A logged-in client of the simulated ALB controller, in-process, sending what avisdk sends.
private final class ALBFixtureClient {
    let h: Harness
    var csrf = ""
    var sid = ""
    init(_ h: Harness) { self.h = h }

    func login() -> HTTPResponseMessage {
        var hd = HTTPHeaderFields()
        hd["Content-Type"] = "application/x-www-form-urlencoded"
        let r = h.sim.handle(HTTPRequestMessage(method: "POST", target: "/login", headers: hd, body: Data("username=administrator&password=\(Harness.password)".utf8)),
                             service: .alb)
        for (n, v) in r.headers where n.lowercased() == "set-cookie" {
            for c in v.components(separatedBy: ", ") {
                let kv = c.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { continue }
                if kv[0] == "csrftoken" { csrf = kv[1] }
                if kv[0] == "sessionid" { sid = kv[1] }
            }
        }
        return r
    }

    func call(_ method: String, _ path: String, json: Any? = nil) -> HTTPResponseMessage {
        var hd = HTTPHeaderFields()
        hd["Cookie"] = "csrftoken=\(csrf); avi-sessionid=\(sid); sessionid=\(sid)"
        hd["X-CSRFToken"] = csrf
        hd["X-Avi-Version"] = "22.1.3"
        hd["X-Avi-Tenant"] = "admin"
        hd["Content-Type"] = "application/json"
        let body = json.map { try! JSONSerialization.data(withJSONObject: $0) } ?? Data()
        return h.sim.handle(HTTPRequestMessage(method: method, target: path, headers: hd, body: body), service: .alb)
    }
}
