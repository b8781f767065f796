import Foundation
import JupyterProtocol
import MRSBuiltins
import MRSLanguage
import NDArray

extension JupyterKernel {
    /// Answers one request; unknown types are logged and, for requests, answered with an error.
    func handle(_ request: JupyterMessage, on socket: ZMQSocket) {
        let type = request.type
        let onShell = socket === shell
        if onShell { parent = request }
        publish("status", ["execution_state": "busy"], parent: request)
        defer { publish("status", ["execution_state": "idle"], parent: request) }
        let c = request.content
        switch type {
        case "kernel_info_request":
            reply(request, on: socket, "kernel_info_reply", kernelInfo)
        case "execute_request":
            execute(request, on: socket)
        case "complete_request":
            reply(request, on: socket, "complete_reply", complete(c["code"] as? String ?? "", cursor: c["cursor_pos"] as? Int))
        case "inspect_request":
            reply(request, on: socket, "inspect_reply", inspect(c["code"] as? String ?? "", cursor: c["cursor_pos"] as? Int))
        case "is_complete_request":
            reply(request, on: socket, "is_complete_reply", isComplete(c["code"] as? String ?? ""))
        case "history_request":
            reply(request, on: socket, "history_reply", ["status": "ok", "history": []])
        case "comm_info_request":
            reply(request, on: socket, "comm_info_reply", ["status": "ok", "comms": [:]])
        case "interrupt_request":
            Interrupt.request()
            reply(request, on: socket, "interrupt_reply", ["status": "ok"])
        case "shutdown_request":
            let restart = c["restart"] as? Bool ?? false
            reply(request, on: socket, "shutdown_reply", ["status": "ok", "restart": restart])
            publish("shutdown_reply", ["status": "ok", "restart": restart], parent: request)
            // A restart is a new process started by the client: the kernel holds nothing beyond
            // the session's variables. A cell still running (shutdown came on control) stops.
            isStopping = true
            Interrupt.request()
        default:
            log("ignored a message of unknown type '\(type)'")
            if type.hasSuffix("_request") {
                reply(request, on: socket, type.replacingOccurrences(of: "_request", with: "_reply"),
                      ["status": "error", "ename": "UnknownMessageType", "evalue": "mrs does not handle \(type)", "traceback": []])
            }
        }
    }

    /// kernel_info_reply's content.
    var kernelInfo: [String: Any] {
        ["status": "ok", "protocol_version": JupyterMessage.protocolVersion, "implementation": "mrs",
         "implementation_version": MRSVersion.string,
         "language_info": ["name": "mrs", "version": MRSVersion.string, "mimetype": "text/x-mrs", "file_extension": ".mrs",
                           "pygments_lexer": "text", "codemirror_mode": "text/plain"] as [String: Any],
         "banner": InteractiveShell.banner(color: false), "help_links": []]
    }

    /// Runs a cell: shell commands (help, whos, :time …) as in the REPL, code through the
    /// session; output streams as it comes, pictures as display_data, the final value as
    /// execute_result, an error as mrs prints it.
    func execute(_ request: JupyterMessage, on socket: ZMQSocket) {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        if !silent && (request.content["store_history"] as? Bool ?? true) { executionCount += 1 }
        let n = executionCount
        if !silent { publish("execute_input", ["code": code, "execution_count": n]) }
        var content: [String: Any] = ["status": "ok", "execution_count": n, "user_expressions": [:], "payload": []]
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.contains("\n"), let command = REPLCommand.parse(trimmed, isVariable: { self.session.interp.global($0) != nil }) {
            repl.execute(command)
        } else if !trimmed.isEmpty {
            switch session.run(code, name: "In[\(n)]") {
            case .success(let outcome):
                if let value = outcome.value, !value.isNone {
                    session.interp.setGlobal("ans", value)
                    if outcome.display && !silent {
                        publish("execute_result", ["execution_count": n, "metadata": [:],
                                                   "data": ["text/plain": Display.show(value, width: 100)]])
                    }
                }
            case .failure(let e):
                let error: [String: Any] = ["ename": e.kind == .interrupted ? "Interrupted" : "\(e.kind.rawValue) error",
                                            "evalue": e.message,
                                            "traceback": session.render(e).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)]
                publish("error", error)
                content.merge(error) { $1 }
                content["status"] = "error"
            }
        }
        reply(request, on: socket, "execute_reply", content)
    }

    /// complete_reply: the REPL's completion of the text before the cursor.
    func complete(_ code: String, cursor: Int?) -> [String: Any] {
        let scalars = Array(code.unicodeScalars)
        let pos = min(max(0, cursor ?? scalars.count), scalars.count)
        var before = String.UnicodeScalarView()
        before.append(contentsOf: scalars[..<pos])
        let c = repl.complete(String(before))
        return ["status": "ok", "matches": c.candidates, "cursor_start": pos - c.replacing, "cursor_end": pos, "metadata": [:]]
    }

    /// inspect_reply: `help` for the name at the cursor.
    func inspect(_ code: String, cursor: Int?) -> [String: Any] {
        let scalars = Array(code.unicodeScalars)
        let pos = min(max(0, cursor ?? scalars.count), scalars.count)
        func isName(_ s: Unicode.Scalar) -> Bool { s == "_" || CharacterSet.alphanumerics.contains(s) }
        var start = pos, end = pos
        while start > 0 && isName(scalars[start - 1]) { start -= 1 }
        while end < scalars.count && isName(scalars[end]) { end += 1 }
        var word = String.UnicodeScalarView()
        word.append(contentsOf: scalars[start..<end])
        let name = String(word)
        guard !name.isEmpty else { return ["status": "ok", "found": false, "data": [:], "metadata": [:]] }
        let found = Help.entry(name, session.interp.registry) != nil || session.interp.global(name) != nil
        return ["status": "ok", "found": found, "data": ["text/plain": repl.helpText(for: name)], "metadata": [:]]
    }

    /// is_complete_reply: "incomplete" while a block, bracket or string is open.
    func isComplete(_ code: String) -> [String: Any] {
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.contains("\n"), REPLCommand.parse(trimmed, isVariable: { self.session.interp.global($0) != nil }) != nil {
            return ["status": "complete"]   // help, whos, :time … are whole lines
        }
        guard let e = SyntaxCheck.error(in: code, name: "In[\(executionCount + 1)]") else { return ["status": "complete"] }
        return e.isIncompleteInput ? ["status": "incomplete", "indent": "  "] : ["status": "invalid"]
    }
}
