import CSupport
import CloudWire

/// Ctrl-C as every wait of the client and the engine sees it: the CSupport flag the command line's
/// SIGINT handler raises (libcurl transfers check the same flag).
public enum UserInterrupt {
    public static func isPending() -> Bool { vcd_sigint_pending() != 0 }
}

extension WaitClock {
    /// One pause of a poll loop on this clock: ends early on Ctrl-C with `TransportError.abortedByUser`
    /// (`what` says what was awaited, `endpoint` where).
    public func pause(_ seconds: Double, waitingFor what: String, at endpoint: String) throws {
        guard sleep(seconds: seconds, interrupted: UserInterrupt.isPending) else {
            throw TransportError(kind: .abortedByUser, endpoint: Endpoint.hostPort(of: endpoint),
                                 detail: "interrupted while waiting for \(what)", requestMayHaveReachedServer: true)
        }
    }
}
