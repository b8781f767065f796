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
