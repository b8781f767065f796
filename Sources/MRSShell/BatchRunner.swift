import Foundation
import MRSLanguage

/// Exit codes of the `mrs` command.
public enum ExitCode: Int32 {
    case success = 0
    case runtimeError = 1
    case usage = 2
    case syntaxError = 65
    case interrupted = 130

    /// The code for an error of this kind.
    public static func forError(_ e: MRSError) -> ExitCode {
        switch e.kind {
        case .syntax: return .syntaxError
        case .interrupted: return .interrupted
        default: return .runtimeError
        }
    }
}

/// Runs scripts without prompts: `mrs FILE.mrs ARGS…`, `mrs run FILE`, `mrs -e CODE`, piped stdin.
public struct BatchRunner {
    public let session: Session
    /// Where errors go (stderr by default).
    public var errorOutput: (String) -> Void = { s in FileHandle.standardError.write(s.data(using: .utf8) ?? Data()) }

    public init(session: Session) { self.session = session }

    /// Sets `ARGS` for the script.
    public func setArguments(_ args: [String]) {
        session.interp.setGlobal("ARGS", .list(args.map { .string($0) }))
    }

    /// Runs a script file. Returns the exit code.
    public func runFile(_ path: String, arguments: [String]) -> ExitCode {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            errorOutput("mrs: cannot open '\(path)': no such file\n")
            return .usage
        }
        guard !isDir.boolValue, let data = FileManager.default.contents(atPath: path) else {
            errorOutput("mrs: cannot read '\(path)'\(isDir.boolValue ? ": it is a directory" : "")\n")
            return .usage
        }
        guard let text = String(data: data, encoding: .utf8) else {
            errorOutput("mrs: '\(path)' is not UTF-8 text\n")
            return .usage
        }
        setArguments(arguments)
        session.interp.setGlobal("SCRIPT", .string(path))
        return runText(text, name: path, printFinal: false)
    }

    /// Runs code text; with `printFinal` the final expression's value is printed unless none.
    public func runText(_ text: String, name: String, printFinal: Bool) -> ExitCode {
        switch session.run(text, name: name) {
        case .success(let outcome):
            if printFinal, let v = outcome.value, !v.isNone, outcome.display {
                session.interp.output(Display.show(v) + "\n")
            }
            return .success
        case .failure(let e):
            errorOutput(session.render(e))
            return ExitCode.forError(e)
        }
    }
}
