import Recon
import XCTest

/// The CAIPIRINHA shift read from a header: the blip step spacing × deltaKz gives the fraction of
/// the field of view; values a header cannot mean fall back to FOV/2 instead of trapping.
final class MultibandDescriptionTests: XCTestCase {
    func testShiftFromTheHeaderAndItsFallback() {
        XCTAssertEqual(MultibandDescription(factor: 2, spacing_mm: 60, deltaKz: 1.0 / 240).caipirinhaShift, 4)
        XCTAssertEqual(MultibandDescription(factor: 2).caipirinhaShift, 2)
        XCTAssertEqual(MultibandDescription(factor: 2, spacing_mm: 60, deltaKz: 1e-300).caipirinhaShift, 2)
        XCTAssertEqual(MultibandDescription(factor: 2, spacing_mm: .infinity, deltaKz: 1).caipirinhaShift, 2)
    }
}
