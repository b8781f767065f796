import Foundation
import PeerTestSupport
import XCTest

/// The shipped mask-study batch script runs on the workshop data and writes one CSV row per run.
final class MaskStudyTests: XCTestCase {
    func testQuickStudyWritesOneRowPerRun() throws {
        let w = try LessonTests.prepareWorkdir()
        let script = packageRoot.appendingPathComponent("docs/examples/mask_study.mrs").path
        let csv = w.appendingPathComponent("study.csv")
        try? FileManager.default.removeItem(at: csv)
        let r = try TestSupport.mrs([script, csv.path, "datasets/cart_r2_embedded.h5", "quick"], cwd: w)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "mask,acceleration,seed,nrmse,psnr,ssim,seconds")
        let rows = lines.dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.map { $0[0] }, ["uniform", "random", "poisson", "caipi"])
        for row in rows {
            XCTAssertEqual(row.count, 7)
            let acceleration = Double(row[1]) ?? 0, nrmse = Double(row[3]) ?? 1, ssim = Double(row[5]) ?? 0
            XCTAssertGreaterThan(acceleration, 1.5, row[0])
            // SPIRiT at R ≈ 3 on this 64 × 64 slice: below 0.15 for every mask (random lines are hardest).
            XCTAssertLessThan(nrmse, 0.15, row[0])
            XCTAssertGreaterThan(ssim, 0.9, row[0])
        }
    }
}
