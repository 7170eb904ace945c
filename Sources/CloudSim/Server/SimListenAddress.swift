import Foundation

/// The address `sim serve` listens on: 127.0.0.1 unless `--listen ADDR` says otherwise. Any other
/// address makes the world's credentials (personas, tokens, kubeconfigs served by the host API)
/// reachable from the network, so the command warns when it is not a loopback address.
public struct SimListenAddress: Equatable, Sendable {
    /// The default: loopback only.
    public static let loopback = SimListenAddress(checked: "127.0.0.1")

    /// The numeric address, as given.
    public let address: String

    private init(checked: String) { address = checked }

    /// Checks `text` is a numeric IPv4 or IPv6 address (`localhost` is taken as 127.0.0.1); a
    /// name would need a lookup whose answer could change under the server.
    public init(_ text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "localhost" { self = .loopback; return }
        var v4 = in_addr(), v6 = in6_addr()
        guard inet_pton(AF_INET, t, &v4) == 1 || inet_pton(AF_INET6, t, &v6) == 1 else {
            throw SimListenAddressError(description: "--listen needs a numeric IPv4 or IPv6 address (e.g. 127.0.0.1 or 0.0.0.0), not \"\(text)\"")
        }
        address = t
    }

    /// Whether only this machine can connect: 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return (UInt32(bigEndian: v4.s_addr) >> 24) == 127 }
        if inet_pton(AF_INET6, address, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { b in b.prefix(15).allSatisfy { $0 == 0 } && b[15] == 1 }
        }
        return false
    }

    /// The warning `sim serve` prints on stderr for this address, or nil for a loopback one.
    public var warning: String? {
        isLoopback ? nil : "warning: listening on \(address): the simulated world's credentials (personas' logins, session and cluster tokens, kubeconfigs) become reachable from the network"
    }
}

/// A `--listen` value that is not an address.
public struct SimListenAddressError: Error, CustomStringConvertible {
    public var description: String
}
