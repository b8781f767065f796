import Foundation
import LineEditor
import MRSLanguage
import NDArray

/// Walks a student through a lesson cell by cell, inside the REPL's session: each cell's text
/// and code are shown; Enter runs the code (or checks an exercise) and moves on; anything else
/// typed runs as in the REPL, so the student can experiment between cells. Commands: `:next`,
/// `:back`, `:again`, `:show`, `:hint`, `:quit`, `:help`. Progress is saved after every step.
public final class LessonMode {
    public enum Outcome: Equatable { case finished, quit, endOfInput }

    let repl: REPL
    let notebook: Notebook
    let key: String
    let number: Int
    let progress: LessonProgress
    let color: Bool
    private var index = 0
    /// Cells whose code has run (so moving past them does not run them again).
    private var ran = Set<Int>()
    private var solved = Set<Int>()
    /// Expected answers of the exercise on show, computed from the solution when it appeared.
    private var expected: [String: Value]?

    public init(repl: REPL, lesson: Lessons.Entry, progress: LessonProgress, color: Bool = false) throws {
        self.repl = repl
        let text = try String(contentsOfFile: lesson.path, encoding: .utf8)
        self.notebook = Notebook(text: text, name: lesson.path)
        self.key = lesson.key
        self.number = lesson.number
        self.progress = progress
        self.color = color
    }

    private var cells: [Notebook.Cell] { notebook.cells }
    private func say(_ s: String) { repl.output(s + "\n") }
    private func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    private func dim(_ s: String) -> String { color ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
    private func green(_ s: String) -> String { color ? "\u{1B}[32m\(s)\u{1B}[0m" : s }
    private func red(_ s: String) -> String { color ? "\u{1B}[31m\(s)\u{1B}[0m" : s }

    static let help = """
    Lesson mode: Enter runs the cell shown (or checks your answer to an exercise) and moves on.
      :next   go on without running/solving (the cell's code runs so later cells work)
      :back   show the previous cell          :again  run the current cell again
      :show   show an exercise's solution     :hint   a hint for the exercise
      :quit   leave the lesson (progress is kept)
    Anything else you type runs as in the mrs shell.
    """

    /// Runs the lesson until it ends, the student quits, or input ends.
    public func run() -> Outcome {
        resume()
        show()
        while true {
            let prompt = repl.pendingLines.isEmpty ? "lesson \(number) [\(index + 1)/\(cells.count)]> " : repl.continuationPrompt()
            Interrupt.clear()
            let event = repl.source.readLine(prompt: prompt)
            Interrupt.clear()
            switch event {
            case .endOfInput:
                save()
                return .endOfInput
            case .interrupted:
                continue
            case .line(let raw):
                let line = raw.trimmingCharacters(in: " \t")
                if !repl.pendingLines.isEmpty {
                    repl.accept(raw)
                    continue
                }
                switch line {
                case "":
                    if advance() { save(); return .finished }
                case ":next", ":n":
                    if skip() { save(); return .finished }
                case ":back", ":b":
                    if index > 0 { index -= 1 }
                    show()
                case ":again", ":a":
                    again()
                case ":show":
                    showSolution()
                case ":hint":
                    hint()
                case ":quit", ":q":
                    save()
                    say("Left lesson \(number) at cell \(index + 1) of \(cells.count); `mrs lesson \(number)` (or :lesson \(number)) continues here.")
                    return .quit
                case ":help", ":h", "?":
                    say(LessonMode.help)
                default:
                    repl.accept(raw)
                    if repl.hasQuit { save(); return .quit }
                }
                save()
            }
        }
    }

    /// Continues where the student left off, re-running the earlier cells quietly.
    private func resume() {
        guard let s = progress.state(key), s.cell > 0, s.cell < cells.count else { return }
        say(dim("Continuing lesson \(number) at cell \(s.cell + 1) of \(cells.count); running the earlier cells first…"))
        let saved = repl.session.interp.output
        repl.session.interp.output = { _ in }
        defer { repl.session.interp.output = saved }
        for i in 0..<s.cell where cells[i].kind != .markdown {
            if case .failure(let e) = runCode(i) {
                repl.session.interp.output = saved
                repl.report(e)
                say("Could not replay cell \(i + 1); continuing from there.")
                index = i
                return
            }
        }
        index = s.cell
        solved = Set(s.solved)
    }

    private func save() {
        progress.set(key, LessonProgress.State(cell: Swift.min(index, cells.count), solved: solved.sorted()))
    }

    /// Shows the current cell.
    private func show() {
        guard index < cells.count else { return }
        let cell = cells[index]
        let title = cell.title.isEmpty ? "" : " · \(cell.title)"
        say("\n" + bold("── Lesson \(number) · cell \(index + 1) of \(cells.count)\(title) ──"))
        switch cell.kind {
        case .markdown:
            say(renderText(cell.text))
            say(dim("[Enter] continue · :help"))
        case .code:
            say(codeBox(cell.code))
            say(dim("[Enter] run it · type your own commands · :next · :help"))
        case .exercise:
            say(bold("Exercise") + (cell.title.isEmpty ? "" : ": \(cell.title)"))
            say(renderText(cell.text))
            expected = computeExpected(cell)
            let names = cell.answers.map { "`\($0)`" }.joined(separator: ", ")
            say(dim("Type your solution, then [Enter] on an empty line to check \(names) · :hint · :show · :next"))
        }
    }

    /// Enter: run code / check the exercise / continue. True when the lesson is over.
    private func advance() -> Bool {
        guard index < cells.count else { return true }
        let cell = cells[index]
        switch cell.kind {
        case .markdown: break
        case .code:
            if case .failure = runVisible(index) { return false }
        case .exercise:
            guard check(cell) else { return false }
            solved.insert(index)
        }
        return next()
    }

    /// `:next`: moves on, running the cell's code first if it has not run.
    private func skip() -> Bool {
        guard index < cells.count else { return true }
        let cell = cells[index]
        if cell.kind != .markdown && !ran.contains(index) {
            if cell.kind == .exercise { say(dim("Running the solution so the next cells work:")); say(codeBox(cell.code)) }
            if case .failure = runVisible(index) { return false }
        }
        return next()
    }

    private func next() -> Bool {
        index += 1
        if index >= cells.count {
            let done = solved.count, total = cells.filter { $0.kind == .exercise }.count
            say("\n" + bold("Lesson \(number) complete") + " — \(done) of \(total) exercises solved. You are in the mrs shell: explore the variables, or :lesson \(number + 1) for the next lesson.")
            progress.set(key, LessonProgress.State(cell: 0, solved: solved.sorted()))
            return true
        }
        show()
        return false
    }

    /// `:again`: runs the current cell's code again (shows text cells again).
    private func again() {
        guard index < cells.count else { return }
        if cells[index].kind == .code { _ = runVisible(index) } else { show() }
    }

    private func showSolution() {
        guard index < cells.count, cells[index].kind == .exercise else {
            say("There is no exercise on show; :again runs the current cell.")
            return
        }
        say(codeBox(cells[index].code))
    }

    private func hint() {
        guard index < cells.count, cells[index].kind == .exercise else {
            say("Hints are for exercises; this cell is not one.")
            return
        }
        say("Hint: " + (cells[index].hint ?? "none for this one — :show shows the solution."))
    }

    /// Runs a cell's code quietly (for resuming).
    private func runCode(_ i: Int) -> Result<RunOutcome, MRSError> {
        let r = repl.session.run(notebook.source(of: cells[i]), name: notebook.name)
        if case .success = r { ran.insert(i) }
        return r
    }

    /// Runs a cell's code with its output and value shown, as the REPL would.
    private func runVisible(_ i: Int) -> Result<RunOutcome, MRSError> {
        let r = runCode(i)
        repl.finish(r)
        return r
    }

    /// The solution's answers, from a copy of the session (the student's own variables untouched).
    private func computeExpected(_ cell: Notebook.Cell) -> [String: Value]? {
        let scratch = Session(color: false)
        scratch.interp.copyGlobals(from: repl.session.interp)
        scratch.interp.output = { _ in }
        guard case .success = scratch.run(notebook.source(of: cell), name: notebook.name) else { return nil }
        var out: [String: Value] = [:]
        for name in cell.answers { out[name] = scratch.interp.global(name) }
        return out
    }

    /// Compares the student's answers with the solution's; says what is wrong.
    private func check(_ cell: Notebook.Cell) -> Bool {
        guard let want = expected else {
            say("(This exercise's solution did not run, so it cannot be checked; :next moves on.)")
            return false
        }
        var ok = true
        for name in cell.answers {
            guard let got = repl.session.interp.global(name) else {
                say(red("✗") + " `\(name)` is not defined yet — store your answer in `\(name)`.")
                ok = false
                continue
            }
            guard let expectedValue = want[name] else { continue }
            // Say what is wrong without the answer; :show gives the solution when asked.
            if let problem = Compare.difference(got, expectedValue, reveal: false) {
                say(red("✗") + " `\(name)`: \(problem).")
                ok = false
            }
        }
        if ok { say(green("✓ Correct!")) } else { say(dim("Try again, or :hint, :show, :next.")) }
        return ok
    }

    /// Markdown shown in the terminal: headings in bold, the rest as written.
    private func renderText(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("#") { return bold(String(line.drop { $0 == "#" }).trimmingCharacters(in: " ")) }
            return String(line)
        }.joined(separator: "\n")
    }

    private func codeBox(_ code: String) -> String {
        let rule = String(repeating: "─", count: 60)
        return dim("┌" + rule) + "\n" + code.split(separator: "\n", omittingEmptySubsequences: false).map { dim("│ ") + $0 }.joined(separator: "\n") + "\n" + dim("└" + rule)
    }
}
