import CloudWire
import Foundation

/// The `vmware:capvcdCluster` runtime defined entity CAPVCD keeps per cluster.
enum CAPVCDEntity {
    static let typeID = "urn:vcloud:type:vmware:capvcdCluster:1.1.0"

    /// The schema registered when the world lacks the type: the shape of CAPVCD's 1.1.0 schema
    /// (required kind/spec/metadata/apiVersion, typed metadata and status.capvcd fields).
    static var schema: JSONValue {
        func t(_ type: String) -> JSONValue { .object(["type": .string(type)]) }
        func obj(_ props: [String: JSONValue]) -> JSONValue { .object(["type": .string("object"), "properties": .object(props)]) }
        let named = obj(["name": t("string"), "id": t("string")])
        return .object([
            "type": .string("object"),
            "required": .array(["kind", "spec", "metadata", "apiVersion"].map { .string($0) }),
            "properties": .object([
                "kind": .object(["type": .string("string"), "enum": .array([.string("CAPVCDCluster")])]),
                "apiVersion": t("string"),
                "spec": obj(["capiYaml": t("string"), "yamlSet": .object(["type": .string("array"), "items": t("string")])]),
                "metadata": obj(["orgName": t("string"), "virtualDataCenterName": t("string"), "name": t("string"), "site": t("string")]),
                "status": obj(["capvcd": obj([
                    "phase": t("string"), "kubernetes": t("string"), "uid": t("string"), "parentUid": t("string"),
                    "useAsManagementCluster": t("boolean"), "capvcdVersion": t("string"), "createdByVersion": t("string"),
                    "errorSet": .object(["type": .string("array"), "items": t("object")]),
                    "eventSet": .object(["type": .string("array"), "items": t("object")]),
                    "clusterApiStatus": obj(["phase": t("string"), "apiEndpoints": .object(["type": .string("array"), "items": t("object")])]),
                    "nodePool": .object(["type": .string("array"), "items": obj([
                        "name": t("string"), "sizingPolicy": t("string"), "placementPolicy": t("string"), "diskSizeMb": t("integer"),
                        "storageProfile": t("string"), "desiredReplicas": t("integer"), "availableReplicas": t("integer"),
                        "nvidiaGpuEnabled": t("boolean")])]),
                    "vcdProperties": obj(["site": t("string"),
                                          "organizations": .object(["type": .string("array"), "items": named]),
                                          "orgVdcs": .object(["type": .string("array"), "items": obj(["name": t("string"), "id": t("string"), "ovdcNetworkName": t("string")])])]),
                    "private": obj(["kubeConfig": t("string")]),
                ])]),
            ]),
        ])
    }

    /// Registers vmware:capvcdCluster:1.1.0 with its rights and bundle unless some capvcdCluster
    /// type exists; true when it registered one. This is the site's setup, not a request of the
    /// controller: on a real site the provider (or CSE's installation) registers the type before
    /// CAPVCD runs, and CAPVCD 1.x fails without it.
    static func registerType(_ tx: WriteTx) throws -> Bool {
        if existingType(tx) != nil { return false }
        var type = DefinedEntityType()
        type.name = "CAPVCD Cluster"
        type.vendor = "vmware"
        type.nss = "capvcdCluster"
        type.version = "1.1.0"
        type.description = "Registered by the simulated CAPVCD installation"
        type.interfaces = tx.get("urn:vcloud:interface:vmware:k8s:1.0.0", kind: Kind.interface) != nil ? ["urn:vcloud:interface:vmware:k8s:1.0.0"] : []
        type.schema = schema
        type.readonly = false
        try DefinedEntities.insertType(tx, type)
        return true
    }

    /// The newest capvcdCluster type of the world.
    static func existingType(_ state: StateView) -> StoredObject? {
        func parts(_ o: StoredObject) -> [Int] { (o.json["version"]?.stringValue ?? "").split(separator: ".").map { Int($0) ?? 0 } }
        return state.all(Kind.entityType).filter { $0.id.hasPrefix("urn:vcloud:type:vmware:capvcdCluster:") }
            .max { parts($0).lexicographicallyPrecedes(parts($1)) }
    }

    static func body(name: String, site: CAPVCDClient.Site, siteURL: String, phase: String, kubernetes: String, uid: String,
                     vip: String?, nodePools: [JSONValue], errors: [JSONValue], events: [JSONValue]) -> JSONValue {
        var capvcd: [String: JSONValue] = [
            "phase": .string(phase), "kubernetes": .string(kubernetes), "uid": .string(uid), "capvcdVersion": .string("1.3.2"),
            "createdByVersion": .string("1.3.2"), "useAsManagementCluster": .bool(false), "parentUid": .string(""),
            "errorSet": .array(errors), "eventSet": .array(events), "nodePool": .array(nodePools),
            "clusterApiStatus": .object(["phase": .string(phase),
                                         "apiEndpoints": .array(vip.map { [.object(["host": .string($0), "port": .int(6443)])] } ?? [])]),
            "vcdProperties": .object([
                "site": .string(siteURL),
                "organizations": .array([.object(["name": .string(site.orgName), "id": .string(site.orgId)])]),
                "orgVdcs": .array([.object(["name": .string(site.vdcName), "id": .string(site.vdcId), "ovdcNetworkName": .string(site.networkName)])]),
            ]),
        ]
        capvcd["private"] = .object([:])
        return .object([
            "kind": .string("CAPVCDCluster"), "apiVersion": .string("capvcd.vmware.com/v1.1"),
            "metadata": .object(["name": .string(name), "orgName": .string(site.orgName), "virtualDataCenterName": .string(site.vdcName),
                                 "site": .string(siteURL)]),
            "spec": .object([:]),
            "status": .object(["capvcd": .object(capvcd)]),
        ])
    }
}
