import Foundation
import JupyterProtocol
import MRSBuiltins
import MRSLanguage
import NDArray

/// The mrs kernel for Jupyter: one session whose variables live as long as the kernel, served
/// over the five sockets of the messaging protocol. Shell requests run on the calling thread (the
/// large-stack command thread); control (interrupt, shutdown) and the heartbeat have threads of
/// their own, so a running cell can be stopped. Protocol problems are logged, never fatal.
public final class JupyterKernel {
    let info: ConnectionInfo
    let signer: MessageSigner
    let context: ZMQContext
    let shell: ZMQSocket, control: ZMQSocket, iopub: ZMQSocket, stdin: ZMQSocket, heartbeat: ZMQSocket
    /// The session (the same `run` entry as the REPL and batch runs) and a REPL on it for shell
    /// commands, completion and help.
    let session: Session
    let repl: REPL
    /// This kernel's session id in message headers.
    let sessionID = UUID().uuidString.lowercased()
    /// Cells run so far with store_history (In[n]).
    var executionCount = 0
    /// The request being answered: output and pictures are addressed to it.
    var parent: JupyterMessage?
    /// iopub is written by the shell thread and the control thread.
    private let iopubLock = NSLock()
    /// Set by a shutdown request (on either thread); the loops end and `run` returns.
    private let stateLock = NSLock()
    private var stopping = false
    var isStopping: Bool {
        get { stateLock.lock(); defer { stateLock.unlock() }; return stopping }
        set { stateLock.lock(); stopping = newValue; stateLock.unlock() }
    }
    /// Where protocol problems are logged (standard error, which Jupyter shows in its log).
    var log: (String) -> Void = { FileHandle.standardError.write(Data("mrs kernel: \($0)\n".utf8)) }

    /// Binds the sockets named by `info`.
    public init(info: ConnectionInfo) throws {
        self.info = info
        signer = MessageSigner(key: info.key)
        context = try ZMQContext()
        shell = try ZMQSocket(context, .router, bind: info.endpoint(info.shellPort))
        control = try ZMQSocket(context, .router, bind: info.endpoint(info.controlPort))
        iopub = try ZMQSocket(context, .pub, bind: info.endpoint(info.iopubPort))
        stdin = try ZMQSocket(context, .router, bind: info.endpoint(info.stdinPort))
        heartbeat = try ZMQSocket(context, .rep, bind: info.endpoint(info.hbPort))
        session = Session(color: false)
        session.interp.setGlobal("ARGS", .list([]))
        repl = REPL(session: session, source: ScriptedLineSource([]))
        repl.output = { [unowned self] text in self.stream("stdout", text) }
        repl.errorOutput = { [unowned self] text in self.stream("stderr", text) }
        repl.displayWidth = { 100 }
        session.interp.output = { [unowned self] text in self.stream("stdout", text) }
        PictureObserver.install(on: session.interp) { [unowned self] path in self.displayPicture(path) }
    }

    /// Serves requests until a shutdown request; returns the exit status (files still being
    /// written are then closed by the command, as after a script).
    public func run() -> Int32 {
        // Ctrl-C semantics for Jupyter's interrupt (SIGINT): stop the cell, never the kernel.
        signal(SIGINT) { _ in Interrupt.request() }
        startThread(name: "heartbeat") { [heartbeat] in
            while true {
                guard let frames = heartbeat.receive() else { continue }
                heartbeat.send(frames)
            }
        }
        startThread(name: "control") { [unowned self] in
            while !self.isStopping { self.serve(self.control) }
        }
        publish("status", ["execution_state": "starting"])
        while !isStopping { serve(shell) }
        // Let ZeroMQ's I/O thread deliver the last replies before the process ends.
        Thread.sleep(forTimeInterval: 0.2)
        return ExitCode.success.rawValue
    }

    private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        let t = Thread(block: body)
        t.name = "mrs-kernel-\(name)"
        t.start()
    }

    /// Receives and answers one request on `socket` (waiting up to half a second).
    func serve(_ socket: ZMQSocket) {
        guard socket.poll(milliseconds: 500), let frames = socket.receive() else { return }
        let request: JupyterMessage
        do {
            request = try JupyterMessage(frames: frames, signer: signer)
        } catch {
            log("ignored a message: \(error)")
            return
        }
        handle(request, on: socket)
    }

    /// Sends a reply to `request` on `socket`.
    func reply(_ request: JupyterMessage, on socket: ZMQSocket, _ type: String, _ content: [String: Any]) {
        let message = JupyterMessage(type: type, session: sessionID, content: content, parent: request)
        if !socket.send(message.frames(signer: signer)) { log("could not send \(type) (the client may have gone)") }
    }

    /// Publishes on iopub, addressed to `parent` (or the current request).
    func publish(_ type: String, _ content: [String: Any], parent: JupyterMessage? = nil) {
        var message = JupyterMessage(type: type, session: sessionID, content: content, parent: parent ?? self.parent)
        message.identities = [Data(type.utf8)]   // the topic subscribers may filter on
        iopubLock.lock()
        defer { iopubLock.unlock() }
        iopub.send(message.frames(signer: signer))
    }

    /// Text the cell printed, as a stream message.
    func stream(_ name: String, _ text: String) {
        guard !text.isEmpty else { return }
        publish("stream", ["name": name, "text": text])
    }

    /// A picture snapshot/plot/scatter wrote, as display_data with the PNG.
    func displayPicture(_ path: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            log("cannot read the picture \(path)")
            return
        }
        publish("display_data", ["data": ["image/png": data.base64EncodedString(), "text/plain": path],
                                 "metadata": [:], "transient": [:]])
    }
}
