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

/// An error with a kind, a message and a source location. Syntax errors can carry several
/// diagnostics (the parser recovers and keeps going).
public struct MRSError: Error, CustomStringConvertible, @unchecked Sendable {
    public var kind: ErrorKind
    public var message: String
    public var location: SourceLocation?
    /// Innermost call first: where each enclosing user function was called from.
    public var callChain: [CallSite] = []
    /// Further syntax errors found after the first.
    public var others: [MRSError] = []
    /// True when a syntax error is only the input ending early (the REPL then reads more lines).
    public var isIncompleteInput = false

    public init(_ kind: ErrorKind, _ message: String, at location: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    public var description: String {
        if let l = location { return "\(l): error: \(message)" }
        return "error: \(message)"
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
            out += "\(bold)\(l.file.name):\(line):\(column):\(reset) \(red)error:\(reset) \(e.message)\n"
            let text = l.file.line(line)
            if !text.isEmpty {
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
        for site in e.callChain {
            out += "  in \(site.function)() called at \(site.location)\n"
        }
        return out
    }
}
