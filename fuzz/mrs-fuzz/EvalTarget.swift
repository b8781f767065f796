import Foundation
import MRSLanguage
import MRSShell
import NDArray

/// The `eval` target: mutated scripts that run. Each input is parsed and evaluated in a fresh
/// session whose built-ins with effects outside the session (writing files, starting programs,
/// network, sleeping: `BuiltinEffects` on their registry entries) are refused, under a wall-time
/// budget enforced the way Ctrl-C is (a watchdog thread raises `Interrupt`). An error is the
/// expected outcome; a trap, a signal or a budget the interpreter does not honour is a finding.
enum EvalTarget {
    /// Seconds each input may run before it is interrupted.
    static let budget = 2.0
    /// Seconds after the interrupt by which the input must have stopped, or it is reported as a hang.
    /// Generous: a built-in may finish a long step (a 256 MiB sort) before it polls the flag.
    static let grace = 30.0
    static let watchdog = Watchdog()

    /// Runs one script in a fresh sandboxed session.
    static func run(_ bytes: [UInt8], reproducer: String) {
        let session = Session()
        session.interp.registry.disable(.all, in: "the fuzzer sandbox")
        session.interp.output = { _ in }
        session.interp.warningOutput = { _ in }
        watchdog.arm(budget: budget, grace: grace, reproducer: reproducer)
        _ = session.run(String(decoding: bytes, as: UTF8.self), name: "fuzz.mrs")
        watchdog.disarm()
    }
}

/// A thread that interrupts the running input when its budget is spent, again every half second
/// (as a user pressing Ctrl-C repeatedly would), and ends the process with status 3 naming the
/// reproducer when the input still runs `grace` seconds later.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var deadline: Double?
    private var grace = 0.0
    private var lastRequest = 0.0
    private var reproducer = ""
    private var thread: Thread?

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Starts the budget of the next input.
    func arm(budget: Double, grace: Double, reproducer: String) {
        lock.lock()
        deadline = Watchdog.now() + budget
        self.grace = grace
        self.reproducer = reproducer
        lastRequest = 0
        if thread == nil {
            let t = Thread { [unowned self] in self.watch() }
            t.name = "mrs-fuzz watchdog"
            t.start()
            thread = t
        }
        lock.unlock()
    }

    /// The input finished (by itself, with an error, or interrupted).
    func disarm() {
        lock.lock()
        deadline = nil
        lock.unlock()
    }

    private func watch() {
        while true {
            usleep(20_000)
            lock.lock()
            let t = Watchdog.now()
            if let d = deadline, t > d {
                if t > d + grace {
                    FileHandle.standardError.write("mrs-fuzz: hang: the input still runs \(Int(grace)) s after its interrupt; the input is \(reproducer)\n".data(using: .utf8)!)
                    exit(3)
                }
                if t - lastRequest > 0.5 {
                    Interrupt.request()
                    lastRequest = t
                }
            }
            lock.unlock()
        }
    }
}

/// Mutations that keep a script mostly well-formed, so that it gets past the parser and runs:
/// numbers become boundary values, names become other names (built-ins included), operators
/// other operators, lines are duplicated or dropped. Byte-level mutations are mixed in.
struct ScriptMutator {
    /// Numbers at the edges of sizes, indices, steps and floating point.
    static let numbers = ["0", "1", "-1", "2", "-2", "3", "7", "-7", "0.5", "-0.0", "255", "256", "65536", "2147483647",
                          "-2147483648", "4294967296", "9223372036854775807", "-9223372036854775807", "4611686018427387904",
                          "1e308", "-1e308", "1e-320", "1e400", "1j", "-1j", "1e9", "1000000", "100000000", "3000000000"]
    static let operators = ["+", "-", "*", "/", "%", "^", "@", "&", "|", "xor", "<<", ">>", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in", "|>", ":"]

    var names: [String]

    /// One to three script-level mutations, or a byte-level one.
    func mutate(_ input: [UInt8], _ r: inout Mutator) -> [UInt8] {
        if r.below(4) == 0 { return r.mutate(input) }
        var tokens = ScriptMutator.tokens(String(decoding: input, as: UTF8.self))
        guard !tokens.isEmpty else { return r.mutate(input) }
        for _ in 0..<(1 + r.below(3)) {
            let i = r.below(tokens.count)
            switch r.below(7) {
            case 0, 1:
                if let j = pick(tokens, from: i, r: &r, where: { $0.first?.isNumber == true }) {
                    tokens[j] = ScriptMutator.numbers[r.below(ScriptMutator.numbers.count)]
                }
            case 2:
                if let j = pick(tokens, from: i, r: &r, where: { $0.first?.isLetter == true || $0.first == "_" }) {
                    tokens[j] = names[r.below(names.count)]
                }
            case 3:
                if let j = pick(tokens, from: i, r: &r, where: { ScriptMutator.operators.contains($0) }) {
                    tokens[j] = ScriptMutator.operators[r.below(ScriptMutator.operators.count)]
                }
            case 4:
                // A line repeated (a statement run twice, a loop body doubled).
                let lines = tokens.joined().split(separator: "\n", omittingEmptySubsequences: false)
                let k = r.below(lines.count)
                let out = Array(lines[..<k]) + [lines[k]] + Array(lines[k...])
                tokens = ScriptMutator.tokens(out.joined(separator: "\n"))
            case 5:
                let lines = tokens.joined().split(separator: "\n", omittingEmptySubsequences: false)
                var out = Array(lines)
                out.remove(at: r.below(out.count))
                tokens = ScriptMutator.tokens(out.joined(separator: "\n"))
            default:
                // A token copied elsewhere (an argument moves to another call).
                tokens.insert(tokens[i], at: r.below(tokens.count))
            }
            if tokens.isEmpty { break }
        }
        return Array(tokens.joined().utf8)
    }

    /// The index of a token satisfying `test`, searching forward from `start` (wrapping).
    private func pick(_ tokens: [String], from start: Int, r: inout Mutator, where test: (String) -> Bool) -> Int? {
        for k in 0..<tokens.count {
            let j = (start + k) % tokens.count
            if test(tokens[j]) { return j }
        }
        return nil
    }

    /// A rough split into names, numbers, strings, operators, spaces and other characters;
    /// joining the pieces gives the text back.
    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            var j = i + 1
            if c.isLetter || c == "_" {
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
            } else if c.isNumber {
                while j < chars.count, chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "j" { j += 1 }
            } else if c == "\"" || c == "'" {
                while j < chars.count, chars[j] != c, chars[j] != "\n" { j += 1 }
                j = min(j + 1, chars.count)
            } else if c == "#" {
                while j < chars.count, chars[j] != "\n" { j += 1 }
            } else if "*/<>=!.".contains(c), j < chars.count, "*/<>=.".contains(chars[j]) {
                j += 1
            }
            out.append(String(chars[i..<j]))
            i = j
        }
        return out
    }
}
