/// A failure of an HDF5 operation: names the file, the object inside it, what was being done and
/// HDF5's own innermost reason (`/tmp/a.h5: /dataset/data: cannot read rows 0..<10 (HDF5: …)`).
public struct HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of failure this is, for callers that react differently to each.
    public enum Kind: Sendable, Equatable {
        /// The path does not exist.
        case fileNotFound
        /// The path is a directory.
        case isDirectory
        /// The file exists but is not an HDF5 file.
        case notHDF5File
        /// A group, dataset or attribute is missing inside the file.
        case objectNotFound
        /// The object exists but has the wrong kind or type for the operation.
        case typeMismatch
        /// The caller asked for something impossible (bad shape, selection or name).
        case invalidArgument
        /// The HDF5 library itself failed (corrupt or truncated file, I/O error, …).
        case libraryError
    }

    /// The category of the failure.
    public let kind: Kind
    /// The file path as given by the user.
    public let file: String
    /// The object path inside the file (`/dataset/data`), if the error concerns one.
    public let object: String?
    /// What went wrong, in our words.
    public let message: String
    /// HDF5's innermost reason, when the library reported one.
    public let reason: String?

    /// Creates an error; normally produced by this module.
    public init(_ kind: Kind, file: String, object: String? = nil, _ message: String, reason: String? = nil) {
        self.kind = kind
        self.file = file
        self.object = object
        self.message = message
        self.reason = reason
    }

    public var description: String {
        var text = file
        if let object = object { text += ": \(object)" }
        text += ": \(message)"
        if let reason = reason { text += " (HDF5: \(reason))" }
        return text
    }
}
