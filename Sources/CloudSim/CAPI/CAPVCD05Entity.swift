import CloudWire
import Foundation

/// The runtime defined entity of a CAPVCD 0.5.x cluster. 0.5.x looks for exactly
/// `vmware:capvcdCluster:1.0.0` (the schema the blog applies by hand before installing) and keeps
/// the RDE as book-keeping only: when the type is not registered, or VCD refuses the entity, it
/// goes on with a self-made id `NO_RDE_<uuid>`, which then prefixes the names of the load
/// balancer objects like an RDE id would.
enum CAPVCD05Entity {
    static let typeID = "urn:vcloud:type:vmware:capvcdCluster:1.0.0"
    static let noRDEPrefix = "NO_RDE_"
    static let capvcdVersion = "0.5.1"

    /// The entity 0.5.x posts (kind `CAPVCDCluster`, apiVersion `capvcd.vmware.com/v1.0`).
    static func body(name: String, cluster: JSONValue, site: CAPVCDClient.Site, siteURL: String, kubernetes: String,
                     controlPlane: [JSONValue], workers: [JSONValue]) -> JSONValue {
        let network = cluster["spec"]?["clusterNetwork"]
        return .object([
            "kind": .string("CAPVCDCluster"), "apiVersion": .string("capvcd.vmware.com/v1.0"),
            "metadata": .object(["name": .string(name), "orgName": .string(site.orgName), "virtualDataCenterName": .string(site.vdcName),
                                 "site": .string(siteURL)]),
            "spec": .object([
                "settings": .object([
                    "ovdcNetwork": .string(site.networkName),
                    "network": .object([
                        "cni": .object(["name": .string("antrea")]),
                        "pods": .object(["cidrBlocks": network?["pods"]?["cidrBlocks"] ?? .array([])]),
                        "services": .object(["cidrBlocks": network?["services"]?["cidrBlocks"] ?? .array([])]),
                    ]),
                ]),
                "topology": .object(["controlPlane": .array(controlPlane), "workers": .array(workers)]),
                "distribution": .object(["version": .string(kubernetes)]),
            ]),
            "status": .object([
                "phase": .string("Not Ready"), "kubernetes": .string(kubernetes),
                "uid": KubeMeta.field(cluster, "uid") ?? .string(""),
                "cloudProperties": .object(["site": .string(siteURL), "orgName": .string(site.orgName), "virtualDataCenterName": .string(site.vdcName)]),
                "clusterApiStatus": .object(["phase": .string("")]),
                "capvcdVersion": .string(capvcdVersion),
                "cni": .object(["name": .string("antrea"), "version": .string("0.11.3")]),
                "cpi": .object(["name": .string("cloud-provider-for-cloud-director"), "version": .string("1.1.0")]),
                "csi": .object(["name": .string("cloud-director-named-disk-csi-driver"), "version": .string("1.1.0")]),
            ]),
        ])
    }

    /// The cluster's infra id: the id of a new RDE of type 1.0.0, or `NO_RDE_<uuid>` when the
    /// type is missing or VCD refuses the entity (a refusal of access still fails the cluster).
    static func create(_ client: CAPVCDClient, name: String, entity: JSONValue) throws -> String {
        guard (try? client.entityTypeExists(typeID)) == true else { return noRDEPrefix + UUID().uuidString.lowercased() }
        do {
            return try client.createEntity(typeId: typeID, name: name, entity: entity)
        } catch let f as CAPIFailure where f.reason == "VCDLoginFailed" || f.busy {
            throw f
        } catch {
            return noRDEPrefix + UUID().uuidString.lowercased()
        }
    }

    /// The status 0.5.x keeps in its RDE: `Ready` once provisioned, the Cluster API phase and endpoint.
    static func status(provisioned: Bool, clusterPhase: String, endpoint: String, port: Int) -> JSONValue {
        .object(["status": .object([
            "phase": .string(provisioned ? "Ready" : "Not Ready"),
            "clusterApiStatus": .object(["phase": .string(clusterPhase),
                                         "apiEndpoints": .array([.object(["host": .string(endpoint), "port": .int(port)])])]),
        ])])
    }
}
