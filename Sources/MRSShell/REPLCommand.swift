import Foundation

/// A shell command typed at the REPL prompt instead of code.
enum REPLCommand: Equatable {
    /// `help` (nil), `help name`, `?name`.
    case help(String?)
    /// `help "word"`: search the built-ins' summaries.
    case search(String)
    /// `whos [PATTERN…]`
    case whos([String])
    /// `clear [NAME|PATTERN…]`
    case clear([String])
    /// `:time CODE`
    case time(String)
    /// `:load FILE`
    case load(String)
    /// `:lesson [N]` (the argument as typed)
    case lesson(String?)
    /// `:show EXPR`: an array as a picture.
    case show(String)
    /// `:images [SETTING]`: how pictures appear in the terminal.
    case images(String)
    /// `:help`: the shell commands.
    case commands
    /// `:quit`, `exit`, `quit`
    case quit
    /// `:something` that is not a command.
    case unknown(String)

    /// Words that are commands when typed alone at the start of an input (and no variable has
    /// that name: a variable always wins, so `clear = 3; clear` shows 3).
    static let bareWords = ["help", "whos", "clear", "exit", "quit"]
    /// The `:` commands, for `:help` and completion.
    static let colonCommands = [":help", ":time", ":load", ":lesson", ":show", ":images", ":whos", ":clear", ":quit"]

    /// The command a line is, or nil when it is code.
    static func parse(_ line: String, isVariable: (String) -> Bool) -> REPLCommand? {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("?") {
            let topic = text.dropFirst().trimmingCharacters(in: .whitespaces)
            if topic.isEmpty { return .help(nil) }
            if let word = unquoted(topic) { return .search(word) }
            return .help(topic)
        }
        if text.hasPrefix(":") {
            let (word, rest) = splitWord(String(text.dropFirst()))
            switch word {
            case "help", "h", "?": return .commands
            case "time", "t": return .time(rest)
            case "load", "l": return .load(rest)
            case "lesson": return .lesson(rest.isEmpty ? nil : rest)
            case "show": return .show(rest)
            case "images": return .images(rest)
            case "whos": return .whos(words(rest) ?? [rest])
            case "clear": return .clear(words(rest) ?? [rest])
            case "quit", "q", "exit": return .quit
            default: return .unknown(":" + word)
            }
        }
        if text == "exit()" || text == "quit()" { return isVariable(String(text.dropLast(2))) ? nil : .quit }
        let (word, rest) = splitWord(text)
        guard bareWords.contains(word), !isVariable(word) else { return nil }
        switch word {
        case "help":
            if rest.isEmpty { return .help(nil) }
            if let w = unquoted(rest) { return .search(w) }
            if isName(rest) { return .help(rest) }
            return nil
        case "whos":
            return words(rest).map { .whos($0) }
        case "clear":
            return words(rest).map { .clear($0) }
        default:
            return rest.isEmpty ? .quit : nil
        }
    }

    /// The first word and the rest, trimmed.
    private static func splitWord(_ text: String) -> (String, String) {
        guard let space = text.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return (text, "") }
        return (String(text[..<space]), text[space...].trimmingCharacters(in: .whitespaces))
    }

    /// Names or glob patterns separated by spaces (`img*`, `a b`), or nil when the text is code
    /// such as `= 3` or `(x)`.
    private static func words(_ text: String) -> [String]? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_*?[]"))
        for p in parts where p.unicodeScalars.contains(where: { !allowed.contains($0) }) || p.first == "[" {
            return nil
        }
        return parts
    }

    /// The text inside matching quotes, or nil.
    private static func unquoted(_ text: String) -> String? {
        guard text.count >= 2, let q = text.first, q == "\"" || q == "'", text.last == q else { return nil }
        return String(text.dropFirst().dropLast())
    }

    /// True for a plain identifier (a built-in, variable or keyword name).
    private static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_"))
        return text.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    /// What `:help` prints.
    static let summary = """
    Shell commands:
      help                    the families of built-ins
      help NAME, ?NAME        one built-in: signature, summary, description and example
      help "WORD"             search the built-ins' summaries for a word
      whos [PATTERN...]       variables with type, shape and size (patterns like img*)
      clear [NAME...]         delete all variables, or the ones named (patterns allowed)
      :time CODE              run CODE, report wall and CPU time and peak memory growth
      :load FILE.mrs          run a script in this session (its variables stay)
      :lesson [N]             start a lesson
      :show EXPR              show an array as a picture (in the terminal when it can draw them)
      :images [SETTING]       pictures in the terminal: auto, off, kitty, iterm or sixel
      :quit, exit, Ctrl-D     leave
    Keys: Tab completes names, fields (a.head.<Tab>), keyword arguments (fft(x, ax<Tab>) and
    paths inside strings; Up/Down recall history entries starting with what is typed; Ctrl-R
    searches the history; Ctrl-C discards the line, or stops a running computation.
    A line ending in ';' does not show its value; 'ans' holds the last value shown.
    """
}
