/// Where a compiled call is and the function it is in (for the traceback). Compiled closures
/// capture this one object rather than its parts, because a closure's thunk copies every
/// captured value into registers on each call.
final class CallSite {
    let range: SourceRange
    let caller: String

    init(range: SourceRange, caller: String) {
        self.range = range
        self.caller = caller
    }
}
