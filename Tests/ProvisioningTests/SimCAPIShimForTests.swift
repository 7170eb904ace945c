// TEMPORARY — DELETE AT MERGE (with Sources/vcdscript/SimCAPIShim.swift). The contract's Simulator
// APIs that branch `capvcd-sim` adds to CloudSim, as stand-ins so that ClusterTests compiles here;
// they say "not simulated yet", and testEndToEndWithTheSimulatedControllers skips on that.
import CloudSim
import Foundation

struct SimCAPINotSimulated: Error, CustomStringConvertible {
    var description: String
}

extension Simulator {
    public func installClusterAPI(cluster: String, core: String, bootstrap: String, controlPlane: String) throws -> [String] {
        throw SimCAPINotSimulated(description: "installClusterAPI: not simulated yet (branch capvcd-sim)")
    }
    public func installCAPVCD(cluster: String, version: String) throws -> [String] {
        throw SimCAPINotSimulated(description: "installCAPVCD: not simulated yet (branch capvcd-sim)")
    }
    public func moveClusterAPI(from: String, to: String, namespace: String) throws -> [String] {
        throw SimCAPINotSimulated(description: "moveClusterAPI: not simulated yet (branch capvcd-sim)")
    }
    public func kubeCluster(atEndpoint host: String, port: Int) -> String? { nil }
}
