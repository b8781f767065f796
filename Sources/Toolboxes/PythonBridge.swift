import AtomicFiles
import Foundation
import NDArray

/// Runs a Python snippet in a separate Python process with values passed both ways: inputs are
/// defined as variables before the snippet runs, and the variables it defines (or those named in
/// `outputs`) come back. Arrays travel as `.npy` files in a private scratch folder removed after
/// the call; they keep the shape mrs shows (Fortran order, nothing transposed).
public struct PythonBridge {
    /// The interpreter used.
    public let interpreter: String
    /// Where scratch folders are made (default `$TMPDIR` or /tmp).
    public var scratchParent: String = ScratchDirectory.defaultParent

    /// Pip package names for modules whose import name differs from what one installs.
    static let packageNames: [String: String] = [
        "skimage": "scikit-image", "sklearn": "scikit-learn", "cv2": "opencv-python", "PIL": "pillow",
        "yaml": "pyyaml", "ismrmrdtools": "git+https://github.com/ismrmrd/ismrmrd-python-tools",
        "cupy": "cupy-cuda12x", "mrinufft": "mri-nufft",
    ]

    /// Uses `interpreter`, else `$MRS_PYTHON`, else `python3` (then `python`) on `PATH`.
    public init(interpreter: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let i = interpreter ?? environment["MRS_PYTHON"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let found = ExecutableSearch.find(i, path: environment["PATH"]) else {
                throw ArrayError("python", "the Python interpreter '\(i)' (MRS_PYTHON) was not found or is not executable")
            }
            self.interpreter = found
            return
        }
        guard let found = ExecutableSearch.find("python3", path: environment["PATH"]) ?? ExecutableSearch.find("python", path: environment["PATH"]) else {
            throw ArrayError("python", "no Python interpreter was found (looked for python3 and python on PATH); install Python 3 with NumPy (`sudo apt-get install python3 python3-numpy`) or set MRS_PYTHON to one")
        }
        self.interpreter = found
    }

    /// The command that installs a module for this interpreter.
    public func installCommand(for module: String) -> String {
        let top = String(module.split(separator: ".").first ?? Substring(module))
        return "\((interpreter as NSString).lastPathComponent) -m pip install \(PythonBridge.packageNames[top] ?? top)"
    }

    /// True when `module` can be imported by the interpreter (checked in a child process).
    public func canImport(_ module: String) -> Bool {
        guard module.split(separator: ".").allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }),
              let scratch = try? ScratchDirectory(tool: "python", parent: scratchParent) else { return false }
        defer { scratch.remove() }
        let check = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(\"\(module)\") else 1)"
        let result = try? ChildProcess(executable: interpreter, arguments: ["-c", check]).run(tool: "python", scratch: scratch)
        return result?.succeeded ?? false
    }

    /// Runs `code` with `inputs` defined; returns the values it defined (all supported ones, or
    /// exactly `outputs`). Its printed lines go to `forward` as they appear; a failure is an
    /// error with Python's traceback, a missing module an error naming what to install.
    public func run(_ code: String, inputs: [(String, PythonValue)], outputs: [String]?,
                    workingDirectory: String? = nil, forward: ((String) -> Void)? = nil) throws -> [(String, PythonValue)] {
        for (name, _) in inputs where !PythonBridge.isIdentifier(name) {
            throw ArrayError("python", "\(quotedForMessage(name)) cannot be a Python variable name")
        }
        let scratch = try ScratchDirectory(tool: "python", parent: scratchParent)
        defer { scratch.remove() }
        var counter = 0
        var request: [String: Any] = ["inputs": try inputs.map { [$0.0, try $0.1.node(writingArraysTo: scratch, counter: &counter)] }]
        if let o = outputs { request["outputs"] = o }
        try ReplacementFile.write([UInt8](try JSONSerialization.data(withJSONObject: request)), to: scratch.file("inputs.json"))
        try ReplacementFile.write(code, to: scratch.file("snippet.py"))
        try ReplacementFile.write(PythonDriver.source, to: scratch.file("driver.py"))
        // -B: no __pycache__ is written (into the scratch folder or the user's modules).
        var child = ChildProcess(executable: interpreter, arguments: ["-B", scratch.file("driver.py"), scratch.path])
        child.environment = ["PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"]
        child.workingDirectory = workingDirectory
        let result = try child.run(tool: "python", scratch: scratch, forward: forward)
        if let error = try? Data(contentsOf: URL(fileURLWithPath: scratch.file("error.json"))),
           let info = (try? JSONSerialization.jsonObject(with: error)) as? [String: Any] {
            throw describe(info, stderr: result.stderr)
        }
        guard result.succeeded,
              let data = try? Data(contentsOf: URL(fileURLWithPath: scratch.file("outputs.json"))),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let values = object["values"] as? [Any] else {
            let said = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ArrayError("python", "\(interpreter) stopped (\(result.statusText)) before returning the snippet's values" + (said.isEmpty ? "" : ":\n" + said))
        }
        if let f = forward, !result.stderr.isEmpty { f(result.stderr) }  // warnings
        return try values.map { item in
            guard let pair = item as? [Any], pair.count == 2, let name = pair[0] as? String else {
                throw ArrayError("python", "the bridge's driver wrote an unreadable result")
            }
            return (name, try PythonValue.from(node: pair[1], folder: scratch))
        }
    }

    /// The error for the driver's `error.json`.
    private func describe(_ info: [String: Any], stderr: String) -> ArrayError {
        let type = info["type"] as? String ?? "Error"
        let message = info["message"] as? String ?? ""
        let traceback = (info["traceback"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        switch type {
        case "NumPyMissing":
            return ArrayError("python", "NumPy is not installed for \(interpreter) (the bridge passes arrays as NumPy arrays); install it with `\(installCommand(for: "numpy"))` or `sudo apt-get install python3-numpy`")
        case "ModuleNotFoundError" where info["module"] is String:
            let module = info["module"] as? String ?? ""
            return ArrayError("python", "the snippet needs the Python module '\(module)', which is not installed for \(interpreter); install it with `\(installCommand(for: module))`\n\(traceback)")
        case "Unsupported", "BadName":
            return ArrayError("python", message)
        default:
            let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return ArrayError("python", "the snippet raised \(type)" + (message.isEmpty ? "" : ": \(message)") + "\n" + traceback
                              + (said.isEmpty ? "" : "\n(stderr)\n" + said.suffix(2000)))
        }
    }

    /// True for a name Python accepts as a variable (ASCII identifiers; keywords are refused by the driver).
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && CharacterSet.letters.contains(first)) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }
}
