import MRSLanguage

/// Every built-in of mrs, by family. The registry drives calls, `help`, completion and the
/// generated reference (docs/builtins.md).
public enum Builtins {
    public static func makeRegistry() -> Registry {
        let r = Registry()
        r.addFamily(CoreBuiltins.family, summary: "printing, types, help, strings, lists and records, timing")
        r.add(CoreBuiltins.entries)
        r.add(CoreBuiltins.constants)
        r.addFamily(ArrayBuiltins.family, summary: "creating arrays, shapes and elementwise math")
        r.add(ArrayBuiltins.entries)
        r.add(DTypeConstants.constants)
        r.addFamily(ReductionBuiltins.family, summary: "sums, means, extremes, norms and rss over axes")
        r.add(ReductionBuiltins.entries)
        r.addFamily(LinalgBuiltins.family, summary: "matrix products and decompositions (OpenBLAS/LAPACK)")
        r.add(LinalgBuiltins.entries)
        r.addFamily(FileBuiltins.family, summary: "arrays in .npy, .npz and BART .cfl files")
        r.add(FileBuiltins.entries)
        r.addFamily(GraphicsBuiltins.family, summary: "PNG snapshots, line plots and scatter plots")
        r.add(GraphicsBuiltins.entries)
        r.addFamily(IsmrmrdBuiltins.family, summary: "ISMRMRD raw data: datasets, acquisitions, headers, writing")
        r.add(IsmrmrdBuiltins.entries)
        r.addFamily(BufferBuiltins.family, summary: "selecting readouts and buffering them Gadgetron-style")
        r.add(BufferBuiltins.entries)
        r.addFamily(EPIBuiltins.family, summary: "EPI as scanners record it: ramp-sampling regridding, navigator phase correction")
        r.add(EPIBuiltins.entries)
        r.addFamily(FourierBuiltins.family, summary: "centred orthonormal FFTs (FFTW)")
        r.add(FourierBuiltins.entries)
        r.addFamily(CoilBuiltins.family, summary: "coil maps, coil combination, prewhitening, oversampling removal")
        r.add(CoilBuiltins.entries)
        r.addFamily(ParallelImagingBuiltins.family, summary: "GRAPPA: calibration, application, unmixing weights, g-factor; one-call reconstruct")
        r.add(ParallelImagingBuiltins.entries)
        r.addFamily(SMSBuiltins.family, summary: "simultaneous multi-slice: slice-GRAPPA and split-slice GRAPPA, collapse, leakage, g-factor")
        r.add(SMSBuiltins.entries)
        r.addFamily(SamplingBuiltins.family, summary: "sampling masks (uniform, random, Poisson disc, CAIPIRINHA) and retrospective undersampling")
        r.add(SamplingBuiltins.entries)
        r.addFamily(SPIRiTBuiltins.family, summary: "SPIRiT: iterative k-space self-consistency reconstruction (CG, POCS)")
        r.add(SPIRiTBuiltins.entries)
        r.addFamily(MetricBuiltins.family, summary: "image-quality scores: NRMSE, PSNR, SSIM")
        r.add(MetricBuiltins.entries)
        r.addFamily(NonCartesianBuiltins.family, summary: "NUFFT (one call or a plan), trajectories, density compensation, gridding")
        r.add(NonCartesianBuiltins.entries)
        r.addFamily(TractographyBuiltins.family, summary: "NIfTI volumes, gradient tables, tensor fits, seeds, tracking, TrackVis files")
        r.add(TractographyBuiltins.entries)
        r.addFamily(SimulationBuiltins.family, summary: "phantoms, coil sensitivities and simulated acquisitions")
        r.add(SimulationBuiltins.entries)
        r.add(AcquisitionSimulationBuiltins.entries)
        r.addFamily(ToolboxBuiltins.family, summary: "BART's command-line tools and Python snippets (SigPy, PyGrappa, …) on mrs arrays")
        r.add(ToolboxBuiltins.entries)
        r.addFamily(GadgetBuiltins.family, summary: "Gadgetron's gadgets and chains: built-in gadgets by class name, gadgets written in mrs, XML configurations")
        r.add(GadgetBuiltins.entries)
        r.add(GadgetBuiltins.classEntries)
        r.addFamily(BatchBuiltins.family, summary: "results a script hands to `mrs batch` for its summary table")
        r.add(BatchBuiltins.entries)
        r.addFamily(DimensionConstants.family, summary: "dimension names usable wherever an axis number is")
        r.add(DimensionConstants.constants)
        r.errorHints.append(DimensionConstants.axisHint)
        r.addFamily(IsmrmrdBuiltins.flagFamily, summary: "ISMRMRD acquisition flags (1-based numbers: flag v is bit 1 << (v − 1))")
        r.add(IsmrmrdBuiltins.constants)
        HeaderValues.registerFormatters()
        GadgetBuiltins.registerFormatters()
        return r
    }
}

/// Element type names usable without quotes: zeros(shape, complex64).
enum DTypeConstants {
    static let constants: [ConstantEntry] = ["float32", "float64", "complex64", "complex128", "int64"].map {
        ConstantEntry($0, family: ArrayBuiltins.family, value: .string($0), summary: "The element type name \"\($0)\" (for dtype arguments).")
    }
}

/// RO, E1, E2, CHA, N, S, SLC: the Gadgetron/BART buffer dimensions as axis numbers.
enum DimensionConstants {
    static let family = "dimensions"
    static let constants: [ConstantEntry] = [
        ConstantEntry("RO", family: family, value: .int(0), summary: "Readout axis (0) of [RO, E1, E2, CHA, N, S, SLC] buffers and [RO, CHA] readouts."),
        ConstantEntry("E1", family: family, value: .int(1), summary: "First phase-encoding axis (1)."),
        ConstantEntry("E2", family: family, value: .int(2), summary: "Second phase-encoding (partition) axis (2)."),
        ConstantEntry("CHA", family: family, value: .int(3), summary: "Receiver channel (coil) axis (3) of a buffer; in a readout [RO, CHA] the coils are axis 1."),
        ConstantEntry("N", family: family, value: .int(4), summary: "The buffer's user-chosen N dimension (4)."),
        ConstantEntry("S", family: family, value: .int(5), summary: "The buffer's user-chosen S dimension (5)."),
        ConstantEntry("SLC", family: family, value: .int(6), summary: "Slice axis (6)."),
    ]

    /// For "axis 3 is out of range for an array of rank 3" raised by a call whose line names a
    /// dimension with that number: the names are axes of the 7-D buffer layout, not of any array.
    static func axisHint(_ message: String, _ line: String) -> String? {
        guard message.contains("is out of range for an array of rank"),
              let axisText = message.split(separator: " ").drop(while: { $0 != "axis" }).dropFirst().first,
              let axis = Int(axisText) else { return nil }
        let words = Set(line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
        guard let name = constants.first(where: {
            if case .int(let v) = $0.value { return v == axis && words.contains($0.name) }
            return false
        })?.name else { return nil }
        return "\(name) is axis \(axis) of the 7-D buffer layout [RO, E1, E2, CHA, N, S, SLC]; on an array laid out otherwise give the axis number (for [RO, E1, CHA] the coils are axis 2, or -1)"
    }
}
