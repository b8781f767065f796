/// Reserved words.
public enum Keyword: String, CaseIterable, Sendable {
    case `if`, elif, `else`, end, `for`, `in`, `while`, fn, `return`, `break`, `continue`, global
    case `true`, `false`, none, and, or, not, xor
}

/// A piece of a double-quoted string: literal text, or an interpolated `{expr[:spec]}`.
enum StringPart: Equatable {
    case text(String)
    /// Source of the expression, its byte offset in the file, and the optional format spec.
    case code(String, offset: Int, spec: String?)
}

enum TokenKind: Equatable {
    case identifier(String)
    case keyword(Keyword)
    case int(Int)
    case float(Double)
    case imaginary(Double)
    case string([StringPart])
    case symbol(String)
    case newline
    case semicolon
    case eof
}

struct Token {
    let kind: TokenKind
    let offset: Int
    let length: Int
}

/// Turns source text into tokens. Newlines are tokens (statements end at them); the parser
/// decides where they do not matter (inside brackets, after an operator).
struct Lexer {
    let source: SourceFile
    private let b: [UInt8]
    private var i = 0
    private(set) var tokens: [Token] = []
    private(set) var errors: [MRSError] = []

    init(source: SourceFile) {
        self.source = source
        self.b = source.bytes
    }

    private static let symbols3 = ["..."]
    private static let symbols2 = ["|>", "->", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "<<", ">>"]
    /// Operators of Python, MATLAB, Julia and C that mrs spells otherwise (longest first): the
    /// token they stand for and what to write.
    private static let otherOperators: [(String, TokenKind, String)] = [
        ("&&", .keyword(.and), "write 'and'"), ("||", .keyword(.or), "write 'or'"), ("**", .symbol("^"), "powers are written 'x ^ 2'"),
        ("!", .keyword(.not), "write 'not'"), ("~", .keyword(.not), "write 'not'"),
    ]
    private static let symbols1: Set<UInt8> = Set("+-*/%^@<>=()[]{},:.?&|".utf8)

    private func peek(_ k: Int = 0) -> UInt8 { i + k < b.count ? b[i + k] : 0 }
    private static func isIdentStart(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 || c >= 0x80 }
    private static func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private func location(_ offset: Int, _ length: Int = 1) -> SourceLocation {
        SourceLocation(file: source, offset: offset, length: length)
    }

    private mutating func error(_ message: String, at offset: Int, length: Int = 1, incomplete: Bool = false) {
        var e = MRSError(.syntax, message, at: location(offset, length))
        e.isIncompleteInput = incomplete
        errors.append(e)
    }

    private mutating func add(_ kind: TokenKind, _ start: Int) {
        tokens.append(Token(kind: kind, offset: start, length: i - start))
    }

    /// Lexes the whole source.
    mutating func run() {
        while i < b.count {
            let c = b[i]
            let start = i
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1
            case UInt8(ascii: "\\") where peek(1) == UInt8(ascii: "\n"):
                i += 2 // explicit line continuation
            case UInt8(ascii: "\n"):
                i += 1
                add(.newline, start)
            case UInt8(ascii: ";"):
                i += 1
                add(.semicolon, start)
            case UInt8(ascii: "#"):
                while i < b.count && b[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                lexString(quote: c)
            case _ where Lexer.isDigit(c) || (c == UInt8(ascii: ".") && Lexer.isDigit(peek(1)) && !previousIsValue):
                lexNumber()
            case _ where Lexer.isIdentStart(c):
                while i < b.count && Lexer.isIdentChar(b[i]) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                if let k = Keyword(rawValue: word) { add(.keyword(k), start) } else { add(.identifier(word), start) }
            default:
                lexSymbol()
            }
        }
        tokens.append(Token(kind: .eof, offset: b.count, length: 0))
    }

    /// True if the last token can end an operand (so a following `.` is a field access).
    private var previousIsValue: Bool {
        guard let t = tokens.last else { return false }
        switch t.kind {
        case .identifier, .int, .float, .imaginary, .string: return true
        case .symbol(let s): return s == ")" || s == "]" || s == "}"
        case .keyword(let k): return k == .true || k == .false || k == .none || k == .end
        default: return false
        }
    }

    private mutating func lexSymbol() {
        let start = i
        for s in Lexer.symbols3 + Lexer.symbols2 where matches(s) {
            i += s.utf8.count
            add(.symbol(s), start)
            return
        }
        // Operators of other languages: say what mrs writes, and read them as that, so the rest
        // of the line parses without follow-on errors.
        for (other, meaning, hint) in Lexer.otherOperators where matches(other) {
            error("'\(other)' is not an mrs operator: \(hint)", at: i, length: other.utf8.count)
            i += other.utf8.count
            add(meaning, start)
            return
        }
        if Lexer.symbols1.contains(b[i]) {
            i += 1
            add(.symbol(String(UnicodeScalar(b[start]))), start)
            return
        }
        // An unknown character: report it whole (it may be multi-byte).
        var end = i + 1
        while end < b.count && b[end] & 0xC0 == 0x80 { end += 1 }
        let ch = String(decoding: b[i..<end], as: UTF8.self)
        error("unexpected character '\(ch)'", at: i, length: end - i)
        i = end
    }

    private func matches(_ s: String) -> Bool {
        var k = 0
        for ch in s.utf8 {
            if peek(k) != ch { return false }
            k += 1
        }
        return true
    }

    private mutating func lexNumber() {
        let start = i
        var digits = ""
        var isFloat = false
        func takeDigits(_ valid: (UInt8) -> Bool) {
            while i < b.count && (valid(b[i]) || b[i] == UInt8(ascii: "_")) {
                if b[i] != UInt8(ascii: "_") { digits.append(Character(UnicodeScalar(b[i]))) }
                i += 1
            }
        }
        if b[i] == UInt8(ascii: "0") && (peek(1) | 0x20) == UInt8(ascii: "x") {
            i += 2
            takeDigits { Lexer.isDigit($0) || (($0 | 0x20) >= 97 && ($0 | 0x20) <= 102) }
            finishInteger(digits, radix: 16, start: start)
            return
        }
        if b[i] == UInt8(ascii: "0") && (peek(1) | 0x20) == UInt8(ascii: "b") {
            i += 2
            takeDigits { $0 == 48 || $0 == 49 }
            finishInteger(digits, radix: 2, start: start)
            return
        }
        takeDigits(Lexer.isDigit)
        if peek() == UInt8(ascii: ".") && peek(1) != UInt8(ascii: ".") && !Lexer.isIdentStart(peek(1)) {
            isFloat = true
            digits.append(".")
            i += 1
            takeDigits(Lexer.isDigit)
        }
        if (peek() | 0x20) == UInt8(ascii: "e") && (Lexer.isDigit(peek(1)) || ((peek(1) == UInt8(ascii: "-") || peek(1) == UInt8(ascii: "+")) && Lexer.isDigit(peek(2)))) {
            isFloat = true
            digits.append("e")
            i += 1
            if peek() == UInt8(ascii: "-") || peek() == UInt8(ascii: "+") {
                digits.append(Character(UnicodeScalar(b[i])))
                i += 1
            }
            takeDigits(Lexer.isDigit)
        }
        if (peek() == UInt8(ascii: "i") || peek() == UInt8(ascii: "j")) && !Lexer.isIdentChar(peek(1)) {
            i += 1
            add(.imaginary(Double(digits) ?? 0), start)
            return
        }
        if Lexer.isIdentStart(peek()) {
            while i < b.count && Lexer.isIdentChar(b[i]) { i += 1 }
            error("invalid number literal '\(String(decoding: b[start..<i], as: UTF8.self))'", at: start, length: i - start)
            return
        }
        if isFloat {
            add(.float(Double(digits) ?? .nan), start)
        } else {
            finishInteger(digits, radix: 10, start: start)
        }
    }

    private mutating func finishInteger(_ digits: String, radix: Int, start: Int) {
        if Lexer.isIdentChar(peek()) {
            while i < b.count && Lexer.isIdentChar(b[i]) { i += 1 }
            error("invalid number literal '\(String(decoding: b[start..<i], as: UTF8.self))'", at: start, length: i - start)
            return
        }
        guard !digits.isEmpty else {
            error("number literal has no digits", at: start, length: i - start)
            return
        }
        guard let v = Int(digits, radix: radix) else {
            error("integer literal '\(String(decoding: b[start..<i], as: UTF8.self))' is too large (limit \(Int.max)); write it as a float", at: start, length: i - start)
            return
        }
        add(.int(v), start)
    }

    /// Lexes a string literal. Double quotes interpolate `{expr}` (`{{`/`}}` are literal braces);
    /// single quotes do not.
    private mutating func lexString(quote: UInt8) {
        let start = i
        i += 1
        var parts: [StringPart] = []
        var text: [UInt8] = []
        let interpolate = quote == UInt8(ascii: "\"")
        func flush() {
            if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))); text.removeAll() }
        }
        while true {
            guard i < b.count else {
                error("unterminated string", at: start, length: 1, incomplete: true)
                add(.string(parts), start)
                return
            }
            let c = b[i]
            if c == quote {
                i += 1
                break
            }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < b.count else { i += 1; continue }
                let e = b[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "n"): text.append(10)
                case UInt8(ascii: "t"): text.append(9)
                case UInt8(ascii: "r"): text.append(13)
                case UInt8(ascii: "0"): text.append(0)
                case UInt8(ascii: "e"): text.append(27)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "{"), UInt8(ascii: "}"): text.append(e)
                case UInt8(ascii: "\n"): break // backslash-newline joins lines
                case UInt8(ascii: "u"):
                    if peek() == UInt8(ascii: "{"), let close = b[i...].firstIndex(of: UInt8(ascii: "}")),
                       let v = UInt32(String(decoding: b[(i + 1)..<close], as: UTF8.self), radix: 16),
                       let scalar = UnicodeScalar(v) {
                        text.append(contentsOf: Array(String(Character(scalar)).utf8))
                        i = close + 1
                    } else {
                        error("invalid unicode escape (write \\u{1F600})", at: i - 2, length: 2)
                    }
                default:
                    error("unknown escape sequence '\\\(Character(UnicodeScalar(e)))'", at: i - 2, length: 2)
                }
                continue
            }
            if interpolate && c == UInt8(ascii: "{") {
                if peek(1) == UInt8(ascii: "{") { text.append(c); i += 2; continue }
                flush()
                guard let (code, codeStart, spec) = scanInterpolation() else { return }
                parts.append(.code(code, offset: codeStart, spec: spec))
                continue
            }
            if interpolate && c == UInt8(ascii: "}") && peek(1) == UInt8(ascii: "}") {
                text.append(c)
                i += 2
                continue
            }
            text.append(c)
            i += 1
        }
        flush()
        add(.string(parts), start)
    }

    /// Scans `{expr[:spec]}` starting at `{`; returns the expression text, its offset and the spec.
    private mutating func scanInterpolation() -> (String, Int, String?)? {
        let open = i
        i += 1
        let codeStart = i
        var depth = 0
        var colon: Int?
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                // A nested string literal inside the expression.
                let q = c
                i += 1
                while i < b.count && b[i] != q { if b[i] == UInt8(ascii: "\\") { i += 1 }; i += 1 }
                i += 1
                continue
            }
            if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { depth += 1 }
            else if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") { depth -= 1 }
            else if c == UInt8(ascii: "}") {
                if depth == 0 {
                    let end = colon ?? i
                    let code = String(decoding: b[codeStart..<end], as: UTF8.self)
                    let spec = colon.map { String(decoding: b[($0 + 1)..<i], as: UTF8.self) }
                    i += 1
                    if code.trimmingCharacters(in: " \t").isEmpty {
                        error("empty interpolation '{}' in string (write '{{' for a literal brace)", at: open, length: i - open)
                    }
                    return (code, codeStart, spec)
                }
                depth -= 1
            } else if c == UInt8(ascii: ":") && depth == 0 && colon == nil {
                colon = i
            }
            i += 1
        }
        error("unterminated '{' in string (write '{{' for a literal brace)", at: open, length: 1, incomplete: true)
        return nil
    }
}

extension String {
    func trimmingCharacters(in chars: String) -> String {
        let set = Set(chars)
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
