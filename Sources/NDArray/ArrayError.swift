/// An error a user can cause with an array operation: names the operation and what was wrong,
/// with shapes and types spelled out (`reshape: cannot reshape [3, 4] float32 (12 elements) to [5]`).
public struct ArrayError: Error, CustomStringConvertible, Equatable, Sendable {
    public let operation: String
    public let message: String

    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }
}

/// Raised when the user pressed Ctrl-C and a long computation noticed it.
public struct InterruptedError: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "interrupted" }
}

/// Text from a file or the user, quoted for an error message: control characters and invalid
/// bytes escaped (`\n`, `\u{1B}`) so a message stays on its lines, and long text cut.
public func quotedForMessage(_ text: String, limit: Int = 120) -> String {
    var out = "\""
    var count = 0
    for scalar in text.unicodeScalars {
        if count >= limit {
            out += "…"
            break
        }
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{FFFD}": out += "\\u{FFFD}"
        default:
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        count += 1
    }
    return out + "\""
}
