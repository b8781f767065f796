import BatchJobs
import Foundation
import PeerTestSupport
import XCTest

/// `mrs batch` on this machine: tasks in their own processes, one failing, a resume, a rerun of
/// the failures, a parameter table, a memory-limit kill; the summary agrees with the tasks' own
/// records and logs.
final class BatchCommandTests: XCTestCase {
    /// A script that fails for the input "bad" unless a file named "fixed" exists, allocates
    /// 320 MB for "hog", and reports the input's length.
    static let script = """
        x = ARGS[0]
        print("input", x)
        if x == "bad" and not exists("fixed")
          error("this input is bad")
        end
        if x == "hog"
          big = ones([40, 1024, 1024], float64)
          print(sum(big))
        end
        report(n=len(x), name=x, half=len(x) / 4)

        """

    static func csv(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    func testFailureResumeAndRerunOfFailures() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-batch")
        try Self.script.write(to: dir.appendingPathComponent("s.mrs"), atomically: true, encoding: .utf8)
        let inputs = ["a", "bb", "bad", "dddd"]
        let first = try TestSupport.mrs(["batch", "s.mrs"] + inputs + ["-j", "2", "-o", "out"], cwd: dir)
        XCTAssertEqual(first.status, 1, "one task failed: \(first.stderr)")
        XCTAssertTrue(first.stdout.contains("3 done, 1 failed"), first.stdout)
        let out = dir.appendingPathComponent("out").path
        let layout = BatchLayout(out)
        var rows = try Self.csv(layout.summaryCSVPath)
        XCTAssertEqual(rows.map { $0["state"] }, ["done", "done", "failed", "done"])
        XCTAssertEqual(rows.map { $0["n"] }, ["1", "2", "", "4"])
        XCTAssertEqual(rows.map { $0["exit"] }, ["0", "0", "1", "0"])
        // The summary's numbers are the tasks' own: their records and their logs.
        for (k, row) in rows.enumerated() {
            let record = try XCTUnwrap(TaskRecord.load(layout.recordPath(k)))
            XCTAssertEqual(row["wall_s"], String(format: "%.2f", record.wallSeconds))
            XCTAssertEqual(row["peak_mib"], String(format: "%.1f", Double(record.peakMemoryKiB) / 1024))
            XCTAssertGreaterThan(record.peakMemoryKiB, 1024, "peak memory comes from wait4")
            let log = try String(contentsOfFile: layout.logPath(k), encoding: .utf8)
            XCTAssertTrue(log.hasPrefix("input \(inputs[k])\n"), log)
        }
        XCTAssertTrue(try String(contentsOfFile: layout.logPath(2), encoding: .utf8).contains("error: this input is bad"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: layout.summaryJSONPath))) as? [[String: Any]]
        XCTAssertEqual(json?.compactMap { $0["half"] as? Double }, [0.25, 0.5, 1])

        // A resume finds every task finished and runs none.
        let before = try (0..<4).map { try Data(contentsOf: URL(fileURLWithPath: layout.recordPath($0))) }
        let again = try TestSupport.mrs(["batch", "s.mrs"] + inputs + ["-o", "out"], cwd: dir)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("4 of 4 tasks already finished"), again.stderr)
        XCTAssertEqual(try (0..<4).map { try Data(contentsOf: URL(fileURLWithPath: layout.recordPath($0))) }, before)

        // A resume after losing a record (a task stopped half-way) runs only that task.
        try FileManager.default.removeItem(atPath: layout.recordPath(1))
        let resumed = try TestSupport.mrs(["batch", "s.mrs"] + inputs + ["-o", "out"], cwd: dir)
        XCTAssertTrue(resumed.stderr.contains("3 of 4 tasks already finished"), resumed.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: layout.recordPath(0))), before[0])

        // --rerun-failed runs the failed task alone; with its cause fixed, everything passes.
        try "".write(to: dir.appendingPathComponent("fixed"), atomically: true, encoding: .utf8)
        let rerun = try TestSupport.mrs(["batch", "--rerun-failed", "out"], cwd: dir)
        XCTAssertEqual(rerun.status, 0, rerun.stderr + rerun.stdout)
        XCTAssertTrue(rerun.stderr.contains("rerunning 1 failed task of 4"), rerun.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: layout.recordPath(3))), before[3])
        rows = try Self.csv(layout.summaryCSVPath)
        XCTAssertEqual(rows.map { $0["state"] }, ["done", "done", "done", "done"])
        XCTAssertEqual(rows[2]["n"], "3")

        // Another batch in the same folder is refused.
        let other = try TestSupport.mrs(["batch", "s.mrs", "x", "-o", "out"], cwd: dir)
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.stderr.contains("holds another batch"), other.stderr)
    }

    func testMemoryLimitKillIsOutOfMemory() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-batch")
        try Self.script.write(to: dir.appendingPathComponent("s.mrs"), atomically: true, encoding: .utf8)
        let r = try TestSupport.mrs(["batch", "s.mrs", "a", "hog", "-o", "out", "--mem", "150M"], cwd: dir)
        XCTAssertEqual(r.status, 1)
        let layout = BatchLayout(dir.appendingPathComponent("out").path)
        let record = try XCTUnwrap(TaskRecord.load(layout.recordPath(1)))
        XCTAssertEqual(record.state, .outOfMemory)
        XCTAssertEqual(record.signal, SIGKILL)
        XCTAssertTrue(record.reason.contains("exceeded the memory limit of 150 MiB"), record.reason)
        XCTAssertGreaterThan(record.peakMemoryKiB, 150 * 1024)
        XCTAssertEqual(try Self.csv(layout.summaryCSVPath).map { $0["state"] }, ["done", "out of memory"])
        // Rerun alone with a larger limit.
        let rerun = try TestSupport.mrs(["batch", "--rerun-failed", "out", "--mem", "2G"], cwd: dir)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(TaskRecord.load(layout.recordPath(1))?.values.first?.value, .int(3))
    }

    func testCtrlCStopsTheTasksAndAResumeRunsTheRest() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-batch")
        try "if ARGS[0] == \"slow\" and not exists(\"fixed\")\n  while true\n  end\nend\nreport(x=ARGS[0])\n"
            .write(to: dir.appendingPathComponent("w.mrs"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = TestSupport.mrs
        p.arguments = ["batch", "w.mrs", "a", "slow", "-j", "2", "-o", "out"]
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let layout = BatchLayout(dir.appendingPathComponent("out").path)
        let deadline = Date().addingTimeInterval(20)
        while TaskRecord.load(layout.recordPath(0)) == nil && Date() < deadline { usleep(20_000) }
        usleep(200_000)
        p.interrupt()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130)
        XCTAssertEqual(TaskRecord.load(layout.recordPath(0))?.state, .done)
        XCTAssertNil(TaskRecord.load(layout.recordPath(1)), "a stopped task has no record")
        XCTAssertEqual(try Self.csv(layout.summaryCSVPath).map { $0["state"] }, ["done", "pending"])
        try "".write(to: dir.appendingPathComponent("fixed"), atomically: true, encoding: .utf8)
        let resumed = try TestSupport.mrs(["batch", "w.mrs", "a", "slow", "-o", "out"], cwd: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("1 of 2 tasks already finished"), resumed.stderr)
    }

    func testParameterTableRows() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-batch")
        try "report(k2=PARAMS.k * 2, args=ARGS[1], kind=PARAMS.kind)\n".write(to: dir.appendingPathComponent("g.mrs"), atomically: true, encoding: .utf8)
        try "k,lam,kind\n3,0.5,x\n5,0.25,y\n".write(to: dir.appendingPathComponent("grid.csv"), atomically: true, encoding: .utf8)
        let r = try TestSupport.mrs(["batch", "g.mrs", "--params", "grid.csv"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try Self.csv(dir.appendingPathComponent("batch-g/summary.csv").path)
        XCTAssertEqual(rows.map { $0["input"] }, ["k=3 lam=0.5 kind=x", "k=5 lam=0.25 kind=y"])
        XCTAssertEqual(rows.map { $0["k2"] }, ["6", "10"])
        XCTAssertEqual(rows.map { $0["args"] }, ["lam=0.5", "lam=0.25"])
        XCTAssertEqual(rows.map { $0["kind"] }, ["x", "y"])
    }

    func testUsageErrors() throws {
        XCTAssertEqual(try TestSupport.mrs(["batch"]).status, 2)
        XCTAssertEqual(try TestSupport.mrs(["batch", "x.mrs", "a", "-j", "0"]).status, 2)
        XCTAssertEqual(try TestSupport.mrs(["batch", "x.mrs", "a", "--mem", "lots"]).status, 2)
        // Time limits that are not finite or beyond a year are usage errors, not a trap later.
        for limit in ["1e300s", "infs", "nans", "99999999:00:00"] {
            XCTAssertEqual(try TestSupport.mrs(["batch", "x.mrs", "a", "--time", limit, "--slurm"]).status, 2, limit)
        }
        XCTAssertEqual(try TestSupport.mrs(["batch", "--status", "/nonexistent"]).status, 1)
        XCTAssertEqual(try TestSupport.mrs(["-e", "report(x=1, y=\"a\")"]).stdout, "report: x=1 y=a\n")
    }
}

/// docs/batch.md's grid search runs as documented: two rows of its table on the workshop data.
final class BatchGridExampleTests: XCTestCase {
    func testGrappaGridReportsNRMSEPerRow() throws {
        let work = try LessonTests.prepareWorkdir()
        let out = try makeTemporaryDirectory(self, "mrs-grid")
        let table = out.appendingPathComponent("grid.csv")
        try "kernel_ro,kernel_e1,lambda\n3,2,0.1\n5,4,0.01\n".write(to: table, atomically: true, encoding: .utf8)
        let r = try TestSupport.mrs(["batch", packageRoot.appendingPathComponent("docs/batch/grappa_grid.mrs").path,
                                     "--params", table.path, "-o", out.appendingPathComponent("grid").path], cwd: work)
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        let rows = try BatchCommandTests.csv(out.appendingPathComponent("grid/summary.csv").path)
        let errors = rows.compactMap { $0["nrmse"].flatMap(Double.init) }
        XCTAssertEqual(errors.count, 2)
        // Both reconstructions are close to the truth (lesson 3 measures about 0.016), and the
        // default kernel beats the small one with heavy regularisation.
        for e in errors { XCTAssertLessThan(e, 0.05) }
        XCTAssertLessThan(errors[1], errors[0])
        // Alone, with the same arguments, the script reports the same value.
        let alone = try TestSupport.mrs([packageRoot.appendingPathComponent("docs/batch/grappa_grid.mrs").path,
                                         "kernel_ro=5", "kernel_e1=4", "lambda=0.01"], cwd: work)
        XCTAssertEqual(alone.stdout, "report: nrmse=\(rows[1]["nrmse"] ?? "")\n", alone.stderr)
    }
}
