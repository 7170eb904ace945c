import Foundation
import NIOCore

/// Notes when a connection's client has gone: its input closed, or the connection ended. The
/// server allows half-closed connections, so a client that hangs up leaves the channel "active"
/// until something is written; a watch that has nothing to write asks this instead (as Go's HTTP
/// server cancels a request when the connection's read side ends).
final class HangUpDetector: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    /// Every part passes through untouched (never unwrapped).
    typealias InboundIn = NIOAny

    private let lock = NSLock()
    private var gone = false

    /// The client closed its side, or the connection is closed.
    var hungUp: Bool {
        lock.lock(); defer { lock.unlock() }
        return gone
    }

    private func markGone() {
        lock.lock(); gone = true; lock.unlock()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed { markGone() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        markGone()
        context.fireChannelInactive()
    }
}
