/// A piece of program text with a name (a file path, `<repl>`, `<-e>`), kept for error carets.
public final class SourceFile: @unchecked Sendable {
    public let name: String
    public let text: String
    /// UTF-8 bytes of `text`; the lexer and locations work on byte offsets.
    let bytes: [UInt8]
    /// Byte offset where each line starts.
    private let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// 1-based line and column (in characters) of a byte offset.
    func lineColumn(_ offset: Int) -> (line: Int, column: Int) {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let start = lineStarts[lo]
        let end = Swift.min(Swift.max(offset, start), bytes.count)
        let column = String(decoding: bytes[start..<end], as: UTF8.self).count + 1
        return (lo + 1, column)
    }

    /// The byte offset where 1-based line `n` starts (clamped to the file).
    func offset(ofLine n: Int) -> Int {
        lineStarts[Swift.min(Swift.max(n, 1), lineStarts.count) - 1]
    }

    /// The text of a 1-based line without its newline.
    public func line(_ n: Int) -> String {
        guard n >= 1 && n <= lineStarts.count else { return "" }
        let start = lineStarts[n - 1]
        var end = n < lineStarts.count ? lineStarts[n] - 1 : bytes.count
        if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<Swift.max(start, end)], as: UTF8.self)
    }

    public var lineCount: Int { lineStarts.count }
}

/// A position in a source file.
public struct SourceLocation: Sendable, CustomStringConvertible {
    public let file: SourceFile
    /// Byte offset into the file.
    public let offset: Int
    /// Length in bytes of the marked span (for the caret underline).
    public let length: Int

    public init(file: SourceFile, offset: Int, length: Int = 1) {
        self.file = file
        self.offset = offset
        self.length = length
    }

    public var line: Int { file.lineColumn(offset).line }
    public var column: Int { file.lineColumn(offset).column }

    /// `file:line:col`.
    public var description: String {
        let (l, c) = file.lineColumn(offset)
        return "\(file.name):\(l):\(c)"
    }
}
