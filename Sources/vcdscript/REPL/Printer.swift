import Foundation
import VCDScript

/// How the REPL shows results and errors: the session's output format, a colour by type on a
/// terminal, tables with a bold header, diagnostics through `DiagnosticRenderer`.
struct Printer {
    let color: Bool
    let interpreter: Interpreter

    private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    func result(_ value: Value) {
        let format = interpreter.options.outputFormat
        // One cloud object shows its fields; `print` and `str` keep the one-line `<gateway gw>`.
        let fields = format == .text || format == .table ? interpreter.renderFields(value) : nil
        let text = fields ?? interpreter.render(value, format: format)
        Terminal.write(colored(value, text, format: format) + "\n")
    }

    func colored(_ value: Value, _ text: String, format: OutputFormat) -> String {
        guard color else { return text }
        if format == .json || format == .yaml { return text }
        switch value {
        case .int, .float, .duration, .range: return paint(text, "36")
        case .string: return paint(text, "32")
        case .bool: return paint(text, "33")
        case .function, .builtin: return paint(text, "35")
        case .secret: return paint(text, "2")
        case .error: return paint(text, "31")
        case .list, .object:
            // A table: bold header line.
            guard text.contains("\n"), !text.hasPrefix("["), !text.hasPrefix("{"), let nl = text.firstIndex(of: "\n") else { return text }
            return paint(String(text[..<nl]), "1") + String(text[nl...])
        default: return text
        }
    }

    func error(_ e: ScriptError) {
        if e.kind == .cancelled {
            // The terminal echoed "^C" where the cursor was.
            Terminal.writeError("\n" + paint("interrupted", "33") + "\n")
            return
        }
        Terminal.writeError(DiagnosticRenderer(color: color).render(e) + "\n")
    }

    func errors(_ e: ScriptErrors) {
        Terminal.writeError(DiagnosticRenderer(color: color).render(e) + "\n")
    }

    func note(_ text: String) {
        Terminal.write(paint(text, "2") + "\n")
    }

    func problem(_ text: String) {
        Terminal.writeError(paint("error", "1;31") + ": " + text + "\n")
    }
}
