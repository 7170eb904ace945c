import CloudWire
import Foundation
import XCTest
import TestFixtures
@testable import CloudClient

/// The legacy XML pieces of the client on their own: the tree, the models, the OVA reader.
final class LegacyClientXMLTests: XCTestCase {
    static var ova: String { TestNodeOVA.path }

    static let vmXML = """
    <?xml version="1.0"?>
    <Vm xmlns="http://www.vmware.com/vcloud/v1.5" xmlns:o="http://schemas.dmtf.org/ovf/envelope/1" xmlns:v="http://www.vmware.com/schema/ovf"
        name="n&amp;1" status="4" href="https://vcd.example/api/vApp/vm-1">
      <Link rel="up" href="https://vcd.example/api/vApp/vapp-9" type="application/vnd.vmware.vcloud.vApp+xml"/>
      <Link rel="power:powerOn" href="https://vcd.example/api/vApp/vm-1/power/action/powerOn"/>
      <o:VirtualHardwareSection>
        <v:ExtraConfig v:key="guestinfo.a" v:value="1"/>
        <ExtraConfig key="disk.enableUUID" value="TRUE"/>
        <v:ExtraConfig v:key="guestinfo.a" v:value="2"/>
      </o:VirtualHardwareSection>
      <o:OperatingSystemSection v:osType="ubuntu64Guest"><o:Description>Ubuntu</o:Description></o:OperatingSystemSection>
      <NetworkConnectionSection>
        <PrimaryNetworkConnectionIndex>1</PrimaryNetworkConnectionIndex>
        <NetworkConnection network="mgmt"><NetworkConnectionIndex>0</NetworkConnectionIndex><IpAddress>192.168.1.5</IpAddress></NetworkConnection>
        <NetworkConnection network="nodes"><NetworkConnectionIndex>1</NetworkConnectionIndex><IpAddress>10.0.0.7</IpAddress></NetworkConnection>
      </NetworkConnectionSection>
      <VmSpecSection><NumCpus>4</NumCpus><MemoryResourceMb><Configured>8192</Configured></MemoryResourceMb></VmSpecSection>
    </Vm>
    """

    func testTreeMatchesLocalNamesWhateverThePrefix() throws {
        let t = try XMLTree.parse(Data(Self.vmXML.utf8))
        XCTAssertEqual(t.attr("name"), "n&1")
        XCTAssertEqual(t.link(rel: "up", type: "application/vnd.vmware.vcloud.vApp+xml")?.href, "https://vcd.example/api/vApp/vapp-9")
        XCTAssertNil(t.link(rel: "up", type: "application/vnd.vmware.vcloud.vm+xml"))
        let vm = VMInfo(t)
        XCTAssertEqual(vm.status, 4)
        XCTAssertEqual(vm.vappHref, "https://vcd.example/api/vApp/vapp-9")
        XCTAssertEqual(vm.ipAddress, "10.0.0.7", "the primary connection is the one PrimaryNetworkConnectionIndex names")
        XCTAssertEqual(vm.network, "nodes")
        XCTAssertEqual(vm.ipAddresses, ["192.168.1.5", "10.0.0.7"])
        XCTAssertEqual(vm.extraConfig.map(\.key), ["guestinfo.a", "disk.enableUUID", "guestinfo.a"])
        XCTAssertEqual(vm.extraConfigValue("guestinfo.a"), "2", "the last entry wins, as in a .vmx")
        XCTAssertEqual(vm.osType, "ubuntu64Guest")
        XCTAssertEqual(vm.osDescription, "Ubuntu")
        XCTAssertEqual(vm.cpus, 4)
        XCTAssertEqual(vm.memoryMB, 8192)
        XCTAssertEqual(LegacyStatus.name(vm.status), "POWERED_ON")
    }

    func testBadXMLIsAnErrorNotACrash() {
        XCTAssertThrowsError(try XMLTree.parse(Data("<Vm><unclosed></Vm>".utf8))) { e in
            XCTAssertTrue("\(e)".contains("not well-formed"), "\(e)")
        }
        XCTAssertThrowsError(try XMLTree.parse(Data()))
        XCTAssertThrowsError(try XMLTree.parse(Data("<Vm><Children>".utf8)), "a document cut off mid-way")
    }

    func testTaskWithErrorCarriesItsMessageAndCode() throws {
        let t = try XMLTree.parse(Data("""
        <Task xmlns="http://www.vmware.com/vcloud/v1.5" status="error" href="https://x/api/task/1" operation="Creating Catalog c">
          <Owner href="https://x/api/admin/catalog/2" name="c"/>
          <Error minorErrorCode="DUPLICATE_NAME" message="[ abc-123 ] A catalog named c already exists."/>
          <Progress>100</Progress>
        </Task>
        """.utf8))
        let task = LegacyTask(t)
        XCTAssertEqual(task.status, "error")
        XCTAssertEqual(task.ownerName, "c")
        XCTAssertEqual(task.progress, 100)
        let c = VCDClient(baseURL: "https://x", transport: InProcessTransport { _ in HTTPResponseMessage(status: 500) },
                          credentials: VCDCredentials(org: "o", method: .password(user: "u", password: "p")))
        XCTAssertThrowsError(try c.waitXMLTask(task, what: "create catalog c")) { e in
            let te = e as? VCDTaskError
            XCTAssertEqual(te?.description, "create catalog c: A catalog named c already exists. (DUPLICATE_NAME)")
            XCTAssertEqual(te?.timedOut, false)
        }
    }

    func testOVAMembersAreRangesOfTheArchive() throws {
        let ova = try OVAArchive(path: Self.ova)
        // ustar: a 512-byte header before each member, its data padded to 512 bytes.
        let image = TestNodeOVA.image
        let descriptorSize = UInt64(image.descriptor.count), manifestSize = UInt64(image.manifest.count)
        func padded(_ n: UInt64) -> UInt64 { (n + 511) / 512 * 512 }
        let manifestAt = 512 + padded(descriptorSize) + 512
        let diskAt = manifestAt + padded(manifestSize) + 512
        XCTAssertEqual(ova.members, [.init(name: "ubuntu-2204-kube-v1.27.5.ovf", offset: 512, size: descriptorSize),
                                     .init(name: "ubuntu-2204-kube-v1.27.5.mf", offset: manifestAt, size: manifestSize),
                                     .init(name: "ubuntu-2204-kube-v1.27.5-disk1.vmdk", offset: diskAt, size: 2048)])
        XCTAssertEqual(ova.descriptor.name, "ubuntu-2204-kube-v1.27.5.ovf")
        XCTAssertEqual(ova.member(named: "sub/ubuntu-2204-kube-v1.27.5-disk1.vmdk")?.size, 2048)
        XCTAssertEqual(try ova.read(try XCTUnwrap(ova.member(named: image.diskName))), image.disk)
        let d = String(decoding: try ova.read(ova.descriptor), as: UTF8.self)
        XCTAssertTrue(d.hasPrefix("<?xml"), String(d.prefix(40)))
        XCTAssertTrue(d.hasSuffix("</Envelope>\n") || d.contains("</Envelope>"), String(d.suffix(40)))
    }

    func testNotAnOVAIsRefusedWithAHint() throws {
        let dir = NSTemporaryDirectory() + "ova-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(repeating: 0x41, count: 2048).write(to: URL(fileURLWithPath: dir + "/disk.vmdk"))
        XCTAssertThrowsError(try OVAArchive(path: dir + "/disk.vmdk")) { e in
            let o = e as? OVAError
            XCTAssertEqual(o?.message, "\(dir)/disk.vmdk is not an OVA (no tar header at byte 0)")
            XCTAssertTrue(o?.hint.contains("tar archive") == true)
        }
        XCTAssertThrowsError(try OVAArchive(path: dir + "/missing.ova")) { e in
            XCTAssertEqual((e as? OVAError)?.message, "no file at \(dir)/missing.ova")
        }
    }

    func testBodiesEscapeTheirValues() throws {
        let vm = try XMLTree.parse(Data(Self.vmXML.utf8))
        let body = LegacyBodies.extraConfig(vm: vm, [("guestinfo.x", "<&>\"'")])
        let t = try XMLTree.parse(Data(body.utf8))
        XCTAssertEqual(t.attr("name"), "n&1")
        // The VM's own prefixes are kept and declared.
        XCTAssertTrue(body.contains("<o:VirtualHardwareSection>") && body.contains("<v:ExtraConfig o:required=\"false\" v:key=\"guestinfo.x\""), body)
        XCTAssertTrue(body.contains("xmlns:o=\"http://schemas.dmtf.org/ovf/envelope/1\""), body)
        // Only the new entry: the VM's existing ExtraConfig is not sent back.
        let hw = try XCTUnwrap(t.child("VirtualHardwareSection"))
        XCTAssertEqual(hw.all("ExtraConfig").map { $0.attr("key") }, ["guestinfo.x"])
        XCTAssertEqual(hw.all("ExtraConfig").first?.attr("value"), "<&>\"'")
        XCTAssertEqual(try XMLTree.parse(Data(LegacyBodies.adminCatalog(name: "c<1>", description: "d&").utf8)).attr("name"), "c<1>")
    }

    func testReconfigureBodyCarriesTheHardwareItems() throws {
        let doc = """
        <Vm xmlns="http://www.vmware.com/vcloud/v1.5" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:vmw="http://www.vmware.com/schema/ovf"
            xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" name="n1">
          <ovf:VirtualHardwareSection ovf:transport="">
            <ovf:Info>Virtual hardware requirements</ovf:Info>
            <ovf:Item><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></ovf:Item>
            <ovf:Item><rasd:ResourceType>10</rasd:ResourceType><rasd:Connection xmlns:vcloud="http://www.vmware.com/vcloud/v1.5" vcloud:ipAddress="10.0.0.5">nodes</rasd:Connection></ovf:Item>
            <vmw:ExtraConfig vmw:key="old" vmw:value="1"/>
          </ovf:VirtualHardwareSection>
        </Vm>
        """
        let body = LegacyBodies.extraConfig(vm: try XMLTree.parse(Data(doc.utf8)), [("guestinfo.a", "b")])
        let hw = try XCTUnwrap(try XMLTree.parse(Data(body.utf8)).child("VirtualHardwareSection"))
        XCTAssertEqual(hw.all("Item").count, 2, body)
        XCTAssertEqual(hw.all("Item").last?.child("Connection")?.attr("ipAddress"), "10.0.0.5", body)
        XCTAssertEqual(hw.value("Info"), "Virtual hardware requirements")
        XCTAssertEqual(hw.all("ExtraConfig").compactMap { $0.attr("key") }, ["guestinfo.a"])
        XCTAssertTrue(body.contains("xmlns:rasd="), body)
    }

    /// VCD declares the prefix of the section's own attributes on the section (`ns10`); items that
    /// use it must keep it in the reconfigure body, or VCD answers 400 "prefix … is not bound".
    func testTheSectionsOwnDeclarationsGoWithItsItems() throws {
        let doc = """
        <Vm xmlns="http://www.vmware.com/vcloud/v1.5" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:vmw="http://www.vmware.com/schema/ovf"
            xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" name="n1">
          <ovf:VirtualHardwareSection xmlns:ns10="http://www.vmware.com/vcloud/v1.5" ovf:transport="" ns10:type="application/vnd.vmware.vcloud.virtualHardwareSection+xml">
            <ovf:Info>Virtual hardware requirements</ovf:Info>
            <ovf:Item><rasd:Connection ns10:ipAddress="10.0.0.5" ns10:primaryNetworkConnection="true">nodes</rasd:Connection><rasd:ResourceType>10</rasd:ResourceType></ovf:Item>
          </ovf:VirtualHardwareSection>
        </Vm>
        """
        let body = LegacyBodies.extraConfig(vm: try XMLTree.parse(Data(doc.utf8)), [("guestinfo.a", "b")])
        XCTAssertTrue(body.contains("<ovf:VirtualHardwareSection xmlns:ns10=\"http://www.vmware.com/vcloud/v1.5\">"), body)
        let hw = try XCTUnwrap(try XMLTree.parse(Data(body.utf8)).child("VirtualHardwareSection"))
        XCTAssertEqual(hw.child("Item")?.child("Connection")?.attr("ipAddress"), "10.0.0.5", body)
    }
}
