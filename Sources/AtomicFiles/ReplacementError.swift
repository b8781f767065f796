/// Why a file could not be replaced; `message` names the destination and the cause.
public struct ReplacementError: Error, CustomStringConvertible, Sendable {
    /// The destination path as the caller gave it.
    public let path: String
    /// What went wrong, without the path (callers prefix it in their own style).
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `path: problem`.
    public var message: String { "\(path): \(problem)" }
    public var description: String { message }
}
