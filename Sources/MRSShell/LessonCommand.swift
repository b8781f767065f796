import Foundation
import LineEditor
import MRSLanguage

/// `mrs lesson [N]` and the REPL's `:lesson [N]`.
public enum LessonCommand {
    /// Lists the lessons, or runs one: step by step on a terminal, in batch otherwise.
    static func main(_ args: [String], color: Bool) -> Int32 {
        guard let dir = Lessons.directory() else {
            FileHandle.standardError.write(Data("mrs: no lessons/ directory found (set MRS_LESSONS)\n".utf8))
            return ExitCode.usage.rawValue
        }
        let lessons = Lessons.list(in: dir)
        guard let arg = args.first else {
            print(listing(lessons, progress: LessonProgress(path: LessonProgress.defaultPath())), terminator: "")
            return 0
        }
        guard let n = Int(arg), let entry = lessons.first(where: { $0.number == n }) else {
            FileHandle.standardError.write(Data("mrs: no lesson '\(arg)'; `mrs lesson` lists them\n".utf8))
            return ExitCode.usage.rawValue
        }
        if isatty(STDIN_FILENO) != 0 {
            return InteractiveShell.run(color: color, lesson: entry)
        }
        // No terminal: the lesson runs as a script.
        return BatchRunner(session: Session(color: false)).runFile(entry.path, arguments: []).rawValue
    }

    /// The numbered list with titles and where the student got to.
    static func listing(_ lessons: [Lessons.Entry], progress: LessonProgress) -> String {
        var out = "Lessons (mrs lesson N walks one step by step; mrs run lessons/FILE runs it in batch):\n"
        for l in lessons {
            var mark = ""
            if let s = progress.state(l.key), s.cell > 0 {
                // Past the last cell the lesson is finished (and starts again from the top).
                let cells = (try? String(contentsOfFile: l.path, encoding: .utf8)).map { Notebook(text: $0, name: l.key).cells.count } ?? 0
                mark = cells > 0 && s.cell >= cells ? "  (finished)" : "  (continue at cell \(s.cell + 1))"
            }
            out += String(format: "  %2d  %@%@\n", l.number, l.title, mark)
        }
        return out
    }

    /// `:lesson [N]` inside the REPL: lists, or runs a lesson in the REPL's own session.
    static func start(_ number: Int?, repl: REPL, progress: LessonProgress, color: Bool) {
        guard let dir = Lessons.directory() else {
            repl.errorOutput("no lessons/ directory found (set MRS_LESSONS)\n")
            return
        }
        let lessons = Lessons.list(in: dir)
        guard let n = number else {
            repl.output(listing(lessons, progress: progress))
            return
        }
        guard let entry = lessons.first(where: { $0.number == n }) else {
            repl.errorOutput("no lesson \(n); :lesson lists them\n")
            return
        }
        do {
            let outcome = try LessonMode(repl: repl, lesson: entry, progress: progress, color: color).run()
            if outcome == .endOfInput { repl.quit() }
        } catch {
            repl.errorOutput("cannot read \(entry.path): \(error)\n")
        }
    }
}
