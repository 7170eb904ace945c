import Foundation
import CSupport

/// Completion inside the string argument of a lookup by name: `cloud.org("<Tab>` offers the
/// orgs' names, `org.vdc("t-<Tab>` the VDCs', `vdc.gateways.get("<Tab>` (or `find`, `delete`) the
/// gateways'. The names are read from the live cloud (reads only) when Tab is pressed; the
/// REPL bounds the time with `CompletionDeadline`.
struct LiveNames {
    let completer: Completer

    /// Collection methods whose first argument names one of its items.
    static let itemMethods: Set<String> = ["get", "find", "delete"]

    /// What Tab does when `text` ends inside such a string; nil when it does not (other
    /// completion applies).
    func completion(_ text: [Character]) -> CompletionAction? {
        let scan = Scan(text)
        guard scan.inString, !scan.stringTriple, let quoteAt = scan.stringStart else { return nil }
        let quote = text[quoteAt]
        let typed = String(text[(quoteAt + 1)...])
        if typed.contains("\\") || typed.contains("\n") { return CompletionAction.none }
        // The string is the first argument: `(` before it, spaces aside.
        var p = quoteAt - 1
        while p >= 0, text[p] == " " || text[p] == "\t" { p -= 1 }
        guard p >= 0, text[p] == "(" else { return CompletionAction.none }
        guard let names = names(callee: completer.receiverText(text, end: p)) else { return CompletionAction.none }
        let items = names.filter { $0.hasPrefix(typed) }.sorted()
        if items.isEmpty { return CompletionAction.none }
        if items.count == 1 { return .insert(Self.escaped(String(items[0].dropFirst(typed.count)), quote: quote) + String(quote)) }
        let common = completer.commonPrefix(items)
        if common.count > typed.count { return .insert(Self.escaped(String(common.dropFirst(typed.count)), quote: quote)) }
        return .list(items)
    }

    /// The names `callee("…")` looks up: a collection's items for `get`/`find`/`delete`, else
    /// the items of the collection named after the method (`org` → `orgs`, `vdc` → `vdcs`), when the
    /// method's first parameter is `name`.
    func names(callee: String) -> [String]? {
        guard let (receiver, method) = completer.splitMethod(callee), !receiver.isEmpty,
              let r = completer.peekReceiver(receiver), case .object = r,
              completer.interpreter.parameterNames(ofMethod: method, on: r)?.first == "name" else { return nil }
        let collection = Self.itemMethods.contains(method) ? receiver : "\(receiver).\(method)s"
        guard case .list(let l)? = completer.interpreter.peek("\(collection).names", lookups: Completer.lookups) else { return nil }
        return l.items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
    }

    private static func escaped(_ s: String, quote: Character) -> String {
        guard quote == "\"" else { return s }
        return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

/// Bounds the time of work that may reach the cloud on a key press (completion): after `seconds`
/// it raises the Ctrl-C flag, which stops requests and waits, and clears it again afterwards so
/// that the REPL does not see a Ctrl-C nobody pressed.
enum CompletionDeadline {
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var done = false
        var fired = false
    }

    static func run<T>(seconds: Double, _ work: () -> T) -> T {
        let state = State()
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            state.lock.lock()
            defer { state.lock.unlock() }
            if !state.done {
                state.fired = true
                vcd_raise_sigint_flag()
            }
        }
        let result = work()
        state.lock.lock()
        state.done = true
        let fired = state.fired
        state.lock.unlock()
        if fired { _ = vcd_take_sigint() }
        return result
    }
}
