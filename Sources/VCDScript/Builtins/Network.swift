import Foundation
import NetAddress

/// `cidr("192.168.50.0/24")`, `cidr("192.168.10.1/24")` and `ip("192.168.50.10")`: IPv4 arithmetic
/// for network plans, on the model of NetAddress. Values only: nothing here ever connects anywhere.
enum Network {
    final class CIDRObject: NativeObject {
        let cidr: IPv4CIDR
        init(_ cidr: IPv4CIDR) {
            self.cidr = cidr
            super.init(type: Network.cidrType)
        }
        var text: String { cidr.networkText }
    }

    static let cidrType: NativeType = {
        let t = NativeType(name: "cidr", doc: "An IPv4 network such as 192.168.50.0/24, or the gateway and prefix of one (192.168.50.1/24).")
        t.property("prefix", of: CIDRObject.self, doc: "The prefix length (24 for /24).") { o, _ in .int(o.cidr.prefix) }
        t.property("network", of: CIDRObject.self, doc: "The network address.") { o, _ in .string(IPv4.format(o.cidr.network)) }
        t.property("netmask", of: CIDRObject.self, doc: "The netmask, e.g. 255.255.255.0.") { o, _ in .string(IPv4.format(o.cidr.netmask)) }
        t.property("broadcast", of: CIDRObject.self, doc: "The last address.") { o, _ in .string(IPv4.format(o.cidr.broadcast)) }
        t.property("gateway", of: CIDRObject.self, doc: "The address given with the prefix (192.168.50.1 of 192.168.50.1/24); for a network address, the first usable one, conventionally the gateway.") { o, _ in
            .string(IPv4.format(o.cidr.gateway))
        }
        t.property("size", of: CIDRObject.self, doc: "How many addresses the network has.") { o, _ in .int(Int(o.cidr.size)) }
        t.property("hosts", of: CIDRObject.self, doc: "The usable host addresses, as a list (networks up to /16).") { o, ctx in
            let r = o.cidr.usable
            guard r.count <= 65_536 else { throw ScriptError(.value, "\(o.text) has \(r.count) hosts; use .host(n) for large networks", at: ctx.range) }
            try ctx.charge(Cost.entries(r.count))
            return .list(ListRef(r.map { .string(IPv4.format($0)) }))
        }
        t.property("text", of: CIDRObject.self, doc: "The network in CIDR notation (192.168.50.0/24, also for 192.168.50.1/24).") { o, _ in .string(o.text) }
        t.method("contains", of: CIDRObject.self, params: [Parameter("address")], doc: "True if the address (or a smaller network) is inside.") { o, a, ctx in
            .bool(try Network.contains(o.cidr, a[0], ctx))
        }
        t.method("overlaps", of: CIDRObject.self, params: [Parameter("other")], doc: "True if the other network (a cidr or its text) shares an address with this one.") { o, a, ctx in
            .bool(o.cidr.overlaps(try Network.cidr(a[0], ctx, what: "cidr.overlaps()")))
        }
        t.method("host", of: CIDRObject.self, params: [Parameter("n")], doc: "The n-th address of the network (1 is the first host; negative counts from the end).") { o, a, ctx in
            let n = try a.int(0)
            guard let h = o.cidr.host(n) else { throw ScriptError(.value, "\(o.text) has no address number \(n)", at: ctx.range) }
            return .string(IPv4.format(h))
        }
        t.method("index", of: CIDRObject.self, params: [Parameter("address")], doc: "The number n of an address in the network, as host(n) counts (0 is the network address).") { o, a, ctx in
            let s = try a.string(0)
            let addr = try Network.address(s, ctx)
            guard let n = o.cidr.index(of: addr) else { throw ScriptError(.value, "\(s) is not in \(o.text)", at: ctx.range) }
            return .int(n)
        }
        t.method("range", of: CIDRObject.self, params: [Parameter("first"), Parameter("last")], doc: "\"a-b\" for the n-th to m-th addresses (for IP pools).") { o, a, ctx in
            let first = try a.int(0), last = try a.int(1)
            guard first >= 0, first <= last, let x = o.cidr.host(first), let y = o.cidr.host(last) else {
                throw ScriptError(.value, "addresses \(first) to \(last) are not in \(o.text)", at: ctx.range)
            }
            return .string("\(IPv4.format(x))-\(IPv4.format(y))")
        }
        t.describe(as: CIDRObject.self) { o in o.text }
        t.contains = { o, v, ctx in try Network.contains(o.receiver(as: CIDRObject.self, for: "in").cidr, v, ctx) }
        return t
    }()

    static func contains(_ net: IPv4CIDR, _ v: Value, _ ctx: CallContext) throws -> Bool {
        switch v {
        case .string(let s):
            // A byte search: `String.contains(String)` goes through Foundation (3,500 instructions a call).
            if s.utf8.contains(UInt8(ascii: "/")) { return net.contains(try parseCIDR(s, ctx)) }
            return net.contains(try address(s, ctx))
        case .object(let o as CIDRObject): return net.contains(o.cidr)
        default: throw ScriptError(.type, "cidr.contains() takes an address string, not \(v.typeName)", at: ctx.range)
        }
    }

    /// A cidr object or its text.
    static func cidr(_ v: Value, _ ctx: CallContext, what: String) throws -> IPv4CIDR {
        switch v {
        case .string(let s): return try parseCIDR(s, ctx)
        case .object(let o as CIDRObject): return o.cidr
        default: throw ScriptError(.type, "\(what) takes a cidr or its text, not \(v.typeName)", at: ctx.range)
        }
    }

    static func address(_ s: String, _ ctx: CallContext) throws -> UInt32 {
        do { return try IPv4.address(s) } catch {
            throw ScriptError(.value, "\(Formatter.quote(s)) is not an IPv4 address: \(error.reason)", at: ctx.range,
                              hint: "write four numbers from 0 to 255, e.g. 192.168.50.10")
        }
    }

    static func parseCIDR(_ s: String, _ ctx: CallContext) throws -> IPv4CIDR {
        do { return try IPv4CIDR(s) } catch {
            throw ScriptError(.value, "\(Formatter.quote(s)) is not a network in CIDR notation: \(error.reason)", at: ctx.range,
                              hint: "write it as address/prefix, e.g. \"192.168.50.0/24\" (a network) or \"192.168.50.1/24\" (a gateway and its prefix)")
        }
    }

    static let functions: [NativeFunction] = [
        NativeFunction("cidr", params: [Parameter("text")],
                       doc: "An IPv4 network: cidr(\"192.168.50.0/24\"), or from a gateway and its prefix: cidr(\"192.168.50.1/24\").") { a, ctx in
            .object(CIDRObject(try parseCIDR(try a.string(0), ctx)))
        },
        NativeFunction("ip", params: [Parameter("text")], doc: "Checks and normalises an IPv4 address (\"10.0.0.5\" or \"10.0.0.1/24\"); returns it as text.") { a, ctx in
            let s = try a.string(0)
            let parts = s.split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let addr = IPv4.parse(String(parts[0])) else {
                throw ScriptError(.value, "\(Formatter.quote(s)) is not an IPv4 address", at: ctx.range, hint: "write four numbers from 0 to 255, e.g. 192.168.50.10")
            }
            if parts.count == 2 {
                guard let p = IPv4.prefixLength(parts[1]) else { throw ScriptError(.value, "bad prefix in \(Formatter.quote(s))", at: ctx.range) }
                return .string("\(IPv4.format(addr))/\(p)")
            }
            return .string(IPv4.format(addr))
        },
    ]
}
