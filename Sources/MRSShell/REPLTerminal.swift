import Foundation
import LineEditor
import MRSBuiltins
import MRSLanguage
import TerminalImages

/// The REPL on a real terminal: the line editor with persistent history and Tab completion,
/// the banner, colour when wanted.
public enum InteractiveShell {
    /// Entries the history file keeps.
    public static let historyCapacity = 5000

    /// Runs the interactive shell on the terminal; returns the exit status. With `lesson`, starts
    /// in that lesson and exits when the student leaves it.
    public static func run(color: Bool, lesson: Lessons.Entry? = nil) -> Int32 {
        let session = Session(color: color)
        let environment = ProcessInfo.processInfo.environment
        let editor: LineEditor
        do {
            editor = try LineEditor(programName: "mrs", historyPath: historyPath(environment: environment),
                                    historyCapacity: historyCapacity)
        } catch {
            FileHandle.standardError.write(Data("mrs: \(error)\n".utf8))
            return ExitCode.runtimeError.rawValue
        }
        let repl = REPL(session: session, source: TerminalLineSource(editor: editor))
        repl.isTerminal = true
        repl.displayWidth = terminalWidth
        editor.completer = { [unowned repl] line in repl.complete(line) }
        // Pictures in the terminal: decided before the line editor takes the terminal over (the
        // sixel question needs to read the answer itself).
        let pictures = InlinePictures(environment: environment, outputIsTerminal: isatty(STDOUT_FILENO) != 0,
                                      write: { [unowned repl] text in repl.output(text) })
        repl.pictures = pictures
        PictureObserver.install(on: session.interp) { path in pictures.show(path) }
        repl.output(banner(color: color) + "\n")
        if let problem = editor.history.lastError {
            repl.errorOutput("mrs: \(problem)\n")
        }
        let progress = LessonProgress(path: LessonProgress.defaultPath())
        repl.lessonRunner = { [unowned repl] number in
            LessonCommand.start(number, repl: repl, progress: progress, color: color)
        }
        if let entry = lesson {
            do {
                let outcome = try LessonMode(repl: repl, lesson: entry, progress: progress, color: color).run()
                if outcome != .finished { return ExitCode.success.rawValue }
            } catch {
                repl.errorOutput("mrs: cannot read \(entry.path): \(error)\n")
                return ExitCode.usage.rawValue
            }
        }
        return repl.run()
    }

    /// The history file: `$MRS_HISTORY` if set (empty means no file), else `~/.mrs_history`.
    public static func historyPath(environment: [String: String]) -> String? {
        if let path = environment["MRS_HISTORY"] {
            return path.isEmpty ? nil : (path as NSString).expandingTildeInPath
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.mrs_history"
    }

    /// Columns of the terminal on standard output (80 when it cannot be asked).
    public static func terminalWidth() -> Int { TerminalSize.of(STDOUT_FILENO).columns }

    /// The one-line greeting.
    public static func banner(color: Bool) -> String {
        let bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
        return "\(bold)mrs \(MRSVersion.string)\(reset) — MR scripting shell. Type help for built-ins, :help for shell commands, Ctrl-D to quit."
    }
}
