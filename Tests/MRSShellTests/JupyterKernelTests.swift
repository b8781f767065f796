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
}
