import CSupport
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
        return installHook()
    }

    /// Whether a global-executor hook is set in this process (ours, or anyone's).
    public static var isInstalled: Bool { vcd_swift_enqueue_global_hook_slot().pointee != nil }

    /// The runtime's hook: called with every job enqueued on the global executor, and the
    /// runtime's own enqueue (unused: every job goes to an event loop).
    private typealias Original = @convention(thin) (UnownedJob) -> Void
    private typealias Hook = @convention(thin) (UnownedJob, Original) -> Void

    /// NIO's `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`, with the
    /// hook's address from the linker instead of from dlsym: release builds link the Swift runtime
    /// in (`--static-swift-stdlib`), which leaves the hook unexported, and NIO's lookup then fails
    /// silently (session 8's release figures ran on Swift's executor because of it). Same hook
    /// body as NIO's: the event loop the caller is on (`any()` is sticky), else the next one.
    private static func installHook() -> Bool {
        let slot = vcd_swift_enqueue_global_hook_slot()
        guard slot.pointee == nil else { return false }
        return withUnsafeTemporaryAllocation(of: Hook.self, capacity: 1) { hook -> Bool in
            hook.baseAddress!.initialize(to: { job, _ in
                MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job))
            })
            // A thin function is one code pointer: the runtime calls it with the Swift calling
            // convention, as it calls NIO's.
            slot.pointee = UnsafeRawPointer(hook.baseAddress!).load(as: UnsafeMutableRawPointer?.self)
            return slot.pointee != nil
        }
    }
}
