import Foundation
import ISMRMRD
import NDArray
import Recon
import XCTest

/// Ramp-sampling regridding: the trapezoid's k-space positions, the regridding of an analytic
/// phantom readout against its flat-top samples, reversed readouts, and bad trajectory descriptions.
final class EPIRegridTests: XCTestCase {
    /// 128 samples of 2.5 µs on a lobe with 80 µs ramps, the first sample a fifth up the ramp.
    func rampTrapezoid() throws -> EPITrapezoid {
        try EPITrapezoid(rampUp: 80, flatTop: 192, rampDown: 80, acqDelay: 16, samples: 128, dwell: 2.5)
    }

    /// The continuous Fourier transform, at k cycles per field of view, of a 1-D object made of
    /// boxes (start, end, height) inside [−0.5, 0.5): the centred DFT convention's sign.
    func boxes(_ k: Double) -> Complex128 {
        let parts: [(Double, Double, Double)] = [(-0.22, 0.18, 1), (-0.06, 0.04, 0.5), (0.1, 0.14, -0.4)]
        var sum = Complex128.zero
        for (a, b, h) in parts {
            if abs(k) < 1e-12 { sum = sum + Complex128(h * (b - a), 0); continue }
            // ∫_a^b e^{−2πikx} dx = (e^{−2πikb} − e^{−2πika}) / (−2πik)
            let w = -2 * Double.pi * k
            let re = (sin(w * b) - sin(w * a)) / w, im = -(cos(w * b) - cos(w * a)) / w
            sum = sum + Complex128(h * re, h * im)
        }
        return sum
    }

    func testPositionsFollowTheTrapezoid() throws {
        // Without ramps every sample sits on the grid, and regridding is an exact copy.
        let flat = try EPITrapezoid(rampUp: 0, flatTop: 0, rampDown: 0, samples: 64, dwell: 2)
        XCTAssertEqual(flat.flatTopTime_us, 128, "flatTopTime 0 without ramps means the whole readout")
        XCTAssertFalse(flat.samplesRamps)
        XCTAssertEqual(flat.positions(gridSize: 64), (0..<64).map { Double($0 - 32) })
        let copy = try EPIRampRegridder(trapezoid: flat)
        XCTAssertTrue(copy.isIdentity)

        let t = try rampTrapezoid()
        XCTAssertTrue(t.samplesRamps)
        let k = t.positions(gridSize: 128)
        XCTAssertEqual(k[0], -64, accuracy: 1e-9, "the first sample opens the covered area")
        XCTAssertEqual(k[64], 0, accuracy: 1e-9, "center_sample at k = 0")
        let steps = zip(k, k.dropFirst()).map { $1 - $0 }
        XCTAssertTrue(steps.allSatisfy { $0 > 0 }, "k increases monotonically")
        // On the flat top the step is constant and larger than on the ramps: 128 grid steps over an
        // area of 192 + 2 × (40 − 1.6) µs, 2.5 µs per sample.
        XCTAssertEqual(steps[64], 128 * 2.5 / (192 + 2 * (40 - 0.5 * 16 * 16 / 80)), accuracy: 1e-9)
        XCTAssertLessThan(steps[0], 0.5 * steps[64])
    }

    /// The regridded ramp samples of an analytic box phantom match its flat-top (integer k)
    /// samples to 2 % NRMSE, while taking the ramp samples as if they were on the grid is off by
    /// more than 20 %.
    func testRegriddingMatchesFlatTopTruth() throws {
        let t = try rampTrapezoid()
        let plan = try EPIRampRegridder(trapezoid: t)
        let k = plan.positions
        let samples = try NDArray(k.map { single(boxes($0)) }, shape: [128])
        let truth = (0..<128).map { boxes(Double($0 - 64)) }
        func nrmse(_ x: NDArray) -> Double {
            let v = x.contiguous().toArray(Complex64.self)
            var e = 0.0, s = 0.0
            for (a, b) in zip(v, truth) {
                e += (Complex128(Double(a.re), Double(a.im)) - b).lengthSquared
                s += b.lengthSquared
            }
            return (e / s).squareRoot()
        }
        let regridded = try plan.apply(samples)
        XCTAssertEqual(regridded.shape, [128])
        let error = nrmse(regridded), naive = nrmse(samples)
        print("ramp regridding NRMSE \(error), without regridding \(naive)")
        XCTAssertLessThan(error, 0.02)
        XCTAssertGreaterThan(naive, 0.2)
        // The forward model and the regridding invert each other on band-limited data.
        let grid = try NDArray(truth.map { single($0) }, shape: [128, 1])
        let roundTrip = try plan.apply(try plan.sample(grid))
        XCTAssertLessThan(try distance(roundTrip, grid) / length(grid), 0.01)
    }

    /// A reversed readout (stored in time order) regrids to the flip of its forward counterpart,
    /// and the header gets the output sample count; other lengths are refused.
    func testReadoutsAndTheirHeaders() throws {
        let plan = try EPIRampRegridder(trapezoid: try rampTrapezoid(), options: EPIRegridOptions(outputSamples: 120))
        var random = RandomSource(seed: 5)
        let data = try NDArray((0..<256).map { _ in Complex64(Float(random.normal()), Float(random.normal())) }, shape: [128, 2])
        var h = AcquisitionHeader()
        h.number_of_samples = 128
        h.active_channels = 2
        h.available_channels = 2
        h.center_sample = 64
        let forward = try plan.apply(try Acquisition(head: h, data: data))
        XCTAssertEqual(forward.head.number_of_samples, 120)
        XCTAssertEqual(forward.head.center_sample, 60)
        XCTAssertEqual(Double(forward.head.sample_time_us), 320.0 / 120, accuracy: 1e-5)
        h.set(.ACQ_IS_REVERSE)
        let reversed = try plan.apply(try Acquisition(head: h, data: try data.flipped([0]).contiguous()))
        XCTAssertLessThan(try distance(try reversed.data.flipped([0]), forward.data), 1e-5 * length(forward.data))
        h.number_of_samples = 100
        XCTAssertThrowsError(try plan.apply(try Acquisition(head: h, data: try NDArray(zeros: [100, 2], dtype: .complex64)))) {
            XCTAssertTrue("\($0)".contains("has 100 samples but the EPI trajectory description says numSamples 128"), "\($0)")
        }
    }

    /// A header's trajectoryDescription with every timing reads back; missing or inconsistent
    /// timings are errors that say which.
    func testHeaderDescriptionsAndTheirErrors() throws {
        func header(_ long: [(String, Int)], dwell: Double? = 2.5, identifier: String = "ConventionalEPI") -> HeaderValue {
            var description: [HeaderValue.Field] = [HeaderValue.Field("identifier", .string(identifier))]
            description.append(HeaderValue.Field("userParameterLong", .list(long.map { .record([HeaderValue.Field("name", .string($0.0)), HeaderValue.Field("value", .int($0.1))]) })))
            if let d = dwell {
                description.append(HeaderValue.Field("userParameterDouble", .list([.record([HeaderValue.Field("name", .string("dwellTime")), HeaderValue.Field("value", .double(d))])])))
            }
            let space = HeaderValue.record([HeaderValue.Field("matrixSize", .record([HeaderValue.Field("x", .int(128)), HeaderValue.Field("y", .int(64)), HeaderValue.Field("z", .int(1))]))])
            return .record([HeaderValue.Field("encoding", .list([.record([
                HeaderValue.Field("encodedSpace", space), HeaderValue.Field("trajectory", .string("epi")), HeaderValue.Field("trajectoryDescription", .record(description)),
            ])]))])
        }
        let good: [(String, Int)] = [("numSamples", 128), ("rampUpTime", 80), ("rampDownTime", 80), ("flatTopTime", 192), ("acqDelayTime", 16), ("numberOfNavigators", 3)]
        XCTAssertEqual(try EPITrapezoid(header: header(good)), try rampTrapezoid())
        let plan = try EPIRampRegridder(header: header(good))
        XCTAssertEqual(plan.outputSamples, 128, "the encoded matrix's x size")
        XCTAssertEqual(try EPIPreprocessing.requested(by: header(good)).regrid, true)
        XCTAssertEqual(try EPIPreprocessing.requested(by: header(good)).navigators, true)
        // Without any timing the header asks for no regridding; with broken timings it is an error.
        XCTAssertEqual(try EPIPreprocessing.requested(by: header([("numSamples", 128), ("numberOfNavigators", 3)])).regrid, false)
        XCTAssertThrowsError(try EPIPreprocessing.requested(by: header(good.filter { $0.0 != "acqDelayTime" }))) {
            XCTAssertTrue("\($0)".contains("reconstruct: the ConventionalEPI trajectoryDescription lacks acqDelayTime"), "\($0)")
        }

        func message(_ h: HeaderValue) -> String {
            do { _ = try EPITrapezoid(header: h); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(header(good.filter { $0.0 != "rampUpTime" })).contains("lacks rampUpTime"))
        XCTAssertTrue(message(header(good, dwell: nil)).contains("lacks dwellTime"))
        XCTAssertTrue(message(header(good, identifier: "Spiral")).contains("not ConventionalEPI"))
        let tooLong = good.map { $0.0 == "flatTopTime" ? ($0.0, 100) : $0 }
        XCTAssertTrue(message(header(tooLong)).contains("do not fit in the gradient lobe"), message(header(tooLong)))
        let late = good.map { $0.0 == "acqDelayTime" ? ($0.0, 50) : $0 }
        XCTAssertTrue(message(header(late)).contains("ends after the gradient lobe"), message(header(late)))
        let negative = good.map { $0.0 == "rampDownTime" ? ($0.0, -5) : $0 }
        XCTAssertTrue(message(header(negative)).contains("rampDownTime must be a time ≥ 0"), message(header(negative)))
        XCTAssertThrowsError(try EPIRampRegridder(trapezoid: try rampTrapezoid(), options: EPIRegridOptions(outputSamples: 600))) {
            XCTAssertTrue("\($0)".contains("samples are too sparse for a grid of 600"), "\($0)")
        }
    }
}

/// Single-precision copy of a double-precision complex number.
func single(_ z: Complex128) -> Complex64 { Complex64(Float(z.re), Float(z.im)) }

/// Euclidean length of a complex array.
func length(_ x: NDArray) -> Double {
    x.contiguous().toArray(Complex64.self).reduce(0) { $0 + Double($1.lengthSquared) }.squareRoot()
}

/// Euclidean distance between two complex arrays of the same size.
func distance(_ a: NDArray, _ b: NDArray) throws -> Double {
    let x = a.contiguous().toArray(Complex64.self), y = b.contiguous().toArray(Complex64.self)
    XCTAssertEqual(x.count, y.count)
    return zip(x, y).reduce(0) { $0 + Double(($1.0 - $1.1).lengthSquared) }.squareRoot()
}
