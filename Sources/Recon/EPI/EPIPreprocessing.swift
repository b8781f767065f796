import ISMRMRD
import NDArray

/// The EPI steps that come before buffering, in Gadgetron's order (EPIReconXGadget, then
/// EPICorrGadget): ramp regridding of every readout, then navigator phase correction, which
/// consumes the navigators. Either step may be off.
public final class EPIPreprocessing {
    /// The ramp regridder (nil: readouts keep their samples).
    public let regridder: EPIRampRegridder?
    /// The navigator corrector (nil: navigators are passed on, and buffering drops them).
    public let corrector: EPINavigatorCorrector?

    /// Both steps as given.
    public init(regridder: EPIRampRegridder?, corrector: EPINavigatorCorrector?) {
        self.regridder = regridder
        self.corrector = corrector
    }

    /// What the XML header asks for: regridding when its ConventionalEPI description puts samples
    /// on the ramps, navigator correction when it announces navigators (numberOfNavigators > 0).
    /// A description that gives gradient timings must give consistent ones (else an error); one
    /// without any timing asks for no regridding.
    public static func requested(by header: HeaderValue, operation: String = "reconstruct") throws -> (regrid: Bool, navigators: Bool) {
        guard header.value(at: "encoding.0.trajectory")?.stringValue?.lowercased() == "epi",
              let description = header.value(at: "encoding.0.trajectoryDescription") else { return (false, false) }
        let names = Set((description["userParameterLong"]?.items ?? []).compactMap { $0["name"]?.stringValue })
        var regrid = false
        if !names.isDisjoint(with: ["rampUpTime", "rampDownTime", "flatTopTime"]) {
            regrid = try EPITrapezoid(header: header, operation: operation).samplesRamps
        }
        let navigators = (description["userParameterLong"]?.items ?? []).contains {
            $0["name"]?.stringValue == "numberOfNavigators" && ($0["value"]?.intValue ?? 0) > 0
        }
        return (regrid, navigators)
    }

    /// Regrids (all but noise readouts) and corrects one readout; nil when it was a navigator.
    public func process(_ a: Acquisition) throws -> Acquisition? {
        var a = a
        if let r = regridder, !a.head.isSet(.ACQ_IS_NOISE_MEASUREMENT), a.head.encoding_space_ref == 0 { a = try r.apply(a) }
        if let c = corrector { return try c.process(a) }
        return a
    }

    /// One line for a summary: what was done.
    public var summary: String {
        var parts: [String] = []
        if let r = regridder {
            parts.append(r.isIdentity ? "no ramp sampling to regrid" : "ramp sampling regridded (\(r.trapezoid.numSamples) → \(r.outputSamples) samples)")
        }
        if let c = corrector {
            parts.append("navigator phase correction (\(c.differences.count) echo trains, \(c.options.fit.rawValue) fit)")
            if !c.warnings.isEmpty { parts.append("\(c.warnings.count) train\(c.warnings.count == 1 ? "" : "s") left uncorrected") }
        }
        return "EPI: " + (parts.isEmpty ? "nothing applied" : parts.joined(separator: ", "))
    }
}
