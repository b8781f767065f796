import Foundation
import MRSLanguage
import NDArray
import Toolboxes

/// The lecture's toolboxes from the shell: BART's command-line tools and Python snippets (SigPy,
/// ismrmrd-python-tools, PyGrappa, …) run in a child process on mrs arrays, through files in a
/// private scratch folder that is removed afterwards.
enum ToolboxBuiltins {
    static let family = "toolboxes"

    /// mrs values as the Python bridge passes them; `what` names the value in errors.
    static func pythonValue(_ v: Value, _ what: String, _ a: Args) throws -> PythonValue {
        switch v {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .complex(let c): return .complex(c.re, c.im)
        case .string(let s): return .string(s)
        case .array(let x): return .array(x)
        case .range: return .array(try Convert.toArray(v, what: what))
        case .list(let items):
            return .list(try items.enumerated().map { try pythonValue($0.element, "\(what)[\($0.offset)]", a) })
        case .record(let r):
            return .dict(try r.fields.map { ($0.0, try pythonValue($0.1, "\(what).\($0.0)", a)) })
        case .function, .handle:
            throw a.error("\(what) is a \(v.typeName), which cannot be passed to Python (pass arrays, numbers, strings, booleans, none, lists and records)", kind: .argument)
        }
    }

    /// A value the snippet returned, as an mrs value (dicts become records).
    static func value(_ p: PythonValue) -> Value {
        switch p {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .complex(let re, let im): return .complex(Complex128(re, im))
        case .string(let s): return .string(s)
        case .array(let x): return .array(x)
        case .list(let items): return .list(items.map(value))
        case .dict(let fields): return .record(Record(fields.map { ($0.0, value($0.1)) }))
        }
    }

    /// The arrays given to bart: arrays, numbers or lists of numbers.
    static func bartInputs(_ a: Args) throws -> [NDArray] {
        try a.rest.enumerated().map { k, v in
            switch v {
            case .array(let x): return x
            case .bool, .int, .float, .complex, .list, .range:
                do { return try Convert.toArray(v, what: "input #\(k + 1)") } catch is MRSError {
                    throw a.error("input #\(k + 1) is a list that is not numbers; BART takes arrays", kind: .argument)
                }
            default:
                throw a.error("input #\(k + 1) is a \(v.typeDescription); BART takes arrays (written as complex64 .cfl files)", kind: .argument)
            }
        }
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("bart(command, inputs..., outputs=none)", family: family,
                     summary: "Run a BART command-line tool on arrays (`bart(\"fft -u -i 3\", k)`): inputs and outputs exchanged as .cfl files in a private temporary folder; one output is returned as an array, several as a list.",
                     description: "The command is what follows `bart` on a shell line, without file names: the inputs are written as .cfl/.hdr pairs and their names appended, then names for `outputs` arrays (default 1; 0 for the tools that only print — bitmask, estdims, estshift, estvar, nrmse, sdot, show, version — which return the printed text). BART is column-major like mrs, so shapes pass unchanged: [RO, E1, E2, CHA] is BART's READ, PHS1, PHS2, COIL, and bitmask 3 selects axes 0 and 1, 7 axes 0–2, 8 the coils. BART stores complex64 only: inputs are converted, outputs come back complex64 with trailing singleton dimensions dropped. `bart` is found in $TOOLBOX_PATH, then on PATH (Debian: `sudo apt-get install bart`). A failing command is an error showing the command and BART's own message; Ctrl-C stops it; the folder is removed in every case.",
                     example: "img = bart(\"fft -u -i 3\", k)\nsens = bart(\"ecalib -m1\", k)\nx = bart(\"pics -l2 -r 0.001\", k, sens)\nmaps = bart(\"ecalib -m1\", k, outputs=2)   # sensitivities and eigenvalue maps\nprint(bart(\"bitmask 0 1\"))", effects: [.runsPrograms, .writesFiles]) { a in
            let command = try a.string("command")
            let words = try BARTRunner.words(command)
            let outputs = try a.optionalInt("outputs") ?? (BARTRunner.printingTools.contains(words[0]) ? 0 : 1)
            let runner = try BARTRunner()
            let out = a.interp.output
            let result = try runner.run(command, inputs: try bartInputs(a), outputs: outputs,
                                        forward: outputs == 0 ? nil : { out($0) })
            switch result.arrays.count {
            case 0:
                var text = result.printed
                while text.hasSuffix("\n") { text.removeLast() }
                return .string(text)
            case 1: return .array(result.arrays[0])
            default: return .list(result.arrays.map { .array($0) })
            }
        },
        BuiltinEntry("python(code, out=none, **vars)", family: family,
                     summary: "Run a Python snippet in a separate python3 process with mrs values as variables (`python('y = x[::-1]', x=a)`); returns a record of the arrays, numbers and strings it defined (`out=[\"y\"]` to choose, `out=\"y\"` for one value).",
                     description: "Every keyword argument becomes a Python variable: arrays as NumPy arrays with the same shape, element type and values mrs shows (Fortran order, nothing transposed), numbers, strings, booleans and none as themselves, lists as lists and records as dicts; `np` is not predefined, so the snippet imports what it uses. Write the snippet in single quotes ('…'), which mrs does not interpolate, so Python's braces and double quotes stay as they are. The snippet is dedented, so it may be indented under the call in a script. What it prints appears as it runs. The variables it defines (not starting with _, not modules or functions, inputs only if reassigned) come back in a record; NumPy arrays keep their shape and type (bool, int64, float32, float64, complex64, complex128; other integer widths become int64, float16 float32), dicts become records. A Python exception is an error with its traceback; a missing module names the pip package to install; a missing NumPy or interpreter says how to install them. The interpreter is python3 on PATH, or $MRS_PYTHON. Ctrl-C stops it; its temporary folder is removed in every case.",
                     example: "r = python('import numpy as np\\ny = np.fft.fftshift(x)\\nn = int(x.size)', x=arange(6))\nprint(r.y, r.n)\nimg = python('import sigpy as sp\\nimg = sp.ifft(k, axes=(0, 1))', k=k, out=\"img\")", effects: [.runsPrograms, .writesFiles]) { a in
            let code = try a.string("code")
            var outputs: [String]? = nil
            var single = false
            switch a["out"] {
            case .none: break
            case .string(let s): outputs = [s]; single = true
            case .list(let l):
                outputs = try l.map { v -> String in
                    if case .string(let s) = v { return s }
                    throw a.bad("out", expected: "a list of variable names")
                }
            default: throw a.bad("out", expected: "a variable name or a list of names")
            }
            let inputs = try a.extraKeywords.map { ($0.name, try pythonValue($0.value, "'\($0.name)'", a)) }
            let bridge = try PythonBridge()
            let out = a.interp.output
            let values = try bridge.run(code, inputs: inputs, outputs: outputs,
                                        workingDirectory: a.interp.workingDirectory, forward: { out($0) })
            if single, let first = values.first { return value(first.1) }
            return .record(Record(values.map { ($0.0, value($0.1)) }))
        },
        BuiltinEntry("has_toolbox(name)", family: family,
                     summary: "True when an outside toolbox can be used: \"bart\" (BART's command line), \"python\" (python3 with NumPy) or any Python module name (\"sigpy\", \"pygrappa\", \"ismrmrdtools\").",
                     description: "Lessons and scripts use it to skip what is not installed, with a note saying how to install it.",
                     example: "if has_toolbox(\"sigpy\")\n  print(\"SigPy is installed\")\nelse\n  print(\"skipped: pip install sigpy\")\nend", effects: .runsPrograms) { a in
            let name = try a.string("name")
            if name.lowercased() == "bart" { return .bool(BARTRunner.locate() != nil) }
            guard let bridge = try? PythonBridge() else { return .bool(false) }
            return .bool(bridge.canImport(name.lowercased() == "python" ? "numpy" : name))
        },
    ]
}
