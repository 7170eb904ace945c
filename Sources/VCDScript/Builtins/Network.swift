import Foundation

/// `cidr("192.168.50.0/24")` and `ip("192.168.50.10")`: IPv4 arithmetic for network plans.
/// Values only: nothing here ever connects anywhere.
enum Network {
    final class CIDRObject: NativeObject {
        let network: UInt32
        let prefix: Int
        init(network: UInt32, prefix: Int) {
            self.network = network
            self.prefix = prefix
            super.init(type: Network.cidrType)
        }
        var mask: UInt32 { prefix == 0 ? 0 : UInt32.max << (32 - UInt32(prefix)) }
        var size: UInt64 { UInt64(1) << UInt64(32 - prefix) }
        var text: String { "\(IPv4.format(network))/\(prefix)" }
        func contains(_ a: UInt32) -> Bool { a & mask == network }
        /// Usable host addresses (all but network and broadcast, for prefixes up to /30).
        var hostRange: ClosedRange<UInt64>? {
            if prefix >= 31 { return UInt64(network)...(UInt64(network) + size - 1) }
            return (UInt64(network) + 1)...(UInt64(network) + size - 2)
        }
    }

    static let cidrType: NativeType = {
        let t = NativeType(name: "cidr", doc: "An IPv4 network such as 192.168.50.0/24.")
        func c(_ o: NativeObject) -> CIDRObject { o as! CIDRObject }
        t.property("prefix", doc: "The prefix length (24 for /24).") { o, _ in .int(c(o).prefix) }
        t.property("network", doc: "The network address.") { o, _ in .string(IPv4.format(c(o).network)) }
        t.property("netmask", doc: "The netmask, e.g. 255.255.255.0.") { o, _ in .string(IPv4.format(c(o).mask)) }
        t.property("broadcast", doc: "The last address.") { o, _ in .string(IPv4.format(UInt32(UInt64(c(o).network) + c(o).size - 1))) }
        t.property("gateway", doc: "The first usable address, conventionally the gateway.") { o, _ in
            guard let r = c(o).hostRange else { return .null }
            return .string(IPv4.format(UInt32(r.lowerBound)))
        }
        t.property("size", doc: "How many addresses the network has.") { o, _ in .int(Int(c(o).size)) }
        t.property("hosts", doc: "The usable host addresses, as a list (networks up to /16).") { o, ctx in
            guard let r = c(o).hostRange else { return .list(ListRef()) }
            guard r.count <= 65_536 else { throw ScriptError(.value, "\(c(o).text) has \(r.count) hosts; use .host(n) for large networks", at: ctx.range) }
            try ctx.charge(Cost.entries(r.count))
            return .list(ListRef(r.map { .string(IPv4.format(UInt32($0))) }))
        }
        t.property("text", doc: "The network in CIDR notation.") { o, _ in .string(c(o).text) }
        t.method("contains", params: [Parameter("address")], doc: "True if the address (or a smaller network) is inside.") { o, a, ctx in
            .bool(try Network.contains(c(o), a[0], ctx))
        }
        t.method("host", params: [Parameter("n")], doc: "The n-th address of the network (1 is the first host; negative counts from the end).") { o, a, ctx in
            let n = try a.int(0)
            let size = Int64(c(o).size)
            let offset = n < 0 ? size + Int64(n) : Int64(n)
            guard offset >= 0, offset < size else { throw ScriptError(.value, "\(c(o).text) has no address number \(n)", at: ctx.range) }
            return .string(IPv4.format(UInt32(Int64(c(o).network) + offset)))
        }
        t.method("range", params: [Parameter("first"), Parameter("last")], doc: "\"a-b\" for the n-th to m-th addresses (for IP pools).") { o, a, ctx in
            let size = Int64(c(o).size)
            let first = Int64(try a.int(0)), last = Int64(try a.int(1))
            guard first >= 0, last < size, first <= last else { throw ScriptError(.value, "addresses \(first) to \(last) are not in \(c(o).text)", at: ctx.range) }
            return .string("\(IPv4.format(UInt32(Int64(c(o).network) + first)))-\(IPv4.format(UInt32(Int64(c(o).network) + last)))")
        }
        t.describe = { o in c(o).text }
        t.contains = { o, v, ctx in try Network.contains(c(o), v, ctx) }
        return t
    }()

    static func contains(_ net: CIDRObject, _ v: Value, _ ctx: CallContext) throws -> Bool {
        switch v {
        case .string(let s):
            if s.contains("/") {
                let other = try parseCIDR(s, ctx)
                return other.prefix >= net.prefix && net.contains(other.network)
            }
            guard let a = IPv4.parse(s) else { throw ScriptError(.value, "\(Formatter.quote(s)) is not an IPv4 address", at: ctx.range) }
            return net.contains(a)
        case .object(let o as CIDRObject): return o.prefix >= net.prefix && net.contains(o.network)
        default: throw ScriptError(.type, "cidr.contains() takes an address string, not \(v.typeName)", at: ctx.range)
        }
    }

    static func parseCIDR(_ s: String, _ ctx: CallContext) throws -> CIDRObject {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let addr = IPv4.parse(String(parts[0])), let prefix = Int(parts[1]), (0...32).contains(prefix) else {
            throw ScriptError(.value, "\(Formatter.quote(s)) is not a network in CIDR notation", at: ctx.range,
                              hint: "write it as address/prefix, e.g. \"192.168.50.0/24\"")
        }
        let mask: UInt32 = prefix == 0 ? 0 : UInt32.max << (32 - UInt32(prefix))
        if addr & mask != addr {
            throw ScriptError(.value, "\(s) has host bits set", at: ctx.range,
                              hint: "the network address is \(IPv4.format(addr & mask))/\(prefix); for an address with its prefix (a gateway CIDR) use ip(\"\(s)\")")
        }
        return CIDRObject(network: addr, prefix: prefix)
    }

    static let functions: [NativeFunction] = [
        NativeFunction("cidr", params: [Parameter("text")], doc: "An IPv4 network: cidr(\"192.168.50.0/24\").") { a, ctx in
            .object(try parseCIDR(try a.string(0), ctx))
        },
        NativeFunction("ip", params: [Parameter("text")], doc: "Checks and normalises an IPv4 address (\"10.0.0.5\" or \"10.0.0.1/24\"); returns it as text.") { a, ctx in
            let s = try a.string(0)
            let parts = s.split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let addr = IPv4.parse(String(parts[0])) else {
                throw ScriptError(.value, "\(Formatter.quote(s)) is not an IPv4 address", at: ctx.range, hint: "write four numbers from 0 to 255, e.g. 192.168.50.10")
            }
            if parts.count == 2 {
                guard let p = Int(parts[1]), (0...32).contains(p) else { throw ScriptError(.value, "bad prefix in \(Formatter.quote(s))", at: ctx.range) }
                return .string("\(IPv4.format(addr))/\(p)")
            }
            return .string(IPv4.format(addr))
        },
    ]
}

/// IPv4 text <-> number.
public enum IPv4 {
    public static func parse(_ s: String) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isNumber), let n = UInt32(p), n <= 255 else { return nil }
            if p.count > 1, p.first == "0" { return nil }
            v = v << 8 | n
        }
        return v
    }

    public static func format(_ v: UInt32) -> String {
        "\(v >> 24).\(v >> 16 & 255).\(v >> 8 & 255).\(v & 255)"
    }
}
