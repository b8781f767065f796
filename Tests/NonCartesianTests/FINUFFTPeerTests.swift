import Foundation
import XCTest
import NDArray
import NonCartesian
import PeerTestSupport

/// mrs's NUFFT next to FINUFFT (PyPI `finufft`) on identical points: FINUFFT's x_j = 2πk_j/N
/// (radians), type 2 with isign −1 is `forward`, type 1 with isign +1 is `adjoint`, modes ordered
/// from −N/2 (modeord 0) like mrs's centred pixels, and unscaled like `orthonormal: false`.
final class FINUFFTPeerTests: XCTestCase {
    private static let script = """
    import sys, numpy as np, finufft
    d = sys.argv[1]; shape = [int(v) for v in sys.argv[2].split(',')]; m = int(sys.argv[3]); tol = float(sys.argv[4])
    D = len(shape)
    traj = np.fromfile(d + '/traj.bin', dtype=np.float64).reshape(m, D)
    img = np.fromfile(d + '/image.bin', dtype=np.complex128).reshape(shape[::-1]).T.copy()
    c = np.fromfile(d + '/samples.bin', dtype=np.complex128)
    pts = [2 * np.pi * traj[:, q] / shape[q] for q in range(D)]
    if D == 2:
        y = finufft.nufft2d2(pts[0], pts[1], img, isign=-1, eps=tol)
        x = finufft.nufft2d1(pts[0], pts[1], c, tuple(shape), isign=1, eps=tol)
    else:
        y = finufft.nufft3d2(pts[0], pts[1], pts[2], img, isign=-1, eps=tol)
        x = finufft.nufft3d1(pts[0], pts[1], pts[2], c, tuple(shape), isign=1, eps=tol)
    y.astype(np.complex128).tofile(d + '/y.bin')
    x.ravel(order='F').astype(np.complex128).tofile(d + '/x.bin')
    """

    private func write(_ a: NDArray, _ url: URL) throws {
        let values = a.toArray(Complex128.self)
        try values.withUnsafeBufferPointer { try Data(buffer: $0).write(to: url) }
    }

    private func read(_ url: URL) throws -> [Complex128] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Complex128.self)) }
    }

    private func compare(shape: [Int], points: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let probe = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import finufft"])
        if probe.status != 0 { throw XCTSkip("FINUFFT is not installed (pip install finufft)") }
        let dir = try makeTemporaryDirectory(self, "nufft-finufft")
        let traj = try DirectNUDFT.randomTrajectory(shape: shape, count: points, seed: 21)
        let image = try DirectNUDFT.random(shape, dtype: .complex128, seed: 22)
        let samples = try DirectNUDFT.random([points], dtype: .complex128, seed: 23)
        let coords = traj.toArray(Double.self)
        try coords.withUnsafeBufferPointer { try Data(buffer: $0).write(to: dir.appendingPathComponent("traj.bin")) }
        try write(image, dir.appendingPathComponent("image.bin"))
        try write(samples, dir.appendingPathComponent("samples.bin"))
        try runPython(FINUFFTPeerTests.script, [dir.path, shape.map(String.init).joined(separator: ","), "\(points)", "1e-12"],
                      needs: "python3 with numpy and finufft (pip install finufft)", file: file, line: line)
        let yPeer = try read(dir.appendingPathComponent("y.bin")), xPeer = try read(dir.appendingPathComponent("x.bin"))
        for (dtype, tol, bound) in [(DType.complex64, 1e-4, 5e-4), (.complex64, 1e-6, 2e-5), (.complex128, 1e-10, 5e-10)] {
            let plan = try NUFFTPlan(shape: shape, trajectory: traj, options: NUFFTOptions(tolerance: tol, orthonormal: false), dtype: dtype)
            let y = try plan.forward(image).toArray(Complex128.self)
            let x = try plan.adjoint(samples).toArray(Complex128.self)
            let ey = DirectNUDFT.relativeError(y, yPeer), ex = DirectNUDFT.relativeError(x, xPeer)
            print("finufft \(Shape.text(shape)) \(points) points, mrs \(dtype) tol \(tol): type 2 rel. diff \(ey), type 1 rel. diff \(ex)")
            XCTAssertLessThan(ey, bound, file: file, line: line)
            XCTAssertLessThan(ex, bound, file: file, line: line)
        }
    }

    func testTwoDimensionalAgainstFINUFFT() throws { try compare(shape: [32, 24], points: 1000) }

    func testThreeDimensionalAgainstFINUFFT() throws { try compare(shape: [12, 10, 8], points: 1000) }
}
