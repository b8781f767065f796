import Foundation
import MRSBuiltins
import MRSLanguage
import NDArray

/// The `mrs` command: parses the arguments and dispatches to the REPL, the batch runner, the
/// lesson runner or the report writer.
public enum MRSCommand {
    static let usage = """
    usage: mrs                      start the interactive shell (runs stdin as a script when it is not a terminal)
           mrs FILE.mrs [ARGS...]   run a script (ARGS holds the arguments)
           mrs run FILE.mrs [ARGS...]
           mrs -e 'CODE'            run code and print the value of its final expression
           mrs lesson [N]           list the lessons, or walk through lesson N step by step
           mrs report FILE.mrs -o DIR [--solutions]
                                    run a notebook-style script and write DIR/NAME.md and DIR/NAME.html
           mrs chain CONFIG.xml DATA.h5 [-o out.h5] [-G group]
                                    run a Gadgetron stream configuration offline and write its images
           mrs kernel install | -f CONNECTION
                                    register the Jupyter kernel, or run it (docs/notebooks.md)
           mrs notebook FILE.mrs|FILE.ipynb [-o OUT]
                                    convert a lesson to a Jupyter notebook, or back
           mrs batch SCRIPT.mrs INPUTS... [-j N] [-o DIR] [--slurm [--submit]]
                                    run a script once per input, N at a time or as a SLURM job array
           mrs --version            print the version

    """

    /// Runs the command and returns the process exit code. ISMRMRD files still being written are
    /// put in place when the run ends well; after an error their old versions are kept.
    public static func main(_ argv: [String]) -> Int32 {
        let status = dispatch(argv)
        let undeclared = Args.undeclaredLookups
        if !undeclared.isEmpty {
            // A bug in a built-in, not in the user's code: say so, so that it gets reported.
            FileHandle.standardError.write("mrs: internal error: built-ins read parameters they do not declare: \(undeclared.sorted().joined(separator: ", "))\n".data(using: .utf8)!)
        }
        guard status == 0 else { return status }
        let failures = OpenWriters.closeAll()
        for f in failures { FileHandle.standardError.write("mrs: \(f)\n".data(using: .utf8)!) }
        return failures.isEmpty ? 0 : ExitCode.runtimeError.rawValue
    }

    static func dispatch(_ argv: [String]) -> Int32 {
        var args = Array(argv.dropFirst())
        let color = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        SignalHandling.install()
        guard let first = args.first else {
            if isatty(STDIN_FILENO) == 0 {
                return runStdin()
            }
            return InteractiveShell.run(color: color)
        }
        if args.count >= 2, args.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }),
           let help = subcommandHelp[first] {
            print(help)
            return 0
        }
        switch first {
        case "--version", "-V":
            print("mrs \(MRSVersion.string)")
            return 0
        case "--reference":
            print(Reference.markdown(Builtins.makeRegistry()), terminator: "")
            return 0
        case "-h", "--help", "help":
            print(usage, terminator: "")
            return 0
        case "-e":
            guard args.count >= 2 else {
                FileHandle.standardError.write("mrs: -e needs code to run\n\(usage)".data(using: .utf8)!)
                return ExitCode.usage.rawValue
            }
            let runner = BatchRunner(session: Session(color: false))
            // `mrs -e 'help randn'` answers like the shell does (help is a shell command, not code).
            let registry = runner.session.interp.registry
            switch REPLCommand.parse(args[1], isVariable: { _ in false }) {
            case .help(nil)?: print(Help.overview(registry)); return 0
            case .help(let name?)?: print(Help.entry(name, registry) ?? Help.search(name, registry)); return 0
            case .search(let word)?: print(Help.search(word, registry)); return 0
            default: break
            }
            runner.setArguments(Array(args.dropFirst(2)))
            return runner.runText(args[1], name: "<-e>", printFinal: true).rawValue
        case "report":
            return report(Array(args.dropFirst()))
        case "chain":
            return ChainCommand.main(Array(args.dropFirst()))
        case "kernel":
            return KernelCommand.main(Array(args.dropFirst()))
        case "notebook":
            return NotebookCommand.main(Array(args.dropFirst()))
        case "batch":
            return BatchCommand.main(Array(args.dropFirst()))
        case "lesson", "lessons":
            return LessonCommand.main(Array(args.dropFirst()), color: color)
        case "run":
            args.removeFirst()
            guard let file = args.first else {
                FileHandle.standardError.write("mrs: run needs a script file\n\(usage)".data(using: .utf8)!)
                return ExitCode.usage.rawValue
            }
            return BatchRunner(session: Session(color: false)).runFile(file, arguments: Array(args.dropFirst())).rawValue
        default:
            if first.hasPrefix("-") {
                FileHandle.standardError.write("mrs: unknown option '\(first)'\n\(usage)".data(using: .utf8)!)
                return ExitCode.usage.rawValue
            }
            _ = color
            return BatchRunner(session: Session(color: false)).runFile(first, arguments: Array(args.dropFirst())).rawValue
        }
    }

    /// What `mrs SUBCOMMAND --help` prints.
    static let subcommandHelp: [String: String] = [
        "run": "usage: mrs run FILE.mrs [ARGS...]\n  Runs a script; ARGS holds the arguments. Stops at the first error with its file:line:col\n  and a non-zero exit status.",
        "report": "usage: mrs report FILE.mrs -o DIR [--solutions]\n  Runs a notebook-style script (cells start with '# %%') and writes DIR/NAME.md and\n  DIR/NAME.html with each cell's text, code, output, pictures and time. The pictures go into\n  DIR/images, not the current folder. Exercise cells show their task; --solutions also shows\n  their solution code and output.",
        "lesson": "usage: mrs lesson [N]\n  Lists the workshop's lessons, or walks through lesson N cell by cell (Enter runs a cell;\n  :next, :back, :again, :show, :hint and :quit move around). Progress is kept,\n  so `mrs lesson N` continues where you stopped.",
        "kernel": KernelCommand.usage.trimmingCharacters(in: .newlines) + "\n  The Jupyter kernel (docs/notebooks.md).",
        "notebook": NotebookCommand.usage + "  Converts a notebook-style .mrs script (cells start with '# %%') to a Jupyter notebook or back,\n  in the direction of the input's extension (docs/notebooks.md).",
        "batch": BatchCommand.usage.trimmingCharacters(in: .newlines),
        "lessons": "usage: mrs lesson [N]\n  Lists the workshop's lessons, or walks through lesson N.",
        "chain": ChainCommand.usage + "  Runs a Gadgetron stream configuration (gadgetronStreamConfiguration or <stream> XML) offline\n  over an ISMRMRD file and writes the images as gadgetron_ismrmrd_client does (docs/gadgets.md).",
    ]

    /// `mrs report FILE.mrs -o DIR [--solutions]`.
    static func report(_ args: [String]) -> Int32 {
        var file: String?, dir: String?
        var solutions = false
        var i = 0
        while i < args.count {
            if args[i] == "--solutions" { solutions = true; i += 1; continue }
            if args[i] == "-o" || args[i] == "--output", i + 1 < args.count { dir = args[i + 1]; i += 2; continue }
            if file == nil && !args[i].hasPrefix("-") { file = args[i]; i += 1; continue }
            FileHandle.standardError.write("mrs: report: unexpected argument '\(args[i])'\n\(usage)".data(using: .utf8)!)
            return ExitCode.usage.rawValue
        }
        guard let f = file, let d = dir else {
            FileHandle.standardError.write("mrs: report needs a script and -o DIR\n\(usage)".data(using: .utf8)!)
            return ExitCode.usage.rawValue
        }
        guard FileManager.default.fileExists(atPath: f) else {
            FileHandle.standardError.write("mrs: cannot open '\(f)': no such file\n".data(using: .utf8)!)
            return ExitCode.usage.rawValue
        }
        let session = Session(color: false)
        session.interp.setGlobal("ARGS", .list([]))
        do {
            let outcome = try ReportWriter(notebookPath: f, outputDirectory: d, solutions: solutions).write(session: session)
            print("wrote \(outcome.markdownPath) and \(outcome.htmlPath)")
            if let e = outcome.error {
                FileHandle.standardError.write(session.render(e).data(using: .utf8)!)
                return ExitCode.forError(e).rawValue
            }
            return 0
        } catch {
            FileHandle.standardError.write("mrs: report: \(error)\n".data(using: .utf8)!)
            return ExitCode.runtimeError.rawValue
        }
    }

    /// A script piped on standard input runs like a file.
    static func runStdin() -> Int32 {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        let text = String(decoding: data, as: UTF8.self)
        return BatchRunner(session: Session(color: false)).runText(text, name: "<stdin>", printFinal: false).rawValue
    }
}

/// Ctrl-C handling: SIGINT sets the interrupt flag that running code polls. A second Ctrl-C
/// while the first is still pending exits (a stuck computation can still be left).
public enum SignalHandling {
    public static func install() {
        signal(SIGINT) { _ in
            if Interrupt.isRequested {
                _exit(130)
            }
            Interrupt.request()
        }
    }
}
