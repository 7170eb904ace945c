/// How a table fits a width (`InterpreterOptions.outputWidth`, the REPL's `.width`): the widest
/// columns give way first, each keeping at least its header (and a few characters), and a cell
/// longer than its column is cut with `...`.
enum TableLayout {
    /// Characters every column keeps, however narrow the width, so a cut cell still says something.
    static let minimumColumn = 8

    /// The column widths for a table whose natural widths are `widths` (headers' lengths
    /// `headers`), columns separated by two spaces, in `width` columns. When even the narrowest
    /// layout is wider, that layout (the terminal wraps it).
    static func fit(_ widths: [Int], headers: [Int], in width: Int) -> [Int] {
        let gaps = 2 * max(0, widths.count - 1)
        guard widths.reduce(0, +) + gaps > width else { return widths }
        let floors = zip(widths, headers).map { min($0, max($1, minimumColumn)) }
        func total(_ cap: Int) -> Int { zip(widths, floors).map { min($0, max(cap, $1)) }.reduce(0, +) + gaps }
        // The largest cap on column widths that fits (total grows with the cap).
        var low = 0, high = widths.max() ?? 0
        while low < high {
            let mid = (low + high + 1) / 2
            if total(mid) <= width { low = mid } else { high = mid - 1 }
        }
        return zip(widths, floors).map { min($0, max(low, $1)) }
    }

    /// `text` cut to `width` characters, its end replaced by `...` when it is longer.
    static func cut(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 3 else { return String(text.prefix(width)) }
        return String(text.prefix(width - 3)) + "..."
    }
}
