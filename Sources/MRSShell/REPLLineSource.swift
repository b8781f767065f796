import LineEditor

/// Where the REPL gets its input: the terminal's line editor, or a list of lines in tests.
/// Everything above this protocol (evaluation, continuation, commands, completion, history
/// entries) runs the same either way.
public protocol LineSource: AnyObject {
    /// Reads one line after showing `prompt`.
    func readLine(prompt: String) -> LineEditor.ReadResult
    /// Records a complete input (a multi-line statement is one entry) in the history.
    func addHistory(_ entry: String)
}

/// The terminal: the line editor, with the terminal's signals routed to the reading thread
/// before each prompt (see `SignalRouting`).
public final class TerminalLineSource: LineSource {
    public let editor: LineEditor

    /// Reads from the terminal through `editor`.
    public init(editor: LineEditor) {
        self.editor = editor
    }

    public func readLine(prompt: String) -> LineEditor.ReadResult {
        SignalRouting.routeToCurrentThread()
        return editor.readLine(prompt: prompt)
    }

    public func addHistory(_ entry: String) {
        editor.addHistory(entry)
    }
}

/// Scripted input for tests: hands out prepared lines (or Ctrl-C / Ctrl-D events) in order,
/// then end of input; records the prompts shown and the history entries added.
public final class ScriptedLineSource: LineSource {
    private var events: [LineEditor.ReadResult]
    /// Every prompt shown, in order.
    public private(set) var prompts: [String] = []
    /// Every history entry added, in order.
    public private(set) var history: [String] = []
    /// Called before each line is handed out (tests use it to act between inputs).
    public var beforeRead: ((_ index: Int) -> Void)?

    /// Input events, read first to last.
    public init(_ events: [LineEditor.ReadResult]) {
        self.events = events
    }

    /// Plain lines, as if each was typed and accepted with Enter.
    public convenience init(lines: [String]) {
        self.init(lines.map { .line($0) })
    }

    public func readLine(prompt: String) -> LineEditor.ReadResult {
        beforeRead?(prompts.count)
        prompts.append(prompt)
        guard !events.isEmpty else { return .endOfInput }
        return events.removeFirst()
    }

    public func addHistory(_ entry: String) {
        history.append(entry)
    }
}
