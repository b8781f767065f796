import ArrayFormats
import Foundation
import Graphics
import ISMRMRD
import MRSBuiltins
import MRSLanguage
import MRSShell
import NDArray

// A seeded mutation fuzzer for mrs's parser, evaluator and file readers (see fuzz/README.md).
//
//     mrs-fuzz TARGET ITERATIONS SEED CORPUS... [--keep DIR] [--from N] [--replay]
//
// TARGET is parse, eval, npy, npz, cfl, png, ismrmrd or xml (ISMRMRD XML headers through libxml2). Each iteration takes a corpus input, mutates it
// (bit flips, byte changes to interesting values, insertions, deletions, duplicated and swapped
// chunks, truncation; for eval also boundary numbers, swapped names and operators, repeated lines),
// and hands it to the target. Errors are the expected outcome; what this looks for is a crash (a
// Swift trap, a signal) or a hang. The input about to run is written to DIR/current (its number to DIR/current-index) first, so after
// a crash it is there to become a regression test. --from N skips (but still generates) the first
// N inputs, to carry on past a crash with the same seed; --replay runs each corpus file once, as it
// is (a reproducer under the eval target's sandbox and budget).

/// SplitMix64: reproducible from the seed, independent of the platform's random source.
struct Mutator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    /// Values that sit on boundaries of the formats' size fields.
    static let interesting: [[UInt8]] = [[0], [0xFF], [0x7F], [0x80], [0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0x80],
                                         [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [1, 0, 0, 0, 0, 0, 0, 0x40]]

    /// One to four mutations of `input`.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + below(4)) {
            if b.isEmpty { b = [UInt8(truncatingIfNeeded: next())]; continue }
            let i = below(b.count)
            switch below(8) {
            case 0: b[i] ^= UInt8(1 << below(8))
            case 1: b[i] = UInt8(truncatingIfNeeded: next())
            case 2:
                let v = Mutator.interesting[below(Mutator.interesting.count)]
                for (k, x) in v.enumerated() where i + k < b.count { b[i + k] = x }
            case 3: b.insert(UInt8(truncatingIfNeeded: next()), at: i)
            case 4: b.removeSubrange(i..<min(b.count, i + 1 + below(16)))
            case 5:
                let n = min(b.count - i, 1 + below(64))
                b.insert(contentsOf: b[i..<(i + n)], at: below(b.count))
            case 6: b.removeSubrange(below(b.count)..<b.count)
            default:
                let j = below(b.count), n = min(b.count - max(i, j), 1 + below(16))
                for k in 0..<n { b.swapAt(i + k, j + k) }
            }
        }
        return b
    }
}

/// The ISMRMRD schema the xml target validates against, when this machine has one.
let xmlSchema = try? ISMRMRDValidator.schemaPath()

/// Runs one input through a target; thrown errors are fine, anything else is a finding.
func exercise(_ target: String, _ bytes: [UInt8], in dir: String) {
    let path = dir + "/input." + (target == "parse" ? "mrs" : target == "ismrmrd" ? "h5" : target)
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    switch target {
    case "parse":
        _ = SyntaxCheck.error(in: String(decoding: bytes, as: UTF8.self), name: "fuzz")
    case "npy":
        _ = try? NPY.read(path)
    case "npz":
        _ = try? NPZ.read(path)
        _ = try? NPZ.read(bytes: bytes, label: "input.npz")  // libzip's memory source
    case "cfl":
        // The mutated bytes are the header; the data file is a fixed, valid size for it or not.
        FileManager.default.createFile(atPath: dir + "/input.hdr", contents: Data(bytes))
        FileManager.default.createFile(atPath: dir + "/input.cfl", contents: Data(count: 320))
        _ = try? CFL.read(dir + "/input.cfl")
    case "png":
        _ = try? PNGImage.read(from: path)
    case "ismrmrd":
        guard let f = try? ISMRMRDFile(path: path) else { return }
        _ = try? f.header()
        _ = try? f.headers()
        if let n = try? f.count { for i in 0..<min(n, 64) { _ = try? f.acquisition(at: i) } }
        _ = try? f.contents()
        _ = try? f.array("phantom")
    case "xml":
        // The header text through libxml2: parse, convert, write, validate against the schema.
        let text = String(decoding: bytes, as: UTF8.self)
        guard let header = try? ISMRMRDHeader.parse(text), let written = try? ISMRMRDHeader.xml(header) else { return }
        if let schema = xmlSchema { _ = try? ISMRMRDValidator.validate(xml: written, schemaPath: schema) }
    default:
        FileHandle.standardError.write("mrs-fuzz: unknown target \(target)\n".data(using: .utf8)!)
        exit(2)
    }
}

var args = Array(CommandLine.arguments.dropFirst())
var keep: String? = nil
if let k = args.firstIndex(of: "--keep"), k + 1 < args.count {
    keep = args[k + 1]
    args.removeSubrange(k...(k + 1))
}
// --replay: run each corpus input once as it is (a reproducer, under the eval sandbox and budget).
let replay = args.contains("--replay")
args.removeAll { $0 == "--replay" }
var first = 0
if let k = args.firstIndex(of: "--from"), k + 1 < args.count, let n = Int(args[k + 1]) {
    first = n
    args.removeSubrange(k...(k + 1))
}
guard args.count >= 4, let iterations = Int(args[1]), let seed = UInt64(args[2]) else {
    print("usage: mrs-fuzz parse|eval|npy|npz|cfl|png|ismrmrd|xml ITERATIONS SEED CORPUS_FILE_OR_DIR... [--keep DIR] [--from N] [--replay]")
    exit(2)
}
let target = args[0]
var corpus: [[UInt8]] = []
for item in args.dropFirst(3) {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: item, isDirectory: &isDir) else { continue }
    let files = isDir.boolValue
        ? (FileManager.default.enumerator(atPath: item)?.compactMap { $0 as? String }.sorted().map { item + "/" + $0 } ?? [])
        : [item]
    for f in files {
        let wanted = target == "parse" || target == "eval" ? ".mrs" : target == "ismrmrd" ? ".h5" : target == "cfl" ? ".hdr" : "." + target
        if f.hasSuffix(wanted), let d = FileManager.default.contents(atPath: f) { corpus.append([UInt8](d)) }
    }
}
guard !corpus.isEmpty else {
    print("mrs-fuzz: no \(target) inputs in the corpus")
    exit(2)
}
// Small limits so a mutated size cannot take the machine's memory, and quiet errors.
MemoryLimit.bytes = 256 << 20
let dir = keep ?? NSTemporaryDirectory() + "mrs-fuzz-\(getpid())"
try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
/// Every input in turn.
@Sendable func fuzzAll() {
    var mutator = Mutator(state: seed)
    // The eval target's names to swap in: every built-in and constant, and the corpus's own names.
    let scriptMutator = ScriptMutator(names: target != "eval" ? [] : Array(Set(Builtins.makeRegistry().allNames
        + corpus.flatMap { ScriptMutator.tokens(String(decoding: $0, as: UTF8.self)) }.filter { $0.first?.isLetter == true })).sorted())
    let count = replay ? corpus.count : iterations
    for i in 0..<count {
        let source = replay ? corpus[i] : corpus[mutator.below(corpus.count)]
        let input = replay ? source : target == "eval" ? scriptMutator.mutate(source, &mutator) : mutator.mutate(source)
        if i < first { continue }
        // Kept before running: after a crash this file is the reproducer.
        _ = FileManager.default.createFile(atPath: dir + "/current", contents: Data(input))
        // Its number, for carrying on past it (--from).
        _ = FileManager.default.createFile(atPath: dir + "/current-index", contents: Data("\(i)\n".utf8))
        if target == "eval" { EvalTarget.run(input, reproducer: dir + "/current") } else { exercise(target, input, in: dir) }
        if (i + 1) % 1000 == 0 { print("\(target): \(i + 1) inputs") }
    }
    if keep == nil { try? FileManager.default.removeItem(atPath: dir) }
    print("\(target): \(count) inputs from \(corpus.count) seeds, seed \(seed): no crash")
}
// The interpreter recurses on the native stack; like mrs itself (Sources/mrs/main.swift) the inputs
// run on a thread with its large stack (`InterpreterThread`), so deep but bounded nesting is the
// error mrs gives, not a crash of the fuzzer's smaller main-thread stack.
InterpreterThread.start {
    fuzzAll()
    exit(0)
}
while true { sleep(1000) }
