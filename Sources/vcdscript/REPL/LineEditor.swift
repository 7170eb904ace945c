import Foundation
import CEditLine
import CSupport

/// What one call to `LineEditor.read` produced.
enum LineInput {
    case line(String)
    /// Ctrl-C while typing: the line is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case endOfInput
}

/// The answer of a completion function: replace nothing, insert text, or list candidates.
enum CompletionAction {
    case none
    case insert(String)
    case list([String])
}

/// libedit (native histedit API) in emacs mode, with our prompt, history and a Tab key bound to
/// `complete`. libedit is not thread-safe: create and use an editor on one thread only.
final class LineEditor {
    private let el: OpaquePointer
    private let hist: OpaquePointer
    private var promptPointer: UnsafeMutablePointer<CChar>?
    /// Called with the text before the cursor on Tab.
    var complete: ((String) -> CompletionAction)?

    init?(program: String) {
        guard let el = vcd_el_init_std(program) else { return nil }
        guard let hist = history_init() else { el_end(el); return nil }
        self.el = el
        self.hist = hist
        _ = vcd_history_setsize(hist, 1000)
        _ = vcd_history_unique(hist, 1)
        _ = vcd_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        _ = vcd_el_set_editor(el, "emacs")
        _ = vcd_el_set_hist(el, hist)
        _ = vcd_el_set_prompt(el, lineEditorPrompt)
        _ = vcd_el_addfn(el, "vcd-complete", "complete the word before the cursor", lineEditorComplete)
        _ = vcd_el_bind(el, "^I", "vcd-complete")
        _ = vcd_el_set_signal(el, 1)
        // ~/.editrc (users' own key bindings), as other libedit programs do.
        _ = vcd_el_source(el)
        setPrompt("vcd> ")
    }

    deinit {
        history_end(hist)
        el_end(el)
        free(promptPointer)
    }

    func setPrompt(_ prompt: String) {
        free(promptPointer)
        promptPointer = strdup(prompt)
    }

    fileprivate var promptForC: UnsafeMutablePointer<CChar>? { promptPointer }

    /// Reads one line with editing. SIGINT must be handled without SA_RESTART
    /// (`vcd_install_sigint`) so that Ctrl-C makes `el_gets` return.
    func read(prompt: String) -> LineInput {
        setPrompt(prompt)
        var count: Int32 = 0
        errno = 0 // a stale EINTR would make a later Ctrl-D look like Ctrl-C
        guard let cline = el_gets(el, &count) else {
            if vcd_take_sigint() != 0 || (count == -1 && errno == EINTR) {
                el_reset(el)
                return .interrupted
            }
            return .endOfInput
        }
        var line = String(cString: cline)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    // MARK: history

    func addHistory(_ line: String) {
        _ = vcd_history_enter(hist, line)
    }

    @discardableResult
    func loadHistory(_ path: String) -> Bool { vcd_history_load(hist, path) >= 0 }

    @discardableResult
    func saveHistory(_ path: String) -> Bool { vcd_history_save(hist, path) >= 0 }

    // MARK: completion, called from C

    fileprivate func handleTab() -> UInt8 {
        guard let complete, let info = el_line(el)?.pointee, let buffer = info.buffer, let cursor = info.cursor else {
            return UInt8(CC_REFRESH_BEEP)
        }
        let before = String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self),
                                                           count: cursor - buffer), as: UTF8.self)
        switch complete(before) {
        case .none:
            return UInt8(CC_REFRESH_BEEP)
        case .insert(let text):
            guard !text.isEmpty, el_insertstr(el, text) == 0 else { return UInt8(CC_REFRESH_BEEP) }
            return UInt8(CC_REFRESH)
        case .list(let items):
            Terminal.write("\n" + Terminal.columns(items, width: Terminal.width()) + "\n")
            return UInt8(CC_REDISPLAY)
        }
    }
}

private func editor(_ el: OpaquePointer?) -> LineEditor? {
    guard let el, let data = vcd_el_get_clientdata(el) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
}

private let lineEditorPrompt: vcd_prompt_fn = { el in
    editor(el)?.promptForC
}

private let lineEditorComplete: vcd_el_fn = { el, _ in
    editor(el)?.handleTab() ?? UInt8(CC_REFRESH_BEEP)
}
