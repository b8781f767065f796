import Foundation
import MRSLanguage

/// Runs notebook cells one at a time in one session, capturing what each printed, the value of
/// its final expression, the pictures it wrote and how long it took. Shared by `mrs run` of a
/// notebook, `mrs report` and lesson mode.
public final class CellRunner {
    public struct Result {
        public var output: String
        /// The final expression's value as the REPL would show it (nil when none or suppressed).
        public var shown: String?
        /// Paths of PNGs written while the cell ran.
        public var images: [String]
        public var seconds: Double
        public var error: MRSError?
    }

    public let session: Session
    public let notebook: Notebook

    public init(session: Session, notebook: Notebook) {
        self.session = session
        self.notebook = notebook
    }

    /// Runs one cell's code (an exercise runs its solution).
    public func run(_ cell: Notebook.Cell) -> Result {
        guard cell.kind != .markdown, !cell.code.isEmpty else {
            return Result(output: "", shown: nil, images: [], seconds: 0, error: nil)
        }
        var printed = ""
        let saved = session.interp.output
        session.interp.output = { printed += $0 }
        defer { session.interp.output = saved }
        let before = (session.interp.sessionState["written_images"] as? [String])?.count ?? 0
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome = session.run(notebook.source(of: cell), name: notebook.name)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let all = session.interp.sessionState["written_images"] as? [String] ?? []
        let images = Array(all.dropFirst(Swift.min(before, all.count)))
        switch outcome {
        case .success(let o):
            var shown: String?
            if let v = o.value, o.display, !v.isNone {
                shown = Display.show(v)
                session.interp.setGlobal("ans", v)
            }
            return Result(output: printed, shown: shown, images: images, seconds: seconds, error: nil)
        case .failure(let e):
            return Result(output: printed, shown: nil, images: images, seconds: seconds, error: e)
        }
    }
}
