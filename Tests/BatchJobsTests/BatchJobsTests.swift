import BatchJobs
import Foundation
import XCTest

/// Parameter tables, array specifications, the summary table and SLURM state mapping.
final class BatchJobsTests: XCTestCase {
    func testCSVTableKeepsColumnOrderAndTypes() throws {
        let rows = try ParameterTable.csv("kernel,lambda,name\n3,0.01,\"a,b\"\n5,1e-3,plain\n")
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].map(\.name), ["kernel", "lambda", "name"])
        XCTAssertEqual(rows[0].map(\.value), [.int(3), .real(0.01), .string("a,b")])
        XCTAssertEqual(rows[1][1].value, .real(0.001))
        XCTAssertThrowsError(try ParameterTable.csv("a,b\n1\n")) { e in
            XCTAssertTrue("\(e)".contains("row 1 has 1 cells, the header has 2"), "\(e)")
        }
        XCTAssertThrowsError(try ParameterTable.csv("1x\n2\n"))
    }

    func testJSONTableKeepsKeyOrder() throws {
        let rows = try ParameterTable.json(#"[{"size": 5, "lam": 0.5, "flag": true}, {"size": 7, "lam": 2.5, "flag": false}]"#)
        XCTAssertEqual(rows[1].map(\.name), ["size", "lam", "flag"])
        XCTAssertEqual(rows[1].map(\.value), [.int(7), .real(2.5), .bool(false)])
        XCTAssertEqual(BatchPlan.tasks(rows: rows)[0].arguments, ["size=5", "lam=0.5", "flag=true"])
        XCTAssertThrowsError(try ParameterTable.json(#"{"size": 5}"#))
    }

    func testArraySpecCompressesRangesAndThrottles() {
        XCTAssertEqual(SlurmArray.arraySpec([0, 1, 2, 3], throttle: 2), "0-3%2")
        XCTAssertEqual(SlurmArray.arraySpec([5, 0, 2, 3, 9], throttle: nil), "0,2-3,5,9")
    }

    func testSummaryTableFromRecords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("batchjobs-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = BatchLayout(dir.path)
        try layout.create()
        let plan = BatchPlan(script: "/x.mrs", workingDirectory: "/", tasks: BatchPlan.tasks(inputs: ["a.h5", "b,c.h5", "d.h5"]))
        try TaskRecord(task: 0, input: "a.h5", state: .done, exitStatus: 0, signal: nil, wallSeconds: 1.25, peakMemoryKiB: 2048,
                       values: [ReportedValue("nrmse", .real(0.125)), ReportedValue("k", .int(5))], reason: "").save(to: layout.recordPath(0))
        try TaskRecord(task: 1, input: "b,c.h5", state: .outOfMemory, exitStatus: nil, signal: SIGKILL, wallSeconds: 0.5, peakMemoryKiB: 1024,
                       values: [], reason: "exceeded").save(to: layout.recordPath(1))
        let s = BatchSummary(plan: plan, layout: layout)
        XCTAssertEqual(s.rows.map(\.state), [.done, .outOfMemory, .pending])
        XCTAssertFalse(s.allDone)
        XCTAssertEqual(s.csv(), """
            task,input,state,exit,wall_s,peak_mib,nrmse,k
            0,a.h5,done,0,1.25,2.0,0.125,5
            1,"b,c.h5",out of memory,SIGKILL,0.50,1.0,,
            2,d.h5,pending,,,,,

            """)
        let json = try JSONSerialization.jsonObject(with: Data(s.json().utf8)) as? [[String: Any]]
        XCTAssertEqual(json?[0]["nrmse"] as? Double, 0.125)
        XCTAssertEqual(json?[1]["exit"] as? String, "SIGKILL")
        XCTAssertTrue(s.text().hasSuffix("1 done, 1 pending, 1 out of memory\n") || s.text().contains("1 done"), s.text())
    }
}
