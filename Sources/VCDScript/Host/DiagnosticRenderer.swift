/// Renders errors as the user sees them: kind and message, the source line with a caret under
/// the range, the hint and the "did you mean", then the traceback.
public struct DiagnosticRenderer {
    public var color: Bool
    public init(color: Bool) { self.color = color }

    private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public func render(_ e: ScriptError) -> String {
        var out = paint("error", "1;31") + paint(e.kind == .syntax || e.kind == .thrown ? "" : "[\(e.kind.rawValue)]", "31") + ": " + paint(e.message, "1")
        // The code is what a `catch NOT_FOUND` names: shown for every error that has one.
        if let code = e.code { out += " (\(code))" }
        if let r = e.range {
            let loc = r.file.location(of: r.start)
            let endLoc = r.file.location(of: max(r.start, r.end - 1))
            let gutter = String(loc.line).count
            let pad = String(repeating: " ", count: gutter)
            out += "\n\(pad)\(paint("-->", "34")) \(r.file.name):\(loc.line):\(loc.column)"
            var text = r.file.lineText(loc.line).replacingOccurrences(of: "\t", with: " ")
            var column = loc.column
            var width = endLoc.line == loc.line ? max(1, endLoc.column - loc.column + 1) : max(1, text.count - loc.column + 1)
            // Long lines show a window around the caret.
            if text.count > 120 {
                let start = max(0, column - 60)
                let chars = Array(text)
                let end = min(chars.count, start + 120)
                text = (start > 0 ? "..." : "") + String(chars[start..<end]) + (end < chars.count ? "..." : "")
                column = column - start + (start > 0 ? 3 : 0)
                width = min(width, 120)
            }
            out += "\n\(pad) \(paint("|", "34"))"
            out += "\n\(paint(String(loc.line), "34")) \(paint("|", "34")) \(text)"
            out += "\n\(pad) \(paint("|", "34")) " + String(repeating: " ", count: max(0, column - 1)) + paint(String(repeating: "^", count: width), "1;31")
        }
        if let s = e.suggestion { out += "\n   = did you mean \"\(s)\"?" }
        if let h = e.hint { out += "\n   = hint: " + h.replacingOccurrences(of: "\n", with: "\n     ") }
        if !e.isCompileTime, !e.traceback.isEmpty {
            out += "\ntraceback (most recent call last):"
            for f in e.traceback.reversed() {
                out += "\n  \(f.range?.description ?? "<native>") in \(f.function)"
            }
        }
        return out
    }

    public func render(_ errors: ScriptErrors) -> String {
        var parts = errors.errors.map { render($0) }
        if errors.errors.count > 1 { parts.append("\(errors.errors.count) errors") }
        return parts.joined(separator: "\n\n")
    }
}
