import ISMRMRD

/// Where a gadget's outgoing messages go (Gadgetron's `put_next`).
public final class GadgetOutput {
    let send: (GadgetMessage) throws -> Void

    /// An output that hands every message to `send`.
    public init(_ send: @escaping (GadgetMessage) throws -> Void) { self.send = send }

    /// Passes a message to the next gadget.
    public func put(_ message: GadgetMessage) throws { try send(message) }
}

/// What a gadget is configured with: the parsed ISMRMRD header and a place for notes.
public final class GadgetContext {
    /// The dataset's XML header, parsed.
    public let header: HeaderValue
    /// Notes for the user (ignored properties, decisions taken); printed once by the caller.
    public private(set) var notes: [String] = []

    /// A context for one run over a dataset with `header`.
    public init(header: HeaderValue) { self.header = header }

    /// Records a note for the user.
    public func note(_ text: String) { notes.append(text) }
}

/// A reconstruction step, as in Gadgetron: configured once with the header, called for every
/// message, closed at the end of the stream (when it may flush what it holds).
public protocol Gadget: AnyObject {
    /// Gadgetron's class name (`BucketToBufferGadget`, or the user gadget's name).
    var className: String { get }
    /// Called once before the first message (Gadgetron's `process_config`).
    func configure(_ context: GadgetContext) throws
    /// Called for each message; passes on any number of messages through `out`.
    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws
    /// Called once at the end of the stream; may pass on what it held back.
    func close(_ out: GadgetOutput) throws
}

extension Gadget {
    public func configure(_ context: GadgetContext) throws {}
    public func close(_ out: GadgetOutput) throws {}
}

/// An error raised by a gadget: which gadget, which incoming message, and the cause.
public struct GadgetError: Error, CustomStringConvertible {
    /// The gadget's name in the chain.
    public let gadget: String
    /// The gadget's class.
    public let className: String
    /// 1-based number of the message the gadget was processing (0: configuration, -1: close).
    public let message: Int
    /// The underlying error.
    public let cause: Error

    /// Where in the stream the error happened, in words.
    public var position: String {
        switch message {
        case 0: return "while configuring"
        case -1: return "while closing (end of stream)"
        default: return "at message \(message)"
        }
    }

    public var description: String { "gadget '\(gadget)' (\(className)) \(position): \(cause)" }
}
