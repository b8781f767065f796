import Foundation
import PeerTestSupport
import XCTest

/// `mrs kernel` driven by the real Jupyter client (jupyter/kernel_client.py: jupyter_client,
/// nbclient), as JupyterLab or nbconvert would drive it.
final class JupyterKernelTests: XCTestCase {
    private func client(_ args: [String]) throws {
        let script = packageRoot.appendingPathComponent("Tests/MRSShellTests/jupyter/kernel_client.py")
        let mrs = TestSupport.mrs
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, mrs.path] + args)
        XCTAssertEqual(result.status, 0, "kernel scenario failed (needs python3 with jupyter_client, nbclient, pillow):\n\(result.stdout)\(result.stderr)")
    }

    /// Cells, display_data PNGs, completion, inspection, errors with their line, is_complete,
    /// interrupt keeping variables, protocol errors survived, restart and shutdown.
    func testTheKernelUnderJupyterClient() throws { try client(["kernel"]) }

    /// Lesson 1 converted to a notebook runs top to bottom under nbclient, pictures included.
    func testAConvertedLessonRunsUnderNbclient() throws {
        let dir = try makeKeptTemporaryDirectory("mrs-notebook-lesson")
        defer { try? FileManager.default.removeItem(at: dir) }
        let datasets = dir.appendingPathComponent("datasets")
        try FileManager.default.createDirectory(at: datasets, withIntermediateDirectories: true)
        let made = try TestSupport.mrs([packageRoot.appendingPathComponent("datasets/epi_r1.mrs").path, datasets.appendingPathComponent("epi_r1.h5").path])
        XCTAssertEqual(made.status, 0, made.stderr)
        let notebook = dir.appendingPathComponent("lesson1.ipynb").path
        let converted = try TestSupport.mrs(["notebook", packageRoot.appendingPathComponent("lessons/01_first_readouts.mrs").path, "-o", notebook])
        XCTAssertEqual(converted.status, 0, converted.stderr)
        try client(["lesson", notebook, dir.path])
    }
}
