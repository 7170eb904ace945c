import Foundation
import ScriptCloud
import VCDScript
import CSupport

/// One REPL session, whatever the input: collects lines until the parser has a complete input,
/// evaluates it, prints the result, runs dot-commands and records history.
final class REPLSession {
    let interpreter: Interpreter
    let printer: Printer
    /// The interactive editor; nil when standard input is not a terminal.
    let editor: LineEditor?
    /// Where history is saved; nil when it cannot be (or when input is piped).
    let historyPath: String?

    /// The lines of an input that is not complete yet.
    private(set) var pending: [String] = []
    /// Inputs that ran without error, for `.save`.
    private(set) var transcript = Transcript()
    /// How wide tables and help are laid out (`.width`).
    private(set) var width: OutputWidth

    enum Step {
        case next
        case exit(Int32)
    }

    init(interpreter: Interpreter, printer: Printer, editor: LineEditor?, historyPath: String?, width: OutputWidth) {
        self.interpreter = interpreter
        self.printer = printer
        self.editor = editor
        self.historyPath = historyPath
        self.width = width
    }

    /// The connected cloud, if any (`.plan`, `.target`, and whether an input ran in plan mode).
    private var cloud: CloudObject? {
        guard case .object(let o)? = interpreter.peek("cloud") else { return nil }
        return o as? CloudObject
    }

    /// Plan mode is on. Read after an input ran: a cloud not opened yet has made no change.
    private var planMode: Bool { cloud?.engineIfOpened?.isPlan ?? false }

    var prompt: String { pending.isEmpty ? "vcd> " : "...> " }

    /// The text of the earlier lines of a multi-line input (for completion).
    var pendingText: String { pending.isEmpty ? "" : pending.joined(separator: "\n") + "\n" }

    /// Handles one line typed (or piped) in.
    func handle(_ line: String) -> Step {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if pending.isEmpty {
            if trimmed.isEmpty { return .next }
            if trimmed.hasPrefix("."), trimmed.dropFirst().first?.isLetter == true {
                remember([line])
                return command(trimmed)
            }
        }
        pending.append(line)
        let source = pending.joined(separator: "\n")
        // Two empty lines end an input the parser still finds incomplete, to show why.
        let force = pending.count >= 3 && pending.suffix(2).allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        switch evaluate(source, allowIncomplete: !force) {
        case .incomplete:
            return .next
        case .done(let ok):
            if ok { transcript.append(source, planned: planMode) }
        case .exit(let code):
            remember(pending)
            pending = []
            return .exit(code)
        }
        remember(pending)
        pending = []
        return .next
    }

    /// Ctrl-C while typing: drops the line and any unfinished input.
    func cancelInput() {
        pending = []
    }

    /// The end of input: an unfinished input is reported (piped input ends without a blank line).
    func finish() {
        guard !pending.isEmpty else { return }
        _ = evaluate(pending.joined(separator: "\n"), allowIncomplete: false)
        remember(pending)
        pending = []
    }

    // MARK: evaluation

    enum Outcome {
        case incomplete
        case done(ok: Bool)
        case exit(Int32)
    }

    func evaluate(_ source: String, allowIncomplete: Bool) -> Outcome {
        _ = vcd_take_sigint()
        interpreter.resetStepCount()
        interpreter.options.outputWidth = width.columns
        defer { _ = vcd_take_sigint() }
        do {
            if let value = try interpreter.evaluateREPL(source) { printer.result(value) }
            return .done(ok: true)
        } catch let e as ScriptErrors {
            if allowIncomplete, e.errors.contains(where: \.atEndOfInput) { return .incomplete }
            printer.errors(e)
        } catch let e as ScriptError {
            printer.error(e)
        } catch let exit as ExitRequest {
            if let m = exit.message { printer.problem(m) }
            return .exit(exit.code)
        } catch {
            printer.problem("\(error)")
        }
        return .done(ok: false)
    }

    // MARK: history

    /// Adds an input's lines to the history and saves it, unless it holds a secret literal.
    private func remember(_ lines: [String]) {
        guard let editor else { return }
        let text = lines.joined(separator: "\n")
        if HistoryFile.holdsSecretLiteral(text) { return }
        for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            editor.addHistory(line)
        }
        saveHistory()
    }

    func saveHistory() {
        guard let editor, let historyPath else { return }
        if HistoryFile.prepare(historyPath) {
            editor.saveHistory(historyPath)
            _ = chmod(historyPath, 0o600)
        }
    }

    // MARK: dot-commands

    static let commandHelp = """
    .help           this list; help() documents builtins, help(x) a value, dir(x) its members
    .save FILE      write the inputs of this session that ran without error to FILE
    .load FILE      run FILE in this session (its names stay defined)
    .format [F]     show or set how results print: text, table, json or yaml
    .clear          clear the screen
    .exit           leave (Ctrl-D on an empty line does too)
    .plan on|off    plan mode: changes are recorded and printed, not sent (.save comments them out)
    .target         where `cloud` points
    .width [W]      how wide tables and help() are: W columns, auto (the terminal's) or off (cut nothing)
    Tab completes names, members after `.`, named arguments in calls and the names of what exists
    inside a lookup's string (cloud.org("<Tab>, vdc.gateways.get("<Tab>). Ctrl-C cancels a line, an
    unfinished input or a running evaluation.
    """

    private func command(_ text: String) -> Step {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts[0]
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch name {
        case ".help", ".h", ".?":
            Terminal.write(Self.commandHelp + "\n")
        case ".exit", ".quit", ".q":
            return .exit(0)
        case ".save":
            save(to: argument)
        case ".load":
            return load(argument)
        case ".format":
            if argument.isEmpty {
                printer.note("results print as \(interpreter.options.outputFormat.rawValue)")
            } else if let f = OutputFormat(rawValue: argument) {
                interpreter.options.outputFormat = f
            } else {
                printer.problem("unknown format \(argument) (text, table, json or yaml)")
            }
        case ".clear":
            Terminal.write("\u{1B}[H\u{1B}[2J")
        case ".width":
            if argument.isEmpty {
                printer.note(width.description)
            } else if let w = OutputWidth(argument: argument) {
                width = w
            } else {
                printer.problem("usage: .width N|auto|off (N: \(OutputWidth.minimum) columns or more; auto: the terminal's width; off: cut nothing)")
            }
        case ".plan", ".target":
            guard let cloud else {
                printer.problem("no cloud is connected"); break
            }
            if name == ".target" { printer.note("cloud: \(cloud.site)"); break }
            do {
                let engine = try cloud.engine()
                switch argument {
                case "on": engine.mode = .plan
                case "off": engine.mode = .apply
                case "": break
                default: printer.problem("usage: .plan on|off"); return .next
                }
                printer.note("plan mode is \(engine.isPlan ? "on: changes are recorded, not sent" : "off")")
            } catch {
                printer.problem("cannot open the cloud: \(error)")
            }
        default:
            printer.problem("unknown command \(name) (.help lists the commands)")
        }
        return .next
    }

    private func save(to path: String) {
        guard !path.isEmpty else { printer.problem("usage: .save FILE"); return }
        let file = (path as NSString).expandingTildeInPath
        let text = transcript.text
        do {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let planned = transcript.entries.filter(\.planned).count
            printer.note("saved \(transcript.count) input\(transcript.count == 1 ? "" : "s") to \(path)"
                         + (planned == 0 ? "" : " (\(planned) ran in plan mode: saved as comments)"))
        } catch {
            printer.problem("cannot write \(path): \(error.localizedDescription)")
        }
    }

    private func load(_ path: String) -> Step {
        guard !path.isEmpty else { printer.problem("usage: .load FILE"); return .next }
        let file = (path as NSString).expandingTildeInPath
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            printer.problem("cannot read \(path)")
            return .next
        }
        _ = vcd_take_sigint()
        interpreter.resetStepCount()
        interpreter.options.outputWidth = width.columns
        defer { _ = vcd_take_sigint() }
        do {
            try interpreter.runInSession(source: text, name: path)
            transcript.append(text.hasSuffix("\n") ? String(text.dropLast()) : text, planned: planMode)
            printer.note("loaded \(path)")
        } catch let e as ScriptErrors {
            printer.errors(e)
        } catch let e as ScriptError {
            printer.error(e)
        } catch let exit as ExitRequest {
            if let m = exit.message { printer.problem(m) }
            return .exit(exit.code)
        } catch {
            printer.problem("\(error)")
        }
        return .next
    }
}
