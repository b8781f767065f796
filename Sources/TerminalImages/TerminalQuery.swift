import Foundation

/// Asks the terminal on standard input/output a question and reads its answer, waiting briefly.
public enum TerminalQuery {
    /// Sends the primary device-attributes request (`ESC [ c`) and returns the attribute numbers
    /// of the answer (`ESC [ ? 62 ; 4 ; 22 c` → [62, 4, 22]); nil when no answer came in time or
    /// standard input is not a terminal. 4 means sixel graphics.
    public static func deviceAttributes(timeoutMilliseconds: Int32 = 150) -> [Int]? {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else { return nil }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var raw = saved
        // No echo and no line buffering while the answer arrives, so it is neither shown nor
        // left for the line editor.
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        let request = "\u{1B}[c"
        _ = request.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
        var answer: [UInt8] = []
        while answer.count < 64 {
            var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, timeoutMilliseconds) > 0 else { break }
            var byte: UInt8 = 0
            guard read(STDIN_FILENO, &byte, 1) == 1 else { break }
            answer.append(byte)
            if byte == UInt8(ascii: "c") { return parse(answer) }
        }
        return nil
    }

    /// The numbers of a device-attributes answer, or nil when it is not one.
    public static func parse(_ answer: [UInt8]) -> [Int]? {
        let text = String(decoding: answer, as: UTF8.self)
        guard let start = text.range(of: "\u{1B}[?"), text.hasSuffix("c") else { return nil }
        let body = text[start.upperBound..<text.index(before: text.endIndex)]
        return body.split(separator: ";").compactMap { Int($0) }
    }
}
