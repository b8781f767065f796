import NDArray

/// What sort of thing went wrong; shown to users only through the message, used by tests and
/// by the CLI to pick the exit code.
public enum ErrorKind: String, Sendable {
    case syntax, name, type, value, index, argument, io, assertion, interrupted, runtime
}

/// One frame of the call chain of a runtime error inside user functions.
public struct CallSite: Sendable {
    public let function: String
    public let location: SourceLocation
}

/// The call sites an error passed through (a class: see `MRSError.chain`).
final class CallChain: @unchecked Sendable {
    var sites: [CallSite]
    init(_ sites: [CallSite]) { self.sites = sites }
}

/// An error with a kind, a message and a source location. Syntax errors can carry several
/// diagnostics (the parser recovers and keeps going).
public struct MRSError: Error, CustomStringConvertible, @unchecked Sendable {
    public var kind: ErrorKind
    public var message: String
    public var location: SourceLocation?
    /// Innermost call first: where each enclosing user function was called from.
    public var callChain: [CallSite] {
        get { chain?.sites ?? [] }
        set { chain = CallChain(newValue) }
    }
    /// Shared, so that adding a frame while the error unwinds through 100,000 calls costs O(1)
    /// each (copying the error to catch it would otherwise copy the array: quadratic).
    private var chain: CallChain?
    /// Further syntax errors found after the first.
    public var others: [MRSError] = []
    /// True when a syntax error is only the input ending early (the REPL then reads more lines).
    public var isIncompleteInput = false
    /// A warning (shown as `warning:`) rather than an error; nothing stops for it.
    public var isWarning = false

    public init(_ kind: ErrorKind, _ message: String, at location: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    public var description: String {
        if let l = location { return "\(l): error: \(message)" }
        return "error: \(message)"
    }

    /// Adds the next enclosing call site (outermost last).
    mutating func appendCall(_ site: CallSite) {
        if let chain { chain.sites.append(site) } else { chain = CallChain([site]) }
    }

    /// All diagnostics of this error (itself first).
    public var all: [MRSError] { [self] + others }
}

extension MRSError {
    /// Wraps any error thrown below the language (array errors, file errors) with a location.
    static func wrap(_ error: Error, at location: SourceLocation) -> MRSError {
        switch error {
        case var e as MRSError:
            if e.location == nil { e.location = location }
            return e
        case let e as ArrayError:
            return MRSError(.value, e.description, at: location)
        case is InterruptedError:
            return MRSError(.interrupted, "interrupted", at: location)
        default:
            return MRSError(.runtime, String(describing: error), at: location)
        }
    }
}

/// Renders errors as `file:line:col: error: message`, the source line and a caret, then the
/// call chain. One printer for the REPL, batch runs and tests.
public struct DiagnosticPrinter {
    public var color: Bool

    public init(color: Bool = false) { self.color = color }

    public func render(_ error: MRSError) -> String {
        error.all.map(renderOne).joined()
    }

    private func renderOne(_ e: MRSError) -> String {
        let red = color ? "\u{1B}[1;31m" : "", bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
        var out = ""
        if let l = e.location {
            let (line, column) = l.file.lineColumn(l.offset)
            let label = e.isWarning ? (color ? "\u{1B}[1;35m" : "") + "warning:" : red + "error:"
            out += "\(bold)\(l.file.name):\(line):\(column):\(reset) \(label)\(reset) \(e.message)\n"
            let fullLine = l.file.line(line)
            if !fullLine.isEmpty {
                // A very long line (generated code, a pasted array) is shown as a window around
                // the error, so a message stays a few lines long.
                let (text, column) = DiagnosticPrinter.window(fullLine, column: column)
                out += "    \(text)\n"
                // Caret under the marked span, tabs kept so it lines up.
                let prefix: String = String(text.prefix(column - 1).map { $0 == "\t" ? "\t" : " " })
                let end = Swift.min(l.offset + l.length, l.file.bytes.count)
                let spanText = String(decoding: l.file.bytes[l.offset..<Swift.max(l.offset, end)], as: UTF8.self)
                let span = Swift.max(1, Swift.min(spanText.count, Swift.max(1, text.count - column + 1)))
                let underline: String = "^" + String(repeating: "~", count: span - 1)
                out += "    " + prefix + red + underline + reset + "\n"
            }
        } else {
            out += "\(red)error:\(reset) \(e.message)\n"
        }
        // Deep recursion gives thousands of frames: show both ends of the chain.
        let chain = e.callChain
        let shown = DiagnosticPrinter.framesShownAtEachEnd
        for (k, site) in chain.enumerated() {
            if chain.count > 2 * shown + 1 && k >= shown && k < chain.count - shown {
                if k == shown { out += "  … \(chain.count - 2 * shown) more calls …\n" }
                continue
            }
            out += "  in \(site.function)() called at \(site.location)\n"
        }
        return out
    }

    /// Frames of a long call chain printed at its start and at its end.
    static let framesShownAtEachEnd = 10
    /// Longest source line shown whole; longer ones are cut around the error column.
    static let longestLineShown = 160

    /// `line` cut to a window around `column` (1-based) with `…` where text was left out, and the
    /// column within the window.
    static func window(_ line: String, column: Int) -> (String, Int) {
        let chars = Array(line)
        guard chars.count > longestLineShown else { return (line, column) }
        let width = 100
        let start = Swift.max(0, Swift.min(column - 1 - width / 3, chars.count - width))
        let end = Swift.min(chars.count, start + width)
        let head = start > 0 ? "…" : "", tail = end < chars.count ? "…" : ""
        return (head + String(chars[start..<end]) + tail, column - start + (start > 0 ? 1 : 0))
    }
}
