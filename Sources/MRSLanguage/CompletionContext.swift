/// What the text before the cursor says about the word being completed, found with the
/// language's own lexer (so strings, comments and brackets are read exactly as the parser reads
/// them). Pure syntax: nothing is evaluated.
public struct CompletionContext: Equatable, Sendable {
    /// Where the cursor is.
    public enum Kind: Equatable, Sendable {
        /// Typing a name (variable, built-in, keyword).
        case name
        /// Typing a field after `base.`
        case field(base: InspectionPath)
        /// Inside a string literal (file paths are completed there).
        case string
        /// Nothing sensible to complete (a comment, a number, a field of a computed value).
        case nothing
    }

    /// The innermost call whose argument list the cursor is in.
    public struct Call: Equatable, Sendable {
        /// The function being called, when it is a plain path (`fft`, `r.f`).
        public var callee: InspectionPath
        /// True when the cursor starts an argument (after `(` or `,`), where `name=` may be typed.
        public var atArgumentStart: Bool
        /// Keyword arguments already written in this call.
        public var givenKeywords: [String]
    }

    public var kind: Kind
    /// The partial word before the cursor that a completion replaces (for strings: the whole
    /// literal's text typed so far, after the quote).
    public var prefix: String
    /// The call the cursor is in, if any.
    public var call: Call?

    /// Analyses the source text before the cursor (possibly several lines of an unfinished input).
    public static func analyze(_ text: String) -> CompletionContext {
        let source = SourceFile(name: "<completion>", text: text)
        var lexer = Lexer(source: source)
        lexer.run()
        let bytes = source.bytes
        var tokens = lexer.tokens
        if let last = tokens.last, case .eof = last.kind { tokens.removeLast() }

        // An unfinished string or interpolation runs to the end of the text.
        if let open = lexer.errors.last(where: { $0.isIncompleteInput }), let offset = open.location?.offset,
           offset < bytes.count {
            let rest = String(decoding: bytes[(offset + 1)...], as: UTF8.self)
            if bytes[offset] == UInt8(ascii: "{") {
                return analyze(rest)  // inside `"…{code`: complete the code
            }
            return CompletionContext(kind: .string, prefix: rest, call: nil)
        }

        // The word being typed: an identifier (or keyword) that ends exactly at the cursor.
        var prefix = ""
        var before = tokens
        if let last = tokens.last, last.offset + last.length == bytes.count {
            switch last.kind {
            case .identifier(let s):
                prefix = s
                before.removeLast()
            case .keyword(let k):
                prefix = k.rawValue
                before.removeLast()
            case .symbol, .newline, .semicolon:
                break
            default:
                return CompletionContext(kind: .nothing, prefix: "", call: nil)
            }
        }
        // Text after the last token that is not a word is a comment or white space.
        let end = (tokens.last.map { $0.offset + $0.length }) ?? 0
        if end < bytes.count && bytes[end...].contains(UInt8(ascii: "#")) {
            return CompletionContext(kind: .nothing, prefix: "", call: nil)
        }

        let call = enclosingCall(before)
        if let dot = before.last, case .symbol(".") = dot.kind {
            guard let base = path(endingAt: before.count - 2, in: before) else {
                return CompletionContext(kind: .nothing, prefix: prefix, call: nil)
            }
            return CompletionContext(kind: .field(base: base.path), prefix: prefix, call: call)
        }
        return CompletionContext(kind: .name, prefix: prefix, call: call)
    }

    /// The path whose last token is `tokens[end]`, read backwards: `name (.name | [int] | ["key"])*`.
    /// Nil when the expression there is not a plain path (a call, a literal, an operator).
    static func path(endingAt end: Int, in tokens: [Token]) -> (path: InspectionPath, start: Int)? {
        var steps: [InspectionPath.Step] = []
        var k = end
        while k >= 0 {
            switch tokens[k].kind {
            case .identifier(let name):
                if k >= 1, case .symbol(".") = tokens[k - 1].kind {
                    steps.insert(.field(name), at: 0)
                    k -= 2
                    continue
                }
                return (InspectionPath(root: name, steps: steps), k)
            case .symbol("]"):
                // Exactly `[int]`, `[-int]` or `["key"]`, after something that can be indexed.
                var step: InspectionPath.Step?
                var open = -1
                if k >= 2, case .symbol("[") = tokens[k - 2].kind {
                    open = k - 2
                    switch tokens[k - 1].kind {
                    case .int(let i): step = .index(i)
                    case .string(let parts) where parts.count <= 1:
                        if case .text(let s)? = parts.first { step = .key(s) } else { step = .key("") }
                    default: break
                    }
                } else if k >= 3, case .symbol("[") = tokens[k - 3].kind, case .symbol("-") = tokens[k - 2].kind,
                          case .int(let i) = tokens[k - 1].kind {
                    open = k - 3
                    step = .index(-i)
                }
                guard let s = step, open >= 1 else { return nil }
                switch tokens[open - 1].kind {
                case .identifier, .symbol("]"): break
                default: return nil
                }
                steps.insert(s, at: 0)
                k = open - 1
            default:
                return nil
            }
        }
        return nil
    }

    /// The innermost unclosed `(` that follows a callee path, with what is written in it so far.
    static func enclosingCall(_ tokens: [Token]) -> Call? {
        var depth = 0
        var k = tokens.count - 1
        while k >= 0 {
            if case .symbol(let s) = tokens[k].kind {
                if s == ")" || s == "]" || s == "}" { depth += 1 }
                if s == "(" || s == "[" || s == "{" {
                    if depth == 0 {
                        // An unclosed list or record bracket is between us and any call.
                        guard s == "(", k >= 1, let callee = path(endingAt: k - 1, in: tokens) else { return nil }
                        return Call(callee: callee.path, atArgumentStart: argumentStarts(tokens),
                                    givenKeywords: keywords(in: tokens[(k + 1)...]))
                    }
                    depth -= 1
                }
            }
            k -= 1
        }
        return nil
    }

    /// True when the last token (line breaks inside the brackets do not count) opens an argument.
    private static func argumentStarts(_ tokens: [Token]) -> Bool {
        guard let p = tokens.last(where: { if case .newline = $0.kind { return false } else { return true } }) else { return false }
        switch p.kind {
        case .symbol("("), .symbol(","): return true
        default: return false
        }
    }

    /// `name=` pairs at the top level of an argument list.
    private static func keywords(in tokens: ArraySlice<Token>) -> [String] {
        var out: [String] = []
        var depth = 0
        var previous: Token?
        for t in tokens {
            if case .symbol(let s) = t.kind {
                if s == "(" || s == "[" || s == "{" { depth += 1 }
                if s == ")" || s == "]" || s == "}" { depth -= 1 }
                if s == "=", depth == 0, let p = previous, case .identifier(let name) = p.kind { out.append(name) }
            }
            previous = t
        }
        return out
    }
}
