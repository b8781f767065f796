import Foundation
import Fourier
import ISMRMRD
import NDArray
import Recon
import XCTest

/// Navigator phase correction on a synthetic single-shot EPI train with a known odd/even echo
/// shift and phase: the estimate matches the truth, the N/2 ghost disappears, and trains without
/// navigators are refused (or, with best effort, left alone with a warning).
final class EPIPhaseCorrectionTests: XCTestCase {
    let ro = 64, lines = 32, coils = 3

    /// An object inside the central half of the readout field of view (2× oversampled) and the
    /// middle of the phase field of view, so its N/2 ghost falls on empty background: a smooth
    /// ellipse with a smooth phase, seen by coils with different smooth phases.
    func coilImages() throws -> NDArray {
        var x = try NDArray(zeros: [ro, lines, coils], dtype: .complex64)
        x.withUnsafeMutableBufferPointer(as: Complex64.self) { p in
            for c in 0..<coils {
                for j in 0..<lines {
                    for i in 0..<ro {
                        let u = Double(i - ro / 2) / Double(ro / 4 - 2), v = Double(j - lines / 2) / Double(lines / 4)
                        let r2 = u * u + v * v
                        guard r2 < 1 else { continue }
                        let m = (1 - r2) * (1 + 0.3 * u), phase = 0.7 * u - 0.4 * v * v + Double(c) * 0.9 + 0.2 * Double(c) * u
                        p[i + ro * (j + lines * c)] = Complex64(Float(m * cos(phase)), Float(m * sin(phase)))
                    }
                }
            }
        }
        return x
    }

    /// The train as a scanner stores it: 3 navigators (+, −, +) of the centre line, then the lines
    /// with every odd one reversed (stored time-reversed) and carrying `phase` + 2π·shift·(x − N/2)/N
    /// in image space; `noise` σ of complex Gaussian noise per sample.
    func train(phase: Double, shift: Double, noise: Double = 0, navigators: Bool = true, seed: UInt64 = 3) throws -> [Acquisition] {
        let k = try fft(try coilImages(), axes: [0, 1]).contiguous()
        var hybrid = try ifft(k, axes: [0]).contiguous()
        hybrid.withUnsafeMutableBufferPointer(as: Complex64.self) { p in
            for i in 0..<p.count {
                let x = i % ro, e = phase + 2 * Double.pi * shift * Double(x - ro / 2) / Double(ro)
                p[i] = p[i] * Complex64(Float(cos(e)), Float(sin(e)))
            }
        }
        let bad = try fft(hybrid, axes: [0]).contiguous()
        var random = RandomSource(seed: seed)
        func readout(_ line: Int, reversed: Bool, navigator: Bool) throws -> Acquisition {
            let source = (reversed ? bad : k).toArray(Complex64.self)
            var samples = [Complex64](repeating: .zero, count: ro * coils)
            for c in 0..<coils {
                for s in 0..<ro {
                    let v = source[(reversed ? ro - 1 - s : s) + ro * (line + lines * c)]
                    samples[s + ro * c] = v + Complex64(Float(noise * random.normal() / 2.0.squareRoot()), Float(noise * random.normal() / 2.0.squareRoot()))
                }
            }
            var h = AcquisitionHeader()
            h.number_of_samples = UInt16(ro)
            h.active_channels = UInt16(coils)
            h.available_channels = UInt16(coils)
            h.center_sample = UInt16(ro / 2)
            h.idx.kspace_encode_step_1 = UInt16(line)
            if reversed { h.set(.ACQ_IS_REVERSE) }
            if navigator { h.set(.ACQ_IS_PHASECORR_DATA) }
            return try Acquisition(head: h, data: try NDArray(samples, shape: [ro, coils]))
        }
        var out: [Acquisition] = []
        if navigators { for n in 0..<3 { out.append(try readout(lines / 2, reversed: n == 1, navigator: true)) } }
        for line in 0..<lines { out.append(try readout(line, reversed: line % 2 == 1, navigator: false)) }
        return out
    }

    /// k-space [RO, E1, CHA] of the train's lines, reversed ones flipped back.
    func kspace(_ readouts: [Acquisition]) throws -> NDArray {
        var k = try NDArray(zeros: [ro, lines, coils], dtype: .complex64)
        for a in readouts where !a.head.isSet(.ACQ_IS_PHASECORR_DATA) {
            let d = a.head.isSet(.ACQ_IS_REVERSE) ? try a.data.flipped([0]) : a.data
            try k.set([.all, .int(Int(a.head.idx.kspace_encode_step_1)), .all], to: d)
        }
        return k
    }

    /// Mean root-sum-of-squares magnitude in the N/2 ghost region (the object mask shifted by half
    /// the phase field of view, outside the object) over the mean in the object.
    func ghostToSignal(_ k: NDArray) throws -> Double {
        let images = try ifft(k, axes: [0, 1]).contiguous().toArray(Complex64.self)
        var rss = [Double](repeating: 0, count: ro * lines)
        for c in 0..<coils { for i in 0..<(ro * lines) { rss[i] += Double(images[i + ro * lines * c].lengthSquared) } }
        let truth = try coilImages().toArray(Complex64.self)
        let object = (0..<(ro * lines)).map { truth[$0].lengthSquared > 0 }
        var ghost = 0.0, ghostCount = 0.0, signal = 0.0, signalCount = 0.0
        for j in 0..<lines {
            for i in 0..<ro {
                let p = i + ro * j, shifted = i + ro * ((j + lines / 2) % lines)
                if object[p] { signal += rss[p].squareRoot(); signalCount += 1 } else if object[shifted] { ghost += rss[p].squareRoot(); ghostCount += 1 }
            }
        }
        return (ghost / ghostCount) / (signal / signalCount)
    }

    func testEstimatedShiftAndPhaseMatchTheTruth() throws {
        for (phase, shift) in [(0.4, 0.3), (-1.1, -0.8), (0.05, 1.5)] {
            let navs = try train(phase: phase, shift: shift).prefix(3).map { (data: $0.data, reversed: $0.head.isSet(.ACQ_IS_REVERSE)) }
            let d = try EPIPhaseCorrection.estimate(navigators: Array(navs))
            XCTAssertEqual(d.phase, phase, accuracy: 1e-4, "phase \(phase), shift \(shift)")
            XCTAssertEqual(d.shift, shift, accuracy: 1e-4, "phase \(phase), shift \(shift)")
            XCTAssertEqual(d.samples, ro)
        }
        // With noise (σ = 0.01, about 2 % of the object's mean magnitude in a coil image), still
        // within 0.02 rad and 0.02 samples.
        let noisy = try train(phase: 0.4, shift: 0.3, noise: 0.01).prefix(3).map { (data: $0.data, reversed: $0.head.isSet(.ACQ_IS_REVERSE)) }
        let d = try EPIPhaseCorrection.estimate(navigators: Array(noisy))
        XCTAssertEqual(d.phase, 0.4, accuracy: 0.02)
        XCTAssertEqual(d.shift, 0.3, accuracy: 0.02)
        // A constant-only fit of a pure phase offset finds it; of a shifted echo it cannot.
        let constant = try train(phase: 0.6, shift: 0).prefix(3).map { (data: $0.data, reversed: $0.head.isSet(.ACQ_IS_REVERSE)) }
        let c = try EPIPhaseCorrection.estimate(navigators: Array(constant), options: EPINavigatorOptions(fit: .constant))
        XCTAssertEqual(c.phase, 0.6, accuracy: 1e-4)
        XCTAssertEqual(c.shift, 0)
    }

    /// The N/2 ghost-to-signal ratio is above 10 % before correction and below 1 % after (with
    /// receiver noise σ = 0.002, under 1 % of the object's magnitude), and forward lines are untouched.
    func testGhostDisappearsAfterCorrection() throws {
        let readouts = try train(phase: 0.5, shift: 0.4, noise: 0.002)
        let before = try ghostToSignal(try kspace(readouts))
        let corrector = EPINavigatorCorrector()
        let corrected = try readouts.compactMap { try corrector.process($0) }
        XCTAssertEqual(corrected.count, lines, "navigators are consumed")
        XCTAssertEqual(corrector.navigatorCount, 3)
        XCTAssertEqual(corrector.differences.count, 1)
        let after = try ghostToSignal(try kspace(corrected))
        print("ghost-to-signal ratio before \(before), after \(after)")
        XCTAssertGreaterThan(before, 0.1)
        XCTAssertLessThan(after, 0.01)
        for (a, b) in zip(readouts.dropFirst(3), corrected) where !a.head.isSet(.ACQ_IS_REVERSE) {
            XCTAssertEqual(a.data.toArray(Complex64.self), b.data.toArray(Complex64.self))
        }
        // The clean train's own ghost level (noise only) is the floor the corrected one reaches.
        let clean = try ghostToSignal(try kspace(try train(phase: 0, shift: 0, noise: 0.002)))
        print("clean train: \(clean)")
        XCTAssertLessThan(after, 1.5 * clean)
    }

    func testTrainsWithoutNavigators() throws {
        let lonely = try train(phase: 0.5, shift: 0.4, navigators: false)
        XCTAssertThrowsError(try lonely.compactMap { try EPINavigatorCorrector().process($0) }) { error in
            XCTAssertTrue("\(error)".contains("has no navigators in its echo train"), "\(error)")
            XCTAssertTrue("\(error)".contains("best_effort=true"), "\(error)")
        }
        let lenient = EPINavigatorCorrector(options: EPINavigatorOptions(bestEffort: true))
        let passed = try lonely.compactMap { try lenient.process($0) }
        XCTAssertEqual(passed.map { $0.data.toArray(Complex64.self) }, lonely.map { $0.data.toArray(Complex64.self) }, "left uncorrected")
        XCTAssertEqual(lenient.warnings.count, 1, "one warning per train")
        // Navigators of one polarity only cannot measure anything.
        let oneSided = try train(phase: 0.5, shift: 0.4).prefix(3).filter { !$0.head.isSet(.ACQ_IS_REVERSE) }
        XCTAssertThrowsError(try EPIPhaseCorrection.estimate(navigators: oneSided.map { ($0.data, false) })) { error in
            XCTAssertTrue("\(error)".contains("must include both polarities (got 2 forward and 0 reversed)"), "\(error)")
        }
    }
}
