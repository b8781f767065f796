/// An error from drawing or PNG I/O: names the operation and what was wrong (the path and
/// libpng's own message for file errors, shapes and types for array input).
public struct GraphicsError: Error, CustomStringConvertible, Equatable, Sendable {
    public let operation: String
    public let message: String

    /// Makes an error for `operation` (`snapshot`, `plot`, `png`…).
    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    /// `snapshot: cannot draw an empty array of shape [0, 4]`.
    public var description: String { "\(operation): \(message)" }
}
