import NetAddress
import XCTest

/// The one IPv4 model: addresses, networks in both forms, ranges, and the reasons for bad text.
final class IPv4Tests: XCTestCase {
    func testAddressesParseStrictlyAndFormatBack() {
        XCTAssertEqual(IPv4.parse("0.0.0.0"), 0)
        XCTAssertEqual(IPv4.parse("255.255.255.255"), UInt32.max)
        XCTAssertEqual(IPv4.parse("192.168.10.1"), 0xC0A8_0A01)
        for text in ["10.0.0.5", "0.0.0.0", "255.255.255.255", "203.0.113.7"] {
            XCTAssertEqual(IPv4.parse(text).map(IPv4.format), text)
        }
        for bad in ["", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", "256.0.0.1", "1000.0.0.1", "01.2.3.4",
                    "+1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "1.2.3.-4", "١.2.3.4", "1.2.3.4/24"] {
            XCTAssertNil(IPv4.parse(bad), bad)
            XCTAssertThrowsError(try IPv4.address(bad), bad)
        }
    }

    func testFormatWritesEachOctetInDecimal() {
        // Every octet of one, two and three digits, in every position.
        for octets in [[1, 22, 100, 9], [100, 10, 1, 0], [255, 0, 99, 10], [9, 99, 199, 255]] {
            let v = octets.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            XCTAssertEqual(IPv4.format(v), octets.map(String.init).joined(separator: "."))
        }
        var v: UInt32 = 7
        for _ in 0..<1000 {
            v = v &* 2_654_435_761 &+ 12_345
            XCTAssertEqual(IPv4.format(v), "\(v >> 24).\(v >> 16 & 255).\(v >> 8 & 255).\(v & 255)")
        }
    }

    func testBadAddressesSayWhy() {
        func why(_ s: String) -> String {
            do { _ = try IPv4.address(s); return "accepted" } catch { return error.reason }
        }
        XCTAssertEqual(why(""), "the address is empty")
        XCTAssertEqual(why("300.1.1.1"), "300 is more than 255")
        XCTAssertEqual(why("10.0.0.1000"), "1000 is more than 255")
        XCTAssertEqual(why("01.2.3.4"), "01 has a leading zero")
        XCTAssertEqual(why("a.b.c.d"), "a is not a number")
        XCTAssertEqual(why("1.2.3"), "1.2.3 has 3 parts, not 4 (a.b.c.d)")
        XCTAssertEqual(why("1..2.3"), "1..2.3 has an empty part")
        XCTAssertEqual(why("not-an-ip"), "not-an-ip is not four numbers separated by dots (a.b.c.d)")
    }

    func testNetworkForm() throws {
        let n = try IPv4CIDR("192.168.50.0/24")
        XCTAssertTrue(n.isNetwork)
        XCTAssertEqual(IPv4.format(n.network), "192.168.50.0")
        XCTAssertEqual(IPv4.format(n.netmask), "255.255.255.0")
        XCTAssertEqual(IPv4.format(n.broadcast), "192.168.50.255")
        XCTAssertEqual(IPv4.format(n.gateway), "192.168.50.1", "the first usable address")
        XCTAssertEqual(n.size, 256)
        XCTAssertEqual(n.usable.count, 254)
        XCTAssertEqual(n.description, "192.168.50.0/24")
        XCTAssertEqual(n.networkText, "192.168.50.0/24")
    }

    func testInterfaceFormKeepsTheGateway() throws {
        let n = try IPv4CIDR("192.168.10.1/24")
        XCTAssertFalse(n.isNetwork)
        XCTAssertEqual(IPv4.format(n.network), "192.168.10.0")
        XCTAssertEqual(IPv4.format(n.gateway), "192.168.10.1")
        XCTAssertEqual(n.prefix, 24)
        XCTAssertEqual(IPv4.format(n.usable.lowerBound), "192.168.10.1")
        XCTAssertEqual(IPv4.format(n.usable.upperBound), "192.168.10.254")
        XCTAssertEqual(n.description, "192.168.10.1/24", "as written")
        XCTAssertEqual(n.networkText, "192.168.10.0/24")
        XCTAssertTrue(n.contains(IPv4.parse("192.168.10.200")!))
        XCTAssertFalse(n.contains(IPv4.parse("192.168.11.1")!))
        let gw = try IPv4CIDR("10.0.0.9/29")
        XCTAssertEqual(IPv4.format(gw.gateway), "10.0.0.9")
        XCTAssertEqual(IPv4.format(gw.network), "10.0.0.8")
        XCTAssertEqual(IPv4.parseCIDR("192.168.10.1/24")?.0, IPv4.parse("192.168.10.1"), "parseCIDR answers the address as written")
    }

    func testSmallAndWholeNetworks() throws {
        let p2p = try IPv4CIDR("10.0.0.0/31")
        XCTAssertEqual(p2p.usable, p2p.addresses, "a /31 has no network or broadcast address to spare")
        XCTAssertEqual(IPv4.format(p2p.gateway), "10.0.0.0")
        let one = try IPv4CIDR("10.9.9.9/32")
        XCTAssertEqual(one.size, 1)
        XCTAssertEqual(IPv4.format(one.gateway), "10.9.9.9")
        let all = try IPv4CIDR("0.0.0.0/0")
        XCTAssertEqual(all.size, 4_294_967_296)
        XCTAssertEqual(all.netmask, 0)
        XCTAssertTrue(all.contains(IPv4.parse("8.8.8.8")!))
        XCTAssertEqual(all.host(-1), UInt32.max)
    }

    func testContainmentAndOverlap() throws {
        let big = try IPv4CIDR("10.0.0.0/16"), small = try IPv4CIDR("10.0.8.0/24"), other = try IPv4CIDR("10.1.0.0/24")
        XCTAssertTrue(big.contains(small))
        XCTAssertFalse(small.contains(big))
        XCTAssertTrue(big.overlaps(small))
        XCTAssertTrue(small.overlaps(big))
        XCTAssertFalse(big.overlaps(other))
        XCTAssertTrue(try IPv4CIDR("172.18.0.1/24").overlaps(try IPv4CIDR("172.18.0.0/16")), "the interface form overlaps by its network")
        XCTAssertFalse(try IPv4CIDR("192.168.10.1/24").overlaps(try IPv4CIDR("192.168.255.1/25")))
        XCTAssertTrue(try IPv4CIDR("10.0.0.5/32").overlaps(try IPv4CIDR("10.0.0.0/24")))
        XCTAssertTrue(IPv4.inSubnet(IPv4.parse("192.168.10.77")!, gateway: IPv4.parse("192.168.10.1")!, prefix: 24))
        XCTAssertEqual(IPv4.subnetRange(gateway: IPv4.parse("192.168.10.1")!, prefix: 24), try IPv4CIDR("192.168.10.0/24").addresses)
    }

    func testHostsAndIndexesAreInverse() throws {
        let n = try IPv4CIDR("192.168.50.0/24")
        XCTAssertEqual(n.host(10).map(IPv4.format), "192.168.50.10")
        XCTAssertEqual(n.host(-2).map(IPv4.format), "192.168.50.254")
        XCTAssertNil(n.host(256))
        XCTAssertNil(n.host(-257))
        XCTAssertEqual(n.index(of: IPv4.parse("192.168.50.100")!), 100)
        XCTAssertNil(n.index(of: IPv4.parse("192.168.51.0")!))
        for i in [0, 1, 77, 255] { XCTAssertEqual(n.host(i).flatMap(n.index(of:)), i) }
    }

    func testBadNetworksSayWhy() {
        func why(_ s: String) -> String {
            do { _ = try IPv4CIDR(s); return "accepted" } catch { return error.reason }
        }
        XCTAssertEqual(why("300.1.1.1/24"), "300 is more than 255")
        XCTAssertEqual(why("10.0.0.0/33"), "the prefix length 33 is more than 32")
        XCTAssertEqual(why("10.0.0.0/-1"), "the prefix length -1 is not a number from 0 to 32")
        XCTAssertEqual(why("10.0.0.0/x"), "the prefix length x is not a number from 0 to 32")
        XCTAssertEqual(why("10.0.0.0/024"), "the prefix length 024 has a leading zero")
        XCTAssertEqual(why("10.0.0.0/"), "the prefix length after / is empty")
        XCTAssertEqual(why("10.0.0.0"), "the /prefix length is missing")
        XCTAssertEqual(why("10.0.0.0/8/8"), "it has more than one /")
        XCTAssertEqual(why(""), "it is empty")
        XCTAssertEqual(why("/"), "the address is empty")
        XCTAssertEqual(why("1.2.3/8"), "1.2.3 has 3 parts, not 4 (a.b.c.d)")
    }

    func testRanges() throws {
        let r = try IPv4Range("192.168.10.10-192.168.10.100")
        XCTAssertEqual(r.count, 91)
        XCTAssertTrue(r.contains(IPv4.parse("192.168.10.50")!))
        XCTAssertFalse(r.contains(IPv4.parse("192.168.10.101")!))
        XCTAssertEqual(r.description, "192.168.10.10-192.168.10.100")
        XCTAssertEqual(try IPv4Range(" 10.0.0.1 - 10.0.0.2 ").description, "10.0.0.1-10.0.0.2")
        let one = try IPv4Range("10.0.0.7")
        XCTAssertEqual(one.count, 1)
        XCTAssertEqual(one.description, "10.0.0.7")
        XCTAssertThrowsError(try IPv4Range("10.0.0.9-10.0.0.1")) { XCTAssertEqual(($0 as? IPv4Error)?.reason, "10.0.0.9-10.0.0.1 ends before it starts") }
        XCTAssertThrowsError(try IPv4Range("10.0.0.1-10.0.0.2-10.0.0.3"))
        XCTAssertThrowsError(try IPv4Range("10.0.0.1-"))
        XCTAssertEqual(IPv4.ranges(of: [5, 1, 2, 3, 9, 10]), [1...3, 5...5, 9...10])
    }
}
