import CloudWire
import XCTest
@testable import CloudSim

/// `/cloudapi/1.0.0/ssl/certificateLibrary`: import, read, list by alias, update, delete; the
/// private key never comes back; tenants see their org's items, the provider all.
final class CertificateLibraryTests: XCTestCase {
    static let pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUSimulatedCertificate0000000000wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n"
    static let key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSimulatedKeySecret42\n-----END PRIVATE KEY-----\n"
    static let encryptedKey = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHeMEkGCSqGSIb3DQEFDTA8MBsGCSqGSIb3DQEFDDAOBAhSecretSalt\n-----END ENCRYPTED PRIVATE KEY-----\n"

    func testImportReadListUpdateDelete() throws {
        try bothWays { h in
            let base = "/cloudapi/1.0.0/ssl/certificateLibrary"
            let r = h.call("POST", base, token: h.tenant, json: ["alias": "ingress-tls", "certificate": Self.pem, "privateKey": Self.key,
                                                                 "description": "for HTTPS virtual services"])
            XCTAssertEqual(r.status, 201, r.text)
            let c = h.json(r)
            let id = c["id"] as? String ?? ""
            XCTAssertTrue(id.hasPrefix("urn:vcloud:certificateLibraryItem:"), id)
            XCTAssertEqual(c["alias"] as? String, "ingress-tls")
            XCTAssertEqual(c["certificate"] as? String, Self.pem)
            XCTAssertNil(c["privateKey"])
            XCTAssertFalse(r.text.contains("SimulatedKeySecret42"))
            let got = h.call("GET", "\(base)/\(id)", token: h.capvcd)
            XCTAssertEqual(got.status, 200, got.text)
            XCTAssertFalse(got.text.contains("SimulatedKeySecret42"))
            XCTAssertEqual(h.json(got)["description"] as? String, "for HTTPS virtual services")
            // The cloud provider's lookup by alias (and nothing matches a search on the key).
            XCTAssertEqual(h.values(h.call("GET", "\(base)?filter=alias==ingress-tls", token: h.capvcd)).map { $0["id"] as? String }, [id])
            XCTAssertEqual(h.values(h.call("GET", "\(base)?filter=privateKey==*Secret42*", token: h.tenant)).count, 0)
            // Refusals: duplicate alias, not PEM, encrypted key without passphrase, capvcd may only read.
            XCTAssertEqual(h.minor(h.call("POST", base, token: h.tenant, json: ["alias": "ingress-tls", "certificate": Self.pem])), "DUPLICATE_NAME")
            XCTAssertEqual(h.call("POST", base, token: h.tenant, json: ["alias": "x", "certificate": "not a certificate"]).status, 400)
            let enc = h.call("POST", base, token: h.tenant, json: ["alias": "enc", "certificate": Self.pem, "privateKey": Self.encryptedKey])
            XCTAssertEqual(enc.status, 400)
            XCTAssertTrue(h.message(enc).contains("privateKeyPassphrase"), h.message(enc))
            XCTAssertFalse(enc.text.contains("SecretSalt"))
            XCTAssertEqual(h.call("POST", base, token: h.tenant, json: ["alias": "enc", "certificate": Self.pem, "privateKey": Self.encryptedKey,
                                                                        "privateKeyPassphrase": "pass-phrase"]).status, 201)
            let denied = h.call("POST", base, token: h.capvcd, json: ["alias": "y", "certificate": Self.pem])
            XCTAssertEqual(denied.status, 403)
            XCTAssertTrue(h.message(denied).contains("Certificate Library: Manage"), h.message(denied))
            // Update changes alias and description only.
            var body = h.json(got)
            body["alias"] = "ingress-tls-2"
            body["description"] = "renamed"
            body["certificate"] = "ignored"
            let put = h.call("PUT", "\(base)/\(id)", token: h.tenant, json: body)
            XCTAssertEqual(put.status, 200, put.text)
            XCTAssertEqual(h.json(put)["alias"] as? String, "ingress-tls-2")
            XCTAssertEqual(h.json(put)["certificate"] as? String, Self.pem)
            // Tenancy: the provider sees the tenant's items; a provider import without tenant context is System's.
            XCTAssertEqual(h.call("POST", base, token: h.provider, json: ["alias": "provider-ca", "certificate": Self.pem]).status, 201)
            XCTAssertEqual(h.values(h.call("GET", base, token: h.provider)).count, 3)
            XCTAssertEqual(h.values(h.call("GET", base, token: h.tenant)).compactMap { $0["alias"] as? String }.sorted(), ["enc", "ingress-tls-2"])
            let sys = h.values(h.call("GET", "\(base)?filter=alias==provider-ca", token: h.provider)).first?["id"] as? String ?? ""
            XCTAssertEqual(h.call("GET", "\(base)/\(sys)", token: h.tenant).status, 403)
            // Delete.
            XCTAssertEqual(h.call("DELETE", "\(base)/\(id)", token: h.capvcd).status, 403)
            XCTAssertEqual(h.call("DELETE", "\(base)/\(id)", token: h.tenant).status, 204)
            XCTAssertEqual(h.call("GET", "\(base)/\(id)", token: h.tenant).status, 404)
            XCTAssertEqual(h.sim.count(kind: Kind.certificateKey), 1, "the deleted item's key went with it")
        }
    }
}
