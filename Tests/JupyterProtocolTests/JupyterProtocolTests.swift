import Foundation
import JupyterProtocol
import XCTest

/// Signatures against RFC 4231's HMAC-SHA256 vectors, and messages through their wire frames.
final class JupyterProtocolTests: XCTestCase {
    func testHMACSHA256MatchesRFC4231() {
        // RFC 4231 test case 2.
        XCTAssertEqual(MessageSigner(key: "Jefe").signature([Data("what do ya want ".utf8), Data("for nothing?".utf8)]),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(MessageSigner(key: "").signature([Data("x".utf8)]), "")
    }

    func testMessagesSurviveTheirFramesAndBadSignaturesAreRefused() throws {
        let signer = MessageSigner(key: "secret")
        var request = JupyterMessage(type: "execute_request", session: "s", content: ["code": "1 + 1"])
        request.identities = [Data("client".utf8)]
        let reply = JupyterMessage(type: "execute_reply", session: "k", content: ["status": "ok"], parent: request)
        let frames = reply.frames(signer: signer)
        XCTAssertEqual(frames.first, Data("client".utf8), "a reply is routed to the request's sender")
        let back = try JupyterMessage(frames: frames, signer: signer)
        XCTAssertEqual(back.type, "execute_reply")
        XCTAssertEqual(back.parentHeader["msg_id"] as? String, request.header["msg_id"] as? String)
        XCTAssertEqual(back.content["status"] as? String, "ok")
        XCTAssertThrowsError(try JupyterMessage(frames: frames, signer: MessageSigner(key: "other")))
        XCTAssertThrowsError(try JupyterMessage(frames: [Data("junk".utf8)], signer: signer))
    }

    func testConnectionFilesAreRead() throws {
        let path = NSTemporaryDirectory() + "mrs-connection-\(getpid()).json"
        try Data(#"{"transport": "tcp", "ip": "127.0.0.1", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "key": "k", "signature_scheme": "hmac-sha256"}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let info = try ConnectionInfo.read(from: path)
        XCTAssertEqual(info.endpoint(info.controlPort), "tcp://127.0.0.1:4")
        XCTAssertThrowsError(try ConnectionInfo.read(from: path + ".missing"))
    }
}
