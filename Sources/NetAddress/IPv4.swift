/// IPv4 addresses, networks (CIDR) and address ranges: one model for the language (`cidr()`,
/// `ip()`), the engine's specs, the simulator's IP accounting and the executable. Values only:
/// nothing here ever connects anywhere. Addresses are `UInt32`s; text is strict (four decimal
/// numbers from 0 to 255 without leading zeros), so an address parsed and formatted again is the
/// text it came from.

/// Why a text is not an IPv4 address, network or range, in words that follow a colon
/// (`"300.1.1.1/24" is not a network in CIDR notation: 300 is more than 255`).
public struct IPv4Error: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Addresses as numbers, and the subnet arithmetic on them.
public enum IPv4 {
    /// `a.b.c.d` → the address; nil when it is not one (`address(_:)` says why).
    public static func parse(_ text: String) -> UInt32? { fast(text) }

    /// `a.b.c.d` → the address, or the reason it is not one.
    public static func address(_ text: String) throws(IPv4Error) -> UInt32 {
        if let v = fast(text) { return v }
        throw IPv4Error(reason(text))
    }

    /// The address as text.
    /// Written as bytes into the string's own storage (at most 15: a string stored inline), not
    /// as an interpolation of four integers, which made a string of each first.
    public static func format(_ v: UInt32) -> String {
        String(unsafeUninitializedCapacity: 15) { buf in
            var n = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = Int(v >> UInt32(shift) & 255)
                if shift != 24 { buf[n] = 46; n += 1 } // "."
                if octet >= 100 { buf[n] = UInt8(48 + octet / 100); n += 1 }
                if octet >= 10 { buf[n] = UInt8(48 + octet / 10 % 10); n += 1 }
                buf[n] = UInt8(48 + octet % 10); n += 1
            }
            return n
        }
    }

    /// The netmask of a prefix length (`24` → 255.255.255.0); out-of-range lengths are clamped.
    public static func mask(_ prefix: Int) -> UInt32 { prefix <= 0 ? 0 : UInt32.max << UInt32(32 - min(prefix, 32)) }

    /// A prefix length as written after the `/`: 0 to 32, digits only, no leading zero.
    public static func prefixLength<S: StringProtocol>(_ text: S) -> Int? {
        guard !text.isEmpty, text.count <= 2, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if text.count == 2, text.utf8.first == 48 { return nil }
        guard let n = Int(text), n <= 32 else { return nil }
        return n
    }

    /// `a.b.c.d/n`, in the network or the interface form → (the address as written, n).
    public static func parseCIDR(_ text: String) -> (UInt32, Int)? {
        guard let c = try? IPv4CIDR(text) else { return nil }
        return (c.address, c.prefix)
    }

    /// Whether `ip` is inside the subnet `gateway/prefix`.
    public static func inSubnet(_ ip: UInt32, gateway: UInt32, prefix: Int) -> Bool { ip & mask(prefix) == gateway & mask(prefix) }

    /// Every address of the subnet `gateway/prefix`, network and broadcast included.
    public static func subnetRange(gateway: UInt32, prefix: Int) -> ClosedRange<UInt32> {
        let net = gateway & mask(prefix)
        return net...(net | ~mask(prefix))
    }

    /// Collapses a set of addresses into first…last runs, in order.
    public static func ranges(of addresses: [UInt32]) -> [ClosedRange<UInt32>] {
        var out: [ClosedRange<UInt32>] = []
        for a in addresses.sorted() {
            if let last = out.last, last.upperBound &+ 1 == a { out[out.count - 1] = last.lowerBound...a } else { out.append(a...a) }
        }
        return out
    }

    /// The strict parse, byte by byte (the simulator's IP accounting runs it in loops).
    private static func fast(_ text: String) -> UInt32? {
        var value: UInt32 = 0, part: UInt32 = 0, digits = 0, parts = 0, leadingZero = false
        for b in text.utf8 {
            if b == 46 {  // "."
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | part
                parts += 1; part = 0; digits = 0
            } else if b >= 48, b <= 57 {
                if digits == 0 { leadingZero = b == 48 } else if leadingZero { return nil }
                part = part * 10 + UInt32(b - 48)
                digits += 1
                guard part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | part
    }

    /// Why `text` is not an address (only called when it is not).
    private static func reason(_ text: String) -> String {
        if text.isEmpty { return "the address is empty" }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 1 { return "\(text) is not four numbers separated by dots (a.b.c.d)" }
        if parts.count != 4 { return "\(text) has \(parts.count) parts, not 4 (a.b.c.d)" }
        for p in parts {
            if p.isEmpty { return "\(text) has an empty part" }
            if !p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return "\(p) is not a number" }
            if p.count > 1, p.first == "0" { return "\(p) has a leading zero" }
            if p.count > 3 || Int(p)! > 255 { return "\(p) is more than 255" }
        }
        return "\(text) is not an IPv4 address"
    }
}

/// An IPv4 network with the address it was written with: `10.0.0.0/24` (the network form) or
/// `192.168.10.1/24` (the interface form VCD uses for a subnet: its gateway and prefix length).
public struct IPv4CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The address as written: the network address, or the interface's (the gateway).
    public let address: UInt32
    /// The prefix length, 0 to 32.
    public let prefix: Int

    public init(address: UInt32, prefix: Int) {
        precondition((0...32).contains(prefix), "an IPv4 prefix length is 0 to 32")
        self.address = address
        self.prefix = prefix
    }

    /// `a.b.c.d/n` in either form, or the reason it is not one.
    public init(_ text: String) throws(IPv4Error) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw IPv4Error(text.isEmpty ? "it is empty" : parts.count == 1 ? "the /prefix length is missing" : "it has more than one /")
        }
        let a = try IPv4.address(String(parts[0]))
        guard let n = IPv4.prefixLength(parts[1]) else {
            let p = parts[1]
            if p.isEmpty { throw IPv4Error("the prefix length after / is empty") }
            guard p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw IPv4Error("the prefix length \(p) is not a number from 0 to 32") }
            if let n = Int(p), n <= 32 { throw IPv4Error("the prefix length \(p) has a leading zero") }
            throw IPv4Error("the prefix length \(p) is more than 32")
        }
        self.init(address: a, prefix: n)
    }

    /// The netmask (255.255.255.0 for /24).
    public var netmask: UInt32 { IPv4.mask(prefix) }
    /// The network address.
    public var network: UInt32 { address & netmask }
    /// The last address (the broadcast address up to /30).
    public var broadcast: UInt32 { network | ~netmask }
    /// True when written in the network form (no host bits set).
    public var isNetwork: Bool { address == network }
    /// How many addresses the network has.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefix) }
    /// Every address, network and broadcast included.
    public var addresses: ClosedRange<UInt32> { network...broadcast }
    /// The usable host addresses: all but the network and broadcast addresses, up to /30; every
    /// address of a /31 (point to point) or a /32.
    public var usable: ClosedRange<UInt32> { prefix >= 31 ? addresses : (network + 1)...(broadcast - 1) }
    /// The gateway: the address of the interface form; in the network form, conventionally the
    /// first usable address.
    public var gateway: UInt32 { isNetwork ? usable.lowerBound : address }

    /// Whether the address is in the network.
    public func contains(_ a: UInt32) -> Bool { a & netmask == network }
    /// Whether the other network lies wholly inside this one.
    public func contains(_ other: IPv4CIDR) -> Bool { other.prefix >= prefix && contains(other.network) }
    /// Whether the networks share an address (CIDR blocks nest or are disjoint).
    public func overlaps(_ other: IPv4CIDR) -> Bool { contains(other.network) || other.contains(network) }

    /// The n-th address (0 is the network address, 1 the first host; a negative n counts from the
    /// end: -1 is the last address), or nil outside the network.
    public func host(_ n: Int) -> UInt32? {
        let size = Int64(size), offset = n < 0 ? size + Int64(n) : Int64(n)
        guard offset >= 0, offset < size else { return nil }
        return UInt32(Int64(network) + offset)
    }
    /// The number n of an address in the network, as `host(n)` counts; nil outside it.
    public func index(of a: UInt32) -> Int? { contains(a) ? Int(a - network) : nil }

    /// The network in CIDR notation (`192.168.10.0/24`, whatever the form written).
    public var networkText: String { "\(IPv4.format(network))/\(prefix)" }
    /// As written: `192.168.10.1/24` for the interface form, `192.168.10.0/24` for the network form.
    public var description: String { "\(IPv4.format(address))/\(prefix)" }
}

/// A range of addresses, `10.0.0.10-10.0.0.50`, or a single address as a range of one.
public struct IPv4Range: Hashable, Sendable, CustomStringConvertible {
    public let first: UInt32
    public let last: UInt32

    public init(first: UInt32, last: UInt32) {
        precondition(first <= last, "an IPv4 range ends at or after its start")
        self.first = first
        self.last = last
    }

    /// `a-b` or `a` (spaces around the parts allowed), or the reason it is not one.
    public init(_ text: String) throws(IPv4Error) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard (1...2).contains(parts.count) else { throw IPv4Error("\(text) has more than one -") }
        let a = try IPv4.address(parts[0])
        let b = parts.count == 2 ? try IPv4.address(parts[1]) : a
        guard a <= b else { throw IPv4Error("\(text) ends before it starts") }
        self.init(first: a, last: b)
    }

    /// How many addresses the range holds.
    public var count: UInt64 { UInt64(last - first) + 1 }
    public var addresses: ClosedRange<UInt32> { first...last }
    public func contains(_ a: UInt32) -> Bool { first <= a && a <= last }
    /// `a-b`, or `a` for a range of one.
    public var description: String { first == last ? IPv4.format(first) : "\(IPv4.format(first))-\(IPv4.format(last))" }
}

private extension Substring {
    var trimmingSpaces: String {
        var s = self[...]
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
