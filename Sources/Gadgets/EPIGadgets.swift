import ISMRMRD
import NDArray
import Recon

/// EPIReconXGadget: regrids ramp-sampled EPI readouts onto the flat-top grid described by the
/// header's `trajectoryDescription` (see `EPIRampRegridder`). Readouts of a header without ramp
/// sampling pass unchanged; noise and other encoding spaces are not touched.
final class EPIReconXGadget: Gadget {
    let className = "EPIReconXGadget"
    private var regridder: EPIRampRegridder?

    init(_ p: GadgetProperties) {}

    func configure(_ context: GadgetContext) throws {
        guard try EPIPreprocessing.requested(by: context.header, operation: className).regrid else {
            context.note("EPIReconXGadget: the header describes no ramp sampling; readouts pass unchanged")
            return
        }
        regridder = try EPIRampRegridder(header: context.header)
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard let r = regridder, case .acquisition(let a) = message,
              !a.head.isSet(.ACQ_IS_NOISE_MEASUREMENT), a.head.encoding_space_ref == 0 else {
            return try out.put(message)
        }
        try out.put(.acquisition(try r.apply(a)))
    }
}

/// EPICorrGadget: measures the odd/even phase difference of each echo train from its
/// phase-correction navigators (`ACQ_IS_PHASECORR_DATA`) and applies it to that train's lines
/// (see `EPINavigatorCorrector`). Navigators are consumed, never passed on.
/// `OEPhaseCorrectionMode` is Gadgetron's: "linear" (constant and linear phase), "mean" (constant
/// only) or "none" (navigators removed, lines unchanged).
final class EPICorrGadget: Gadget {
    let className = "EPICorrGadget"
    private let corrector: EPINavigatorCorrector?

    init(_ p: GadgetProperties) throws {
        switch p.string("OEPhaseCorrectionMode", "linear") {
        case "linear": corrector = EPINavigatorCorrector(options: EPINavigatorOptions(fit: .linear), operation: "EPICorrGadget")
        case "mean": corrector = EPINavigatorCorrector(options: EPINavigatorOptions(fit: .constant), operation: "EPICorrGadget")
        case "none": corrector = nil
        case let other: throw ArrayError("EPICorrGadget", "property OEPhaseCorrectionMode = '\(other)' is not \"linear\", \"mean\" or \"none\"")
        }
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .acquisition(let a) = message else { return try out.put(message) }
        guard let corrector else {
            if !a.head.isSet(.ACQ_IS_PHASECORR_DATA) { try out.put(message) }
            return
        }
        if let corrected = try corrector.process(a) { try out.put(.acquisition(corrected)) }
    }

    func close(_ out: GadgetOutput) throws { try corrector?.finish() }
}
