import ArrayFormats
import Foundation
import Fourier
import NDArray
import PeerTestSupport
import XCTest

/// Image-space measures and k-space manipulations shared by the GRAPPA tests.
enum Helpers {
    /// RSS magnitude image of k-space [RO, E1, E2, CHA] (inverse centred FFT over RO, E1, E2),
    /// keeping the central `roFraction` of the readout (1/2 removes 2× readout oversampling).
    static func rss(_ k: NDArray, roFraction: Double = 1) throws -> [Double] {
        let img = try ifft(k, axes: [0, 1, 2]).contiguous()
        let s = img.shape, ro = s[0], pix = s[0] * s[1] * s[2], c = s[3]
        let keep = Int(Double(ro) * roFraction), start = (ro - keep) / 2
        let v = img.toArray(Complex64.self)
        var out: [Double] = []
        out.reserveCapacity(keep * s[1] * s[2])
        for line in 0..<(s[1] * s[2]) {
            for r in start..<(start + keep) {
                var a = 0.0
                for ch in 0..<c { a += Double(v[r + ro * line + pix * ch].lengthSquared) }
                out.append(a.squareRoot())
            }
        }
        return out
    }

    /// ‖x − y‖ / ‖y‖.
    static func nrmse(_ x: [Double], _ y: [Double]) -> Double {
        var e = 0.0, n = 0.0
        for i in x.indices { e += (x[i] - y[i]) * (x[i] - y[i]); n += y[i] * y[i] }
        return (e / n).squareRoot()
    }

    /// A copy of k-space [RO, E1, E2, CHA] with every line (e1, e2) where `keep` is false zeroed.
    static func undersample(_ full: NDArray, keep: (Int, Int) -> Bool) throws -> NDArray {
        var out = try full.astype(.complex64).contiguous().copy()
        let s = out.shape, ro = s[0], e1 = s[1], e2 = s[2], cs = ro * e1 * e2
        let p = out.basePointer(as: Complex64.self)
        for j in 0..<e2 { for i in 0..<e1 where !keep(i, j) { for c in 0..<s[3] { (p + (ro * (i + e1 * j) + c * cs)).update(repeating: .zero, count: ro) } } }
        out = try out.reshaped(s)
        return out
    }

    /// k-space [RO, E1, 1, CHA] extended periodically by `ro` points and `e1` lines on each side.
    static func wrapPad(_ k: NDArray, ro pr: Int, e1 pe: Int) throws -> NDArray {
        let s = k.shape, v = k.toArray(Complex64.self)
        let nr = s[0] + 2 * pr, n1 = s[1] + 2 * pe
        var out = [Complex64](repeating: .zero, count: nr * n1 * s[3])
        for c in 0..<s[3] { for i in 0..<n1 { for r in 0..<nr {
            let sr = ((r - pr) % s[0] + s[0]) % s[0], si = ((i - pe) % s[1] + s[1]) % s[1]
            out[r + nr * (i + n1 * c)] = v[sr + s[0] * (si + s[1] * c)]
        } } }
        return try NDArray(out, shape: [nr, n1, 1, s[3]])
    }

    /// The inverse of `wrapPad`: the central [RO, E1] of padded k-space.
    static func crop(_ k: NDArray, ro pr: Int, e1 pe: Int) throws -> NDArray {
        let s = k.shape
        return try k.get([.slice(start: pr, stop: s[0] - pr, step: nil), .slice(start: pe, stop: s[1] - pe, step: nil), .all, .all]).copy()
    }

    /// Lines [lo, hi) along E1 of k-space [RO, E1, E2, CHA].
    static func lines(_ k: NDArray, _ lo: Int, _ hi: Int) throws -> NDArray {
        try k.get([.all, .slice(start: lo, stop: hi, step: nil), .all, .all]).copy()
    }

    /// The Shepp-Logan test file of the issue (`-m 256 -c 8 -a 2 -w 32 -n 0 -r 2`), read with
    /// h5py: repetition 0 as acquired [512, 256, 1, 8] and the union of repetitions 0 and 1.
    static func sheppLogan(_ test: XCTestCase) throws -> (rep0: NDArray, full: NDArray) {
        let dir = try makeTemporaryDirectory(test, "mrs-grappa")
        let h5 = dir.appendingPathComponent("sl.h5").path
        try generateSheppLogan(h5, ["-m", "256", "-c", "8", "-a", "2", "-w", "32", "-n", "0", "-r", "2"])
        let script = """
        import sys, h5py, numpy as np
        f = h5py.File(sys.argv[1], "r"); d = f["dataset/data"]
        h = d["head"]; ro = int(h["number_of_samples"][0]); nc = int(h["active_channels"][0])
        e1 = h["idx"]["kspace_encode_step_1"]; rep = h["idx"]["repetition"]
        n1 = int(e1.max()) + 1
        k0 = np.zeros((ro, n1, 1, nc), np.complex64); full = np.zeros_like(k0)
        for i in range(len(d)):
            x = d["data"][i].view(np.complex64).reshape(nc, ro).T
            full[:, e1[i], 0, :] = x
            if rep[i] == 0: k0[:, e1[i], 0, :] = x
        np.save(sys.argv[2], np.asfortranarray(k0)); np.save(sys.argv[3], np.asfortranarray(full))
        """
        let a = dir.appendingPathComponent("rep0.npy").path, b = dir.appendingPathComponent("full.npy").path
        try runPython(script, [h5, a, b], needs: "python3 with numpy and h5py (pip install numpy h5py)")
        return (try NPY.read(a), try NPY.read(b))
    }

    /// Runs PyGrappa's `mdgrappa` on 2-D k-space [RO, E1, 1, CHA] with calibration `calib` and
    /// `kernelSize` (grid window, (kx, ky)); skips the test when pygrappa is not installed.
    static func mdgrappa(_ test: XCTestCase, _ data: NDArray, calib: NDArray, kernelSize: [Int]) throws -> NDArray {
        let probe = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import pygrappa"])
        if probe.status != 0 { throw XCTSkip("pygrappa is not installed (pip install pygrappa scikit-image tqdm)") }
        let dir = try makeTemporaryDirectory(test, "mrs-pygrappa")
        let a = dir.appendingPathComponent("k.npy").path, b = dir.appendingPathComponent("c.npy").path, o = dir.appendingPathComponent("o.npy").path
        try NPY.write(data, to: a)
        try NPY.write(calib, to: b)
        let script = """
        import sys, numpy as np
        from pygrappa import mdgrappa
        k = np.load(sys.argv[1])[:, :, 0, :]; c = np.load(sys.argv[2])[:, :, 0, :]
        r = mdgrappa(k, c, kernel_size=(\(kernelSize[0]), \(kernelSize[1])), coil_axis=-1, lamda=0.01)
        np.save(sys.argv[3], np.asfortranarray(r[:, :, None, :].astype(np.complex64)))
        """
        try runPython(script, [a, b, o], needs: "python3 with pygrappa (pip install pygrappa scikit-image tqdm)")
        return try NPY.read(o)
    }
}
