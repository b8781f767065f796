import AtomicFiles
import Foundation
import JupyterProtocol

/// `mrs kernel install` (register the kernel with Jupyter for this user) and
/// `mrs kernel -f CONNECTION_FILE` (run it; Jupyter starts it so).
public enum KernelCommand {
    static let usage = """
    usage: mrs kernel install [--dir DATA_DIR]   register the mrs kernel with Jupyter for this user
           mrs kernel -f CONNECTION_FILE         run the kernel (Jupyter starts it this way)

    """

    /// Runs the subcommand; returns the exit status.
    public static func main(_ args: [String]) -> Int32 {
        if args.first == "install" {
            var dir: String?
            if args.count == 3, args[1] == "--dir" { dir = args[2] } else if args.count != 1 { return usageError("unexpected arguments") }
            return install(dataDirectory: dir ?? dataDirectory())
        }
        guard args.count == 2, args[0] == "-f" else { return usageError("needs install or -f CONNECTION_FILE") }
        do {
            let kernel = try JupyterKernel(info: try ConnectionInfo.read(from: args[1]))
            return kernel.run()
        } catch {
            FileHandle.standardError.write(Data("mrs kernel: \(error)\n".utf8))
            return ExitCode.runtimeError.rawValue
        }
    }

    private static func usageError(_ problem: String) -> Int32 {
        FileHandle.standardError.write(Data("mrs kernel: \(problem)\n\(usage)".utf8))
        return ExitCode.usage.rawValue
    }

    /// The user's Jupyter data directory: $JUPYTER_DATA_DIR, what `jupyter --data-dir` says, or
    /// ~/.local/share/jupyter.
    static func dataDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let d = env["JUPYTER_DATA_DIR"], !d.isEmpty { return d }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["jupyter", "--data-dir"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        if (try? p.run()) != nil {
            let out = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let d = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if p.terminationStatus == 0 && !d.isEmpty { return d }
        }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/jupyter"
    }

    /// The kernel spec: this executable started with `kernel -f {connection_file}`.
    static func kernelSpec(executable: String) -> [String: Any] {
        ["argv": [executable, "kernel", "-f", "{connection_file}"], "display_name": "mrs", "language": "mrs",
         "interrupt_mode": "signal", "metadata": ["debugger": false]]
    }

    /// Writes DATA_DIR/kernels/mrs/kernel.json.
    static func install(dataDirectory: String) -> Int32 {
        let dir = dataDirectory + "/kernels/mrs"
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let json = try JSONSerialization.data(withJSONObject: kernelSpec(executable: executable), options: [.prettyPrinted, .sortedKeys])
            try ReplacementFile.write([UInt8](json) + [10], to: dir + "/kernel.json")
        } catch {
            FileHandle.standardError.write(Data("mrs kernel install: cannot write \(dir)/kernel.json: \(error)\n".utf8))
            return ExitCode.runtimeError.rawValue
        }
        print("installed the mrs kernel in \(dir) (start it with: jupyter notebook, or jupyter console --kernel mrs)")
        return 0
    }
}
