import Foundation
import Fourier
import ISMRMRD
import NDArray
import PeerTestSupport
import Recon
import Simulation
import XCTest

/// Small versions of the workshop files, written to a temporary directory and checked against the
/// schema, ismrmrd-python + NumPy, a fully sampled reconstruction and each other.
final class SimulatedFileTests: XCTestCase {
    /// An EPI scan like epi_r1/epi_r2 at a small size: 24 × 16 recon matrix, 3 slices, 4 coils.
    func epiOptions(acceleration: Int = 1, noise: Double = 0.001, seed: UInt64 = 1) -> AcquisitionOptions {
        var o = AcquisitionOptions()
        o.ordering = .epi
        o.repetitions = 2
        o.noise = noise
        o.seed = seed
        o.sliceOrder = .interleaved
        o.geometry.sliceSpacing_mm = 10
        if acceleration > 1 {
            o.acceleration = acceleration
            o.calibrationLines = 8
            o.calibrationMode = .separate
        }
        return o
    }

    func write(_ object: (phantom: NDArray, csm: NDArray, coilImages: NDArray), _ o: AcquisitionOptions, to path: String) throws -> SimulationSummary {
        try AcquisitionSimulator(coilImages: object.coilImages, options: o).write(to: path, phantom: object.phantom, csm: object.csm)
    }

    // MARK: - Schema and peers

    func testHeadersValidateAgainstTheSchema() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let object = try workshopObject(n: 24, slices: 3, coils: 4)
        var cartesian = AcquisitionOptions()
        cartesian.acceleration = 2
        cartesian.calibrationLines = 8
        cartesian.noise = 0.01
        cartesian.sliceLimitInHeader = false
        var interleaved = AcquisitionOptions()
        interleaved.acceleration = 2
        interleaved.calibrationMode = .interleaved
        interleaved.repetitions = 2
        for (name, o) in [("epi_r1", epiOptions()), ("epi_r2", epiOptions(acceleration: 2)), ("cart", cartesian), ("interleaved", interleaved)] {
            let path = dir.appendingPathComponent("\(name).h5").path
            _ = try write(object, o, to: path)
            try validateAgainstSchema(path, in: dir)
        }
    }

    /// ismrmrd-python reads counts, flags, counters and geometry, and NumPy's own FFT of the
    /// stored coil images gives every readout's samples (reversed ones time-reversed).
    static let peerScript = #"""
import sys, json, numpy as np, ismrmrd
ds = ismrmrd.Dataset(sys.argv[1], 'dataset', create_if_needed=False)
hdr = ismrmrd.xsd.CreateFromDocument(ds.read_xml_header())
enc = hdr.encoding[0]
RO, X = enc.encodedSpace.matrixSize.x, enc.reconSpace.matrixSize.x
ci = ds.read_array('coil_images', 0)            # [SLC, CHA, Y, X] in NumPy's order
pad = np.zeros(ci.shape[:-1] + (RO,), np.complex64)
pad[..., RO // 2 - X // 2: RO // 2 - X // 2 + X] = ci
k = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(pad, axes=(-2, -1)), axes=(-2, -1), norm='ortho'), axes=(-2, -1))
rows, worst, peak = [], 0.0, float(abs(k).max())
for i in range(ds.number_of_acquisitions()):
    a = ds.read_acquisition(i)
    rows.append({'flags': int(a.flags), 'line': a.idx.kspace_encode_step_1, 'slice': a.idx.slice, 'rep': a.idx.repetition,
                 'segment': a.idx.segment, 'user5': a.idx.user[5], 'scan': a.scan_counter, 'time': a.acquisition_time_stamp,
                 'physio': a.physiology_time_stamp[0], 'samples': a.number_of_samples, 'channels': a.active_channels,
                 'centre': a.center_sample, 'position': [float(v) for v in a.position], 'slice_dir': [float(v) for v in a.slice_dir],
                 'dwell': float(a.sample_time_us)})
    if a.is_flag_set(ismrmrd.ACQ_IS_NOISE_MEASUREMENT):
        continue
    expected = k[a.idx.slice, :, a.idx.kspace_encode_step_1, :]     # [CHA, RO]
    if a.is_flag_set(ismrmrd.ACQ_IS_REVERSE):
        expected = expected[:, ::-1]
    worst = max(worst, float(abs(a.data - expected).max()))
print(json.dumps({'rows': rows, 'worst': worst, 'peak': peak,
    'encoded': [RO, enc.encodedSpace.matrixSize.y], 'recon': [X, enc.reconSpace.matrixSize.y],
    'fov': [enc.encodedSpace.fieldOfView_mm.x, enc.reconSpace.fieldOfView_mm.x],
    'trajectory': enc.trajectory.value,
    'slice_limit': None if enc.encodingLimits.slice is None else enc.encodingLimits.slice.maximum,
    'segment_limit': enc.encodingLimits.segment.maximum,
    'acceleration': None if enc.parallelImaging is None else enc.parallelImaging.accelerationFactor.kspace_encoding_step_1,
    'calibration': None if enc.parallelImaging is None or enc.parallelImaging.calibrationMode is None else enc.parallelImaging.calibrationMode.value,
    'channels': hdr.acquisitionSystemInformation.receiverChannels, 'field': hdr.acquisitionSystemInformation.systemFieldStrength_T,
    'TE': list(hdr.sequenceParameters.TE), 'echo_spacing': list(hdr.sequenceParameters.echo_spacing)}))
"""#

    func testEPIFileReadByIsmrmrdPython() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let path = dir.appendingPathComponent("epi.h5").path
        let object = try workshopObject(n: 16, slices: 3, coils: 4)
        // Noise-free so NumPy's k-space must match every sample.
        var o = epiOptions(acceleration: 2, noise: 0)
        o.noiseReadouts = 1
        let summary = try write(object, o, to: path)
        let peer = try parseJSONObject(try runPython(Self.peerScript, [path]))
        let rows = try XCTUnwrap(peer["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.count, summary.readouts)
        XCTAssertEqual(summary.noise, 0, "no noise readout without noise")
        // 3 calibration trains of 3 navigators + 8 lines, then 2 × 3 imaging trains of 3 + 8.
        XCTAssertEqual(rows.count, 3 * 11 + 2 * 3 * 11)
        XCTAssertEqual(peer["worst"] as? Double ?? 1, 0, accuracy: 1e-5 * (peer["peak"] as? Double ?? 0), "samples differ from NumPy's k-space")
        XCTAssertEqual(peer["encoded"] as? [Int], [32, 16])
        XCTAssertEqual(peer["recon"] as? [Int], [16, 16])
        XCTAssertEqual(peer["fov"] as? [Double], [400, 200])
        XCTAssertEqual(peer["trajectory"] as? String, "epi")
        XCTAssertEqual(peer["slice_limit"] as? Int, 2)
        XCTAssertEqual(peer["segment_limit"] as? Int, 1)
        XCTAssertEqual(peer["acceleration"] as? Int, 2)
        XCTAssertEqual(peer["calibration"] as? String, "separate")
        XCTAssertEqual(peer["field"] as? Double, 3)

        let flag = { (row: [String: Any], f: AcquisitionFlag) in f.isSet(in: UInt64(row["flags"] as? Int ?? 0)) }
        // Separate calibration block first: per slice in interleaved order (0, 2, 1), navigators then 8 lines.
        let calibration = rows.prefix(33)
        XCTAssertTrue(calibration.allSatisfy { flag($0, .ACQ_IS_PARALLEL_CALIBRATION) })
        XCTAssertEqual(calibration.map { $0["slice"] as? Int }, [0, 2, 1].flatMap { Array(repeating: $0, count: 11) })
        for (k, row) in rows.enumerated() {
            XCTAssertEqual(row["scan"] as? Int, k + 1, "scan counters count readouts")
            XCTAssertEqual(row["samples"] as? Int, 32)
            XCTAssertEqual(row["channels"] as? Int, 4)
            XCTAssertEqual(row["user5"] as? Int, 8, "the k-space centre line")
            XCTAssertEqual(row["segment"] as? Int, flag(row, .ACQ_IS_REVERSE) ? 1 : 0)
            if k > 0 { XCTAssertGreaterThanOrEqual(row["time"] as? Int ?? 0, rows[k - 1]["time"] as? Int ?? 0) }
            // Slice centres 10 mm apart along z, the stack centred at the default offset.
            let slice = row["slice"] as? Int ?? 0
            let position = row["position"] as? [Double] ?? []
            XCTAssertEqual(position.count, 3)
            XCTAssertEqual(position.last ?? 0, -20.69005584716797 + Double(slice - 1) * 10, accuracy: 1e-4)
            XCTAssertEqual(row["slice_dir"] as? [Double], [0, 0, 1])
        }
        // Each train: 3 navigators (+, −, +) on the centre line, then echoes alternating.
        for start in stride(from: 33, to: rows.count, by: 11) {
            let train = Array(rows[start..<(start + 11)])
            for n in 0..<3 {
                XCTAssertTrue(flag(train[n], .ACQ_IS_PHASECORR_DATA))
                XCTAssertEqual(train[n]["line"] as? Int, 8)
                XCTAssertEqual(flag(train[n], .ACQ_IS_REVERSE), n == 1)
            }
            let echoes = train[3...]
            XCTAssertEqual(echoes.map { $0["line"] as? Int ?? -1 }, Array(stride(from: 0, to: 16, by: 2)), "R = 2: every second line, the centre line (8) included")
            XCTAssertEqual(echoes.map { flag($0, .ACQ_IS_REVERSE) }, (0..<8).map { $0 % 2 == 1 })
            XCTAssertTrue(echoes.allSatisfy { !flag($0, .ACQ_IS_PARALLEL_CALIBRATION) && !flag($0, .ACQ_IS_PHASECORR_DATA) })
        }
    }

    func testCartesianFileReadByIsmrmrdPython() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let path = dir.appendingPathComponent("cart.h5").path
        let object = try workshopObject(n: 16, slices: 2, coils: 3)
        var o = AcquisitionOptions()
        o.acceleration = 2
        o.calibrationLines = 6
        o.repetitions = 2
        o.noise = 1e-9     // a noise readout, samples still equal to NumPy's to float precision
        o.sliceLimitInHeader = false
        _ = try write(object, o, to: path)
        let peer = try parseJSONObject(try runPython(Self.peerScript, [path]))
        let rows = try XCTUnwrap(peer["rows"] as? [[String: Any]])
        XCTAssertEqual(peer["worst"] as? Double ?? 1, 0, accuracy: 1e-5 * (peer["peak"] as? Double ?? 0))
        XCTAssertTrue(peer["slice_limit"] is NSNull, "no slice limit in the header")
        XCTAssertEqual(peer["calibration"] as? String, "embedded")
        XCTAssertEqual(peer["trajectory"] as? String, "cartesian")
        let flag = { (row: [String: Any], f: AcquisitionFlag) in f.isSet(in: UInt64(row["flags"] as? Int ?? 0)) }
        XCTAssertEqual(rows.first.map { flag($0, .ACQ_IS_NOISE_MEASUREMENT) }, true, "noise readout first")
        XCTAssertEqual(rows.filter { flag($0, .ACQ_IS_NOISE_MEASUREMENT) }.count, 1)
        // Lines 0, 2, …, 14 plus calibration 5…10: 8 + 3 extra per slice and repetition.
        let data = rows.dropFirst()
        XCTAssertEqual(data.count, 2 * 2 * 11)
        for row in data {
            let line = row["line"] as? Int ?? -1
            XCTAssertFalse(flag(row, .ACQ_IS_REVERSE))
            XCTAssertEqual(flag(row, .ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING), (5...10).contains(line) && line % 2 == 0, "line \(line)")
            XCTAssertEqual(flag(row, .ACQ_IS_PARALLEL_CALIBRATION), (5...10).contains(line) && line % 2 == 1, "line \(line)")
        }
        XCTAssertEqual(Set(data.map { $0["slice"] as? Int ?? -1 }), [0, 1], "the counters carry the slices")
    }

    // MARK: - Reconstruction

    func testFullySampledReconReproducesTheGroundTruthToTheNoiseLevel() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let object = try workshopObject(n: 32, slices: 3, coils: 4)
        var cartesian = AcquisitionOptions()
        cartesian.repetitions = 2
        cartesian.noise = 0.002
        cartesian.seed = 9
        for (name, o) in [("epi", epiOptions(noise: 0.002)), ("cartesian", cartesian)] {
            let path = dir.appendingPathComponent("\(name).h5").path
            _ = try write(object, o, to: path)
            let file = try ISMRMRDFile(path: path)
            let truth = try file.array("coil_images")
            XCTAssertEqual(truth.shape, [32, 32, 4, 3])
            XCTAssertEqual(try file.array("phantom").shape, [32, 32, 3])
            XCTAssertEqual(try file.array("csm").shape, [32, 32, 4, 3])
            let kspace = try kSpaceFromFile(path)
            XCTAssertEqual(kspace.count, 2)
            for (rep, k) in kspace.enumerated() {
                XCTAssertEqual(k.shape, [64, 32, 4, 3])
                let (rms, peak) = try rmsDifference(try reconstruct(k, reconX: 32), truth)
                // Orthonormal FFTs keep the noise's E|n|² = σ² per pixel.
                XCTAssertEqual(rms / 0.002, 1, accuracy: 0.05, "\(name) repetition \(rep): rms error \(rms)")
                XCTAssertGreaterThan(peak, 0.3)
            }
        }
    }

    /// The reference library's own recon (ismrmrd_recon_cartesian_2d: place lines by counter,
    /// unscaled inverse FFT, crop the oversampling, root-sum-of-squares) agrees with our ground truth.
    func testReferenceReconMatchesTheGroundTruth() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let path = dir.appendingPathComponent("single.h5").path
        let object = try workshopObject(n: 32, slices: 1, coils: 4)
        var o = AcquisitionOptions()
        o.noise = 0.001
        _ = try write(object, o, to: path)
        try runProgram("ismrmrd_recon_cartesian_2d", [path], needs: "ismrmrd_recon_cartesian_2d (Debian ismrmrd-tools)")
        let file = try ISMRMRDFile(path: path)
        let image = try file.image("cpp", index: 0).data.astype(.complex64).reshaped([32, 32])
        let rss = try file.array("coil_images").rss(axes: [2]).reshaped([32, 32])
        // Its FFT is unscaled: √(64 × 32) times our orthonormal one.
        let scale = try NDArray(scalar: .float((64.0 * 32).squareRoot()), dtype: .complex64)
        let (rms, peak) = try rmsDifference(image, try rss.astype(.complex64) * scale)
        XCTAssertLessThan(rms, 0.01 * peak, "reference recon differs from rss(coil_images) beyond the noise")
        XCTAssertGreaterThan(peak, 10)
    }

    func testNoiseFreeReconIsExact() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let path = dir.appendingPathComponent("clean.h5").path
        let object = try workshopObject(n: 20, slices: 2, coils: 3)
        _ = try write(object, epiOptions(noise: 0), to: path)
        let truth = try ISMRMRDFile(path: path).array("coil_images")
        let (rms, peak) = try rmsDifference(try reconstruct(try kSpaceFromFile(path)[1], reconX: 20), truth)
        XCTAssertLessThan(rms, 1e-6 * peak)
        // The stored ground truth is consistent: coil images = phantom × csm.
        let (gt, _) = try rmsDifference(try object.phantom.reshaped([20, 20, 1, 2]) * (try ISMRMRDFile(path: path).array("csm")), truth)
        XCTAssertEqual(gt, 0)
    }

    func testNoiseReadoutsHaveTheDataNoiseStatistics() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let path = dir.appendingPathComponent("noise.h5").path
        let object = try workshopObject(n: 16, slices: 1, coils: 4)
        var o = AcquisitionOptions()
        o.noise = 0.01
        o.noiseCorrelation = 0.4
        o.noiseReadouts = 64
        _ = try write(object, o, to: path)
        let acquisitions = try ISMRMRDFile(path: path).acquisitions()
        XCTAssertTrue(acquisitions.prefix(64).allSatisfy { $0.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) && $0.head.flags == AcquisitionFlag.ACQ_IS_NOISE_MEASUREMENT.bit })
        XCTAssertTrue(acquisitions.dropFirst(64).allSatisfy { !$0.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) })
        // Covariance over 64 × 32 samples: close to σ² ρ^|i−j|.
        var c = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        var n = 0.0
        for a in acquisitions.prefix(64) {
            let d = a.data.toArray(Complex64.self)
            for s in 0..<32 {
                for i in 0..<4 { for j in 0..<4 { c[i][j] += Double((d[s + 32 * i] * d[s + 32 * j].conjugate).re) } }
                n += 1
            }
        }
        for i in 0..<4 {
            for j in 0..<4 {
                XCTAssertEqual(c[i][j] / n, 1e-4 * pow(0.4, Double(abs(i - j))), accuracy: 0.1e-4, "[\(i), \(j)]")
            }
        }
    }

    func testEPIPhaseErrorIsCorrectedWithTheNavigators() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let path = dir.appendingPathComponent("ghost.h5").path
        let object = try workshopObject(n: 24, slices: 1, coils: 2)
        var o = epiOptions(noise: 0)
        o.repetitions = 1
        o.epiPhaseError = .init(phase: 0.4, shift: 0.3)
        _ = try write(object, o, to: path)
        let file = try ISMRMRDFile(path: path)
        let truth = try file.array("coil_images")
        let acquisitions = try file.acquisitions()
        // Without correction: Nyquist ghosts.
        let naive = try rmsDifference(try reconstruct(try kSpaceFromFile(path)[0], reconX: 24), truth)
        XCTAssertGreaterThan(naive.rms, 0.01 * naive.peak)
        // Navigators 0 (forward) and 1 (reversed) see the same line: in x-space their ratio is the error.
        let navs = acquisitions.filter { $0.head.isSet(.ACQ_IS_PHASECORR_DATA) }
        XCTAssertEqual(navs.count, 3)
        let forward = try ifft(navs[0].data, axes: [0]), backward = try ifft(try navs[1].data.flipped([0]), axes: [0])
        let f = forward.contiguous().toArray(Complex64.self), b = backward.contiguous().toArray(Complex64.self)
        // Coil-summed x-profile of conj(forward) × backward gives the phase per position.
        var correction = [Complex64](repeating: .zero, count: 48)
        for x in 0..<48 {
            var s = Complex64.zero
            for c in 0..<2 { s += f[x + 48 * c].conjugate * b[x + 48 * c] }
            let m = Float(Double(s.re * s.re + s.im * s.im).squareRoot())
            correction[x] = m > 0 ? Complex64(s.re / m, -s.im / m) : Complex64(1, 0)
        }
        var k = try NDArray(zeros: [48, 24, 2, 1], dtype: .complex64)
        for a in acquisitions where !a.head.isSet(.ACQ_IS_PHASECORR_DATA) {
            var line = a.data
            if a.head.isSet(.ACQ_IS_REVERSE) {
                var hybrid = try ifft(try a.data.flipped([0]), axes: [0]).contiguous()
                hybrid.withUnsafeMutableBufferPointer(as: Complex64.self) { p in
                    for i in 0..<p.count { p[i] = p[i] * correction[i % 48] }
                }
                line = try fft(hybrid, axes: [0])
            }
            try k.set([.all, .int(Int(a.head.idx.kspace_encode_step_1)), .all, .int(0)], to: line)
        }
        let corrected = try rmsDifference(try reconstruct(k, reconX: 24), truth)
        XCTAssertLessThan(corrected.rms, 1e-4 * corrected.peak, "navigator-corrected recon (naive error \(naive.rms))")
    }

    /// The same scan with and without ramp sampling (same seed, so the same noise samples):
    /// regridded and navigator-corrected, both reconstruct to the coil images and to each other
    /// within the noise; the ramp-sampled file's header describes its trapezoid and its
    /// navigators measure the echo shift and phase put in.
    func testRampSampledAndFlatTopFilesReconstructAlike() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let object = try workshopObject(n: 24, slices: 2, coils: 3)
        var o = epiOptions(noise: 0.001)
        o.repetitions = 1
        o.epiPhaseError = .init(phase: -0.3, shift: 0.7)
        var images: [NDArray] = []
        var sigma = 0.0
        for ramp in [false, true] {
            let path = dir.appendingPathComponent(ramp ? "ramp.h5" : "flat.h5").path
            o.rampSampling = ramp ? AcquisitionOptions.RampSampling(rampUp_us: 20, rampDown_us: 30) : nil
            _ = try write(object, o, to: path)
            let file = try ISMRMRDFile(path: path)
            let header = try file.header()
            let acquisitions = try file.acquisitions()
            let t = try EPITrapezoid(header: header)
            XCTAssertEqual(t.samplesRamps, ramp)
            if ramp {
                // 48 samples × 2.5 µs = 120 µs, the window starting a fifth up the 20 µs ramp.
                XCTAssertEqual([t.rampUpTime_us, t.flatTopTime_us, t.rampDownTime_us], [20, 78, 30])
                // The simulator's k-space positions (its own code) are where the regridding,
                // reading the header, expects them — asymmetric ramps included.
                let simulated = try XCTUnwrap(try AcquisitionSimulator(coilImages: object.coilImages, options: o).ramp).positions()
                for (a, b) in zip(simulated, t.positions(gridSize: 48)) { XCTAssertEqual(a, b, accuracy: 1e-9) }
            }
            let noise = acquisitions[0].data.toArray(Complex64.self)
            sigma = (noise.map { Double($0.lengthSquared) }.reduce(0, +) / Double(noise.count)).squareRoot()
            let prepared = EPIPreprocessing(regridder: try EPIRampRegridder(header: header), corrector: EPINavigatorCorrector())
            let corrected = try acquisitions.compactMap { try prepared.process($0) }
            for d in prepared.corrector?.differences ?? [] {
                XCTAssertEqual(d.phase, -0.3, accuracy: 0.02, ramp ? "ramp" : "flat")
                XCTAssertEqual(d.shift, 0.7, accuracy: 0.02, ramp ? "ramp" : "flat")
            }
            let recon = try reconstruct(try kSpace(corrected, header: header)[0], reconX: 24)
            let (rms, _) = try rmsDifference(recon, try file.array("coil_images"))
            XCTAssertLessThan(rms, 1.5 * sigma, "\(ramp ? "ramp" : "flat top"): error \(rms), noise \(sigma)")
            images.append(recon)
        }
        let (rms, _) = try rmsDifference(images[1], images[0])
        XCTAssertLessThan(rms, 1.5 * sigma, "ramp vs flat top: \(rms), noise \(sigma)")
        XCTAssertGreaterThan(rms, 0, "different samples")
        o.rampSampling = AcquisitionOptions.RampSampling(rampUp_us: 80, rampDown_us: 80)
        XCTAssertThrowsError(try AcquisitionSimulator(coilImages: object.coilImages, options: o)) {
            XCTAssertTrue("\($0)".contains("leave no flat top for 48 samples"), "\($0)")
        }
        o.ordering = .cartesian
        o.rampSampling = AcquisitionOptions.RampSampling()
        XCTAssertThrowsError(try AcquisitionSimulator(coilImages: object.coilImages, options: o)) {
            XCTAssertTrue("\($0)".contains("ramp sampling is for EPI readouts"), "\($0)")
        }
    }

    func testImagesMayChangeFromRepetitionToRepetition() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let path = dir.appendingPathComponent("dynamic.h5").path
        let object = try workshopObject(n: 16, slices: 2, coils: 2)
        let second = try object.coilImages * NDArray(scalar: .float(0.5), dtype: .complex64)
        let images = try NDArray.stack([object.coilImages, second], axis: 4)
        var o = AcquisitionOptions()
        o.repetitions = 2
        try AcquisitionSimulator(coilImages: images, options: o).write(to: path)
        let file = try ISMRMRDFile(path: path)
        XCTAssertEqual(try file.arrayCount("coil_images"), 2)
        let kspace = try kSpaceFromFile(path)
        for rep in 0..<2 {
            let (rms, peak) = try rmsDifference(try reconstruct(kspace[rep], reconX: 16), try file.array("coil_images", index: rep))
            XCTAssertLessThan(rms, 1e-6 * peak, "repetition \(rep)")
        }
        o.repetitions = 3
        XCTAssertThrowsError(try AcquisitionSimulator(coilImages: images, options: o)) { error in
            XCTAssertTrue("\(error)".contains("repetitions"), "\(error)")
        }
    }

    // MARK: - Reproducibility

    func testSameSeedGivesTheSameFile() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let object = try workshopObject(n: 16, slices: 2, coils: 3)
        let paths = ["a", "b", "c"].map { dir.appendingPathComponent("\($0).h5").path }
        _ = try write(object, epiOptions(acceleration: 2, noise: 0.01, seed: 5), to: paths[0])
        _ = try write(object, epiOptions(acceleration: 2, noise: 0.01, seed: 5), to: paths[1])
        _ = try write(object, epiOptions(acceleration: 2, noise: 0.01, seed: 6), to: paths[2])
        let files = try paths.map { try ISMRMRDFile(path: $0) }
        XCTAssertEqual(try files[0].xml(), try files[1].xml())
        let a = try files[0].acquisitions(), b = try files[1].acquisitions(), c = try files[2].acquisitions()
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.head, y.head)
            XCTAssertEqual(x.data.toArray(Complex64.self), y.data.toArray(Complex64.self))
        }
        for name in ["phantom", "csm", "coil_images"] {
            XCTAssertEqual(try files[0].array(name).astype(.complex64).toArray(Complex64.self), try files[1].array(name).astype(.complex64).toArray(Complex64.self), name)
        }
        XCTAssertNotEqual(a[5].data.toArray(Complex64.self), c[5].data.toArray(Complex64.self), "another seed, other noise")
        XCTAssertEqual(a[5].head, c[5].head)
        // Byte for byte identical: HDF5Kit writes no object modification times.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: paths[0])), try Data(contentsOf: URL(fileURLWithPath: paths[1])))
    }

    // MARK: - Bad input

    func testBadInputIsAnError() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-simulation")
        let path = dir.appendingPathComponent("bad.h5").path
        let images = try NDArray(zeros: [8, 8, 2, 1], dtype: .complex64)
        XCTAssertThrowsError(try AcquisitionSimulator(coilImages: try NDArray(zeros: [8, 8], dtype: .complex64)))
        var o = AcquisitionOptions()
        o.oversampling = 0
        XCTAssertThrowsError(try AcquisitionSimulator(coilImages: images, options: o))
        o = AcquisitionOptions()
        o.geometry.readDirection = [1, 1, 0]
        XCTAssertThrowsError(try AcquisitionSimulator(coilImages: images, options: o)) { XCTAssertTrue("\($0)".contains("unit vector"), "\($0)") }
        o = AcquisitionOptions()
        o.timing.startTime = "noon"
        XCTAssertThrowsError(try AcquisitionSimulator(coilImages: images, options: o)) { XCTAssertTrue("\($0)".contains("HH:MM:SS"), "\($0)") }
        let simulator = try AcquisitionSimulator(coilImages: images)
        XCTAssertThrowsError(try simulator.write(to: path, phantom: try NDArray(zeros: [8, 7, 1], dtype: .float32))) {
            XCTAssertTrue("\($0)".contains("phantom"), "\($0)")
        }
        XCTAssertThrowsError(try simulator.write(to: path, csm: try NDArray(zeros: [8, 8, 3, 1], dtype: .complex64))) {
            XCTAssertTrue("\($0)".contains("csm"), "\($0)")
        }
        XCTAssertThrowsError(try simulator.write(to: dir.appendingPathComponent("missing/dir/x.h5").path))
    }
}
