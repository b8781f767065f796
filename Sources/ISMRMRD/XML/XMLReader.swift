/// A small non-validating XML parser: elements, attributes, text, comments, CDATA sections,
/// processing instructions, the predefined and numeric character entities, and a skipped DOCTYPE.
/// Malformed input throws `XMLError` with the line and column of the problem.
public enum XMLReader {
    /// Parses a whole document.
    public static func parse(_ text: String) throws -> MarkupDocument {
        var scanner = XMLScanner(Array(text.utf8))
        return try scanner.document()
    }
}

/// The parser's cursor over UTF-8 bytes, tracking line and column for errors.
private struct XMLScanner {
    let bytes: [UInt8]
    var position = 0
    var line = 1
    var lineStart = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    // MARK: - Cursor

    var atEnd: Bool { position >= bytes.count }
    var current: UInt8? { atEnd ? nil : bytes[position] }
    var column: Int { position - lineStart + 1 }

    func error(_ message: String) -> XMLError { XMLError(line: line, column: column, message) }

    func looking(at literal: String) -> Bool {
        let l = Array(literal.utf8)
        guard position + l.count <= bytes.count else { return false }
        for k in 0..<l.count where bytes[position + k] != l[k] { return false }
        return true
    }

    mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where position < bytes.count {
            if bytes[position] == UInt8(ascii: "\n") { line += 1; lineStart = position + 1 }
            position += 1
        }
    }

    mutating func skipWhitespace() {
        while let c = current, XMLScanner.isSpace(c) { advance() }
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    static func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c >= 0x80
    }
    static func isNameChar(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }

    /// A short quotation of the input at the cursor, for messages.
    var upcoming: String {
        if atEnd { return "the end of the document" }
        let end = min(bytes.count, position + 12)
        let text = String(decoding: bytes[position..<end], as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return "'\(text)'"
    }

    // MARK: - Document

    mutating func document() throws -> MarkupDocument {
        if looking(at: "\u{FEFF}") { advance(3) }
        var prolog: [MarkupNode] = []
        while true {
            skipWhitespace()
            if atEnd { throw error("the document has no root element") }
            if looking(at: "<?") { prolog.append(try processingInstruction()) }
            else if looking(at: "<!--") { prolog.append(try comment()) }
            else if looking(at: "<!DOCTYPE") { try skipDoctype() }
            else if looking(at: "<"), position + 1 < bytes.count, XMLScanner.isNameStart(bytes[position + 1]) { break }
            else { throw error("expected the root element, found \(upcoming)") }
        }
        let root = try element()
        var epilog: [MarkupNode] = []
        while true {
            skipWhitespace()
            if atEnd { break }
            if looking(at: "<?") { epilog.append(try processingInstruction()) }
            else if looking(at: "<!--") { epilog.append(try comment()) }
            else { throw error("unexpected \(upcoming) after the root element <\(root.name)> was closed") }
        }
        return MarkupDocument(root: root, prolog: prolog, epilog: epilog)
    }

    // MARK: - Pieces

    mutating func name(_ what: String) throws -> String {
        guard let c = current, XMLScanner.isNameStart(c) else { throw error("expected \(what), found \(upcoming)") }
        let start = position
        while let c = current, XMLScanner.isNameChar(c) { advance() }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func element() throws -> MarkupElement {
        let startLine = line, startColumn = column
        advance() // <
        let tag = try name("an element name")
        var element = MarkupElement(tag, line: startLine)
        var seen = Set<String>()
        // Attributes, then `/>` or `>`.
        while true {
            let hadSpace = current.map(XMLScanner.isSpace) ?? false
            skipWhitespace()
            if atEnd { throw XMLError(line: startLine, column: startColumn, "the start tag <\(tag) is not finished before the end of the document") }
            if looking(at: "/>") { advance(2); return element }
            if looking(at: ">") { advance(); break }
            if !hadSpace { throw error("expected whitespace, '>' or '/>' in the start tag <\(tag)>, found \(upcoming)") }
            let attributeName = try name("an attribute name or '>'")
            skipWhitespace()
            guard current == UInt8(ascii: "=") else { throw error("expected '=' after the attribute '\(attributeName)' of <\(tag)>, found \(upcoming)") }
            advance()
            skipWhitespace()
            let value = try quoted("the value of attribute '\(attributeName)'")
            if !seen.insert(attributeName).inserted { throw error("the attribute '\(attributeName)' appears twice in <\(tag)>") }
            element.attributes.append(MarkupAttribute(attributeName, value))
        }
        // Content up to the matching end tag.
        var text: [UInt8] = []
        func flush() {
            if !text.isEmpty { element.children.append(.text(String(decoding: text, as: UTF8.self))); text.removeAll() }
        }
        while true {
            if atEnd { throw error("the end of the document came before </\(tag)> closing <\(tag)> from line \(startLine)") }
            if looking(at: "</") {
                flush()
                let endLine = line, endColumn = column
                advance(2)
                let endName = try name("an element name after '</'")
                skipWhitespace()
                guard current == UInt8(ascii: ">") else { throw error("expected '>' to finish </\(endName), found \(upcoming)") }
                if endName != tag {
                    throw XMLError(line: endLine, column: endColumn, "</\(endName)> does not match <\(tag)> opened on line \(startLine)")
                }
                advance()
                return element
            } else if looking(at: "<!--") {
                flush(); element.children.append(try comment())
            } else if looking(at: "<![CDATA[") {
                flush(); element.children.append(try cdata())
            } else if looking(at: "<?") {
                flush(); element.children.append(try processingInstruction())
            } else if looking(at: "<!") {
                throw error("unexpected \(upcoming) inside <\(tag)>")
            } else if looking(at: "<") {
                flush(); element.children.append(.element(try self.element()))
            } else if current == UInt8(ascii: "&") {
                text.append(contentsOf: try entity())
            } else if let c = current {
                text.append(c)
                advance()
            }
        }
    }

    mutating func quoted(_ what: String) throws -> String {
        guard let q = current, q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") else {
            throw error("expected a quoted string for \(what), found \(upcoming)")
        }
        let startLine = line, startColumn = column
        advance()
        var value: [UInt8] = []
        while true {
            guard let c = current else { throw XMLError(line: startLine, column: startColumn, "\(what) is not closed by a matching quote") }
            if c == q { advance(); break }
            if c == UInt8(ascii: "<") { throw error("'<' is not allowed in \(what)") }
            if c == UInt8(ascii: "&") { value.append(contentsOf: try entity()); continue }
            // Attribute value normalisation: literal tabs and newlines become spaces.
            value.append(XMLScanner.isSpace(c) ? 0x20 : c)
            advance()
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// Decodes `&name;` or `&#N;` / `&#xN;` at the cursor into UTF-8 bytes.
    mutating func entity() throws -> [UInt8] {
        let startLine = line, startColumn = column
        advance() // &
        let start = position
        while let c = current, c != UInt8(ascii: ";"), position - start < 32, !XMLScanner.isSpace(c), c != UInt8(ascii: "<"), c != UInt8(ascii: "&") { advance() }
        guard current == UInt8(ascii: ";") else {
            throw XMLError(line: startLine, column: startColumn, "'&' must start an entity such as &amp; (write &amp; for a literal '&')")
        }
        let body = String(decoding: bytes[start..<position], as: UTF8.self)
        advance()
        switch body {
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "amp": return [UInt8(ascii: "&")]
        case "quot": return [UInt8(ascii: "\"")]
        case "apos": return [UInt8(ascii: "'")]
        default:
            if body.hasPrefix("#") {
                let digits = body.dropFirst()
                let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                guard let v = value, v != 0, let scalar = Unicode.Scalar(v) else {
                    throw XMLError(line: startLine, column: startColumn, "'&\(body);' is not a valid character reference")
                }
                return Array(String(Character(scalar)).utf8)
            }
            throw XMLError(line: startLine, column: startColumn, "unknown entity '&\(body);' (only &lt; &gt; &amp; &quot; &apos; and character references are defined)")
        }
    }

    mutating func comment() throws -> MarkupNode {
        let startLine = line, startColumn = column
        advance(4)
        let start = position
        while !looking(at: "-->") {
            if atEnd { throw XMLError(line: startLine, column: startColumn, "the comment is not closed by '-->'") }
            advance()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        advance(3)
        return .comment(text)
    }

    mutating func cdata() throws -> MarkupNode {
        let startLine = line, startColumn = column
        advance(9)
        let start = position
        while !looking(at: "]]>") {
            if atEnd { throw XMLError(line: startLine, column: startColumn, "the CDATA section is not closed by ']]>'") }
            advance()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        advance(3)
        return .cdata(text)
    }

    mutating func processingInstruction() throws -> MarkupNode {
        let startLine = line, startColumn = column
        advance(2)
        let target = try name("a processing instruction target after '<?'")
        skipWhitespace()
        let start = position
        while !looking(at: "?>") {
            if atEnd { throw XMLError(line: startLine, column: startColumn, "the processing instruction <?\(target) is not closed by '?>'") }
            advance()
        }
        let data = String(decoding: bytes[start..<position], as: UTF8.self)
        advance(2)
        return .processingInstruction(target: target, data: data)
    }

    /// Skips `<!DOCTYPE …>`, including an internal subset in brackets and quoted literals.
    mutating func skipDoctype() throws {
        let startLine = line, startColumn = column
        advance(9)
        var depth = 0
        while let c = current {
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                _ = try quoted("a DOCTYPE literal")
                continue
            }
            advance()
            if c == UInt8(ascii: "[") { depth += 1 }
            else if c == UInt8(ascii: "]") { depth -= 1 }
            else if c == UInt8(ascii: ">") && depth <= 0 { return }
        }
        throw XMLError(line: startLine, column: startColumn, "the DOCTYPE declaration is not closed")
    }
}
