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
        ResponseBody { writer in try await stream(into: &writer, sim: sim, watch: watch, initial: initial, isOpen: isOpen) }
    }

    /// Writes the first answer's events, then the live ones as commits and the ticker wake it,
    /// until the watch ends.
    private static func stream(into writer: inout any ResponseBodyWriter, sim: Simulator, watch: KubeWatch, initial: Data,
                               isOpen: @Sendable () -> Bool) async throws {
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
            if try await step(into: &writer, sim: sim, watch: watch, now: now, lastBookmark: &lastBookmark) { return }
        }
        try await end(into: &writer, watch: watch)
    }

    /// One wake: the cluster's controllers a step if due, the events since the last wake, a
    /// periodic bookmark. True when the watch has ended (its body is finished).
    private static func step(into writer: inout any ResponseBodyWriter, sim: Simulator, watch: KubeWatch, now: Date,
                             lastBookmark: inout Date) async throws -> Bool {
        if sim.watchHub.claimControllerPass(watch.cluster, now: now.timeIntervalSince1970, interval: controllerInterval) {
            sim.advanceClusterAPI(in: watch.cluster)
        }
        let (lines, ended) = watch.drain()
        if !lines.isEmpty { try await writer.write(ByteBuffer(bytes: lines)) }
        if ended {
            try await writer.finish(nil)
            return true
        }
        if watch.bookmarks, now.timeIntervalSince(lastBookmark) >= bookmarkInterval {
            try await writer.write(ByteBuffer(bytes: watch.bookmark()))
            lastBookmark = now
        }
        return false
    }

    /// The end of a watch that was not ended by its history: the server stopping (the body ends
    /// cleanly if the connection still takes it), or the timeout (the last events, then a bookmark
    /// to resume from).
    private static func end(into writer: inout any ResponseBodyWriter, watch: KubeWatch) async throws {
        if Task.isCancelled {
            try? await writer.finish(nil)
            return
        }
        let (lines, ended) = watch.drain()
        if !lines.isEmpty { try await writer.write(ByteBuffer(bytes: lines)) }
        if watch.bookmarks && !ended { try await writer.write(ByteBuffer(bytes: watch.bookmark())) }
        try await writer.finish(nil)
    }
}
