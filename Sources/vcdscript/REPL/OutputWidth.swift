/// How wide the REPL lays out tables and `help()` (`.width`). Tables fit the width by cutting
/// their longest cells with `...`; `help()` wraps on words at it.
enum OutputWidth: Equatable {
    /// The terminal's width, read before each input (so resizing the window counts): the default
    /// when standard output is a terminal.
    case auto
    /// A fixed number of columns (`.width 160`).
    case columns(Int)
    /// Nothing is cut (`.width off`).
    case uncut
    /// Each cell cut at 60 characters, as scripts print: the default when output is not a terminal.
    case cells

    /// The narrowest width `.width N` takes.
    static let minimum = 20

    /// `.width`'s argument: `auto`, `off` or a number of columns; nil when it is none of these.
    init?(argument: String) {
        switch argument {
        case "auto": self = .auto
        case "off": self = .uncut
        default:
            guard let n = Int(argument), n >= Self.minimum else { return nil }
            self = .columns(n)
        }
    }

    /// The value of `InterpreterOptions.outputWidth` for it now.
    var columns: Int? {
        switch self {
        case .auto: return Terminal.width()
        case .columns(let n): return n
        case .uncut: return 0
        case .cells: return nil
        }
    }

    /// What `.width` with no argument says.
    var description: String {
        switch self {
        case .auto: return "tables and help fit the terminal's width (\(Terminal.width()) columns now): .width auto"
        case .columns(let n): return "tables and help fit \(n) columns: .width \(n)"
        case .uncut: return "table cells are not cut: .width off"
        case .cells: return "table cells are cut at 60 characters (.width N, auto or off to change)"
        }
    }
}
