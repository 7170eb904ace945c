import Foundation

/// A ```vcdscript block of a markdown file: its code, and how many lines of the file come before
/// its first line (so diagnostics and test names point into the markdown file).
public struct MarkdownExample: Sendable {
    public let source: String
    public let linesBefore: Int
}

/// The ```vcdscript blocks of markdown text (the docs' examples), in order. A block opens with a
/// fence of three or more backticks whose info string starts with `vcdscript`, and closes with a
/// line of backticks at least as long. One reader for `vcdscript check` and the docs tests.
public enum MarkdownExamples {
    public static func vcdscript(in text: String) -> [MarkdownExample] {
        var out: [MarkdownExample] = []
        var block: [String]? = nil
        var start = 0
        var fence = ""
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if block == nil {
                if trimmed.hasPrefix("```"), trimmed.drop(while: { $0 == "`" }).trimmingCharacters(in: .whitespaces).split(separator: " ").first == "vcdscript" {
                    block = []
                    start = i + 1
                    fence = String(trimmed.prefix { $0 == "`" })
                }
            } else if trimmed.hasPrefix(fence) && trimmed.allSatisfy({ $0 == "`" }) {
                out.append(MarkdownExample(source: block!.joined(separator: "\n"), linesBefore: start))
                block = nil
            } else {
                block!.append(line)
            }
        }
        return out
    }
}
