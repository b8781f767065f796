import Foundation

/// What a finished program gave back: its exit status and both outputs.
public struct ProcessResult {
    /// The exit status (the signal number when it was killed).
    public let status: Int32
    /// Everything it wrote to standard output.
    public let stdout: String
    /// Everything it wrote to standard error.
    public let stderr: String
}

/// Runs `executable` to completion with optional standard input (closed after it), working
/// directory and extra environment variables; throws only when the program cannot start.
public func runProcess(_ executable: URL, _ arguments: [String], stdin: String? = nil, cwd: URL? = nil,
                       env: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = cwd }
    if !env.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 } }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    // Drain stderr on another thread so a chatty program cannot block on a full pipe.
    final class Box: @unchecked Sendable { var data = Data() }
    let errors = Box()
    let drained = DispatchGroup()
    drained.enter()
    DispatchQueue.global().async { errors.data = err.fileHandleForReading.readDataToEndOfFile(); drained.leave() }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    drained.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                         stderr: String(decoding: errors.data, as: UTF8.self))
}
