import CZMQ
import Foundation

/// A ZeroMQ context; sockets are made from it and it ends when they are all closed.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// A new context.
    public init() throws {
        guard let h = zmq_ctx_new() else { throw JupyterError("zmq: cannot create a context") }
        handle = h
    }

    deinit { zmq_ctx_term(handle) }
}

/// One ZeroMQ socket, used by one thread at a time; frames are sent and received as whole
/// multipart messages.
public final class ZMQSocket: @unchecked Sendable {
    /// The socket kinds the kernel uses.
    public enum Kind: Int32 {
        case router = 6, pub = 1, rep = 4, dealer = 5, sub = 2, req = 3
    }
    private var handle: UnsafeMutableRawPointer?
    /// Keeps the context alive while the socket is open.
    private let context: ZMQContext

    /// A socket of `kind` bound to `endpoint`.
    public init(_ context: ZMQContext, _ kind: Kind, bind endpoint: String) throws {
        self.context = context
        guard let h = zmq_socket(context.handle, kind.rawValue) else {
            throw JupyterError("zmq: cannot create a socket: \(ZMQSocket.lastError)")
        }
        handle = h
        var linger: Int32 = 0   // closing never waits for unsent messages of a vanished client
        zmq_setsockopt(h, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        guard zmq_bind(h, endpoint) == 0 else {
            let reason = ZMQSocket.lastError
            zmq_close(h)
            handle = nil
            throw JupyterError("zmq: cannot bind \(endpoint): \(reason)")
        }
    }

    deinit { close() }

    /// Closes the socket (again is harmless).
    public func close() {
        if let h = handle { zmq_close(h) }
        handle = nil
    }

    static var lastError: String { String(cString: zmq_strerror(zmq_errno())) }

    /// Waits up to `milliseconds` (-1: forever) for a message; false on timeout or a signal.
    public func poll(milliseconds: Int) -> Bool {
        guard let h = handle else { return false }
        var item = zmq_pollitem_t(socket: h, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        return zmq_poll(&item, 1, milliseconds) > 0 && item.revents & Int16(ZMQ_POLLIN) != 0
    }

    /// Receives every frame of the next message; nil when interrupted by a signal or closed.
    public func receive() -> [Data]? {
        guard let h = handle else { return nil }
        var frames: [Data] = []
        while true {
            var msg = zmq_msg_t()
            zmq_msg_init(&msg)
            defer { zmq_msg_close(&msg) }
            let n = zmq_msg_recv(&msg, h, 0)
            if n < 0 {
                if zmq_errno() == EINTR && !frames.isEmpty { continue }
                return nil
            }
            frames.append(Data(bytes: zmq_msg_data(&msg), count: zmq_msg_size(&msg)))
            if zmq_msg_more(&msg) == 0 { return frames }
        }
    }

    /// Sends `frames` as one multipart message; false when it could not be sent.
    @discardableResult
    public func send(_ frames: [Data]) -> Bool {
        guard let h = handle else { return false }
        for (i, frame) in frames.enumerated() {
            let flags = i < frames.count - 1 ? Int32(ZMQ_SNDMORE) : 0
            var rc: Int32 = -1
            repeat {
                rc = frame.withUnsafeBytes { zmq_send(h, $0.baseAddress, $0.count, flags) }
            } while rc < 0 && zmq_errno() == EINTR
            if rc < 0 { return false }
        }
        return true
    }
}
