import Foundation
import Hummingbird
import NIOCore

/// The served life of a Kubernetes watch after its first answer: new events as they commit, the
/// cluster's simulated controllers given a step while the watch waits, bookmarks, and the end
/// (`timeoutSeconds`, the client gone, the server stopping, the history overtaken, the cluster deleted).
enum KubeWatchStream {
    /// Wall-time seconds between two steps of a cluster's controllers while only watches are open.
    /// Today's controllers run "before every request to the cluster"; a `kubectl wait` sends one
    /// request and then only waits, so the wait itself has to let them run.
    static let controllerInterval = 0.3
    /// Wall-time seconds between two periodic bookmarks (the apiserver sends about one a minute).
    static let bookmarkInterval = 60.0

    /// The response body of a served watch: `initial` (the events of the first answer), then
    /// the live ones. `isOpen` says whether the client is still connected. Never holds the world's
    /// lock while waiting: it sleeps on a stream woken by commits to the cluster and by a ticker.
    static func body(sim: Simulator, watch: KubeWatch, initial: Data, isOpen: @escaping @Sendable () -> Bool) -> ResponseBody {
        ResponseBody { writer in
            if !initial.isEmpty { try await writer.write(ByteBuffer(bytes: initial)) }
            let started = Date()
            let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
            let subscription = sim.watchHub.subscribe(watch.cluster) { wake.yield() }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(controllerInterval * 1e9))
                    wake.yield()
                }
            }
            defer {
                ticker.cancel()
                sim.watchHub.unsubscribe(subscription)
                wake.finish()
            }
            var lastBookmark = started
            // Ends when the task is cancelled (the server stops): the stream then yields nil.
            for await _ in wakes {
                // A client that hung up: nobody to read the rest.
                guard isOpen() else {
                    try? await writer.finish(nil)
                    return
                }
                let now = Date()
                if now.timeIntervalSince(started) >= watch.timeout { break }
                if sim.watchHub.claimControllerPass(watch.cluster, now: now.timeIntervalSince1970, interval: controllerInterval) {
                    sim.advanceClusterAPI(in: watch.cluster)
                }
                let (lines, ended) = watch.drain()
                if !lines.isEmpty { try await writer.write(ByteBuffer(bytes: lines)) }
                if ended {
                    try await writer.finish(nil)
                    return
                }
                if watch.bookmarks, now.timeIntervalSince(lastBookmark) >= bookmarkInterval {
                    try await writer.write(ByteBuffer(bytes: watch.bookmark()))
                    lastBookmark = now
                }
            }
            if Task.isCancelled {
                // The server is stopping: end the chunked body cleanly if the connection still takes it.
                try? await writer.finish(nil)
                return
            }
            // The timeout: the last events, then a bookmark to resume from.
            let (lines, ended) = watch.drain()
            if !lines.isEmpty { try await writer.write(ByteBuffer(bytes: lines)) }
            if watch.bookmarks && !ended { try await writer.write(ByteBuffer(bytes: watch.bookmark())) }
            try await writer.finish(nil)
        }
    }
}
