import CloudWire
import Foundation

/// Fault injection: error rates per status or minor code, latency, failed tasks, with a seed so a
/// failing run replays. Text form (CLI `--faults`):
/// `503:0.1,BUSY_ENTITY:0.05,latency:20ms,jitter:10ms,taskfail:0.1,seed:42`.
public struct FaultSpec: Sendable, Equatable {
    /// (HTTP status or minor error code, probability per request).
    public var errors: [(code: String, rate: Double)]
    /// Added to every answer, in seconds.
    public var latency: Double
    /// Uniform extra latency in [0, jitter) seconds.
    public var jitter: Double
    /// Probability that an asynchronous task ends in `error` (and changes nothing).
    public var taskFailureRate: Double
    public var seed: UInt64

    public init(errors: [(code: String, rate: Double)] = [], latency: Double = 0, jitter: Double = 0, taskFailureRate: Double = 0, seed: UInt64 = 1) {
        self.errors = errors
        self.latency = latency
        self.jitter = jitter
        self.taskFailureRate = taskFailureRate
        self.seed = seed
    }

    public static func == (a: FaultSpec, b: FaultSpec) -> Bool {
        a.errors.map(\.code) == b.errors.map(\.code) && a.errors.map(\.rate) == b.errors.map(\.rate)
            && a.latency == b.latency && a.jitter == b.jitter && a.taskFailureRate == b.taskFailureRate && a.seed == b.seed
    }

    /// Parses the text form; throws a message naming the bad item.
    public static func parse(_ text: String) throws -> FaultSpec {
        var spec = FaultSpec()
        for item in text.split(separator: ",") {
            let kv = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { throw FaultSpecError(item: String(item)) }
            switch kv[0].lowercased() {
            case "latency": spec.latency = try seconds(kv[1], item)
            case "jitter": spec.jitter = try seconds(kv[1], item)
            case "taskfail": spec.taskFailureRate = try rate(kv[1], item)
            case "seed":
                guard let s = UInt64(kv[1]) else { throw FaultSpecError(item: String(item)) }
                spec.seed = s
            default:
                let code = kv[0]
                guard Int(code) != nil || code.allSatisfy({ $0.isUppercase || $0 == "_" }) else { throw FaultSpecError(item: String(item)) }
                spec.errors.append((code: code, rate: try rate(kv[1], item)))
            }
        }
        return spec
    }

    private static func rate(_ s: String, _ item: Substring) throws -> Double {
        guard let r = Double(s), (0...1).contains(r) else { throw FaultSpecError(item: String(item)) }
        return r
    }

    private static func seconds(_ s: String, _ item: Substring) throws -> Double {
        if s.hasSuffix("ms"), let v = Double(s.dropLast(2)) { return v / 1000 }
        if s.hasSuffix("s"), let v = Double(s.dropLast()) { return v }
        if let v = Double(s) { return v / 1000 }
        throw FaultSpecError(item: String(item))
    }
}

/// A fault spec item that does not parse.
public struct FaultSpecError: Error, CustomStringConvertible {
    public var item: String
    public var description: String { "invalid fault spec item '\(item)' (expected e.g. 503:0.1, BUSY_ENTITY:0.05, latency:20ms, taskfail:0.1, seed:42)" }
}

/// The seeded random source behind the faults (SplitMix64: small, fast, reproducible).
final class FaultInjector {
    let spec: FaultSpec
    private var state: UInt64
    private let lock = NSLock()

    init(spec: FaultSpec) {
        self.spec = spec
        state = spec.seed
    }

    func next() -> Double {
        lock.lock(); defer { lock.unlock() }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    /// An error to answer instead of running the request, if one is drawn.
    func drawError() -> SimError? {
        for (code, rate) in spec.errors where rate > 0 {
            if next() < rate {
                if let status = Int(code) {
                    let minor = status == 503 ? VCDMinorError.unavailable : (status >= 500 ? VCDMinorError.internalError : VCDMinorError.badRequest)
                    return SimError(status, minor, "Injected fault: HTTP \(status).")
                }
                if code == VCDMinorError.busyEntity {
                    return SimError(400, code, "The entity is busy completing an operation (injected fault). Retry after the operation completes.")
                }
                return SimError(400, code, "Injected fault: \(code).")
            }
        }
        return nil
    }

    /// An HTTP status to answer a Kubernetes API request with, if one is drawn: only the faults
    /// given as statuses (`503:0.1`); VCD's minor error codes mean nothing to a Kubernetes client.
    func drawHTTPStatus() -> Int? {
        for (code, rate) in spec.errors where rate > 0 {
            if let status = Int(code), next() < rate { return status }
        }
        return nil
    }

    func drawLatency() -> Double { spec.latency + (spec.jitter > 0 ? next() * spec.jitter : 0) }

    func drawTaskFailure() -> Bool { spec.taskFailureRate > 0 && next() < spec.taskFailureRate }
}
