import Foundation
import LineEditor
import MRSLanguage
import NDArray

/// The interactive loop, below the terminal: reads lines from a `LineSource`, joins them until
/// the input is a complete statement (the parser says when it merely ended early), runs it,
/// shows the value of a final expression and keeps it in `ans`. Shell commands (`help`, `?name`,
/// `whos`, `clear`, `:time`, `:load`, `:lesson`, `:quit`) are handled here too. Errors are printed
/// and the session goes on with its variables intact.
public final class REPL {
    /// The prompt for a new input.
    public static let prompt = "mrs> "
    /// The prompt while a statement, bracket or string is still open.
    public static let continuationPrompt = "...> "

    /// The continuation prompt for `depth` open blocks: `...> ` for one, `..2> `, `..3> ` deeper,
    /// so a block that is still open (a forgotten `end`) shows while typing.
    public static func continuationPrompt(depth: Int) -> String {
        depth <= 1 ? continuationPrompt : ".." + String(depth) + "> "
    }

    /// The prompt for the next line of an input begun with `pending` lines.
    func continuationPrompt() -> String {
        REPL.continuationPrompt(depth: SyntaxCheck.openBlocks(in: pendingLines.joined(separator: "\n")))
    }

    public let session: Session
    public let source: LineSource
    /// Where values, help and command output go (by default the interpreter's output, so it
    /// interleaves correctly with `print`).
    public var output: (String) -> Void
    /// Where errors go (standard error by default).
    public var errorOutput: (String) -> Void = { s in FileHandle.standardError.write(Data(s.utf8)) }
    /// True on a terminal: an interrupted computation's message then starts on a fresh line
    /// (the terminal has echoed `^C` where the cursor was).
    public var isTerminal = false
    /// Runs `:lesson [N]`; set by the lesson runner. Without it `:lesson` says lessons are not available.
    public var lessonRunner: ((_ number: Int?) -> Void)?
    /// A displayed value longer than this many lines is cut short (print() shows it whole).
    public var displayLineLimit = 200
    /// A displayed value longer than this many characters is cut short.
    public var displayCharacterLimit = 20_000
    /// Pictures drawn in the terminal (nil outside the interactive shell).
    public var pictures: InlinePictures?
    /// Pictures `:show` has written (their temporary files are numbered).
    static var showCount = 0
    /// Columns values are laid out for (the terminal's width, asked each time).
    public var displayWidth: () -> Int = { 80 }

    /// Complete inputs run so far (errors `REPL[n]:line:col` count from 1).
    public internal(set) var inputCount = 0
    /// Lines of an input that is not complete yet.
    public private(set) var pendingLines: [String] = []
    private var finished = false

    /// A REPL on a session reading from `source`.
    public init(session: Session, source: LineSource) {
        self.session = session
        self.source = source
        output = { [unowned session] text in session.interp.output(text) }
    }

    /// Reads and runs inputs until end of input or a quit command; returns the exit status.
    @discardableResult
    public func run() -> Int32 {
        finished = false
        while !finished {
            // A Ctrl-C that arrived while nothing polled (during output, say) must not linger:
            // with one pending, the next Ctrl-C would end the process.
            Interrupt.clear()
            let event = source.readLine(prompt: pendingLines.isEmpty ? REPL.prompt : continuationPrompt())
            Interrupt.clear()
            switch event {
            case .line(let line):
                accept(line)
            case .interrupted:
                pendingLines.removeAll()
            case .endOfInput:
                if !pendingLines.isEmpty { reportUnfinishedInput() }
                finished = true
            }
        }
        return ExitCode.success.rawValue
    }

    /// Handles one accepted line: a shell command, the start or continuation of an input, or
    /// the line that completes it (which then runs).
    public func accept(_ line: String) {
        if pendingLines.isEmpty, let command = REPLCommand.parse(line, isVariable: { self.session.interp.global($0) != nil }) {
            source.addHistory(line)
            execute(command)
            return
        }
        pendingLines.append(line)
        let text = pendingLines.joined(separator: "\n")
        if text.allSatisfy(\.isWhitespace) {
            pendingLines.removeAll()
            return
        }
        if let e = SyntaxCheck.error(in: text, name: nextInputName), e.isIncompleteInput {
            return  // wait for more lines
        }
        pendingLines.removeAll()
        // Into the history before it runs, so an input that brings the process down is kept.
        source.addHistory(text)
        let result = session.run(text, name: nextInputName)
        inputCount += 1
        finish(result)
    }

    /// True once a quit command was given.
    public var hasQuit: Bool { finished }

    /// Ends the loop after the current input.
    public func quit() { finished = true }

    /// The name of the next input's source, used in error locations.
    var nextInputName: String { "REPL[\(inputCount + 1)]" }

    /// Shows a finished input's value (keeping it in `ans`) or its error.
    func finish(_ result: Result<RunOutcome, MRSError>) {
        switch result {
        case .success(let outcome):
            guard let value = outcome.value, !value.isNone else { return }
            session.interp.setGlobal("ans", value)
            if outcome.display { show(value) }
        case .failure(let e):
            report(e)
        }
    }

    /// Prints a value as the REPL shows it, cut short if it is very long.
    func show(_ value: Value) {
        let text = Display.show(value, width: displayWidth())
        output(REPL.limited(text, lines: displayLineLimit, characters: displayCharacterLimit) + "\n")
    }

    /// Prints an error with its source line and caret.
    func report(_ e: MRSError) {
        let fresh = isTerminal && e.kind == .interrupted ? "\n" : ""
        errorOutput(fresh + session.render(e))
    }

    /// At end of input inside an open statement: say what was left open.
    private func reportUnfinishedInput() {
        let text = pendingLines.joined(separator: "\n")
        pendingLines.removeAll()
        if case .failure(let e) = session.run(text, name: nextInputName) { report(e) }
    }

    /// Text cut to at most `lines` lines and `characters` characters, saying how much was left out.
    static func limited(_ text: String, lines: Int, characters: Int) -> String {
        var cut = text
        if cut.count > characters { cut = String(cut.prefix(characters)) }
        var kept = cut.split(separator: "\n", omittingEmptySubsequences: false)
        if kept.count > lines { kept = Array(kept.prefix(lines)) }
        let shown = kept.joined(separator: "\n")
        guard shown.count < text.count else { return text }
        let totalLines = text.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        return shown + "\n… (output cut: \(totalLines) lines, \(text.count) characters in all; print() shows everything)"
    }
}
