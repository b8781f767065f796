import Foundation
import ISMRMRD
import NDArray

/// Messages counted and time spent in one gadget of a run (GPI's per-node timing).
public struct GadgetStatistics: Sendable {
    /// The gadget's name in the chain.
    public var name: String
    /// The gadget's class.
    public var className: String
    /// Messages it received.
    public var received = 0
    /// Messages it passed on.
    public var sent = 0
    /// Seconds spent in the gadget itself (configure, process, close), not in the gadgets after it.
    public var seconds = 0.0
}

/// What one run of a chain produced.
public struct ChainResult {
    /// The messages the last gadget passed on, in order.
    public var output: [GadgetMessage] = []
    /// One entry per gadget, in chain order.
    public var statistics: [GadgetStatistics] = []
    /// The messages kept at each tapped position (position k: what entered gadget k; the chain's
    /// length: what left the last gadget).
    public var taps: [Int: [GadgetMessage]] = [:]
    /// Notes the gadgets left while configuring (ignored properties and the like).
    public var notes: [String] = []
    /// Messages fed into the chain.
    public var inputCount = 0
}

/// A chain of gadgets: messages go in at the first, each gadget's output goes straight on to the
/// next (depth first, in order, as Gadgetron's stream does), and at the end of the stream the
/// gadgets are closed front to back so each one's flushed messages still pass through the rest.
public final class GadgetChain {
    /// One gadget with its name in the chain.
    public struct Stage {
        /// The instance name (Gadgetron's `<name>`).
        public var name: String
        /// The gadget.
        public var gadget: Gadget

        /// A named stage.
        public init(name: String, gadget: Gadget) {
            self.name = name
            self.gadget = gadget
        }
    }

    /// The gadgets in order.
    public let stages: [Stage]

    /// A chain of the given stages.
    public init(_ stages: [Stage]) { self.stages = stages }

    private final class RunState {
        var result = ChainResult()
        var received: [Int]
        var downstream: [Double]
        var total: [Double]
        let taps: Set<Int>
        init(count: Int, taps: Set<Int>) {
            received = Array(repeating: 0, count: count)
            downstream = Array(repeating: 0, count: count)
            total = Array(repeating: 0, count: count)
            self.taps = taps
        }
    }

    private static func now() -> Double { ProcessInfo.processInfo.systemUptime }

    /// Runs the chain over the messages `next` yields (nil ends the stream), keeping the messages
    /// at the positions in `taps`.
    public func run(header: HeaderValue, taps: Set<Int> = [], next: () throws -> GadgetMessage?) throws -> ChainResult {
        let state = RunState(count: stages.count, taps: taps)
        state.result.statistics = stages.map { GadgetStatistics(name: $0.name, className: $0.gadget.className) }
        let context = GadgetContext(header: header)
        for (k, stage) in stages.enumerated() {
            let start = GadgetChain.now()
            do {
                try stage.gadget.configure(context)
            } catch {
                throw wrap(error, stage: k, message: 0)
            }
            state.total[k] += GadgetChain.now() - start
        }
        state.result.notes = context.notes
        while let m = try next() {
            state.result.inputCount += 1
            if state.result.inputCount & 63 == 0 { try Interrupt.check() }
            try deliver(m, to: 0, state)
        }
        for k in stages.indices {
            let out = output(of: k, state)
            let start = GadgetChain.now()
            let before = state.downstream[k]
            do {
                try stages[k].gadget.close(out)
            } catch {
                throw wrap(error, stage: k, message: -1)
            }
            state.total[k] += GadgetChain.now() - start - (state.downstream[k] - before)
        }
        for k in stages.indices { state.result.statistics[k].seconds = state.total[k] }
        return state.result
    }

    /// Runs the chain over a list of messages.
    public func run(header: HeaderValue, messages: [GadgetMessage], taps: Set<Int> = []) throws -> ChainResult {
        var it = messages.makeIterator()
        return try run(header: header, taps: taps) { it.next() }
    }

    private func wrap(_ error: Error, stage k: Int, message: Int) -> Error {
        if error is GadgetError { return error }
        if error is InterruptedError { return error }
        return GadgetError(gadget: stages[k].name, className: stages[k].gadget.className, message: message, cause: error)
    }

    private func output(of k: Int, _ state: RunState) -> GadgetOutput {
        GadgetOutput { [unowned self] m in
            state.result.statistics[k].sent += 1
            let start = GadgetChain.now()
            defer { state.downstream[k] += GadgetChain.now() - start }
            try self.deliver(m, to: k + 1, state)
        }
    }

    private func deliver(_ m: GadgetMessage, to k: Int, _ state: RunState) throws {
        if state.taps.contains(k) { state.result.taps[k, default: []].append(m) }
        guard k < stages.count else {
            state.result.output.append(m)
            return
        }
        state.received[k] += 1
        state.result.statistics[k].received += 1
        let number = state.received[k]
        let start = GadgetChain.now()
        let before = state.downstream[k]
        do {
            try stages[k].gadget.process(m, output(of: k, state))
        } catch {
            throw wrap(error, stage: k, message: number)
        }
        state.total[k] += GadgetChain.now() - start - (state.downstream[k] - before)
    }
}
