import CloudWire
import Foundation

extension Kind {
    /// A certificate of the library (`urn:vcloud:certificateLibraryItem:…`), as the wire shows it.
    static let certificate = "certificateLibraryItem"
    /// The private key (and passphrase) imported with a certificate, kept apart from it so that no
    /// answer, filter or sort can ever reach it.
    static let certificateKey = "certificateKey"
}

/// The certificate library, `/cloudapi/1.0.0/ssl/certificateLibrary` (govcd
/// `certificate_management.go`, types `CertificateLibraryItem`; the cloud provider looks its TLS
/// certificates up with `filter=alias==…`, vcd-wire.md §5.7): list with FIQL and paging, import
/// (`alias`, PEM `certificate`, optional PEM `privateKey` and `privateKeyPassphrase`) → 201 with the
/// item, read, update (alias and description only, as govcd says), delete → 204. Fields on the
/// wire: `id`, `alias`, `certificate`, `description`; the private key and its passphrase are never
/// answered. Tenants see their org's certificates; the provider sees all (its tenant context
/// narrows the list, and its imports belong to the context's org, else to System). Aliases are
/// unique per org. Rights: `Certificate Library: View` and `Certificate Library: Manage`.
enum CertificateLibrary: RouteFamily {
    static let collection = "ssl/certificateLibrary"

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/\(collection)"
        t.get(p, .right(RightName.certificateView), "CERTIFICATE_LIBRARY_VIEW", listCertificates)
        t.get("\(p)/{id}", .right(RightName.certificateView), "CERTIFICATE_LIBRARY_VIEW", showCertificate)
        t.post(p, .right(RightName.certificateManage), "CERTIFICATE_LIBRARY_CREATE", create)
        t.put("\(p)/{id}", .right(RightName.certificateManage), "CERTIFICATE_LIBRARY_UPDATE", updateCertificate)
        t.delete("\(p)/{id}", .right(RightName.certificateManage), "CERTIFICATE_LIBRARY_DELETE", removeCertificate)
    }

    /// GET the certificates of the library, paged.
    static func listCertificates(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.scoped(ctx.state.all(Kind.certificate)), model: "CertificateLibraryItems")
    }

    /// GET one certificate of the library.
    static func showCertificate(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try item(ctx))
    }

    /// PUT: changes a certificate's alias or description.
    static func updateCertificate(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try item(ctx)
        let input = try ctx.body(CertificateLibraryItem.self)
        var c = try o.decode(CertificateLibraryItem.self)
        let alias = try Cloud.required(input.alias, "alias")
        try ensureUniqueAlias(ctx, alias, org: o.orgId, except: o.id)
        c.alias = alias
        c.description = input.description ?? c.description
        return ctx.raw(try ctx.write.update(o, name: alias, c))
    }

    /// DELETE a certificate (and its private key).
    static func removeCertificate(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try item(ctx)
        ctx.write.delete(o.id)
        for k in ctx.state.children(Kind.certificateKey, of: o.id) { ctx.write.delete(k.id) }
        return ctx.noContent()
    }

    private static func item(_ ctx: RequestContext) throws -> StoredObject {
        try ctx.require(URN.normalize(ctx.param("id"), kind: "certificateLibraryItem"), Kind.certificate, "Certificate")
    }

    private static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let input = try ctx.body(CertificateLibraryItem.self)
        let alias = try Cloud.required(input.alias, "alias")
        let pem = try Cloud.required(input.certificate, "certificate")
        guard pem.contains("-----BEGIN CERTIFICATE-----"), pem.contains("-----END CERTIFICATE-----") else {
            throw SimError.badRequest("The certificate of \(alias) is not a PEM encoded X.509 certificate.")
        }
        if let key = input.privateKey, !key.isEmpty {
            guard key.contains("-----BEGIN"), key.contains("PRIVATE KEY-----") else {
                throw SimError.badRequest("The private key of \(alias) is not a PEM encoded private key.")
            }
            let encrypted = key.contains("ENCRYPTED PRIVATE KEY") || key.contains("Proc-Type: 4,ENCRYPTED")
            if encrypted, (input.privateKeyPassphrase ?? "").isEmpty {
                throw SimError.badRequest("The private key of \(alias) is encrypted: privateKeyPassphrase is required.")
            }
        }
        let s = ctx.session!
        let org = ctx.scopeOrgID ?? s.orgID
        try ensureUniqueAlias(ctx, alias, org: org, except: nil)
        var c = CertificateLibraryItem()
        c.id = "urn:vcloud:certificateLibraryItem:\(UUID().uuidString.lowercased())"
        c.alias = alias
        c.certificate = pem
        c.description = input.description ?? ""
        let o = try ctx.write.insert(kind: Kind.certificate, id: c.id!, org: org, name: alias, c)
        if let key = input.privateKey, !key.isEmpty {
            try ctx.write.insert(kind: Kind.certificateKey, id: "\(c.id!)#key", parent: c.id, org: org, name: alias,
                                 CertificateKeyRecord(privateKey: key, passphrase: input.privateKeyPassphrase))
        }
        var r = ctx.raw(o, status: 201)
        r.headers["Content-Location"] = Cloud.href(ctx, collection, c.id!)
        return r
    }

    private static func ensureUniqueAlias(_ ctx: RequestContext, _ alias: String, org: String?, except: String?) throws {
        if ctx.state.all(Kind.certificate).contains(where: { $0.orgId == org && $0.name == alias && $0.id != except }) {
            throw SimError.duplicate("A certificate with the alias \(alias) already exists in the library.")
        }
    }
}

/// A certificate library item on the wire (govcd `types.CertificateLibraryItem`). The simulator
/// decodes `privateKey` and `privateKeyPassphrase` from requests and never encodes them.
struct CertificateLibraryItem: Codable {
    var id: String?
    var alias: String?
    var certificate: String?
    var description: String?
    var privateKey: String?
    var privateKeyPassphrase: String?

    private enum CodingKeys: String, CodingKey { case id, alias, certificate, description, privateKey, privateKeyPassphrase }

    init() {}

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(alias, forKey: .alias)
        try c.encodeIfPresent(certificate, forKey: .certificate)
        try c.encodeIfPresent(description, forKey: .description)
    }
}

/// The secret half of an imported certificate (kind `certificateKey`).
struct CertificateKeyRecord: Codable {
    var privateKey: String
    var passphrase: String?
}
