import Foundation
import PeerTestSupport
import XCTest

/// A short, fixed-seed run of the mutation fuzzer over the parser and the array, image and ISMRMRD
/// readers and the ISMRMRD XML header: every mutated input must give a value or an error, never a crash (fuzz/README.md).
final class FuzzTests: XCTestCase {
    func testMutatedInputsNeverCrashTheParserOrTheReaders() throws {
        let fuzzer = TestSupport.mrs.deletingLastPathComponent().appendingPathComponent("mrs-fuzz")
        guard FileManager.default.isExecutableFile(atPath: fuzzer.path) else {
            return XCTFail("mrs-fuzz is not built next to mrs (swift build --build-tests builds it)")
        }
        let root = packageRoot.path
        let runs: [(String, [String])] = [
            ("parse", [root + "/Tests/golden", root + "/lessons"]),
            ("npy", [root + "/fuzz/corpus/npy"]),
            ("npz", [root + "/fuzz/corpus/npz"]),
            ("cfl", [root + "/fuzz/corpus/cfl"]),
            ("png", [root + "/fuzz/corpus/png"]),
            ("ismrmrd", [root + "/fuzz/corpus/ismrmrd"]),
            ("xml", [root + "/fuzz/corpus/xml"]),
        ]
        for (target, corpus) in runs {
            let keep = try makeTemporaryDirectory(self, "fuzz-\(target)").path
            let r = try runProcess(fuzzer, [target, "1000", "20261207"] + corpus + ["--keep", keep])
            XCTAssertEqual(r.status, 0, "\(target) crashed (status \(r.status)); the input is \(keep)/current\n\(r.stderr.suffix(2000))")
            XCTAssertTrue(r.stdout.contains("\(target): 1000 inputs"), r.stdout)
        }
    }
}
