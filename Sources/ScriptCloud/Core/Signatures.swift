import Foundation
import VCDScript

/// What the cloud types' members give back, declared once per type, for `vcdscript check`: it
/// follows `cloud.org(x).vdc(y).gateways` from type to type and checks each member name and named
/// argument on the way. Only what is certain is declared: a member that may give one of several
/// types (`capiCluster.management`: a kind cluster, or itself after a pivot) is left out, and then
/// nothing after it is checked. A test checks that every name here is a registered type's member.
enum Signatures {
    /// What each collection holds: iteration, get, find and ensure give one, list and where a list.
    static let elements: [String: String] = [
        "orgs": "org", "vdcs": "vdc", "gateways": "gateway", "natRules": "natRule", "segAssignments": "segAssignment",
        "serviceEngineGroups": "serviceEngineGroup", "pools": "pool", "virtualServices": "virtualService", "networks": "network",
        "computePolicies": "computePolicy", "entityTypes": "entityType", "albServiceEngineGroups": "albServiceEngineGroup", "tier1s": "tier1",
        "catalogs": "catalog", "sharedCatalogs": "catalog", "templates": "template", "vapps": "vapp", "vms": "vm",
        "orgVapps": "vapp", "vdcVms": "vm", "orgVms": "vm",
        "kubeNamespaces": "kubeNamespace", "kubeNodes": "kubeNode", "kubePods": "kubePod", "kubeDeployments": "kubeDeployment",
        "kubeServices": "kubeService", "kubeSecrets": "kubeSecret", "kubeConfigMaps": "kubeConfigMap",
        "kindClusters": "kindCluster", "capiClusters": "capiCluster",
    ]

    private static func n(_ name: String) -> StaticType { .native(name) }

    /// Members of a cluster that Cluster API tooling works on (kind and workload clusters).
    private static let managed: [String: StaticType] = [
        "kube": n("kubeConnection"), "clusterctl": n("clusterctl"), "capvcd": n("capvcd"), "clusters": n("capiClusters"), "plan": .bool,
    ]

    /// What the other members give back, by type and member.
    static let members: [String: [String: StaticType]] = [
        "cloud": ["orgs": n("orgs"), "org": n("org"), "entityTypes": n("entityTypes"), "serviceEngineGroups": n("serviceEngineGroups"),
                  "alb": n("alb"), "nsx": n("nsx"), "simulator": n("simulator"), "credentials": n("credentials"),
                  "site": .string, "apiVersion": .string, "user": .string, "persona": .string, "rights": .list(.string), "plan": .bool,
                  "changes": .list(.string)],
        "org": ["vdcs": n("vdcs"), "catalogs": n("catalogs"), "sharedCatalogs": n("sharedCatalogs"), "vapps": n("orgVapps"), "vms": n("orgVms"),
                "vdc": n("vdc"), "catalog": n("catalog")],
        "vdc": ["gateways": n("gateways"), "networks": n("networks"), "computePolicies": n("computePolicies"), "vapps": n("vapps"),
                "vms": n("vdcVms"), "vapp": n("vapp"), "gateway": n("gateway"), "network": n("network")],
        "gateway": ["nat": n("natRules"), "loadBalancer": n("loadBalancer"), "serviceEngineGroups": n("segAssignments"), "pools": n("pools"),
                    "virtualServices": n("virtualServices"), "routeAdvertisement": n("routeAdvertisement")],
        "alb": ["serviceEngineGroups": n("albServiceEngineGroups"), "available": .bool],
        "nsx": ["tier1s": n("tier1s"), "available": .bool],
        "catalog": ["templates": n("templates"), "template": n("template")],
        "vapp": ["vms": n("vms"), "vm": n("vm")],
        "vm": ["refresh": n("vm")],
        "kube": ["connect": n("kubeConnection")],
        "kubeConnection": ["namespaces": n("kubeNamespaces"), "nodes": n("kubeNodes"), "pods": n("kubePods"), "deployments": n("kubeDeployments"),
                           "services": n("kubeServices"), "secrets": n("kubeSecrets"), "configMaps": n("kubeConfigMaps"),
                           "withNamespace": n("kubeConnection"), "plan": .bool],
        "kind": ["clusters": n("kindClusters")],
        "kindCluster": managed,
        "capiCluster": managed.merging(["machines": .list(n("capiMachine")), "nodes": .list(n("kubeNode")), "refresh": n("capiCluster")]) { a, _ in a },
    ]

    /// Fields known only after apply, by type: in a plan they are unknown values that stand for
    /// these kinds, so a member that kind lacks (`gw.allocatedIPs.frist`) fails the plan as it fails the run.
    static let afterApply: [String: [String: StaticType]] = [
        "org": ["id": .string], "vdc": ["id": .string], "natRule": ["id": .string],
        "gateway": ["id": .string, "status": .string, "primaryIP": .string, "allocatedIPs": .list(.string), "ipRanges": .list(.string),
                    "usedIPs": .list(.map), "freeIPs": .list(.string)],
        "segAssignment": ["id": .string, "maxVirtualServices": .int, "deployedVirtualServices": .int],
        "serviceEngineGroup": ["id": .string, "haMode": .string, "maxVirtualServices": .int, "deployedVirtualServices": .int, "status": .string],
        "pool": ["id": .string, "health": .string], "virtualService": ["id": .string, "health": .string],
        "network": ["id": .string, "status": .string], "albServiceEngineGroup": ["uuid": .string],
        "catalog": ["id": .string, "owner": .string, "published": .bool, "sharedWith": .map],
        "template": ["id": .string, "status": .string, "vms": .list(.string), "osType": .string, "cpus": .int, "memoryMB": .int,
                     "version": .string, "kubernetesVersion": .string],
        "vapp": ["id": .string, "status": .string, "deployed": .bool],
        "vm": ["id": .string, "powerState": .string, "ip": .string, "ips": .list(.string), "network": .string, "guestOS": .string,
               "osType": .string, "cpus": .int, "memoryMB": .int, "computerName": .string, "sizingPolicy": .string,
               "extraConfig": .map, "guestinfo": .map],
        "kubeNamespace": ["phase": .string],
        "kubePod": ["ready": .string, "phase": .string, "restarts": .int, "node": .string, "ip": .string],
        "kubeDeployment": ["ready": .string, "upToDate": .int, "available": .int],
        "kubeService": ["clusterIP": .string, "externalIP": .string, "loadBalancerIP": .string],
        "capiMachine": ["phase": .string, "nodeName": .string, "address": .string],
        "capiCluster": ["phase": .string, "ready": .bool, "infrastructureReady": .bool, "controlPlaneReady": .bool, "failureMessage": .string,
                        "conditions": .list(.map), "controlPlaneEndpoint": .string],
    ]

    /// The fields every Kubernetes object type has that are known only after apply.
    static let kubeAfterApply: [String: StaticType] = [
        "uid": .string, "resourceVersion": .string, "creationTimestamp": .string, "age": .string, "status": .map,
    ]
    static let kubeObjectTypes: Set<String> = ["kubeNamespace", "kubeNode", "kubePod", "kubeDeployment", "kubeService", "kubeSecret",
                                               "kubeConfigMap", "kubeObject", "capiMachine"]

    /// Declares the result types of `t`'s members (called once every type is built, with all its members).
    static func declare(_ t: NativeType) {
        if let e = elements[t.name] {
            let element = StaticType.native(e)
            t.elementType = element
            var common: [String: StaticType] = ["get": element, "find": element, "ensure": element, "list": .list(element), "where": .list(element),
                                                "count": .int, "names": .list(.string),
                                                // A collection in another namespace is the same kind of collection.
                                                "inNamespace": .native(t.name)]
            common = common.filter { t.memberNames.contains($0.key) }
            t.memberTypes.merge(common) { old, _ in old }
        }
        if kubeObjectTypes.contains(t.name) {
            for (member, type) in kubeAfterApply { t.memberTypes[member] = type }
            t.memberTypes["refresh"] = .native(t.name)
        }
        for (member, type) in afterApply[t.name] ?? [:] { t.memberTypes[member] = type }
        for (member, type) in members[t.name] ?? [:] { t.memberTypes[member] = type }
    }
}
