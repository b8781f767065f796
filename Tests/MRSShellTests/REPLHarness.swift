import Foundation
import LineEditor
import MRSLanguage
import MRSShell

/// A REPL fed with scripted input, its output and errors captured (also interleaved, in order).
final class REPLHarness {
    let session = Session()
    let source: ScriptedLineSource
    let repl: REPL
    private(set) var output = ""
    private(set) var errors = ""
    private(set) var transcript = ""

    init(_ events: [LineEditor.ReadResult]) {
        source = ScriptedLineSource(events)
        repl = REPL(session: session, source: source)
        session.interp.output = { [unowned self] text in
            self.output += text
            self.transcript += text
        }
        repl.errorOutput = { [unowned self] text in
            self.errors += text
            self.transcript += text
        }
    }

    convenience init(lines: [String]) {
        self.init(lines.map { .line($0) })
    }

    /// Runs the REPL over all the input; returns self for chaining.
    @discardableResult
    func run() -> REPLHarness {
        _ = repl.run()
        return self
    }

    /// Types more lines into the running session (one `run` per call).
    @discardableResult
    func type(_ lines: String...) -> REPLHarness {
        output = ""
        errors = ""
        for line in lines { repl.accept(line) }
        return self
    }

    /// Output lines (without the final empty line).
    var outputLines: [String] {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
