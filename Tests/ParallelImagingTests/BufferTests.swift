import Foundation
import NDArray
import ParallelImaging
import XCTest

/// The driver over [RO, E1, E2, CHA, N, S, SLC]: one calibration per slice, applied to every N.
final class BufferTests: XCTestCase {
    func testCalibratesPerSliceAndAppliesToEveryRepetition() throws {
        let (a, _) = try Phantom.kspace(48, 48)
        let (b0, _) = try Phantom.kspace(48, 48, coils: 8)
        // A second slice that differs: the first one's k-space flipped along RO (another object).
        let b = try b0.get([.slice(start: nil, stop: nil, step: -1), .all, .all, .all]).copy()
        let full = [a, b]
        let keep: (Int, Int) -> Bool = { i, _ in i % 2 == 0 }
        // data[..., n, 0, slc]: repetition n scales the slice's k-space by (n + 1).
        var pieces: [NDArray] = []
        for slc in 0..<2 { for n in 0..<3 {
            pieces.append(try NDArray.binary(.mul, .array(try Helpers.undersample(full[slc], keep: keep)), .scalar(.float(Double(n + 1)))))
        } }
        let data = try NDArray.concatenate(pieces.map { try $0.reshaped([48, 48, 1, 8, 1]) }, axis: 4).reshaped([48, 48, 1, 8, 3, 1, 2])
        let ref = try NDArray.concatenate(full.map { try Helpers.lines($0, 12, 36).reshaped([48, 24, 1, 8, 1, 1, 1]) }, axis: 6)
        let out = try GRAPPA.reconstructBuffer(data: data, reference: ref)
        XCTAssertEqual(out.shape, data.shape)
        for slc in 0..<2 {
            let kernel = try GRAPPAKernel.calibrate(reference: Helpers.lines(full[slc], 12, 36), acceleration: [2])
            for n in 0..<3 {
                let expected = try kernel.apply(pieces[slc * 3 + n]).toArray(Complex64.self)
                let got = try out.get([.all, .all, .all, .all, .int(n), .int(0), .int(slc)]).toArray(Complex64.self)
                XCTAssertTrue(got == expected, "slice \(slc), n \(n): differs from calibrating and applying by hand")
            }
        }
        // A reference with the wrong number of slices is an error that names both shapes.
        let ref3 = try NDArray.concatenate([ref, try ref.get([.all, .all, .all, .all, .all, .all, .slice(start: 0, stop: 1, step: nil)])], axis: 6)
        XCTAssertThrowsError(try GRAPPA.reconstructBuffer(data: data, reference: ref3)) { error in
            XCTAssertTrue("\(error)".contains("3 slices"), "\(error)")
        }
    }
}
