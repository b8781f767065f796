import AtomicFiles
import Foundation

/// `mrs notebook FILE.mrs [-o FILE.ipynb]` and `mrs notebook FILE.ipynb [-o FILE.mrs]`: converts
/// a lesson or notebook-style script to a Jupyter notebook, or back.
public enum NotebookCommand {
    static let usage = "usage: mrs notebook FILE.mrs|FILE.ipynb [-o OUTPUT]\n"

    /// Runs the conversion; returns the exit status.
    public static func main(_ args: [String]) -> Int32 {
        var input: String?, output: String?
        var i = 0
        while i < args.count {
            if args[i] == "-o" || args[i] == "--output", i + 1 < args.count { output = args[i + 1]; i += 2; continue }
            if input == nil && !args[i].hasPrefix("-") { input = args[i]; i += 1; continue }
            FileHandle.standardError.write(Data("mrs notebook: unexpected argument '\(args[i])'\n\(usage)".utf8))
            return ExitCode.usage.rawValue
        }
        guard let source = input else {
            FileHandle.standardError.write(Data("mrs notebook: needs a file\n\(usage)".utf8))
            return ExitCode.usage.rawValue
        }
        guard let data = FileManager.default.contents(atPath: source) else {
            FileHandle.standardError.write(Data("mrs notebook: cannot read '\(source)'\n".utf8))
            return ExitCode.usage.rawValue
        }
        let toScript = source.hasSuffix(".ipynb")
        let target = output ?? (source as NSString).deletingPathExtension + (toScript ? ".mrs" : ".ipynb")
        do {
            let bytes: [UInt8]
            if toScript {
                bytes = Array(try NotebookConversion.script(fromIPYNB: data, name: source).utf8)
            } else {
                bytes = Array(try NotebookConversion.ipynb(fromScript: String(decoding: data, as: UTF8.self)))
            }
            try ReplacementFile.write(bytes, to: target)
        } catch {
            FileHandle.standardError.write(Data("mrs notebook: \(error)\n".utf8))
            return ExitCode.runtimeError.rawValue
        }
        print("wrote \(target)")
        return 0
    }
}
