/// Word wrapping for text meant to be read on a terminal (`help()`): a line longer than the width
/// breaks at spaces, never inside a word, and its continuation lines are indented two more than
/// the line itself so they read as its continuation.
enum TextWrap {
    static func wrap(_ text: String, width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { wrapLine(String($0), width: width) }
            .joined(separator: "\n")
    }

    private static func wrapLine(_ line: String, width: Int) -> String {
        guard line.count > width else { return line }
        let indent = line.prefix { $0 == " " }.count
        let hanging = String(repeating: " ", count: indent + 2)
        let words = line.dropFirst(indent).split(separator: " ")
        var lines: [String] = []
        var current = String(repeating: " ", count: indent)
        var empty = true // nothing but the indentation on `current` yet
        for word in words {
            if !empty, current.count + 1 + word.count > width {
                lines.append(current)
                current = hanging
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }
}
