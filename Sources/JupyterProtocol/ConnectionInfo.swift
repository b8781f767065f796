import Foundation

/// The connection file Jupyter hands a kernel (`kernel -f FILE`): where to bind and the signing key.
public struct ConnectionInfo: Decodable, Equatable, Sendable {
    /// "tcp" or "ipc".
    public var transport: String
    /// The address to bind (e.g. 127.0.0.1).
    public var ip: String
    /// Ports of the five sockets.
    public var shellPort: Int, iopubPort: Int, stdinPort: Int, controlPort: Int, hbPort: Int
    /// The HMAC key (empty: messages are not signed).
    public var key: String
    /// "hmac-sha256" (the only scheme implemented) or empty.
    public var signatureScheme: String

    enum CodingKeys: String, CodingKey {
        case transport, ip, key
        case shellPort = "shell_port", iopubPort = "iopub_port", stdinPort = "stdin_port"
        case controlPort = "control_port", hbPort = "hb_port", signatureScheme = "signature_scheme"
    }

    /// Reads and checks a connection file.
    public static func read(from path: String) throws -> ConnectionInfo {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JupyterError("cannot read the connection file '\(path)'")
        }
        let info: ConnectionInfo
        do {
            info = try JSONDecoder().decode(ConnectionInfo.self, from: data)
        } catch {
            throw JupyterError("the connection file '\(path)' is not a Jupyter connection file: \(error)")
        }
        guard info.signatureScheme.isEmpty || info.signatureScheme == "hmac-sha256" else {
            throw JupyterError("signature scheme '\(info.signatureScheme)' is not supported (only hmac-sha256)")
        }
        return info
    }

    /// The ZeroMQ endpoint of a port (`tcp://127.0.0.1:5555`; ipc uses `ip-port` as the path).
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
    }
}

/// A problem in the Jupyter protocol: a bad file, a bad signature, a malformed message.
public struct JupyterError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String
    /// An error saying `message`.
    public init(_ message: String) { description = message }
}
