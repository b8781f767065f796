import Foundation
import NDArray
import Spawning

/// One run of an outside program (BART, Python) to completion: spawned with posix_spawn, standard
/// input from /dev/null, standard output and error captured in files of the call's scratch
/// folder. While it runs, new complete lines of its standard output are handed to `forward`
/// (Python's prints appear as they happen), and Ctrl-C stops it.
public struct ChildProcess {
    /// How a finished program ended and what it wrote.
    public struct Result {
        /// The exit status, or nil when a signal ended it.
        public let exitStatus: Int32?
        /// The signal that ended it, if any.
        public let signal: Int32?
        /// Everything written to standard output that was not forwarded.
        public let stdout: String
        /// Everything written to standard error.
        public let stderr: String

        /// True for exit status 0.
        public var succeeded: Bool { exitStatus == 0 }

        /// `exit status 2` or `ended by signal 6 (Aborted)`.
        public var statusText: String {
            if let s = exitStatus { return "exit status \(s)" }
            let n = signal ?? 0
            return "ended by signal \(n) (\(String(cString: strsignal(n))))"
        }
    }

    /// The program's path (absolute, as found by `locate`).
    public let executable: String
    /// Arguments after the program name.
    public let arguments: [String]
    /// Variables added to (or replacing those of) this process's environment.
    public var environment: [String: String] = [:]
    /// The folder the program starts in (nil: this process's).
    public var workingDirectory: String? = nil

    /// A run of `executable` with `arguments`.
    public init(executable: String, arguments: [String]) {
        self.executable = executable
        self.arguments = arguments
    }

    /// How long a stopped program gets between SIGTERM and SIGKILL.
    static let terminationGrace: TimeInterval = 2

    /// Runs the program and waits for it. `tool` names the caller in errors; `scratch` holds the
    /// output files. On Ctrl-C the program is sent SIGTERM (SIGKILL if it lingers), reaped, and
    /// `InterruptedError` is thrown.
    public func run(tool: String, scratch: ScratchDirectory, forward: ((String) -> Void)? = nil) throws -> Result {
        let outPath = scratch.file(".stdout"), errPath = scratch.file(".stderr")
        let pid = try spawn(tool: tool, stdout: outPath, stderr: errPath)
        let reader = LineForwarder(path: outPath, forward: forward)
        var status: Int32 = 0
        var interrupted = false
        var termSent: Date? = nil
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            reader.poll()
            if Interrupt.isRequested && !interrupted {
                interrupted = true
                kill(pid, SIGTERM)
                termSent = Date()
            }
            if let t = termSent, Date().timeIntervalSince(t) > ChildProcess.terminationGrace {
                kill(pid, SIGKILL)
                termSent = nil
            }
            usleep(10_000)
        }
        if interrupted || Interrupt.isRequested {
            try Interrupt.check()
            throw InterruptedError()
        }
        reader.poll(final: true)
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7F) == 0
        return Result(exitStatus: exited ? (status >> 8) & 0xFF : nil, signal: exited ? nil : status & 0x7F,
                      stdout: reader.unforwarded, stderr: stderr)
    }

    /// Starts the program (Spawning: default signal handling, empty mask, stdin from /dev/null).
    private func spawn(tool: String, stdout: String, stderr: String) throws -> pid_t {
        do {
            return try Spawn.start(executable, arguments, environment: environment, workingDirectory: workingDirectory,
                                   output: stdout, errors: .file(stderr))
        } catch let e as Spawn.Failure {
            throw ArrayError(tool, e.description)
        }
    }
}

/// Hands complete lines of a growing file to a callback; keeps everything when there is none.
private final class LineForwarder {
    let path: String
    let forward: ((String) -> Void)?
    private var handle: FileHandle?
    private var pending = Data()
    private(set) var kept = Data()

    init(path: String, forward: ((String) -> Void)?) {
        self.path = path
        self.forward = forward
    }

    /// What was not forwarded (all of it without a callback).
    var unforwarded: String { String(decoding: kept, as: UTF8.self) }

    func poll(final: Bool = false) {
        if handle == nil { handle = FileHandle(forReadingAtPath: path) }
        guard let h = handle else { return }
        let fresh = h.readDataToEndOfFile()
        guard let forward = forward else {
            kept.append(fresh)
            return
        }
        pending.append(fresh)
        if final {
            if !pending.isEmpty { forward(String(decoding: pending, as: UTF8.self)) }
            pending.removeAll()
        } else if let last = pending.lastIndex(of: UInt8(ascii: "\n")) {
            forward(String(decoding: pending[...last], as: UTF8.self))
            pending = Data(pending[pending.index(after: last)...])
        }
    }
}

