import Foundation

/// One message of the Jupyter messaging protocol (version 5.3), with the routing identities it
/// came with and its JSON parts as dictionaries.
public struct JupyterMessage: @unchecked Sendable {
    /// Protocol version this implementation speaks.
    public static let protocolVersion = "5.3"
    /// The frame between routing identities and the signed parts.
    static let delimiter = Data("<IDS|MSG>".utf8)

    /// ROUTER identities to address the reply to.
    public var identities: [Data]
    /// msg_id, session, username, date, msg_type, version.
    public var header: [String: Any]
    /// The header of the request this message answers (empty for none).
    public var parentHeader: [String: Any]
    /// Free-form metadata.
    public var metadata: [String: Any]
    /// The message body.
    public var content: [String: Any]
    /// Extra binary frames.
    public var buffers: [Data] = []

    /// The message type (`execute_request`, `stream`, …).
    public var type: String { header["msg_type"] as? String ?? "" }

    /// A new message of `type` in `session`, answering `parent` (routed back to its sender).
    public init(type: String, session: String, content: [String: Any], parent: JupyterMessage? = nil,
                metadata: [String: Any] = [:]) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        header = ["msg_id": UUID().uuidString.lowercased(), "session": session, "username": "mrs",
                  "date": formatter.string(from: Date()), "msg_type": type, "version": JupyterMessage.protocolVersion]
        parentHeader = parent?.header ?? [:]
        identities = parent?.identities ?? []
        self.metadata = metadata
        self.content = content
    }

    /// Parses received frames, checking the signature; errors say what was wrong.
    public init(frames: [Data], signer: MessageSigner) throws {
        guard let split = frames.firstIndex(of: JupyterMessage.delimiter) else {
            throw JupyterError("a message without the <IDS|MSG> delimiter (\(frames.count) frames)")
        }
        let parts = Array(frames[(split + 1)...])
        guard parts.count >= 5 else { throw JupyterError("a message with \(parts.count) parts after the delimiter (5 expected)") }
        let signature = String(decoding: parts[0], as: UTF8.self)
        guard signer.verify(signature, Array(parts[1...4])) else { throw JupyterError("a message with a bad signature") }
        func object(_ d: Data, _ name: String) throws -> [String: Any] {
            guard let o = (try? JSONSerialization.jsonObject(with: d)) as? [String: Any] else {
                throw JupyterError("the \(name) of a message is not a JSON object")
            }
            return o
        }
        identities = Array(frames[..<split])
        header = try object(parts[1], "header")
        parentHeader = try object(parts[2], "parent header")
        metadata = try object(parts[3], "metadata")
        content = try object(parts[4], "content")
        buffers = Array(parts.dropFirst(5))
    }

    /// The frames to send: identities, delimiter, signature, the four JSON parts, buffers.
    public func frames(signer: MessageSigner) -> [Data] {
        let parts = [header, parentHeader, metadata, content].map(JupyterMessage.json)
        return identities + [JupyterMessage.delimiter, Data(signer.signature(parts).utf8)] + parts + buffers
    }

    /// Compact JSON of a dictionary ("{}" if it cannot be encoded).
    static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
