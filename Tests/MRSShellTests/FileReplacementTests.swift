import Foundation
import PeerTestSupport
import XCTest

/// Writers never lose the user's file: a file open in another mrs can be replaced, and a write
/// that fails (a full disk, simulated with a file-size limit) or is killed leaves the old file
/// exactly as it was.
final class FileReplacementTests: XCTestCase {
    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    func strays(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".mrs-") }
    }

    /// Runs mrs under /bin/sh with a file-size limit of 64 KiB; `ignoreSignal` makes the kernel
    /// refuse the write (EFBIG) instead of killing the process (SIGXFSZ).
    func mrsWithFileSizeLimit(_ code: String, ignoreSignal: Bool) throws -> ProcessResult {
        let trap = ignoreSignal ? "trap '' XFSZ; " : ""
        return try runProcess(URL(fileURLWithPath: "/bin/sh"),
                              ["-c", "\(trap)ulimit -f 128; exec \"$0\" -e \"$1\"", TestSupport.mrs.path, code])
    }

    func testAFileOpenInAnotherProcessIsReplacedNotDestroyed() throws {
        let dir = try makeTemporaryDirectory(self, "replace")
        let path = dir.appendingPathComponent("x.h5").path
        let go = dir.appendingPathComponent("go").path
        try generateSheppLogan(path, ["-m", "32", "-c", "4", "-r", "2"])
        // The reader opens the file, waits for the writer, then reads an acquisition again.
        let reader = Process()
        reader.executableURL = TestSupport.mrs
        reader.arguments = ["-e", """
            f = ismrmrd(ARGS[0])
            before = sum(abs(f[5].data))
            print("open", len(f))
            while not exists(ARGS[1])
              sleep(0.02)
            end
            print("after", before == sum(abs(f[5].data)))
            """, path, go]
        let out = Pipe()
        reader.standardOutput = out
        try reader.run()
        let firstLine = out.fileHandleForReading.availableData
        XCTAssertTrue(String(decoding: firstLine, as: UTF8.self).hasPrefix("open 64"), String(decoding: firstLine, as: UTF8.self))

        let writer = try TestSupport.mrs(["-e", """
            old = ismrmrd(ARGS[0])
            w = ismrmrd_create(ARGS[0], old.header)
            ismrmrd_write(w, old[0])
            ismrmrd_close(w)
            print(len(ismrmrd(ARGS[0])))
            """, path])
        FileManager.default.createFile(atPath: go, contents: nil)
        reader.waitUntilExit()
        let rest = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(writer.status, 0, writer.stderr)
        XCTAssertEqual(writer.stdout, "1\n", "the new file holds what was written")
        XCTAssertEqual(reader.terminationStatus, 0)
        XCTAssertEqual(rest, "after true\n", "the open dataset keeps reading its own (old) file")
        XCTAssertEqual(try strays(dir), [])
    }

    func testAFailedSaveLeavesTheOldFile() throws {
        let dir = try makeTemporaryDirectory(self, "replace")
        for name in ["a.npy", "a.npz", "a.cfl", "a.png", "a.h5", "a.nii.gz", "a.txt"] {
            let path = dir.appendingPathComponent(name).path
            let small: String
            let big: String
            switch name {
            case "a.png":
                small = "snapshot(ones([8, 8]), ARGS[0])"
                big = "snapshot(randn([2000, 2000]), ARGS[0])"
            case "a.h5":
                small = "w = ismrmrd_create(ARGS[0], {encoding: []}); ismrmrd_write_array(w, \"x\", ones([4])); ismrmrd_close(w)"
                big = "w = ismrmrd_create(ARGS[0], {encoding: []}); ismrmrd_write_array(w, \"x\", randn([400000])); ismrmrd_close(w)"
            case "a.nii.gz":
                small = "save(ones([4, 4, 2]), ARGS[0], affine=eye(4))"
                big = "save(randn([100, 100, 40]), ARGS[0], affine=eye(4))"
            case "a.txt":
                small = "write_text(ARGS[0], \"old\")"
                big = "write_text(ARGS[0], join(map(i -> \"0123456789abcdef\", range(20000)), \"\"))"
            default:
                small = "save(ones([4]), ARGS[0])"
                big = "save(randn([400000]), ARGS[0])"
            }
            let made = try TestSupport.mrs(["-e", small, path])
            XCTAssertEqual(made.status, 0, "\(name): \(made.stderr)")
            let before = try XCTUnwrap(bytes(path), name)
            let companion = name == "a.cfl" ? bytes(dir.appendingPathComponent("a.hdr").path) : nil

            let refused = try mrsWithFileSizeLimit(big.replacingOccurrences(of: "ARGS[0]", with: "\"\(path)\""), ignoreSignal: true)
            XCTAssertEqual(refused.status, 1, "\(name): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains("File too large") || refused.stderr.contains("too large"), "\(name): \(refused.stderr)")
            XCTAssertEqual(bytes(path), before, "\(name): a refused write leaves the old file byte for byte")
            if name == "a.cfl" { XCTAssertEqual(bytes(dir.appendingPathComponent("a.hdr").path), companion) }
            XCTAssertEqual(try strays(dir), [], "\(name): the temporary file is removed")

            let killed = try mrsWithFileSizeLimit(big.replacingOccurrences(of: "ARGS[0]", with: "\"\(path)\""), ignoreSignal: false)
            XCTAssertNotEqual(killed.status, 0, name)
            XCTAssertEqual(bytes(path), before, "\(name): a process killed while writing leaves the old file byte for byte")
            for stray in try strays(dir) { try FileManager.default.removeItem(atPath: dir.appendingPathComponent(stray).path) }
        }
    }

    func testAScriptThatFailsKeepsTheOldFileAndOneThatSucceedsWritesIt() throws {
        let dir = try makeTemporaryDirectory(self, "replace")
        let path = dir.appendingPathComponent("out.h5").path
        let first = try TestSupport.mrs(["-e", "w = ismrmrd_create(ARGS[0], {encoding: []})\nismrmrd_write_array(w, \"x\", ones([3]))", path])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try TestSupport.mrs(["-e", "len(ismrmrd(ARGS[0])[\"x\"])", path]).stdout, "3\n",
                       "a writer left open is closed when the script ends well")
        let before = try XCTUnwrap(bytes(path))
        let failed = try TestSupport.mrs(["-e", "w = ismrmrd_create(ARGS[0], {encoding: []})\nismrmrd_write_array(w, \"x\", ones([5]))\nundefined_name", path])
        XCTAssertEqual(failed.status, 1)
        XCTAssertEqual(bytes(path), before, "a script that stops on an error does not replace the file")
        XCTAssertEqual(try strays(dir), [], "and leaves no temporary file")
    }
}
