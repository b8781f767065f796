import CEditLine
import Foundation

/// An interactive line editor for the REPL on libedit's native API: emacs key bindings,
/// history (Up/Down search by the typed prefix, Ctrl-R incremental search) persisted to a file,
/// Tab completion through a Swift callback, and Ctrl-C told apart from end of input.
/// Use it only when standard input is a terminal.
public final class LineEditor {
    /// What one call to `readLine` produced.
    public enum ReadResult: Equatable, Sendable {
        /// A line the user accepted with Enter (without its newline).
        case line(String)
        /// Ctrl-D on an empty line, or the input was closed.
        case endOfInput
        /// Ctrl-C at the prompt: the typed text was discarded.
        case interrupted
    }

    /// Given the line up to the cursor, the candidates for the word before the cursor.
    public typealias Completer = (_ lineBeforeCursor: String) -> Completion

    /// Called on Tab; without it Tab rings the bell.
    public var completer: Completer?
    /// The history, also saved to its file as entries are added.
    public let history: HistoryStore

    private let editLine: OpaquePointer
    private let libeditHistory: LibeditHistory
    /// The prompt libedit shows, owned here (libedit asks for it on every redraw).
    private var promptText: UnsafeMutablePointer<CChar>

    /// Sets up libedit on the standard streams. `historyPath` nil keeps history in memory only;
    /// a history file that cannot be read or written is reported in `history.lastError`.
    public init(programName: String = "mrs", historyPath: String?, historyCapacity: Int = 1000) throws {
        TerminalLocale.setUp()
        history = HistoryStore(path: historyPath, capacity: historyCapacity)
        guard let h = LibeditHistory(capacity: history.capacity), let el = el_init(programName, stdin, stdout, stderr) else {
            throw LineEditorError(message: "libedit could not be initialised")
        }
        libeditHistory = h
        for entry in history.entries { libeditHistory.enter(entry) }
        promptText = cString("")
        editLine = el
        mrs_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        mrs_el_set_prompt(el, lineEditorPrompt)
        mrs_el_set_editor(el, "emacs")
        // libedit restores the terminal and re-raises for signals arriving while it reads (SIGINT
        // then reaches our handler, SIGTSTP/SIGCONT/SIGWINCH redraw properly).
        mrs_el_set_signal(el, 1)
        mrs_el_set_hist(el, libeditHistory.handle)
        mrs_el_addfn(el, "mrs-complete", "complete the word before the cursor", lineEditorComplete)
        mrs_el_bind(el, "^I", "mrs-complete")
        for (key, function) in [("up", "ed-search-prev-history"), ("down", "ed-search-next-history")] {
            mrs_el_bind_arrow(el, key, function)
        }
        // The same for both cursor-key modes, whatever the terminal description says.
        for (key, function) in [("\\e[A", "ed-search-prev-history"), ("\\eOA", "ed-search-prev-history"),
                                ("\\e[B", "ed-search-next-history"), ("\\eOB", "ed-search-next-history")] {
            mrs_el_bind(el, key, function)
        }
        mrs_el_bind(el, "^R", "em-inc-search-prev")
        // Home, End and Delete as xterm, VT220 and rxvt send them (libedit's emacs map leaves
        // them unbound, so they typed "~" and letters), and Ctrl-Left/Right by words.
        for (key, function) in [("\\e[H", "ed-move-to-beg"), ("\\eOH", "ed-move-to-beg"), ("\\e[1~", "ed-move-to-beg"), ("\\e[7~", "ed-move-to-beg"),
                                ("\\e[F", "ed-move-to-end"), ("\\eOF", "ed-move-to-end"), ("\\e[4~", "ed-move-to-end"), ("\\e[8~", "ed-move-to-end"),
                                ("\\e[3~", "ed-delete-next-char"),
                                ("\\e[1;5D", "ed-prev-word"), ("\\e[1;5C", "em-next-word")] {
            mrs_el_bind(el, key, function)
        }
        // The user's ~/.editrc comes last so personal bindings win.
        el_source(el, nil)
    }

    deinit {
        el_end(editLine)  // also puts the terminal back as it found it
        promptText.deallocate()
    }

    /// Reads one line, showing `prompt` (a continuation prompt is just another prompt).
    public func readLine(prompt: String) -> ReadResult {
        promptText.deallocate()
        promptText = cString(prompt)
        lineEditorInterrupted = 0
        // While reading, Ctrl-C only sets a flag, and without SA_RESTART the read returns EINTR.
        var previous = sigaction()
        mrs_signal_install(SIGINT, lineEditorSigint, 0, &previous)
        defer { mrs_signal_restore(SIGINT, &previous) }
        while true {
            var count: Int32 = 0
            errno = 0
            let text = el_wgets(editLine, &count)
            if let text = text, count > 0 {
                var scalars = String.UnicodeScalarView()
                for i in 0..<Int(count) {
                    if let s = Unicode.Scalar(UInt32(bitPattern: text[i])) { scalars.append(s) }
                }
                var line = String(scalars)
                if line.hasSuffix("\n") { line.removeLast() }
                return .line(line)
            }
            if lineEditorInterrupted != 0 {
                // The terminal echoed nothing in raw mode: show the ^C and start a fresh line.
                fputs("^C\n", stdout)
                fflush(stdout)
                return .interrupted
            }
            // Another signal interrupted the read: libedit dropped the line; ask again.
            if count == -1 && errno == EINTR { continue }
            // Leave the terminal's cursor on a fresh line after the echoed ^D.
            if isatty(STDIN_FILENO) != 0 {
                fputs("\n", stdout)
                fflush(stdout)
            }
            return .endOfInput
        }
    }

    /// Adds an accepted entry (a whole multi-line statement may be one entry) to the history
    /// and its file; blank entries and repeats of the previous entry are dropped.
    public func addHistory(_ entry: String) {
        if history.add(entry) { libeditHistory.enter(entry) }
    }

    /// Handles Tab: asks the completer and applies the planned action to libedit's line.
    fileprivate func complete() -> UInt8 {
        guard let completer = completer, let info = el_wline(editLine)?.pointee else { return UInt8(CC_REFRESH_BEEP) }
        var scalars = String.UnicodeScalarView()
        var p = info.buffer
        while let q = p, q < info.cursor {
            if let s = Unicode.Scalar(UInt32(bitPattern: q.pointee)) { scalars.append(s) }
            p = q + 1
        }
        let before = String(scalars)
        switch CompletionAction.plan(completer(before), before: before) {
        case .beep:
            return UInt8(CC_REFRESH_BEEP)
        case .insert(let deleting, let text):
            if deleting > 0 { el_deletestr(editLine, Int32(deleting)) }
            var wide = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
            if !text.isEmpty && el_winsertstr(editLine, &wide) != 0 { return UInt8(CC_REFRESH_BEEP) }
            return UInt8(CC_REFRESH)
        case .list(let items):
            let lines = completionColumns(items, width: Int(mrs_el_columns(editLine)))
            fputs("\n" + lines.joined(separator: "\n") + "\n", stdout)
            fflush(stdout)
            return UInt8(CC_REDISPLAY)
        }
    }

    /// The prompt as a C string for libedit.
    fileprivate var prompt: UnsafeMutablePointer<CChar> { promptText }
}

/// Why a LineEditor could not be created.
public struct LineEditorError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { "line editor: \(message)" }
}

/// Set by the SIGINT handler while a line is being read.
nonisolated(unsafe) private var lineEditorInterrupted: sig_atomic_t = 0

private let lineEditorSigint: @convention(c) (Int32) -> Void = { _ in lineEditorInterrupted = 1 }

/// The LineEditor that owns an EditLine, from its client data.
private func owner(_ el: OpaquePointer?) -> LineEditor? {
    guard let el = el, let data = mrs_el_get_clientdata(el) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
}

private let lineEditorPrompt: mrs_prompt_fn = { el in
    owner(el)?.prompt ?? emptyPrompt
}

private let lineEditorComplete: mrs_el_fn = { el, _ in
    owner(el)?.complete() ?? UInt8(CC_ERROR)
}

/// A prompt for the impossible case of an EditLine without its owner.
nonisolated(unsafe) private let emptyPrompt = cString("")

/// A NUL-terminated copy of a string that stays put until deallocated.
private func cString(_ s: String) -> UnsafeMutablePointer<CChar> {
    let bytes = s.utf8CString
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    p.initialize(from: Array(bytes), count: bytes.count)
    return p
}
