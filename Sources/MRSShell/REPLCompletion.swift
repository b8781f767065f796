import Foundation
import LineEditor
import MRSLanguage

extension REPL {
    /// Tab completion for the line before the cursor (with any unfinished lines before it):
    /// names, fields of records, handles and arrays, keyword arguments inside calls, file paths
    /// inside strings, and the shell commands. Nothing runs: values are only looked up.
    public func complete(_ lineBeforeCursor: String) -> Completion {
        if pendingLines.isEmpty, let c = completeCommand(lineBeforeCursor) { return c }
        let text = (pendingLines + [lineBeforeCursor]).joined(separator: "\n")
        return completeCode(text, commandsAllowed: pendingLines.isEmpty)
    }

    /// Completion of code text.
    func completeCode(_ text: String, commandsAllowed: Bool) -> Completion {
        let interp = session.interp
        let context = CompletionContext.analyze(text)
        var candidates: [String] = []
        switch context.kind {
        case .nothing:
            return .none
        case .string:
            return PathCompletion.complete(context.prefix, directory: interp.workingDirectory)
        case .field(let base):
            guard let value = interp.inspect(base) else { return .none }
            candidates = Inspection.fieldNames(of: value).filter { $0.hasPrefix(context.prefix) }
        case .name:
            if let call = context.call, call.atArgumentStart, case .function(let f)? = interp.inspect(call.callee) {
                candidates += f.parameterNames.filter { !call.givenKeywords.contains($0) && $0.hasPrefix(context.prefix) }
                    .map { $0 + "=" }
            }
            var names = Set(interp.globalNames + interp.registry.allNames + Keyword.allCases.map(\.rawValue))
            // Shell commands are whole lines: offer them only for the first word of an input.
            if commandsAllowed && text.dropLast(context.prefix.count).allSatisfy(\.isWhitespace) {
                names.formUnion(REPLCommand.bareWords)
            }
            candidates += names.filter { $0.hasPrefix(context.prefix) }.sorted()
        }
        return Completion(candidates: candidates, replacing: context.prefix.count)
    }

    /// Completion inside a shell command (`:lo`, `:load pa`, `:time ff`, `?ff`, `help ff`,
    /// `whos i`), or nil when the line is not one.
    private func completeCommand(_ line: String) -> Completion? {
        let text = line.drop(while: { $0 == " " })
        let names = { (prefix: Substring, pool: [String]) -> Completion in
            Completion(candidates: pool.filter { $0.hasPrefix(prefix) }.sorted(), replacing: prefix.count)
        }
        if text.hasPrefix(":") {
            guard let space = text.firstIndex(of: " ") else {
                return names(text, REPLCommand.colonCommands)
            }
            let argument = String(text[space...].drop(while: { $0 == " " }))
            switch text[..<space] {
            case ":load", ":l": return PathCompletion.complete(argument, directory: session.interp.workingDirectory)
            case ":time", ":t": return completeCode(argument, commandsAllowed: false)
            case ":whos", ":clear": return names(Substring(lastWord(argument)), session.interp.globalNames)
            default: return Completion.none
            }
        }
        if text.hasPrefix("?") {
            return names(text.dropFirst(), session.interp.registry.allNames + session.interp.globalNames)
        }
        for command in ["help", "whos", "clear"] where text.hasPrefix(command + " ") && session.interp.global(command) == nil {
            let word = Substring(lastWord(String(text.dropFirst(command.count))))
            if command == "help" {
                return names(word, session.interp.registry.allNames + session.interp.globalNames + Keyword.allCases.map(\.rawValue))
            }
            return names(word, session.interp.globalNames)
        }
        return nil
    }

    private func lastWord(_ text: String) -> String {
        String(text.split(separator: " ", omittingEmptySubsequences: false).last ?? "")
    }
}

/// File-name completion: the entries of a directory whose names start with the typed part.
enum PathCompletion {
    /// Completes the last component of `typed` (`datasets/ep` offers `epi_r1.h5`, …);
    /// directories end with `/`; hidden entries only when the typed part starts with a dot.
    /// Relative paths are resolved against `directory`; `~/` is the home directory.
    static func complete(_ typed: String, directory: String) -> Completion {
        let slash = typed.lastIndex(of: "/")
        let folderPart = slash.map { String(typed[...$0]) } ?? ""
        let base = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        var folder = folderPart.isEmpty ? "." : (folderPart as NSString).expandingTildeInPath
        if !folder.hasPrefix("/") { folder = directory + "/" + folder }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return .none }
        var candidates: [String] = []
        for name in entries.sorted() where name.hasPrefix(base) && (base.hasPrefix(".") || !name.hasPrefix(".")) {
            var isDirectory: ObjCBool = false
            let full = folder + "/" + name
            let isFolder = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) && isDirectory.boolValue
            candidates.append(isFolder ? name + "/" : name)
        }
        return Completion(candidates: candidates, replacing: base.count)
    }
}
