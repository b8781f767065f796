import ISMRMRD
import NDArray

/// What the header's parallelImaging.multiband says about simultaneous multi-slice data: M
/// slices per excitation, their distance, the kz blip and the CAIPIRINHA shift that follows.
public struct MultibandDescription: Sendable, Equatable {
    /// Slices excited at once (multiband_factor).
    public var factor: Int
    /// Distance between simultaneously excited slices, mm (the first dZ; 0 when absent).
    public var spacing_mm: Double
    /// The kz blip, cycles/mm (deltaKz; 0 when absent).
    public var deltaKz: Double
    /// calibration: "separable2D", "full3D" or "other" ("" when absent).
    public var calibration: String

    /// A description with these values.
    public init(factor: Int, spacing_mm: Double = 0, deltaKz: Double = 0, calibration: String = "") {
        self.factor = factor
        self.spacing_mm = spacing_mm
        self.deltaKz = deltaKz
        self.calibration = calibration
    }

    /// The CAIPIRINHA shift divisor: band m moves by m/shift of the acquired field of view, and a
    /// blip advances band m's phase by 2π·m/shift = 2π·deltaKz·m·spacing; 2 (FOV/2, CMRR's
    /// default for multiband 2) when the header does not give both.
    public var caipirinhaShift: Int {
        let cycles = deltaKz * spacing_mm
        // A header's numbers can be anything: shifts beyond 1/1024 of the field of view mean nothing.
        guard cycles > 0 && cycles.isFinite, 1 / cycles <= 1024 else { return 2 }
        return Swift.max(1, Int((1 / cycles).rounded()))
    }

    /// The description in encoding `space` of a parsed header; nil when there is no multiband
    /// element or its factor is 1.
    public static func from(header: HeaderValue, space: Int = 0) throws -> MultibandDescription? {
        guard let mb = header["encoding"]?[space]?.value(at: "parallelImaging.multiband") else { return nil }
        guard let factor = mb["multiband_factor"]?.intValue else {
            throw ArrayError("buffer", "the header's parallelImaging.multiband has no multiband_factor")
        }
        guard factor >= 1 && factor <= 64 else { throw ArrayError("buffer", "the header's multiband_factor must be 1…64, got \(factor)") }
        if factor == 1 { return nil }
        // spacing and dZ may repeat: a list, or a single element.
        func first(_ v: HeaderValue?) -> HeaderValue? { v?.items?.first ?? v }
        let dz = first(first(mb["spacing"])?["dZ"])?.doubleValue ?? 0
        return MultibandDescription(factor: factor, spacing_mm: dz, deltaKz: mb["deltaKz"]?.doubleValue ?? 0,
                                    calibration: mb["calibration"]?.stringValue ?? "")
    }
}
