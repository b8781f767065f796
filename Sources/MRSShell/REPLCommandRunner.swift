import Foundation
import MRSBuiltins
import MRSLanguage

extension REPL {
    /// Carries out a shell command.
    func execute(_ command: REPLCommand) {
        let interp = session.interp
        switch command {
        case .help(nil):
            output(Help.overview(interp.registry) + "\n" + "Shell commands (whos, clear, :time, :load, …): type :help\n")
        case .help(let name?):
            output(helpText(for: name) + "\n")
        case .search(let word):
            output(Help.search(word, interp.registry) + "\n")
        case .whos(let patterns):
            output(Whos.table(interp, patterns: patterns))
        case .clear(let patterns):
            clear(patterns)
        case .time(let code):
            time(code)
        case .load(let path):
            load(path)
        case .lesson(let argument):
            lesson(argument)
        case .show(let code):
            showPicture(code)
        case .images(let setting):
            images(setting)
        case .commands:
            output(REPLCommand.summary + "\n")
        case .quit:
            quit()
        case .unknown(let word):
            errorOutput("unknown command '\(word)' (commands: \(REPLCommand.colonCommands.joined(separator: " ")); :help explains them)\n")
        }
    }

    /// `help name`: a built-in's or constant's entry, a user function's signature, a variable's
    /// type, a keyword's pointer to the language reference, or a search.
    func helpText(for name: String) -> String {
        let interp = session.interp
        if let variable = interp.global(name) {
            if case .function(let f) = variable, f.isUserFunction {
                return "\(f.signature)\n    a function defined in this session"
            }
            return "\(name) is a variable: \(variable.typeDescription)"
        }
        if let text = Help.entry(name, interp.registry) { return text }
        if Keyword(rawValue: name) != nil {
            return "'\(name)' is a keyword of the language; docs/language.md describes it"
        }
        var text = "no built-in or variable named '\(name)'"
        if let close = closestName(name, among: interp.registry.allNames + interp.globalNames) {
            text += " (did you mean '\(close)'?)"
        }
        let hits = Help.search(name, interp.registry)
        if !hits.hasPrefix("nothing found") { text += "\nbuilt-ins that mention it:\n" + hits }
        return text
    }

    /// `clear`: every variable; `clear a b*`: those named or matching. Says what it removed, so
    /// a MATLAB user expecting `clc` (clear the screen) learns what happened.
    private func clear(_ patterns: [String]) {
        let interp = session.interp
        var removed: [String] = []
        if patterns.isEmpty {
            removed = interp.globalNames
            interp.clearGlobals()
        } else {
            let names = interp.globalNames
            for pattern in patterns {
                let matching = names.filter { Whos.matches($0, pattern) && !removed.contains($0) }
                if matching.isEmpty && !names.contains(where: { Whos.matches($0, pattern) }) {
                    errorOutput("clear: no variable matches '\(pattern)'\n")
                }
                for name in matching { interp.setGlobal(name, nil) }
                removed += matching
            }
        }
        if !removed.isEmpty || patterns.isEmpty { output(Self.clearReport(removed)) }
    }

    /// "cleared 3 variables: a, b, k" (the list cut after 12 names), or that there were none.
    static func clearReport(_ removed: [String]) -> String {
        if removed.isEmpty { return "no variables to clear (to clear the screen press Ctrl-L)\n" }
        let shown = removed.prefix(12).joined(separator: ", ") + (removed.count > 12 ? ", … (\(removed.count - 12) more)" : "")
        return "cleared \(removed.count) variable\(removed.count == 1 ? "" : "s"): \(shown)\n"
    }

    /// `:time CODE`: runs the code as an input and reports what it cost.
    private func time(_ code: String) {
        guard !code.trimmingCharacters(in: .whitespaces).isEmpty else {
            errorOutput(":time needs code to run, e.g. :time x = fft(k)\n")
            return
        }
        let before = ResourceUsage.now()
        let result = session.run(code, name: nextInputName)
        let after = ResourceUsage.now()
        inputCount += 1
        finish(result)
        output(ResourceUsage.report(from: before, to: after) + "\n")
    }

    /// `:load FILE`: runs a script in this session.
    private func load(_ argument: String) {
        var name = argument
        if name.count >= 2, let q = name.first, q == "\"" || q == "'", name.last == q {
            name = String(name.dropFirst().dropLast())
        }
        var path = name
        guard !path.isEmpty else {
            errorOutput(":load needs a script file, e.g. :load recon.mrs\n")
            return
        }
        path = (path as NSString).expandingTildeInPath
        if !path.hasPrefix("/") { path = session.interp.workingDirectory + "/" + path }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else {
            errorOutput(":load: cannot read '\(name)'\(isDirectory.boolValue ? ": it is a directory" : ": no such file")\n")
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            errorOutput(":load: '\(name)' is not UTF-8 text\n")
            return
        }
        if case .failure(let e) = session.run(text, name: name) { report(e) }
    }

    /// `:lesson [N]`: hands over to the lesson runner.
    private func lesson(_ argument: String?) {
        var number: Int?
        if let a = argument {
            guard let n = Int(a), n >= 0 else {
                errorOutput(":lesson takes a lesson number, e.g. :lesson 1 (got '\(a)')\n")
                return
            }
            number = n
        }
        guard let runner = lessonRunner else {
            errorOutput("lessons are not available in this build yet\n")
            return
        }
        runner(number)
    }
}
