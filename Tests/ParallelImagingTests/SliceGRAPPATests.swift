import Foundation
import Fourier
import NDArray
import ParallelImaging
import XCTest

/// Slice-GRAPPA and split-slice GRAPPA on a small synthetic pair of slices (32 × 32, 8 coils
/// whose profiles differ between the slices, the second object the first mirrored), noise free.
final class SliceGRAPPATests: XCTestCase {
    /// Single-band k-space [32, 32, 8, 2] of two slices.
    func slices() throws -> NDArray {
        let n = 32, coils = 8
        let maps = try Phantom.sensitivities(n, n, 2, coils: coils)                    // [X, Y, 2, CHA]
        let object = try Phantom.object(n, n, 1).reshaped([n, n]).toArray(Complex64.self)
        var mirrored = object
        for y in 0..<n { for x in 0..<n { mirrored[x + n * y] = object[x + n * ((n - y) % n)] } }
        let objects = try NDArray(object + mirrored, shape: [n, n, 2, 1])
        let images = try NDArray.binary(.mul, .array(objects), .array(maps))          // [X, Y, SLC, CHA]
        return try fft(images.permuted([0, 1, 3, 2]).contiguous(), axes: [0, 1])
    }

    /// Zeros every line but those with (line − 16) % R == 0 (and, for calibration, keeps lines lo..<hi only).
    func keep(_ k: NDArray, lines: (Int) -> Bool) throws -> NDArray {
        var out = k.copy()
        let s = out.shape
        out.withUnsafeMutableBufferPointer(as: Complex64.self) { p in
            for i in 0..<p.count where !lines((i / s[0]) % s[1]) { p[i] = .zero }
        }
        return out
    }

    func nrmse(_ a: NDArray, _ b: NDArray) throws -> Double {
        let d = try NDArray.binary(.sub, .array(a), .array(b))
        let e = try d.unary(.abs2).sum().toArray(Double.self)[0], r = try b.unary(.abs2).sum().toArray(Double.self)[0]
        return (e / r).squareRoot()
    }

    /// The collapse is the sum of the bands with band m's line ky multiplied by
    /// e^{2πi·m·(ky − 16)/(shift·R)}, checked on single elements.
    func testCollapseFollowsTheCAIPIRINHAConvention() throws {
        let x = try slices()
        let ref = try keep(x) { $0 >= 8 && $0 < 24 }
        let kernel = try SliceGRAPPAKernel(reference: ref, options: SliceGRAPPAOptions(acceleration: 2))
        let c = try kernel.collapse(x)
        XCTAssertEqual(c.shape, [32, 32, 8])
        for (ro, line, ch) in [(3, 18, 1), (20, 5, 7), (16, 16, 0)] {
            let a = try x.get([.int(ro), .int(line), .int(ch), .int(0)]).toArray(Complex64.self)[0]
            let b = try x.get([.int(ro), .int(line), .int(ch), .int(1)]).toArray(Complex64.self)[0]
            let phi = 2 * Double.pi * Double(line - 16) / 4
            let expected = a + b * Complex64(Float(cos(phi)), Float(sin(phi)))
            let got = try c.get([.int(ro), .int(line), .int(ch)]).toArray(Complex64.self)[0]
            XCTAssertEqual(Double((got - expected).lengthSquared.squareRoot()), 0, accuracy: 1e-4 * Double(expected.lengthSquared.squareRoot()) + 1e-6)
        }
    }

    /// Kernels trained on 16 central single-band lines separate the R = 2 collapsed k-space of the
    /// whole grid: each band matches its slice on the acquired lines within NRMSE 0.15 (split-slice)
    /// and bands come out in order; split-slice leaks less than slice-GRAPPA into the partner.
    func testSeparatesCollapsedSlicesAndSplitSliceLeaksLess() throws {
        let x = try slices()
        let ref = try keep(x) { $0 >= 8 && $0 < 24 }
        let acquired = try keep(x) { ($0 - 16) % 2 == 0 }
        var leaks: [Double] = []
        for split in [false, true] {
            let kernel = try SliceGRAPPAKernel(reference: ref, options: SliceGRAPPAOptions(lambda: 0.001, splitSlice: split, acceleration: 2))
            let collapsed = try keep(try kernel.collapse(x)) { ($0 - 16) % 2 == 0 }
            let separated = try kernel.apply(collapsed)
            for band in 0..<2 {
                let got = try separated.get([.all, .all, .all, .int(band)])
                let own = try nrmse(got, try acquired.get([.all, .all, .all, .int(band)]))
                let other = try nrmse(got, try acquired.get([.all, .all, .all, .int(1 - band)]))
                XCTAssertLessThan(own, split ? 0.15 : 0.3, "split \(split) band \(band)")
                XCTAssertGreaterThan(other, 3 * own, "split \(split) band \(band) is not its partner")
            }
            let l = try kernel.leakage(singleBand: x).toArray(Double.self)          // [M, M] column-major
            XCTAssertEqual(l[0], 1, accuracy: 0.2)
            XCTAssertEqual(l[3], 1, accuracy: 0.2)
            leaks.append(l[1] + l[2])
        }
        XCTAssertLessThan(leaks[1], leaks[0], "split-slice leaks less (\(leaks))")
    }

    /// The g-factor is finite, its median inside the object between 0.8 and 3, reproducible with a seed.
    func testGFactorIsSeeded() throws {
        let x = try slices()
        let kernel = try SliceGRAPPAKernel(reference: try keep(x) { $0 >= 8 && $0 < 24 }, options: SliceGRAPPAOptions(splitSlice: true, acceleration: 2))
        let a = try kernel.gFactor(replicas: 4, seed: 7), b = try kernel.gFactor(replicas: 4, seed: 7)
        XCTAssertEqual(a.shape, [32, 32, 2])
        XCTAssertEqual(try a.toArray(Float.self), try b.toArray(Float.self))
        let inside = try a.toArray(Float.self).filter { $0 > 0 }
        XCTAssertFalse(inside.isEmpty)
        let sorted = inside.sorted(), median = sorted[sorted.count / 2]
        XCTAssertTrue(inside.allSatisfy { $0.isFinite }, "min \(sorted.first ?? 0) max \(sorted.last ?? 0)")
        XCTAssertGreaterThan(median, 0.8, "median \(median) min \(sorted.first ?? 0) max \(sorted.last ?? 0)")
        XCTAssertLessThan(median, 3, "median \(median)")
    }

    /// Bad input: one slice, a reference too small for the kernel, a factor that does not divide
    /// the slices, no reference, data of another grid.
    func testErrors() throws {
        let x = try slices()
        func message(_ f: () throws -> Any) -> String {
            do { _ = try f(); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message { try SliceGRAPPAKernel(reference: try x.get([.all, .all, .all, .slice(start: 0, stop: 1, step: nil)])) }.contains("at least 2"))
        XCTAssertTrue(message { try SliceGRAPPAKernel(reference: try self.keep(x) { $0 == 16 }) }.contains("fewer than"))
        let seven = try x.copy().reshaped([32, 32, 1, 8, 1, 1, 2])
        XCTAssertTrue(message { try SliceGRAPPA.calibrate(reference: seven, bands: 3) }.contains("does not divide"))
        XCTAssertTrue(message { try SliceGRAPPA.calibrate(reference: nil, bands: 2) }.contains("single-band reference"))
        let kernel = try SliceGRAPPAKernel(reference: try keep(x) { $0 >= 8 && $0 < 24 })
        XCTAssertTrue(message { try kernel.apply(try NDArray(zeros: [16, 32, 8], dtype: .complex64)) }.contains("like the calibration"))
    }
}
