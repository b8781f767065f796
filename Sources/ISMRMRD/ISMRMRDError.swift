/// A problem with an ISMRMRD file or value: names the file (or the operation) and what is wrong
/// (`scan.h5: acquisition 17: data holds 1000 floats, expected 2 × 256 samples × 4 channels = 2048`).
public struct ISMRMRDError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file path, or the operation when no file is involved (`AcquisitionHeader`).
    public let context: String
    /// What is wrong.
    public let message: String

    /// An error about `context`.
    public init(_ context: String, _ message: String) {
        self.context = context
        self.message = message
    }

    public var description: String { "\(context): \(message)" }
}
