import NDArray

/// A built-in gadget class: Gadgetron's class name, what it does, the properties it implements
/// (name and default, written as an mrs literal) and how to make one.
public struct GadgetClass {
    /// Gadgetron's class name.
    public let name: String
    /// One line on what the gadget does.
    public let summary: String
    /// The properties the gadget reads, with their defaults as mrs literals (`"repetition"`, `true`, `0.15`).
    public let properties: [(name: String, defaultValue: String)]
    /// Makes a gadget from properties.
    public let make: (GadgetProperties) throws -> Gadget

    /// A class entry.
    public init(_ name: String, _ summary: String, _ properties: [(String, String)] = [], _ make: @escaping (GadgetProperties) throws -> Gadget) {
        self.name = name
        self.summary = summary
        self.properties = properties.map { (name: $0.0, defaultValue: $0.1) }
        self.make = make
    }
}

/// The built-in gadgets by Gadgetron class name. Adding a Swift gadget is one entry here (and
/// the class itself); the language and the XML configurations pick it up from this table.
public enum GadgetCatalog {
    /// Every built-in gadget class, in chain order of a typical Cartesian reconstruction.
    public static let classes: [GadgetClass] = [
        GadgetClass("NoiseAdjustGadget", "Estimate the coil noise covariance from the noise readouts and prewhiten the data readouts.") { NoiseAdjustGadget($0) },
        GadgetClass("AsymmetricEchoAdjustROGadget", "Zero-pad readouts with an off-centre (asymmetric) echo so the echo sits mid-readout.") { AsymmetricEchoAdjustROGadget($0) },
        GadgetClass("RemoveROOversamplingGadget", "Crop each readout to the recon field of view (remove readout oversampling).") { RemoveROOversamplingGadget($0) },
        GadgetClass("EPIReconXGadget", "Regrid ramp-sampled EPI readouts onto the flat-top grid of the header's trajectoryDescription.") { EPIReconXGadget($0) },
        GadgetClass("EPICorrGadget", "Odd/even EPI phase correction from each echo train's navigators (consumed, never passed on).",
                    [("OEPhaseCorrectionMode", "\"linear\"")]) { try EPICorrGadget($0) },
        GadgetClass("AcquisitionAccumulateTriggerGadget", "Collect readouts into buckets, passed on when the trigger counter changes.",
                    [("trigger_dimension", "\"\""), ("sorting_dimension", "\"\"")]) { try AcquisitionAccumulateTriggerGadget($0) },
        GadgetClass("BucketToBufferGadget", "Lay buckets out as buffers [RO, E1, E2, CHA, N, S, SLC] with their calibration (ref) buffers.",
                    [("N_dimension", "\"\""), ("S_dimension", "\"\""), ("split_slices", "false"), ("ignore_segment", "true")]) { try BucketToBufferGadget($0) },
        GadgetClass("GenericReconCartesianReferencePrepGadget", "Crop the ref buffer to its calibration lines, averaged over N (and S) if asked.",
                    [("average_all_ref_N", "true"), ("average_all_ref_S", "false"), ("prepare_ref_always", "true")]) { try GenericReconCartesianReferencePrepGadget($0) },
        GadgetClass("GenericReconEigenChannelGadget", "Coil compression: rotate channels onto the eigenvectors of their covariance, drop weak modes.",
                    [("upstream_coil_compression", "true"), ("upstream_coil_compression_thres", "0.002"), ("upstream_coil_compression_num_modesKept", "0"),
                     ("average_all_ref_N", "true"), ("average_all_ref_S", "true")]) { try GenericReconEigenChannelGadget($0) },
        GadgetClass("SimpleReconGadget", "Inverse FFT of each buffer and root-sum-of-squares coil combination.",
                    [("image_series", "0")]) { try BufferReconGadget.simple($0) },
        GadgetClass("GenericReconCartesianFFTGadget", "Inverse FFT and SENSE-1 coil combination with maps from the ref data.",
                    [("image_series", "0"), ("coil_map_algorithm", "\"Inati\"")]) { try BufferReconGadget.fft($0) },
        GadgetClass("GenericReconCartesianGrappaGadget", "GRAPPA on accelerated buffers (calibrated on ref), inverse FFT and SENSE-1 coil combination.",
                    [("image_series", "0"), ("coil_map_algorithm", "\"Inati\""), ("grappa_kSize_RO", "5"), ("grappa_kSize_E1", "4"), ("grappa_reg_lamda", "0.01")]) { try BufferReconGadget.grappa($0) },
        GadgetClass("GenericReconPartialFourierHandlingFilterGadget", "Taper the sampled edge of partial-Fourier k-space to damp ringing.",
                    [("partial_fourier_filter_RO_width", "0.15"), ("partial_fourier_filter_E1_width", "0.15"), ("partial_fourier_filter_E2_width", "0.15")]) { try GenericReconPartialFourierHandlingFilterGadget($0) },
        GadgetClass("GenericReconKSpaceFilteringGadget", "Window k-space per axis (Gaussian, Hanning or None).",
                    [("filterRO", "\"None\""), ("filterRO_sigma", "1.0"), ("filterE1", "\"None\""), ("filterE1_sigma", "1.0"), ("filterE2", "\"None\""), ("filterE2_sigma", "1.0")]) { try GenericReconKSpaceFilteringGadget($0) },
        GadgetClass("GenericReconFieldOfViewAdjustmentGadget", "Bring images to the header's recon matrix and field of view.") { GenericReconFieldOfViewAdjustmentGadget($0) },
        GadgetClass("GenericReconImageArrayScalingGadget", "Scale image arrays by a constant or automatically.",
                    [("use_constant_scalingFactor", "true"), ("scalingFactor", "10.0"), ("max_intensity_value", "4095"), ("auto_scaling_only_once", "true")]) { try GenericReconImageArrayScalingGadget($0) },
        GadgetClass("ImageArraySplitGadget", "Split image arrays into one image per N, S and SLC.") { ImageArraySplitGadget($0) },
        GadgetClass("ExtractGadget", "Complex images to float magnitude (and real, imaginary, phase) images.",
                    [("extract_magnitude", "true"), ("extract_real", "false"), ("extract_imag", "false"), ("extract_phase", "false"), ("extract_mask", "\"\"")]) { try ExtractGadget($0) },
        GadgetClass("ComplexToFloatGadget", "Complex images to float (the part their image_type names).") { ComplexToFloatGadget($0) },
        GadgetClass("AutoScaleGadget", "Scale float images so the 99th percentile reaches max_value.", [("max_value", "2048")]) { try AutoScaleGadget($0) },
        GadgetClass("FloatToUShortGadget", "Float images to unsigned 16-bit, offset, rounded and clamped.",
                    [("max_intensity", "4095"), ("min_intensity", "0"), ("intensity_offset", "0")]) { try FloatToUShortGadget($0) },
        GadgetClass("ImageFinishGadget", "The end of an image chain: images go on to the writer.") { ImageFinishGadget($0) },
    ]

    private static let byName: [String: Int] = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element.name, $0.offset) })

    /// The class called `name`, if built in.
    public static func named(_ name: String) -> GadgetClass? { byName[name].map { classes[$0] } }

    /// The names of every built-in class, sorted.
    public static var names: [String] { classes.map(\.name).sorted() }

    /// Makes gadget `className` with properties (name/value text); returns it with the names of
    /// given properties it does not implement (to be reported as ignored).
    public static func make(_ className: String, properties: [(String, String)]) throws -> (gadget: Gadget, ignored: [String]) {
        guard let c = named(className) else { throw unknownClass(className) }
        let p = GadgetProperties(className: className, properties)
        let g = try c.make(p)
        return (g, p.unread)
    }

    /// The error for a class that is not built in, listing the ones that are.
    public static func unknownClass(_ name: String) -> ArrayError {
        ArrayError("chain", "no built-in gadget '\(name)'; the built-in gadgets are \(names.joined(separator: ", ")) (an mrs gadget can stand in for a Python one)")
    }

    /// The note for properties a gadget ignores.
    public static func ignoredNote(_ instance: String, _ className: String, _ ignored: [String]) -> String {
        "\(className) '\(instance)': ignoring propert\(ignored.count == 1 ? "y" : "ies") \(ignored.joined(separator: ", ")) (not implemented in mrs)"
    }
}
