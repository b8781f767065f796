/// The subset of Python literal syntax a .npy header is written in: a dict of strings, booleans
/// and tuples of integers (lists appear for structured dtypes, which we only recognise to refuse).
enum PythonLiteral: Equatable {
    case string(String)
    case bool(Bool)
    case none
    /// An integer kept as its text, so a value too large for `Int` can be reported as written.
    case integer(String)
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: PythonLiteral, value: PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.none, .none): return true
        case (.integer(let x), .integer(let y)): return x == y
        case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Parses one literal that must fill the whole text (surrounding spaces allowed).
    static func parse(_ text: String) throws -> PythonLiteral {
        var parser = PythonLiteralParser(text)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if let c = parser.peek() { throw FormatProblem("unexpected '\(c)' after the end of the header dictionary") }
        return value
    }
}

/// Recursive-descent reader over the header's characters.
private struct PythonLiteralParser {
    private let chars: [Character]
    private var index = 0
    /// Deeper nesting than any real header has; stops a hostile header from exhausting the stack.
    private let maximumDepth = 16

    init(_ text: String) { chars = Array(text) }

    func peek() -> Character? { index < chars.count ? chars[index] : nil }

    mutating func skipSpace() {
        while let c = peek(), c.isWhitespace { index += 1 }
    }

    mutating func value(depth: Int) throws -> PythonLiteral {
        guard depth < maximumDepth else { throw FormatProblem("nesting is too deep") }
        skipSpace()
        guard let c = peek() else { throw FormatProblem("the header ends where a value was expected") }
        switch c {
        case "'", "\"": return .string(try string())
        case "{": return .dict(try dictEntries(depth: depth))
        case "(": return .tuple(try items(close: ")", depth: depth))
        case "[": return .list(try items(close: "]", depth: depth))
        case "-", "+", "0"..."9": return .integer(try integer())
        default:
            let word = identifier()
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "": throw FormatProblem("unexpected character '\(c)'")
            default: throw FormatProblem("unexpected word '\(word)'")
            }
        }
    }

    private mutating func identifier() -> String {
        var out = ""
        while let c = peek(), c.isLetter || c.isNumber || c == "_" {
            out.append(c)
            index += 1
        }
        return out
    }

    private mutating func string() throws -> String {
        let quote = chars[index]
        index += 1
        var out = ""
        while let c = peek() {
            index += 1
            if c == quote { return out }
            if c == "\\" {
                guard let next = peek() else { break }
                index += 1
                out.append(next)
            } else {
                out.append(c)
            }
        }
        throw FormatProblem("a string is not closed")
    }

    private mutating func integer() throws -> String {
        var out = ""
        if let c = peek(), c == "-" || c == "+" {
            if c == "-" { out.append(c) }
            index += 1
        }
        while let c = peek(), c.isASCII, c.isNumber {
            out.append(c)
            index += 1
        }
        guard out.last?.isNumber == true else { throw FormatProblem("a number has no digits") }
        // Python 2 wrote long integers with an L suffix: (3L, 4L).
        if let c = peek(), c == "L" || c == "l" { index += 1 }
        return out
    }

    /// Comma-separated values up to `close`; a trailing comma is allowed.
    private mutating func items(close: Character, depth: Int) throws -> [PythonLiteral] {
        index += 1
        var out: [PythonLiteral] = []
        while true {
            skipSpace()
            if peek() == close { index += 1; return out }
            out.append(try value(depth: depth + 1))
            skipSpace()
            if peek() == "," { index += 1; continue }
            if peek() == close { index += 1; return out }
            throw FormatProblem("expected ',' or '\(close)'")
        }
    }

    private mutating func dictEntries(depth: Int) throws -> [(key: PythonLiteral, value: PythonLiteral)] {
        index += 1
        var out: [(key: PythonLiteral, value: PythonLiteral)] = []
        while true {
            skipSpace()
            if peek() == "}" { index += 1; return out }
            let key = try value(depth: depth + 1)
            skipSpace()
            guard peek() == ":" else { throw FormatProblem("expected ':' after a dictionary key") }
            index += 1
            out.append((key, try value(depth: depth + 1)))
            skipSpace()
            if peek() == "," { index += 1; continue }
            if peek() == "}" { index += 1; return out }
            throw FormatProblem("expected ',' or '}'")
        }
    }
}
