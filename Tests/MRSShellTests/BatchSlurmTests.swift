import BatchJobs
import Foundation
import PeerTestSupport
import XCTest

/// `mrs batch --slurm` for real, on a single-node SLURM cluster this test starts on the machine
/// (Tests/MRSShellTests/slurm/cluster.sh: munged, slurmctld and slurmd with a generated
/// slurm.conf, stopped at the end): an array completes, `--status` gathers the same table as the
/// local run, and a task killed for exceeding its memory limit is reported as out of memory and
/// resubmitted alone.
final class BatchSlurmTests: XCTestCase {
    func testJobArrayMatchesLocalRunAndRerunsTheOutOfMemoryTask() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-slurm")
        let cluster = dir.appendingPathComponent("cluster").path
        let helper = packageRoot.appendingPathComponent("Tests/MRSShellTests/slurm/cluster.sh").path
        let port = 20000 + Int(getpid() % 5000) * 2
        let started = try Self.bash([helper, "start", cluster, String(port)], log: dir.appendingPathComponent("start.out").path)
        defer { _ = try? Self.bash([helper, "stop", cluster], log: dir.appendingPathComponent("stop.out").path) }
        if started.status == 3 { throw XCTSkip(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(started.status, 0, started.stdout)
        let env = ["SLURM_CONF": cluster + "/slurm.conf"]

        try BatchCommandTests.script.write(to: dir.appendingPathComponent("s.mrs"), atomically: true, encoding: .utf8)
        let inputs = ["a", "bb", "hog", "dddd"]
        let local = try TestSupport.mrs(["batch", "s.mrs"] + inputs + ["-o", "local", "--mem", "150M"], cwd: dir)
        XCTAssertEqual(local.status, 1, local.stderr)

        let submit = try TestSupport.mrs(["batch", "s.mrs"] + inputs + ["-o", "array", "--mem", "150M", "--submit", "--throttle", "2"],
                                         cwd: dir, env: env)
        XCTAssertEqual(submit.status, 0, submit.stderr)
        let job = submit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(job.isEmpty || !job.allSatisfy(\.isNumber), "sbatch's job id: \(submit.stdout)")
        let script = try String(contentsOfFile: dir.appendingPathComponent("array/batch.sbatch").path, encoding: .utf8)
        XCTAssertTrue(script.contains("#SBATCH --array=0-3%2\n"), script)
        XCTAssertTrue(script.contains("#SBATCH --mem=214M\n"), script)

        let first = try waitForArray(dir, env)
        XCTAssertEqual(try comparable(dir, "array"), try comparable(dir, "local"), "the array's table equals the local run's")
        XCTAssertEqual(first.map { $0["state"] }, ["done", "done", "out of memory", "done"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("array/logs/slurm-\(job)_2.out").path),
                      "SLURM wrote per-task output files")

        let rerun = try TestSupport.mrs(["batch", "--rerun-failed", "array", "--mem", "1G"], cwd: dir, env: env)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stderr.contains("1 array task"), rerun.stderr)
        let submissions = SlurmArray(layout: BatchLayout(dir.appendingPathComponent("array").path), plan: try BatchPlan.load(from: BatchLayout(dir.appendingPathComponent("array").path)), executable: "").submissions()
        XCTAssertEqual(submissions.map(\.tasks), [[0, 1, 2, 3], [2]], "only the out-of-memory task was resubmitted")
        let second = try waitForArray(dir, env)
        XCTAssertEqual(second.map { $0["state"] }, ["done", "done", "done", "done"])
        XCTAssertEqual(second[2]["n"], "3")
    }

    /// Runs a bash script to completion with posix_spawn and waitpid, output in `log`. (Foundation's
    /// Process can miss the exit of a script that leaves daemons behind and wait forever.)
    static func bash(_ args: [String], log: String) throws -> (status: Int32, stdout: String) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = (["/bin/bash"] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, environ)
        guard rc == 0 else { throw NSError(domain: "posix_spawn", code: Int(rc)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let out = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return ((status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F), out)
    }

    /// Polls `mrs batch --status` until no task is pending or running (at most 45 s).
    func waitForArray(_ dir: URL, _ env: [String: String]) throws -> [[String: String]] {
        let deadline = Date().addingTimeInterval(45)
        while Date() < deadline {
            let s = try TestSupport.mrs(["batch", "--status", "array"], cwd: dir, env: env)
            if !s.stdout.contains("pending") && !s.stdout.contains("running") {
                return try BatchCommandTests.csv(dir.appendingPathComponent("array/summary.csv").path)
            }
            usleep(300_000)
        }
        XCTFail("the array did not finish within 45 s")
        return try BatchCommandTests.csv(dir.appendingPathComponent("array/summary.csv").path)
    }

    /// The summary without the columns that differ between runs (wall time, peak memory).
    func comparable(_ dir: URL, _ name: String) throws -> [[String: String]] {
        try BatchCommandTests.csv(dir.appendingPathComponent("\(name)/summary.csv").path).map {
            $0.filter { $0.key != "wall_s" && $0.key != "peak_mib" }
        }
    }
}
