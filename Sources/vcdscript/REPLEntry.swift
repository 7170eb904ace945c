import Foundation
import VCDScript
import CSupport

/// Entry point of the REPL (the REPL itself lives in REPL/). Runs on the calling thread, which
/// must stay the only one that touches libedit.
enum REPLEntry {
    static func start(interpreter: Interpreter, color: Bool) -> Int32 {
        _ = setlocale(LC_CTYPE, "") // libedit edits UTF-8 only with the user's locale
        _ = vcd_install_sigint()
        interpreter.options.interruptCheck = { vcd_sigint_pending() != 0 }
        let env = ProcessInfo.processInfo.environment
        let interactive = vcd_isatty(0) != 0
        let printer = Printer(color: color && vcd_isatty(1) != 0 && env["NO_COLOR"] == nil, interpreter: interpreter)
        guard interactive else { return piped(interpreter: interpreter, printer: printer) }
        guard let editor = LineEditor(program: "vcdscript") else {
            printer.problem("cannot start the line editor; reading plain lines")
            return piped(interpreter: interpreter, printer: printer)
        }

        let historyPath = HistoryFile.path(environment: env)
        var savedPath: String? = historyPath
        if HistoryFile.prepare(historyPath) {
            editor.loadHistory(historyPath)
        } else {
            printer.note("history is not kept: cannot write \(historyPath)")
            savedPath = nil
        }
        let session = REPLSession(interpreter: interpreter, printer: printer, editor: editor, historyPath: savedPath,
                                  width: vcd_isatty(1) != 0 ? .auto : .cells)
        let completer = Completer(interpreter: interpreter)
        editor.complete = { [unowned session] line in
            // Completion may read the cloud (members, live names): a slow site must not hang Tab.
            CompletionDeadline.run(seconds: 3) { completer.action(context: session.pendingText, line: line) }
        }
        printer.note("vcdscript \(vcdscriptVersion): .help for commands, help() for the language, Ctrl-D to leave")

        var code: Int32 = 0
        loop: while true {
            switch editor.read(prompt: session.prompt) {
            case .line(let line):
                if case .exit(let c) = session.handle(line) { code = c; break loop }
            case .interrupted:
                Terminal.write("^C\n")
                session.cancelInput()
            case .endOfInput:
                Terminal.write("\n")
                break loop
            }
        }
        session.saveHistory()
        return code
    }

    /// Standard input is not a terminal: no prompt and no editing, results still print.
    private static func piped(interpreter: Interpreter, printer: Printer) -> Int32 {
        let session = REPLSession(interpreter: interpreter, printer: printer, editor: nil, historyPath: nil,
                                  width: vcd_isatty(1) != 0 ? .auto : .cells)
        while let line = readLine(strippingNewline: true) {
            if case .exit(let c) = session.handle(line) { return c }
        }
        session.finish()
        return 0
    }
}
