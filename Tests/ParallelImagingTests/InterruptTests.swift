import NDArray
import ParallelImaging
import XCTest

/// Ctrl-C stops calibration and application with InterruptedError and leaves the flag cleared.
final class InterruptTests: XCTestCase {
    func testInterruptStopsCalibrationAndApplication() throws {
        let (full, _) = try Phantom.kspace(48, 48, coils: 4)
        let data = try Helpers.undersample(full) { e1, _ in e1 % 2 == 0 || (16..<32).contains(e1) }
        let reference = try Helpers.lines(full, 16, 32)
        defer { Interrupt.clear() }
        Interrupt.request()
        XCTAssertThrowsError(try GRAPPAKernel.calibrate(reference: reference, acceleration: [2])) { XCTAssertTrue($0 is InterruptedError, "\($0)") }
        XCTAssertFalse(Interrupt.isRequested)
        let kernel = try GRAPPAKernel.calibrate(reference: reference, acceleration: [2])
        Interrupt.request()
        XCTAssertThrowsError(try kernel.apply(data)) { XCTAssertTrue($0 is InterruptedError, "\($0)") }
        XCTAssertFalse(Interrupt.isRequested)
        XCTAssertEqual(try kernel.apply(data).shape, data.shape, "works again after the interrupt")
    }
}
