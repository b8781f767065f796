/// An error from drawing or PNG I/O: names the operation and what was wrong (the path and
/// libpng's own message for file errors, shapes and types for array input).
public struct GraphicsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The operation that failed (`snapshot`, `plot`, `png`…).
    public let operation: String
    /// What was wrong, with paths, shapes and types spelled out.
    public let message: String

    /// Makes an error for `operation` (`snapshot`, `plot`, `png`…).
    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    /// `snapshot: cannot draw an empty array of shape [0, 4]`.
    public var description: String { "\(operation): \(message)" }
}
