import CloudWire
import Foundation

/// Reading OVF descriptors and OVA archives (an OVA is a tar whose first member is the `.ovf`).
enum OVF {
    /// Members of a tar archive (ustar or v7), or nil if `data` is not one.
    static func untar(_ data: Data) -> [(name: String, data: Data)]? {
        let bytes = [UInt8](data)
        guard bytes.count >= 512, bytes.count % 512 == 0 || bytes.count > 1024 else { return nil }
        guard bytes.count > 262, String(decoding: bytes[257..<262], as: UTF8.self) == "ustar" else { return nil }
        var out: [(String, Data)] = []
        var off = 0
        func field(_ a: Int, _ n: Int) -> String {
            let slice = bytes[(off + a)..<(off + a + n)]
            let end = slice.firstIndex(of: 0) ?? slice.endIndex
            return String(decoding: bytes[(off + a)..<end], as: UTF8.self)
        }
        while off + 512 <= bytes.count {
            if bytes[off..<(off + 512)].allSatisfy({ $0 == 0 }) { break }
            var name = field(0, 100)
            let prefix = field(345, 155)
            if !prefix.isEmpty { name = prefix + "/" + name }
            let sizeText = field(124, 12).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
            guard let size = Int(sizeText, radix: 8) else { return nil }
            let type = bytes[off + 156]
            let start = off + 512
            guard start + size <= bytes.count else { return nil }
            if type == 0 || type == UInt8(ascii: "0") {
                out.append((name, Data(bytes[start..<(start + size)])))
            }
            off = start + (size + 511) / 512 * 512
        }
        return out
    }

    /// Megabytes from an OVF capacity and its allocation units (`byte * 2^20`, `byte * 2^30`, bytes).
    static func megabytes(_ capacity: String?, units: String?) -> Int {
        guard let c = capacity.flatMap({ Double($0) }) else { return 0 }
        let u = (units ?? "byte").replacingOccurrences(of: " ", with: "").lowercased()
        switch u {
        case "byte*2^20", "megabytes", "mb": return Int(c)
        case "byte*2^30", "gigabytes", "gb": return Int(c * 1024)
        case "byte*2^10", "kilobytes", "kb": return Int(c / 1024)
        case "byte*2^40": return Int(c * 1024 * 1024)
        default: return Int(c / 1_048_576)
        }
    }

    /// Parses an OVF envelope (prefixed or unprefixed names alike).
    static func parse(_ data: Data) throws -> OVFInfo {
        guard let root = try? XMLTree.parse(data), root.name == "Envelope" else {
            throw SimError.badRequest("The OVF descriptor is not a well-formed OVF Envelope.")
        }
        var info = OVFInfo()
        for f in root.child("References")?.all("File") ?? [] {
            guard let href = f.attr("href") else { continue }
            info.files.append(XFile(name: href, size: Int64(f.attr("size") ?? "") ?? 0, bytesTransferred: 0))
        }
        for d in root.child("DiskSection")?.all("Disk") ?? [] {
            info.diskSizeMb += megabytes(d.attr("capacity"), units: d.attr("capacityAllocationUnits"))
        }
        let vs = root.child("VirtualSystem") ?? root.find("VirtualSystem")
        guard let vs else { throw SimError.badRequest("The OVF descriptor has no VirtualSystem.") }
        info.vmName = vs.value("Name").flatMap { $0.isEmpty ? nil : $0 } ?? vs.attr("id") ?? "vm"
        if let ps = vs.child("ProductSection") ?? root.find("ProductSection") {
            info.productName = ps.value("Product")
            info.productVersion = ps.value("FullVersion") ?? ps.value("Version")
            for p in ps.findAll("Property") {
                guard let k = p.attr("key") else { continue }
                let v = p.attr("value") ?? p.value("Value") ?? ""
                info.properties.append(KV(key: k, value: v))
            }
        }
        let props = info.properties
        info.kubernetesVersion = props[key: "KUBERNETES_SEMVER"] ?? props[key: "KUBERNETES_VERSION"] ?? props[key: "kubernetes_version"]
        if let os = vs.child("OperatingSystemSection") {
            info.osType = os.attr("osType")
            info.osDescription = os.value("Description")
        }
        if let distro = props[key: "DISTRO_NAME"] {
            info.osDescription = info.osDescription ?? ([distro, props[key: "DISTRO_VERSION"]].compactMap { $0 }.joined(separator: " "))
        }
        if let hw = vs.child("VirtualHardwareSection") {
            if let t = hw.child("System")?.value("VirtualSystemType"), !t.isEmpty { info.hardwareVersion = t.split(separator: " ").first.map(String.init) ?? t }
            for item in hw.all("Item") {
                let type = item.value("ResourceType") ?? ""
                let q = Int(item.value("VirtualQuantity") ?? "") ?? 0
                switch type {
                case "3":
                    if q > 0 { info.cpus = q }
                    if let c = item.value("CoresPerSocket").flatMap({ Int($0) }), c > 0 { info.coresPerSocket = c }
                case "4":
                    if q > 0 { info.memoryMb = megabytes(String(q), units: item.value("AllocationUnits") ?? "byte * 2^20") }
                case "10":
                    if let c = item.value("Connection"), !c.isEmpty { info.networks.append(c) }
                default: break
                }
            }
            for e in hw.all("ExtraConfig") {
                if let k = e.attr("key") { info.extraConfig.append(KV(key: k, value: e.attr("value") ?? "")) }
            }
        }
        return info
    }
}
