import Foundation

/// Runs work on a thread with a large stack and waits for it: the tree-walking evaluator and the
/// recursive-descent parser use the native stack, and the main thread's 8 MB is not enough for
/// the recursion depth the language allows.
public enum LargeStack {
    public static let defaultSize = 1 << 30

    public static func run<T>(stackSize: Int = defaultSize, _ work: @escaping () -> T) -> T {
        let box = LargeStackBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = work()
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        done.wait()
        return box.value!
    }
}

final class LargeStackBox<T>: @unchecked Sendable {
    var value: T?
    init() {}
}
