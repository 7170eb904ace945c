import Foundation
import CloudClient
import Provisioning
import VCDScript

/// Runs engine work for a script: releases the interpreter for `parallel()` while it waits, and
/// turns engine, client and transport errors into `ScriptError(.host, …)` with a hint and a kind (exit 70).
func host<T>(_ ctx: CallContext, _ work: () throws -> T) throws -> T {
    try ctx.checkInterrupt()
    do {
        do {
            return try ctx.blocking(work)
        } catch is SiteLockReadsStale {
            // The site lock was taken only after another run let go of it: read and decide again.
            return try ctx.blocking(work)
        }
    } catch let e as SiteLockError where e.interrupted {
        throw ScriptError(.cancelled, e.message)
    } catch let e as SiteLockError {
        // Not catchable by the script: it ends the run with its message and exit code 75.
        throw ExitRequest(code: SiteLockError.exitCode, message: "error: " + SecretRedactor.shared.redact(e.message))
    } catch let e as ScriptError {
        throw e
    } catch {
        throw hostError(error)
    }
}

/// The script error for an engine, client or transport error: its words (redacted), its hint, and
/// its kind (`HostFailureKind`: NOT_FOUND, BUSY, ...) as `err.code`, which `catch NOT_FOUND` matches.
func hostError(_ error: Error) -> ScriptError {
    // Ctrl-C during a request or a poll is the user stopping the run, not a failure of the cloud:
    // no `catch` takes it and the run ends with 130, as when it comes between two requests.
    if let e = error as? TransportError, e.kind == .abortedByUser {
        return ScriptError(.cancelled, SecretRedactor.shared.redact(e.summary))
    }
    let text: String, hint: String?
    switch error {
    case let e as VCDClientError: (text, hint) = (e.description, e.hint)
    case let e as VCDTaskError: (text, hint) = (e.description, e.hint)
    case let e as EngineError: (text, hint) = (e.message, e.hint)
    case let e as OVAError: (text, hint) = (e.message, e.hint)
    case let e as KubeError: (text, hint) = (e.description, e.hint)
    case let e as KubeConfigError: (text, hint) = (e.message, e.hint)
    case let e as TransportError: (text, hint) = (e.summary, e.hint)
    default: (text, hint) = ("\(error)", "run with --debug to see the requests")
    }
    return ScriptError(.host, SecretRedactor.shared.redact(text), hint: hint, code: HostFailureKind.of(error)?.rawValue)
}

/// Optional named arguments, typed.
extension Arguments {
    func optString(_ name: String) throws -> String? {
        switch self[name] {
        case .null: return nil
        case .string(let s): return s
        case let v where UnknownValue.isUnknown(v): return knownAfterApply
        case let v: throw ScriptError(.type, "\(function)(): \(name) must be a string, not \(v.typeName)")
        }
    }
    func optInt(_ name: String) throws -> Int? {
        switch self[name] {
        case .null: return nil
        case .int(let i): return i
        case let v: throw ScriptError(.type, "\(function)(): \(name) must be an int, not \(v.typeName)")
        }
    }
    func optBool(_ name: String) throws -> Bool? {
        switch self[name] {
        case .null: return nil
        case .bool(let b): return b
        case let v: throw ScriptError(.type, "\(function)(): \(name) must be true or false, not \(v.typeName)")
        }
    }
    /// A list of strings; a single string is a list of one.
    func optStrings(_ name: String) throws -> [String]? {
        switch self[name] {
        case .null: return nil
        case .string(let s): return [s]
        case .list(let l):
            return try l.items.map { v -> String in
                switch v {
                case .string(let s): return s
                case .object(let o): return o.nativeType.describe?(o) ?? Formatter.str(v)
                default: throw ScriptError(.type, "\(function)(): \(name) must be a list of strings")
                }
            }
        case let v: throw ScriptError(.type, "\(function)(): \(name) must be a list of strings, not \(v.typeName)")
        }
    }
    func requiredString(_ name: String) throws -> String {
        guard let s = try optString(name) else { throw ScriptError(.argument, "\(function)() is missing argument \(name)") }
        return s
    }
}

/// Value helpers.
enum V {
    static func s(_ x: String?) -> Value { x.map { .string($0) } ?? .null }
    static func i(_ x: Int?) -> Value { x.map { .int($0) } ?? .null }
    static func b(_ x: Bool?) -> Value { x.map { .bool($0) } ?? .null }
    static func list(_ xs: [String]) -> Value { .list(xs.map { .string($0) }) }
    static let unknown: Value = .object(UnknownValue.shared)
}
