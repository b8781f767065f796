import ArrayFormats
import Foundation
import NDArray

/// Runs one BART command-line tool on arrays, the way BART's own Python wrapper (`bart.py`)
/// does: each input is written as a `.cfl/.hdr` pair in a private scratch folder, the tool is
/// run with those names followed by names for its outputs, and the outputs are read back; the
/// folder is removed afterwards, whatever happened.
///
/// BART's arrays are column-major with dimension 0 fastest, exactly like mrs's, so nothing is
/// transposed: an mrs `[RO, E1, E2, CHA]` buffer is BART's READ, PHS1, PHS2, COIL.
public struct BARTRunner {
    /// The `bart` program used.
    public let executable: String
    /// Where scratch folders are made (default `$TMPDIR` or /tmp).
    public var scratchParent: String = ScratchDirectory.defaultParent

    /// How to get BART, for the error when it is missing.
    public static let installHint = "install it with `sudo apt-get install bart` (Debian/Ubuntu) or build it from https://mrirecon.github.io/bart/ and set TOOLBOX_PATH to its folder"

    /// Tools that print their answer instead of writing arrays; their default output count is 0.
    public static let printingTools: Set<String> = ["bitmask", "estdims", "estshift", "estvar", "nrmse", "sdot", "show", "version"]

    /// Uses `executable`, or finds `bart` in `$TOOLBOX_PATH` (as bart.py does) and then on `PATH`.
    public init(executable: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let e = executable {
            self.executable = e
            return
        }
        guard let found = BARTRunner.locate(environment: environment) else {
            throw ArrayError("bart", "BART's command-line tool `bart` was not found in TOOLBOX_PATH or on PATH; \(BARTRunner.installHint)")
        }
        self.executable = found
    }

    /// `$TOOLBOX_PATH/bart` when it exists, else `bart` on `PATH`.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let toolbox = environment["TOOLBOX_PATH"], !toolbox.isEmpty,
           ExecutableSearch.isExecutable(toolbox + "/bart") {
            return toolbox + "/bart"
        }
        return ExecutableSearch.find("bart", path: environment["PATH"])
    }

    /// What a command produced: its arrays (in output order) and what it printed.
    public struct Output {
        /// The output arrays, complex64, trailing singleton dimensions dropped (as `load` does).
        public let arrays: [NDArray]
        /// Its standard output (not forwarded when `forward` was nil).
        public let printed: String
    }

    /// BART's messages without the colour codes it adds for a terminal.
    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    /// The words of a command (`"fft -u -i 3"` → tool `fft`, options); a leading `bart` is dropped.
    public static func words(_ command: String) throws -> [String] {
        var words = command.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        if words.first == "bart" { words.removeFirst() }
        guard let tool = words.first else {
            throw ArrayError("bart", "the command is empty; give a BART tool and its options, e.g. \"fft -u -i 3\"")
        }
        guard tool.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), !tool.hasPrefix("-") else {
            throw ArrayError("bart", "\(quotedForMessage(tool)) is not a BART tool name (the command starts with the tool, e.g. \"fft -u -i 3\")")
        }
        return words
    }

    /// Runs `command` on `inputs`, expecting `outputs` arrays back. Standard output lines go to
    /// `forward` as they appear (nil keeps them in `Output.printed`).
    public func run(_ command: String, inputs: [NDArray], outputs: Int, forward: ((String) -> Void)? = nil) throws -> Output {
        let words = try BARTRunner.words(command)
        guard outputs >= 0 && outputs <= 64 else {
            throw ArrayError("bart", "outputs=\(outputs): expected the number of arrays the command writes (0 to 64)")
        }
        for (i, a) in inputs.enumerated() where a.rank > CFL.maximumRank {
            throw ArrayError("bart", "input #\(i + 1) has \(a.rank) dimensions \(Shape.text(a.shape)); BART arrays have at most \(CFL.maximumRank)")
        }
        let scratch = try ScratchDirectory(tool: "bart", parent: scratchParent)
        defer { scratch.remove() }
        let inputNames = inputs.indices.map { scratch.file("in\($0)") }
        let outputNames = (0..<outputs).map { scratch.file("out\($0)") }
        for (a, name) in zip(inputs, inputNames) { try CFL.write(a, to: name) }
        var child = ChildProcess(executable: executable, arguments: words + inputNames + outputNames)
        child.workingDirectory = scratch.path
        let result = try child.run(tool: "bart", scratch: scratch, forward: forward)
        let shown = (["bart"] + words + inputs.indices.map { "<in\($0)>" } + (0..<outputs).map { "<out\($0)>" }).joined(separator: " ")
        guard result.succeeded else {
            // BART names the files it could not use (shown as the command line above shows them)
            // and colours its errors for a terminal.
            let said = [result.stderr, result.stdout].map {
                BARTRunner.plain($0).replacingOccurrences(of: scratch.path + "/", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
            }.filter { !$0.isEmpty }
            // bart.py's users give the output count; here it is outputs=, and a wrong one shows up
            // as BART's complaint about the number of arguments.
            let countHint = said.contains { $0.contains("too few or too many arguments") }
                ? "\n(mrs passed \(inputs.count) input\(inputs.count == 1 ? "" : "s") and \(outputs) output name\(outputs == 1 ? "" : "s"); give outputs= the number of arrays `\(words[0])` writes, as its usage line shows)" : ""
            throw ArrayError("bart", "`\(shown)` failed (\(result.statusText))" + (said.isEmpty ? "" : ":\n" + said.joined(separator: "\n")) + countHint)
        }
        if let f = forward, !result.stderr.isEmpty { f(BARTRunner.plain(result.stderr)) }  // warnings
        var arrays: [NDArray] = []
        for (k, name) in outputNames.enumerated() {
            guard FileManager.default.fileExists(atPath: name + ".cfl") else {
                throw ArrayError("bart", "`\(shown)` wrote no output <out\(k)>: does `\(words[0])` write \(outputs) array\(outputs == 1 ? "" : "s")? Give outputs= the number it writes (`bart \(words[0]) -h` lists them)")
            }
            arrays.append(try CFL.read(name))
        }
        return Output(arrays: arrays, printed: result.stdout)
    }
}
