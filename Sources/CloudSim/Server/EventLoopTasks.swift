import Foundation
import NIOCore
import NIOPosix

/// Where `sim serve` runs Swift concurrency's tasks: on the server's own NIO event loops.
///
/// Hummingbird answers each connection in a task that reads and writes through NIO's async
/// channels. With Swift's default executor every read and every write hops between a NIO event-loop
/// thread and a thread of Swift's pool, several thread switches per request; under `wrk` on two
/// cores those switches cost more than the simulator's own work. Making the event loops the global
/// executor keeps a request on one thread from socket to answer.
///
/// Process-wide and one-way, so only the `sim serve` process asks for it, from its main thread before
/// any task exists (the in-process simulator and the tests keep Swift's executor).
/// `VCDSCRIPT_SIM_SWIFT_EXECUTOR=1` keeps Swift's executor (to compare, or should a library ever
/// block an event loop).
public enum EventLoopTasks {
    /// The environment variable that keeps Swift's own executor.
    public static let optOutVariable = "VCDSCRIPT_SIM_SWIFT_EXECUTOR"

    /// Installs the event loops as the global executor unless the environment opts out. Returns
    /// whether they now run the tasks. Call once, from the main thread, before any task starts.
    @discardableResult
    public static func install(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let v = environment[optOutVariable], !v.isEmpty, v != "0" { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
