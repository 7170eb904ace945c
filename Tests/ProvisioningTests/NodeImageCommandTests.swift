import CloudSim
import Foundation
import ScriptCloud
import XCTest

/// `vcdscript sim node-ova` and `cloud.simulator` as the executable wires them: the built binary
/// (next to the test bundle after `swift build --build-tests`) is run; skipped when it is not there.
final class NodeImageCommandTests: XCTestCase {
    static var binary: String? {
        let dir = Bundle.main.bundleURL.path
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [dir + "/vcdscript"] + ["debug", "release"].map { here.appendingPathComponent(".build/\($0)/vcdscript").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func run(_ arguments: [String], env extra: [String: String] = [:], cwd: String? = nil) throws -> (status: Int32, out: String, err: String) {
        var env = ProcessInfo.processInfo.environment
        env["VCD_URL"] = nil
        for (k, v) in extra { env[k] = v }
        return try BinaryRun.run(try BinaryRun.binary(), arguments, environment: env, cwd: cwd)
    }

    func testSimNodeOVAWritesAFileTheSimulatorAccepts() throws {
        let h = try SimHarness()
        let file = h.dir + "/out/node.ova"
        let r = try run(["sim", "node-ova", "--kubernetes", "v1.27.5+vmware.2", "--name", "ubuntu-22.04-kube-v1.27.5", file])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "\(file): node image ubuntu-22.04-kube-v1.27.5, Kubernetes v1.27.5+vmware.2, Ubuntu 22.04, 20 GiB disk (\(try NodeImage(name: "ubuntu-22.04-kube-v1.27.5", kubernetes: "v1.27.5+vmware.2").ova.count) bytes)\n")
        XCTAssertEqual(FileManager.default.contents(atPath: file), try NodeImage(name: "ubuntu-22.04-kube-v1.27.5", kubernetes: "v1.27.5+vmware.2").ova)
        let out = try h.run("""
            let cat = cloud.org("xav_lab").catalogs.ensure(name: "imgs")
            let tpl = cat.upload(path: "\(file)", name: "node")
            print(tpl.status, tpl.kubernetesVersion, tpl.version, tpl.osType, tpl.vms)
            """)
        XCTAssertEqual(out.last, #"RESOLVED v1.27.5 v1.27.5+vmware.2 ubuntu64Guest ["ubuntu-22.04-kube-v1.27.5"]"#, out.joined(separator: "\n"))
        // The default: the lab's template.
        let d = try run(["sim", "node-ova", h.dir + "/lab.ova"])
        XCTAssertEqual(d.status, 0, d.err)
        XCTAssertTrue(d.out.hasPrefix("\(h.dir)/lab.ova: node image ubuntu-20.04-kube-v1.22.5+vmware.1, Kubernetes v1.22.5+vmware.1, Ubuntu 20.04, 20 GiB disk"), d.out)
        // A name without a version and no --kubernetes: a usage error.
        let bad = try run(["sim", "node-ova", "--name", "my-node", h.dir + "/bad.ova"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("cannot tell the Kubernetes version of my-node"), bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.dir + "/bad.ova"))
    }

    func testCloudSimulatorIsTheEmbeddedSimulatorsAndNilOnARealSite() throws {
        let home = NSTemporaryDirectory() + "nodeimg-home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let r = try run(["-e", "print(cloud.simulator.nodeImage())"], env: ["VCDSCRIPT_HOME": home])
        XCTAssertEqual(r.status, 0, r.err)
        let path = home + "/sim/node-images/ubuntu-20.04-kube-v1.22.5-vmware.1.ova"
        XCTAssertEqual(r.out, path + "\n")
        XCTAssertEqual(FileManager.default.contents(atPath: path), try NodeImage().ova)
        // A named site: no simulator (nothing is sent to read a property of `cloud`).
        let real = try run(["--target", "https://vcd.example.invalid", "-e", "print(cloud.simulator)"], env: ["VCDSCRIPT_HOME": home])
        XCTAssertEqual(real.status, 0, real.err)
        XCTAssertEqual(real.out, "nil\n")
    }
}
