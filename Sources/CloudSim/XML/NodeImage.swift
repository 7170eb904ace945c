import Crypto
import Foundation

/// The node image the simulator provides: a small, valid OVA shaped like a Cluster API node image
/// (image-builder's "ubuntu-2004-kube-v1.22.5"), so that `lab-setup.vs` runs on the embedded
/// simulator with no file to bring. The archive is a ustar tar of the `.ovf` descriptor (first), the
/// `.mf` manifest (SHA256 of the others) and a small placeholder disk; the descriptor carries what
/// the upload reads (`OVF.parse`): the Kubernetes version (ProductSection property
/// KUBERNETES_SEMVER, product version), the guest OS (vmw:osType, DISTRO_NAME / DISTRO_VERSION), a
/// 20 GiB disk (DiskSection), CPUs, memory and one NIC. Same inputs, same bytes (mtime 0, root).
public struct NodeImage: Sendable, Equatable {
    /// The template name it is made for, e.g. `ubuntu-20.04-kube-v1.22.5+vmware.1`.
    public var name: String
    /// The full Kubernetes version, e.g. `v1.22.5+vmware.1` (product version; the semver part,
    /// `v1.22.5`, is KUBERNETES_SEMVER).
    public var kubernetes: String
    public var distroName: String
    public var distroVersion: String
    public var diskGiB: Int = 20
    public var cpus: Int = 2
    public var memoryMB: Int = 2048

    /// The lab's template name (stdlib/lab-setup.vs).
    public static let defaultName = "ubuntu-20.04-kube-v1.22.5+vmware.1"

    /// An image for template `name` (default the lab's). The Kubernetes version is `kubernetes`, else
    /// the one the name ends with (`…-kube-v1.22.5+vmware.1`); the distribution comes from the name's
    /// start (`ubuntu-20.04-…`, `ubuntu-2004-…`, `photon-3-…`), else Ubuntu 20.04.
    public init(name: String? = nil, kubernetes: String? = nil) throws {
        let k = kubernetes.flatMap { $0.isEmpty ? nil : $0 }
        let n = name.flatMap { $0.isEmpty ? nil : $0 } ?? (k.map { "ubuntu-20.04-kube-\(Self.withV($0))" } ?? Self.defaultName)
        guard let version = k.map(Self.withV) ?? Self.kubernetesVersion(fromName: n) else {
            throw NodeImageError(description: "cannot tell the Kubernetes version of \(n): give it (e.g. v1.22.5+vmware.1), or a name like \(Self.defaultName)")
        }
        guard version.range(of: #"^v\d+\.\d+\.\d+([+-][A-Za-z0-9.+-]*)?$"#, options: .regularExpression) != nil else {
            throw NodeImageError(description: "invalid Kubernetes version \"\(version)\" (expected e.g. v1.22.5+vmware.1)")
        }
        self.name = n
        self.kubernetes = version
        (distroName, distroVersion) = Self.distro(fromName: n)
    }

    /// The Kubernetes version a name like `ubuntu-20.04-kube-v1.22.5+vmware.1` ends with.
    public static func kubernetesVersion(fromName name: String) -> String? {
        guard let r = name.range(of: #"kube-v?\d+\.\d+\.\d+([+-][A-Za-z0-9.+-]*)?$"#, options: .regularExpression) else { return nil }
        return withV(String(name[r].dropFirst("kube-".count)))
    }

    static func withV(_ v: String) -> String { v.hasPrefix("v") ? v : "v" + v }

    static func distro(fromName name: String) -> (String, String) {
        let parts = name.lowercased().split(separator: "-").map(String.init)
        guard parts.count >= 2, let first = parts.first, first.allSatisfy(\.isLetter), first != "kube" else { return ("ubuntu", "20.04") }
        var v = parts[1]
        guard v.first?.isNumber == true, v.allSatisfy({ $0.isNumber || $0 == "." }) else { return (first, first == "ubuntu" ? "20.04" : "") }
        if first == "ubuntu", v.count == 4, !v.contains(".") { v = String(v.prefix(2)) + "." + String(v.suffix(2)) }
        return (first, v)
    }

    /// `KUBERNETES_SEMVER`: the version without its build part (`v1.22.5`).
    public var kubernetesSemver: String {
        String(kubernetes.prefix { $0 != "+" })
    }

    /// The name as file and VM names take it: letters, digits, `.`, `_`, `-` (others become `-`).
    public var baseName: String {
        let s = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" })
        return String(s.prefix(80))
    }

    public var descriptorName: String { baseName + ".ovf" }
    public var manifestName: String { baseName + ".mf" }
    public var diskName: String { baseName + "-disk1.vmdk" }

    var osType: String {
        switch distroName {
        case "ubuntu": return "ubuntu64Guest"
        case "photon": return "vmwarePhoton64Guest"
        case "centos", "rockylinux", "rhel": return "rhel8_64Guest"
        default: return "otherLinux64Guest"
        }
    }

    var osDescription: String {
        switch distroName {
        case "ubuntu": return "Ubuntu Linux (64-bit)"
        case "photon": return "VMware Photon OS (64-bit)"
        default: return "Other Linux (64-bit)"
        }
    }

    public var distroTitle: String {
        let d = distroName.prefix(1).uppercased() + distroName.dropFirst()
        return distroVersion.isEmpty ? d : "\(d) \(distroVersion)"
    }

    /// The placeholder disk: 2 KiB of text (not a real VMDK; the simulator only counts its bytes).
    public var disk: Data {
        let line = "vcdscript simulator node image \(baseName): placeholder disk, not a real VMDK\n"
        var d = Data()
        while d.count < 2048 { d.append(contentsOf: Array(line.utf8)) }
        return d.prefix(2048)
    }

    /// The OVF descriptor.
    public var descriptor: Data {
        func x(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let vm = x(baseName)
        let text = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <References>
            <File ovf:id="file1" ovf:href="\(x(diskName))" ovf:size="\(disk.count)"/>
          </References>
          <DiskSection>
            <Info>Virtual disk information</Info>
            <Disk ovf:capacity="\(diskGiB)" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
          </DiskSection>
          <NetworkSection>
            <Info>The list of logical networks</Info>
            <Network ovf:name="nic0"><Description>Node network</Description></Network>
          </NetworkSection>
          <VirtualSystem ovf:id="\(vm)">
            <Info>A virtual machine</Info>
            <Name>\(vm)</Name>
            <OperatingSystemSection ovf:id="\(distroName == "ubuntu" ? 94 : 101)" vmw:osType="\(osType)">
              <Info>The operating system installed</Info>
              <Description>\(x(osDescription))</Description>
            </OperatingSystemSection>
            <VirtualHardwareSection>
              <Info>Virtual hardware requirements</Info>
              <System>
                <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
                <vssd:InstanceID>0</vssd:InstanceID>
                <vssd:VirtualSystemIdentifier>\(vm)</vssd:VirtualSystemIdentifier>
                <vssd:VirtualSystemType>vmx-15</vssd:VirtualSystemType>
              </System>
              <Item>
                <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
                <rasd:Description>Number of Virtual CPUs</rasd:Description>
                <rasd:ElementName>\(cpus) virtual CPU(s)</rasd:ElementName>
                <rasd:InstanceID>1</rasd:InstanceID>
                <rasd:ResourceType>3</rasd:ResourceType>
                <rasd:VirtualQuantity>\(cpus)</rasd:VirtualQuantity>
                <vmw:CoresPerSocket ovf:required="false">\(cpus)</vmw:CoresPerSocket>
              </Item>
              <Item>
                <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
                <rasd:Description>Memory Size</rasd:Description>
                <rasd:ElementName>\(memoryMB)MB of memory</rasd:ElementName>
                <rasd:InstanceID>2</rasd:InstanceID>
                <rasd:ResourceType>4</rasd:ResourceType>
                <rasd:VirtualQuantity>\(memoryMB)</rasd:VirtualQuantity>
              </Item>
              <Item>
                <rasd:Address>0</rasd:Address>
                <rasd:Description>SCSI Controller</rasd:Description>
                <rasd:ElementName>SCSI controller 0</rasd:ElementName>
                <rasd:InstanceID>3</rasd:InstanceID>
                <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>
                <rasd:ResourceType>6</rasd:ResourceType>
              </Item>
              <Item>
                <rasd:AddressOnParent>0</rasd:AddressOnParent>
                <rasd:ElementName>Hard disk 1</rasd:ElementName>
                <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
                <rasd:InstanceID>4</rasd:InstanceID>
                <rasd:Parent>3</rasd:Parent>
                <rasd:ResourceType>17</rasd:ResourceType>
              </Item>
              <Item>
                <rasd:AddressOnParent>7</rasd:AddressOnParent>
                <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
                <rasd:Connection>nic0</rasd:Connection>
                <rasd:Description>VmxNet3 ethernet adapter</rasd:Description>
                <rasd:ElementName>Network adapter 1</rasd:ElementName>
                <rasd:InstanceID>5</rasd:InstanceID>
                <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
                <rasd:ResourceType>10</rasd:ResourceType>
              </Item>
              <vmw:ExtraConfig ovf:required="false" vmw:key="disk.enableUUID" vmw:value="TRUE"/>
            </VirtualHardwareSection>
            <ProductSection>
              <Info>Information about the installed software</Info>
              <Product>\(x(distroTitle)) and Kubernetes \(x(kubernetesSemver)) (vcdscript simulator node image)</Product>
              <Vendor>vcdscript</Vendor>
              <Version>\(x(kubernetes))</Version>
              <FullVersion>\(x(kubernetes))</FullVersion>
              <Property ovf:userConfigurable="false" ovf:value="\(x(kubernetesSemver))" ovf:type="string" ovf:key="KUBERNETES_SEMVER"/>
              <Property ovf:userConfigurable="false" ovf:value="\(x(kubernetes))" ovf:type="string" ovf:key="KUBERNETES_VERSION"/>
              <Property ovf:userConfigurable="false" ovf:value="\(x(distroName))" ovf:type="string" ovf:key="DISTRO_NAME"/>
              <Property ovf:userConfigurable="false" ovf:value="\(x(distroVersion))" ovf:type="string" ovf:key="DISTRO_VERSION"/>
            </ProductSection>
          </VirtualSystem>
        </Envelope>

        """
        return Data(text.utf8)
    }

    /// The manifest: `SHA256(file)= hex` for the descriptor and the disk.
    public var manifest: Data {
        let lines = [(descriptorName, descriptor), (diskName, disk)].map { "SHA256(\($0.0))= \(SHA256Digest.hex($0.1))\n" }
        return Data(lines.joined().utf8)
    }

    /// The OVA's bytes: descriptor, manifest, disk, as a ustar archive.
    public var ova: Data {
        TarWriter.archive([(descriptorName, descriptor), (manifestName, manifest), (diskName, disk)])
    }

    /// Writes the OVA to `path` (its folder made if missing).
    public func write(to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try ova.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// Why a node image cannot be made.
public struct NodeImageError: Error, CustomStringConvertible {
    public var description: String
}

extension Simulator {
    /// Where the simulator keeps its node images: `node-images/` beside its state file.
    public var nodeImageDirectory: String {
        ((statePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("node-images")
    }

    /// The path of the node image for template `name` (Kubernetes version `kubernetes`, else from
    /// the name) in `nodeImageDirectory`, written there unless that file already holds these bytes.
    public func nodeImage(name: String? = nil, kubernetes: String? = nil) throws -> String {
        try Self.nodeImage(directory: nodeImageDirectory, name: name, kubernetes: kubernetes)
    }

    /// The same for the simulator of `statePath` when another process serves it (`sim serve`): the
    /// file is written beside that state, for a client to upload over the wire.
    public static func nodeImage(forState statePath: String, name: String? = nil, kubernetes: String? = nil) throws -> String {
        try nodeImage(directory: ((statePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("node-images"),
                      name: name, kubernetes: kubernetes)
    }

    static func nodeImage(directory: String, name: String?, kubernetes: String?) throws -> String {
        let image = try NodeImage(name: name, kubernetes: kubernetes)
        let path = (directory as NSString).appendingPathComponent(image.baseName + ".ova")
        if let existing = FileManager.default.contents(atPath: path), existing == image.ova { return path }
        try image.write(to: path)
        return path
    }
}

/// A ustar archive writer: one 512-byte header per member (name, mode 0644, root, mtime 0, octal
/// size, checksum), the data padded to 512 bytes, and two zero blocks at the end.
public enum TarWriter {
    public static let blockSize = 512

    public static func archive(_ members: [(name: String, data: Data)]) -> Data {
        var out = Data()
        for m in members {
            out.append(header(name: m.name, size: m.data.count))
            out.append(m.data)
            let pad = (blockSize - m.data.count % blockSize) % blockSize
            out.append(Data(count: pad))
        }
        out.append(Data(count: 2 * blockSize))
        return out
    }

    /// The header of a regular file. Names longer than 100 bytes are split into prefix and name at a `/`.
    public static func header(name: String, size: Int) -> Data {
        var h = [UInt8](repeating: 0, count: blockSize)
        func put(_ s: String, at offset: Int, width: Int) {
            for (i, b) in s.utf8.prefix(width).enumerated() { h[offset + i] = b }
        }
        func octal(_ v: Int, at offset: Int, width: Int) {
            // width-1 zero-padded octal digits, then NUL.
            let digits = String(v, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        var (prefix, base) = ("", name)
        if name.utf8.count > 100, let slash = name.utf8.prefix(155).lastIndex(of: UInt8(ascii: "/")) {
            prefix = String(decoding: name.utf8[..<slash], as: UTF8.self)
            base = String(decoding: name.utf8[name.utf8.index(after: slash)...], as: UTF8.self)
        }
        put(base, at: 0, width: 100)
        octal(0o644, at: 100, width: 8)
        octal(0, at: 108, width: 8)      // uid
        octal(0, at: 116, width: 8)      // gid
        octal(size, at: 124, width: 12)
        octal(0, at: 136, width: 12)     // mtime
        h[156] = UInt8(ascii: "0")       // regular file
        put("ustar", at: 257, width: 6)  // "ustar\0"
        put("00", at: 263, width: 2)
        put("root", at: 265, width: 32)
        put("root", at: 297, width: 32)
        octal(0, at: 329, width: 8)      // devmajor
        octal(0, at: 337, width: 8)      // devminor
        put(prefix, at: 345, width: 155)
        // The checksum: the sum of the header's bytes with its own field as spaces, written as six
        // octal digits, NUL, space.
        for i in 148..<156 { h[i] = UInt8(ascii: " ") }
        let sum = h.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits, at: 148, width: 6)
        h[154] = 0
        h[155] = UInt8(ascii: " ")
        return Data(h)
    }

    /// True when a 512-byte header's checksum field matches its bytes.
    public static func checksumValid(_ header: Data) -> Bool {
        let h = [UInt8](header)
        guard h.count == blockSize else { return false }
        let field = String(decoding: h[148..<156].prefix { $0 != 0 && $0 != UInt8(ascii: " ") }, as: UTF8.self)
        guard let want = Int(field, radix: 8) else { return false }
        let sum = h.enumerated().reduce(0) { $0 + ((148..<156).contains($1.offset) ? 32 : Int($1.element)) }
        return sum == want
    }
}

/// SHA-256 for the OVA manifest, from swift-crypto (already built for TLS).
public enum SHA256Digest {
    public static func hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
