import Foundation
import NDArray

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

    /// Starts the program with default signal handling and an empty signal mask (this process
    /// blocks or catches some signals; the child must not inherit that).
    private func spawn(tool: String, stdout: String, stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let dir = workingDirectory { _ = spawnAddChdir(&actions, dir) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE, SIGTSTP, SIGCONT, SIGURG, SIGWINCH] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv = [executable] + arguments
        let envp = env.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in
                posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnv)
            }
        }
        guard rc == 0 else {
            throw ArrayError(tool, "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        return pid
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

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return (pointers + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// glibc's posix_spawn_file_actions_addchdir_np (2.29+), hidden from Swift (it needs _GNU_SOURCE).
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnAddChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32
