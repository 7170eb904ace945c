import CSupport
import Foundation
import NIOCore
import NIOPosix

/// Where `sim serve` may run Swift concurrency's tasks: on the server's own NIO event loops, when
/// `VCDSCRIPT_SIM_EVENT_LOOPS=1` asks for it; by default Swift's own executor runs them.
///
/// Hummingbird answers each connection in a task that reads and writes through NIO's async
/// channels. With Swift's executor a read or a write may hop between a NIO event-loop thread and a
/// thread of Swift's pool; making the event loops the global executor keeps a request on one thread.
/// Measured on the release binary (static runtime, 2 cores, wrk -t2 -c32, alternating runs), it does
/// not pay: 0.41× nginx on the event loops against 0.44× on Swift's executor (means of five), and
/// 350k against 260k instructions per request with one client. So it is an opt-in, kept to compare.
///
/// Process-wide and one-way, so only the `sim serve` process asks for it, from its main thread before
/// any task exists (the in-process simulator and the tests keep Swift's executor).
public enum EventLoopTasks {
    /// The environment variable that puts the tasks on the event loops.
    public static let optInVariable = "VCDSCRIPT_SIM_EVENT_LOOPS"

    /// Whether the environment asks for the event loops.
    public static func requested(in environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let v = environment[optInVariable] else { return false }
        return !v.isEmpty && v != "0"
    }

    /// Installs the event loops as the global executor if the environment asks for it. Returns
    /// whether they now run the tasks. Call once, from the main thread, before any task starts.
    @discardableResult
    public static func install(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard requested(in: environment) else { return false }
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
