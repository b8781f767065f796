import Gadgets
import ISMRMRD
import NDArray
import XCTest

/// A numbered message for testing the chain's plumbing.
final class Token: GadgetPayload {
    let value: Int
    init(_ value: Int) { self.value = value }
    var summary: String { "token \(value)" }
}

func tokens(_ messages: [GadgetMessage]) -> [Int] {
    messages.compactMap { if case .other(let p) = $0, let t = p as? Token { return t.value } else { return nil } }
}

/// Passes every token on twice, the second time × 10.
final class Doubler: Gadget {
    let className = "Doubler"
    func process(_ m: GadgetMessage, _ out: GadgetOutput) throws {
        try out.put(m)
        if case .other(let p) = m, let t = p as? Token { try out.put(.other(Token(t.value * 10))) }
    }
}

/// Holds every message back and passes them on, in reverse order, at the end of the stream;
/// counts what it saw and records the header it was configured with.
final class Holder: Gadget {
    let className = "Holder"
    var held: [GadgetMessage] = []
    var configuredWith: HeaderValue?
    func configure(_ context: GadgetContext) throws { configuredWith = context.header }
    func process(_ m: GadgetMessage, _ out: GadgetOutput) throws { held.append(m) }
    func close(_ out: GadgetOutput) throws { for m in held.reversed() { try out.put(m) } }
}

/// Fails on its `failAt`-th message.
final class Failing: Gadget {
    let className = "Failing"
    let failAt: Int
    var seen = 0
    init(failAt: Int) { self.failAt = failAt }
    func process(_ m: GadgetMessage, _ out: GadgetOutput) throws {
        seen += 1
        if seen == failAt { throw ArrayError("Failing", "message \(seen) is bad") }
        try out.put(m)
    }
}

final class ChainTests: XCTestCase {
    func stage(_ name: String, _ g: Gadget) -> GadgetChain.Stage { GadgetChain.Stage(name: name, gadget: g) }

    /// Messages go through depth first in order; a gadget's flushed messages still pass through the
    /// gadgets after it; counts and taps say what passed where.
    func testOrderCountsTapsAndFlushAtTheEnd() throws {
        let holder = Holder()
        let chain = GadgetChain([stage("double", Doubler()), stage("hold", holder), stage("double again", Doubler())])
        let header = HeaderValue.record([HeaderValue.Field("name", .string("test"))])
        let result = try chain.run(header: header, messages: [1, 2, 3].map { .other(Token($0)) }, taps: [1, 2, 3])
        XCTAssertEqual(tokens(result.output), [30, 300, 3, 30, 20, 200, 2, 20, 10, 100, 1, 10])
        XCTAssertEqual(tokens(result.taps[1] ?? []), [1, 10, 2, 20, 3, 30], "what left the first gadget")
        XCTAssertEqual(tokens(result.taps[2] ?? []), [30, 3, 20, 2, 10, 1], "what the holder flushed")
        XCTAssertEqual(tokens(result.taps[3] ?? []), tokens(result.output))
        XCTAssertEqual(result.statistics.map(\.received), [3, 6, 6])
        XCTAssertEqual(result.statistics.map(\.sent), [6, 6, 12])
        XCTAssertEqual(result.statistics.map(\.name), ["double", "hold", "double again"])
        XCTAssertTrue(result.statistics.allSatisfy { $0.seconds >= 0 })
        XCTAssertEqual(result.inputCount, 3)
        XCTAssertEqual(holder.configuredWith, header)
    }

    /// A failing gadget is named with the number of the message it failed on; a failure further
    /// down is not blamed on the gadget that passed the message on.
    func testErrorsNameTheGadgetAndTheMessage() {
        let chain = GadgetChain([stage("first", Doubler()), stage("bad one", Failing(failAt: 4))])
        XCTAssertThrowsError(try chain.run(header: .record([]), messages: [1, 2, 3].map { .other(Token($0)) })) { e in
            guard let g = e as? GadgetError else { return XCTFail("\(e)") }
            XCTAssertEqual(g.gadget, "bad one")
            XCTAssertEqual(g.className, "Failing")
            XCTAssertEqual(g.message, 4)
            XCTAssertTrue("\(g)".contains("gadget 'bad one' (Failing) at message 4: Failing: message 4 is bad"), "\(g)")
        }
    }
}
