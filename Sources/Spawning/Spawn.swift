import Foundation

/// Starting a child program the way mrs needs it, for every module that runs one (BART and
/// Python from Toolboxes, batch tasks from BatchJobs): posix_spawn with standard input from
/// /dev/null, output to files, an optional working folder, our environment plus some variables,
/// and default signal handling with an empty signal mask — this process blocks or catches
/// terminal signals, and the child must not inherit that.
public enum Spawn {
    /// Where the child's standard error goes.
    public enum ErrorOutput {
        /// The same file as standard output.
        case standardOutput
        /// A file of its own (created or truncated).
        case file(String)
    }

    /// A program that could not be started, with the system's reason.
    public struct Failure: Error, CustomStringConvertible {
        public let executable: String
        public let code: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    /// Starts `executable` with `arguments`; standard output goes to `output` (created or
    /// truncated with `mode`), standard error as `errors` says. Returns the child's pid.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                             workingDirectory: String? = nil, output: String, errors: ErrorOutput,
                             mode: mode_t = 0o600) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, mode)
        switch errors {
        case .standardOutput: posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 2, path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        }
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
        let rc = withCStrings(argv) { a in withCStrings(envp) { e in posix_spawn(&pid, executable, &actions, &attributes, a, e) } }
        guard rc == 0 else { throw Failure(executable: executable, code: rc) }
        return pid
    }
}

/// A NULL-terminated C array of copies of `strings`, freed after `body`.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return (pointers + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// glibc's posix_spawn_file_actions_addchdir_np (2.29+), hidden from Swift (it needs _GNU_SOURCE).
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnAddChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32
