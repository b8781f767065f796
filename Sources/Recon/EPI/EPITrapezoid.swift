import Foundation
import ISMRMRD
import NDArray

/// The trapezoidal readout gradient of conventional EPI as a converter describes it in the XML
/// header's `trajectoryDescription` (identifier `ConventionalEPI`, the fields siemens_to_ismrmrd
/// writes): ramp-up, flat-top and ramp-down times, the delay from the start of the lobe to the
/// first sample, the number of samples and the dwell time (µs). Samples taken on the ramps are
/// unevenly spaced in k-space; `positions` says where each one lies.
public struct EPITrapezoid: Sendable, Equatable {
    /// Duration of the ramp up, µs.
    public var rampUpTime_us: Double
    /// Duration of the flat top, µs.
    public var flatTopTime_us: Double
    /// Duration of the ramp down, µs.
    public var rampDownTime_us: Double
    /// Time from the start of the ramp up to the first sample, µs.
    public var acqDelayTime_us: Double
    /// ADC samples per readout.
    public var numSamples: Int
    /// Time between samples, µs.
    public var dwellTime_us: Double

    /// A trapezoid, checked: times finite and non-negative, a positive dwell time, at least two
    /// samples, and a sampling window that fits in the lobe.
    public init(rampUp: Double, flatTop: Double, rampDown: Double, acqDelay: Double = 0, samples: Int, dwell: Double,
                operation: String = "epi_regrid") throws {
        for (name, v) in [("rampUpTime", rampUp), ("flatTopTime", flatTop), ("rampDownTime", rampDown), ("acqDelayTime", acqDelay)] {
            guard v.isFinite && v >= 0 && v < 1e7 else { throw ArrayError(operation, "EPI trajectory: \(name) must be a time ≥ 0 in µs, got \(v)") }
        }
        guard dwell.isFinite && dwell > 0 && dwell < 1e6 else { throw ArrayError(operation, "EPI trajectory: dwellTime must be a positive time in µs, got \(dwell)") }
        guard samples >= 2 && samples <= 65535 else { throw ArrayError(operation, "EPI trajectory: numSamples must be 2…65535, got \(samples)") }
        rampUpTime_us = rampUp
        flatTopTime_us = flatTop
        rampDownTime_us = rampDown
        acqDelayTime_us = acqDelay
        numSamples = samples
        dwellTime_us = dwell
        // siemens_to_ismrmrd writes flatTopTime 0 when the readout does not sample the ramps
        // (Gadgetron then takes the whole readout as flat top); do the same.
        if flatTop == 0 && rampUp == 0 && rampDown == 0 { flatTopTime_us = readTime_us }
        guard flatTopTime_us > 0 else {
            throw ArrayError(operation, "EPI trajectory: flatTopTime is 0 with ramps of \(rampUp) and \(rampDown) µs (a triangular lobe cannot be regridded)")
        }
        let slack = 1e-6 * totalTime_us
        guard readTime_us <= totalTime_us + slack else {
            throw ArrayError(operation, "EPI trajectory: \(samples) samples × \(dwell) µs = \(readTime_us) µs do not fit in the gradient lobe (ramp up \(rampUp) + flat top \(flatTopTime_us) + ramp down \(rampDown) = \(totalTime_us) µs)")
        }
        guard acqDelay + readTime_us <= totalTime_us + slack else {
            throw ArrayError(operation, "EPI trajectory: the sampling window (acqDelayTime \(acqDelay) µs + \(readTime_us) µs of samples) ends after the gradient lobe (\(totalTime_us) µs)")
        }
    }

    /// Reads encoding `space`'s trajectoryDescription; every timing must be present.
    public init(header: HeaderValue, space: Int = 0, operation: String = "epi_regrid") throws {
        guard let encoding = header["encoding"]?[space] ?? (space == 0 ? header["encoding"] : nil), encoding["encodedSpace"] != nil else {
            throw ArrayError(operation, "the XML header has no encoding \(space)")
        }
        guard let description = encoding["trajectoryDescription"] else {
            throw ArrayError(operation, "the XML header's encoding \(space) has no trajectoryDescription (trajectory \(encoding["trajectory"]?.stringValue ?? "unknown")): no EPI readout timing to regrid with")
        }
        let identifier = description["identifier"]?.stringValue ?? ""
        guard identifier == "ConventionalEPI" else {
            throw ArrayError(operation, "the trajectoryDescription is '\(identifier)', not ConventionalEPI (the trapezoidal EPI readout)")
        }
        let parameters = EPITrapezoid.parameters(description, "userParameterLong").merging(EPITrapezoid.parameters(description, "userParameterDouble")) { a, _ in a }
        func value(_ name: String) throws -> Double {
            guard let v = parameters[name] else {
                throw ArrayError(operation, "the ConventionalEPI trajectoryDescription lacks \(name) (needs rampUpTime, rampDownTime, flatTopTime, acqDelayTime, numSamples, dwellTime; has \(parameters.keys.sorted().joined(separator: ", ")))")
            }
            return v
        }
        let samples = try value("numSamples")
        guard samples == samples.rounded(), abs(samples) < 1e6 else { throw ArrayError(operation, "EPI trajectory: numSamples must be an integer, got \(samples)") }
        try self.init(rampUp: try value("rampUpTime"), flatTop: try value("flatTopTime"), rampDown: try value("rampDownTime"),
                      acqDelay: try value("acqDelayTime"), samples: Int(samples), dwell: try value("dwellTime"), operation: operation)
    }

    /// Name → value of the `{name, value}` records of a userParameter list.
    private static func parameters(_ description: HeaderValue, _ key: String) -> [String: Double] {
        var out: [String: Double] = [:]
        let items = description[key]?.items ?? (description[key].map { [$0] } ?? [])
        for p in items {
            if let name = p["name"]?.stringValue, let v = p["value"]?.doubleValue { out[name] = v }
        }
        return out
    }

    /// Duration of the whole lobe, µs.
    public var totalTime_us: Double { rampUpTime_us + flatTopTime_us + rampDownTime_us }
    /// Duration of the sampling window, µs.
    public var readTime_us: Double { Double(numSamples) * dwellTime_us }

    /// True when some samples fall on a ramp (regridding is more than a copy).
    public var samplesRamps: Bool {
        let window = (totalTime_us - readTime_us) / 2
        return window < rampUpTime_us - 1e-9 || window < rampDownTime_us - 1e-9
    }

    /// Gradient area (gradient amplitude 1) from the start of the lobe to time `t`.
    func area(_ t: Double) -> Double {
        let up = rampUpTime_us, flat = flatTopTime_us, down = rampDownTime_us
        if t <= 0 { return 0 }
        if t <= up { return 0.5 * t * t / up }
        if t <= up + flat { return 0.5 * up + (t - up) }
        let total = up + flat + down
        if t >= total { return 0.5 * up + flat + 0.5 * down }
        let left = total - t
        return 0.5 * up + flat + 0.5 * down - 0.5 * left * left / down
    }

    /// K-space position of every sample of a forward readout in units of the output grid
    /// (cycles per encoded field of view, 0 at the centre): the gradient area covered while
    /// sampling spans `gridSize` grid steps, and sample n is taken at acqDelay + n × dwell. A
    /// `balanced` window sits in the middle of the lobe (Gadgetron's choice, acqDelayTime ignored)
    /// so sample numSamples / 2 lies at k = 0, as center_sample says; a readout without ramp
    /// sampling then lands exactly on the grid (k_n = n − gridSize / 2).
    public func positions(gridSize: Int, balanced: Bool = true) -> [Double] {
        let delay = balanced ? (totalTime_us - readTime_us) / 2 : acqDelayTime_us
        let start = area(delay), end = area(delay + readTime_us)
        let scale = Double(gridSize) / (end - start)
        let centre = balanced ? area(totalTime_us) / 2 : area(delay + Double(numSamples / 2) * dwellTime_us)
        return (0..<numSamples).map { n in scale * (area(delay + Double(n) * dwellTime_us) - centre) }
    }
}
