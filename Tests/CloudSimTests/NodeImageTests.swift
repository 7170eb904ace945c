import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The simulator's node image (Sources/CloudSim/XML/NodeImage.swift): a ustar OVA that the
/// simulator's own OVA/OVF reader takes back, with the metadata the upload reads.
final class NodeImageTests: XCTestCase {
    func testSHA256KnownVectors() throws {
        XCTAssertEqual(SHA256Digest.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Digest.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256Digest.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // The manifest of the Python-made test OVA agrees with this SHA-256.
        let members = try XCTUnwrap(OVF.untar(try Data(contentsOf: LegacyXMLTests.ova)))
        let manifest = String(decoding: try XCTUnwrap(members.first { $0.name.hasSuffix(".mf") }).data, as: UTF8.self)
        for m in members where !m.name.hasSuffix(".mf") {
            XCTAssertTrue(manifest.contains("SHA256(\(m.name))= \(SHA256Digest.hex(m.data))\n"), manifest)
        }
    }

    func testTheVersionAndDistroComeFromTheName() throws {
        let lab = try NodeImage()
        XCTAssertEqual(lab.name, "ubuntu-20.04-kube-v1.22.5+vmware.1")
        XCTAssertEqual(lab.kubernetes, "v1.22.5+vmware.1")
        XCTAssertEqual(lab.kubernetesSemver, "v1.22.5")
        XCTAssertEqual(lab.distroName, "ubuntu")
        XCTAssertEqual(lab.distroVersion, "20.04")
        XCTAssertEqual(lab.baseName, "ubuntu-20.04-kube-v1.22.5-vmware.1")
        let blog = try NodeImage(name: "ubuntu-2004-kube-v1.21.8")
        XCTAssertEqual(blog.kubernetes, "v1.21.8")
        XCTAssertEqual(blog.distroVersion, "20.04")
        let photon = try NodeImage(name: "photon-3-kube-v1.20.8+vmware.1")
        XCTAssertEqual(photon.distroName, "photon")
        XCTAssertEqual(photon.distroVersion, "3")
        XCTAssertEqual(try NodeImage(kubernetes: "1.27.5").name, "ubuntu-20.04-kube-v1.27.5")
        XCTAssertEqual(try NodeImage(name: "my-node", kubernetes: "v1.27.5").kubernetes, "v1.27.5")
        XCTAssertThrowsError(try NodeImage(name: "my-node")) { e in
            XCTAssertTrue("\(e)".contains("cannot tell the Kubernetes version of my-node"), "\(e)")
        }
        XCTAssertThrowsError(try NodeImage(kubernetes: "latest"))
    }

    func testTheOVAParsesBackWithItsMetadata() throws {
        let image = try NodeImage()
        let ova = image.ova
        let members = try XCTUnwrap(OVF.untar(ova))
        XCTAssertEqual(members.map(\.name), ["ubuntu-20.04-kube-v1.22.5-vmware.1.ovf", "ubuntu-20.04-kube-v1.22.5-vmware.1.mf",
                                             "ubuntu-20.04-kube-v1.22.5-vmware.1-disk1.vmdk"])
        XCTAssertEqual(members[0].data, image.descriptor)
        XCTAssertEqual(members[2].data.count, 2048)
        let info = try OVF.parse(members[0].data)
        XCTAssertEqual(info.kubernetesVersion, "v1.22.5")
        XCTAssertEqual(info.productVersion, "v1.22.5+vmware.1")
        XCTAssertEqual(info.productName, "Ubuntu 20.04 and Kubernetes v1.22.5 (vcdscript simulator node image)")
        XCTAssertEqual(info.osType, "ubuntu64Guest")
        XCTAssertEqual(info.osDescription, "Ubuntu Linux (64-bit)")
        XCTAssertEqual(info.diskSizeMb, 20 * 1024)
        XCTAssertEqual(info.cpus, 2)
        XCTAssertEqual(info.memoryMb, 2048)
        XCTAssertEqual(info.hardwareVersion, "vmx-15")
        XCTAssertEqual(info.networks, ["nic0"])
        XCTAssertEqual(info.vmName, "ubuntu-20.04-kube-v1.22.5-vmware.1")
        XCTAssertEqual(info.files.map(\.name), [members[2].name])
        XCTAssertEqual(info.files.first?.size, 2048)
        XCTAssertEqual(info.properties.first { $0.key == "DISTRO_VERSION" }?.value, "20.04")
        // The manifest: one SHA256 line per other member.
        let manifest = String(decoding: members[1].data, as: UTF8.self)
        XCTAssertEqual(manifest, "SHA256(\(members[0].name))= \(SHA256Digest.hex(members[0].data))\n"
                               + "SHA256(\(members[2].name))= \(SHA256Digest.hex(members[2].data))\n")
    }

    func testTheBytesAreDeterministicAndTheTarHeadersValid() throws {
        let a = try NodeImage().ova, b = try NodeImage(name: "ubuntu-20.04-kube-v1.22.5+vmware.1", kubernetes: "v1.22.5+vmware.1").ova
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, try NodeImage(kubernetes: "v1.27.5").ova)
        XCTAssertEqual(a.count % 512, 0)
        // Walk the headers: each checksum valid, ustar magic, regular file, mode 0644, mtime 0.
        let bytes = [UInt8](a)
        var off = 0, headers = 0
        while off + 512 <= bytes.count, !bytes[off..<(off + 512)].allSatisfy({ $0 == 0 }) {
            let h = Data(bytes[off..<(off + 512)])
            XCTAssertTrue(TarWriter.checksumValid(h), "header at \(off)")
            XCTAssertEqual(String(decoding: bytes[(off + 257)..<(off + 263)], as: UTF8.self), "ustar\0")
            XCTAssertEqual(bytes[off + 156], UInt8(ascii: "0"))
            XCTAssertEqual(String(decoding: bytes[(off + 100)..<(off + 107)], as: UTF8.self), "0000644")
            XCTAssertEqual(String(decoding: bytes[(off + 136)..<(off + 147)], as: UTF8.self), "00000000000")
            let size = Int(String(decoding: bytes[(off + 124)..<(off + 135)], as: UTF8.self), radix: 8)!
            // A corrupted byte breaks the checksum.
            var bad = h
            bad[10] ^= 0x01
            XCTAssertFalse(TarWriter.checksumValid(bad))
            off += 512 + (size + 511) / 512 * 512
            headers += 1
        }
        XCTAssertEqual(headers, 3)
        XCTAssertEqual(bytes.count - off, 1024, "two zero blocks end the archive")
        // The system's tar reads it too (tar is an Essential package of Debian: always there).
        let tar = try XCTUnwrap(["/usr/bin/tar", "/bin/tar"].first { FileManager.default.isExecutableFile(atPath: $0) }, "no tar at /usr/bin or /bin")
        do {
            let dir = NSTemporaryDirectory() + "nodeimg-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try a.write(to: URL(fileURLWithPath: dir + "/n.ova"))
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tar)
            p.arguments = ["-tf", dir + "/n.ova"]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            XCTAssertEqual(listing.split(separator: "\n").map(String.init), try XCTUnwrap(OVF.untar(a)).map(\.name))
        }
    }

    func testTheSimulatorWritesItBesideItsStateAndReusesIt() throws {
        let dir = NSTemporaryDirectory() + "nodeimg-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try Simulator(statePath: dir + "/state.sqlite", options: SimulatorOptions(fastTaskSeconds: 0))
        let path = try sim.nodeImage(name: "ubuntu-20.04-kube-v1.22.5+vmware.1", kubernetes: "v1.22.5+vmware.1")
        XCTAssertEqual(path, dir + "/node-images/ubuntu-20.04-kube-v1.22.5-vmware.1.ova")
        XCTAssertEqual(FileManager.default.contents(atPath: path), try NodeImage().ova)
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.02)
        XCTAssertEqual(try sim.nodeImage(), path, "the same image again: the same file")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date, before, "reused, not written again")
        // A damaged file is written again.
        try Data("junk".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try sim.nodeImage(), path)
        XCTAssertEqual(FileManager.default.contents(atPath: path), try NodeImage().ova)
    }
}
