import Foundation

/// IPv4 arithmetic for IP accounting (allocations, pools, subnets). Addresses are UInt32.
enum IPv4 {
    static func parse(_ s: String) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard let n = UInt32(p), n <= 255, !p.isEmpty else { return nil }
            v = v << 8 | n
        }
        return v
    }

    static func format(_ v: UInt32) -> String { "\(v >> 24).\(v >> 16 & 255).\(v >> 8 & 255).\(v & 255)" }

    static func mask(_ prefix: Int) -> UInt32 { prefix <= 0 ? 0 : UInt32.max << UInt32(32 - min(prefix, 32)) }

    /// Whether `ip` is inside the subnet `gateway/prefix`.
    static func inSubnet(_ ip: UInt32, gateway: UInt32, prefix: Int) -> Bool { ip & mask(prefix) == gateway & mask(prefix) }

    /// `a.b.c.d/n` → (address, prefix).
    static func parseCIDR(_ s: String) -> (UInt32, Int)? {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let a = parse(String(parts[0])), let n = Int(parts[1]), (0...32).contains(n) else { return nil }
        return (a, n)
    }

    /// The first..last address range of a subnet (network and broadcast included).
    static func subnetRange(gateway: UInt32, prefix: Int) -> ClosedRange<UInt32> {
        let net = gateway & mask(prefix)
        return net...(net | ~mask(prefix))
    }

    /// Whether two ranges share an address.
    static func overlaps(_ a: ClosedRange<UInt32>, _ b: ClosedRange<UInt32>) -> Bool { a.overlaps(b) }

    /// Collapses a sorted set of addresses into start–end ranges.
    static func ranges(of addresses: [UInt32]) -> [ClosedRange<UInt32>] {
        var out: [ClosedRange<UInt32>] = []
        for a in addresses.sorted() {
            if let last = out.last, last.upperBound &+ 1 == a { out[out.count - 1] = last.lowerBound...a } else { out.append(a...a) }
        }
        return out
    }
}
