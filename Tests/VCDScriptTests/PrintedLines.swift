@testable import VCDScript

/// The lines a script prints, run on a large stack as the runner runs scripts, with the host's
/// values defined as globals first: the one harness of the host API tests.
func printedLines(of code: String, globals: [(name: String, value: Value)]) throws -> [String] {
    var lines: [String] = []
    var options = InterpreterOptions()
    options.output = { lines.append($0) }
    let interp = Interpreter(options: options)
    for g in globals { interp.define(g.name, g.value) }
    _ = try LargeStack.run { Result { try interp.run(source: code) } }.get()
    return lines
}
