import Fourier
import ISMRMRD
import NDArray
import ParallelImaging
import Recon

/// GenericReconCartesianReferencePrepGadget: prepares the calibration buffer — the acquired
/// block of the ref lines, averaged over N and/or S when asked.
final class GenericReconCartesianReferencePrepGadget: Gadget {
    let className = "GenericReconCartesianReferencePrepGadget"
    private let averageN: Bool, averageS: Bool

    init(_ p: GadgetProperties) throws {
        averageN = try p.bool("average_all_ref_N", true)
        averageS = try p.bool("average_all_ref_S", false)
        _ = try p.bool("prepare_ref_always", true)
    }

    /// The last prepared calibration per slice (-1: buffers holding every slice). Calibration
    /// lines usually come once (with the first repetition); later buffers reuse them, as
    /// Gadgetron keeps its calibration until new ref lines arrive.
    private var lastRef: [Int: DataBuffer] = [:]

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .buffer(var bit) = message, let data = bit.data else { return try out.put(message) }
        let key = data.data.shape[6] > 1 ? -1 : Int((try? firstHeader(data)?.idx.slice) ?? 0)
        if var ref = bit.ref {
            var block = try CartesianRecon.acquiredBlock(ref.data, operation: className)
            if averageN && block.shape[4] > 1 { block = try block.mean(axes: [4], keepDims: true).astype(.complex64) }
            if averageS && block.shape[5] > 1 { block = try block.mean(axes: [5], keepDims: true).astype(.complex64) }
            ref.data = block
            bit.ref = ref
            lastRef[key] = ref
        } else if let previous = lastRef[key] {
            bit.ref = previous
        }
        try out.put(.buffer(bit))
    }

    private func firstHeader(_ b: DataBuffer) throws -> AcquisitionHeader? {
        b.headers.headers.first { $0 != nil } ?? nil
    }
}

/// GenericReconEigenChannelGadget: upstream coil compression. The channels are rotated onto the
/// eigenvectors of their covariance (estimated from the ref buffer, or the data without one),
/// strongest first, and modes whose eigenvalue falls below `upstream_coil_compression_thres` of
/// the largest are dropped (or only `upstream_coil_compression_num_modesKept` are kept).
final class GenericReconEigenChannelGadget: Gadget {
    let className = "GenericReconEigenChannelGadget"
    private let enabled: Bool
    private let threshold: Double
    private let modesKept: Int

    init(_ p: GadgetProperties) throws {
        enabled = try p.bool("upstream_coil_compression", true)
        threshold = try p.double("upstream_coil_compression_thres", 0.002)
        modesKept = try p.int("upstream_coil_compression_num_modesKept", 0)
        _ = try p.bool("average_all_ref_N", true)
        _ = try p.bool("average_all_ref_S", true)
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard enabled, case .buffer(var bit) = message, var data = bit.data else { return try out.put(message) }
        let source = bit.ref?.data ?? data.data
        let rotation = try compression(source)
        data.data = try apply(rotation, to: data.data)
        bit.data = data
        if var ref = bit.ref {
            ref.data = try apply(rotation, to: ref.data)
            bit.ref = ref
        }
        try out.put(.buffer(bit))
    }

    /// The CHA × K matrix whose columns are the kept eigenvectors.
    private func compression(_ x: NDArray) throws -> NDArray {
        let c = x.shape[3]
        guard c >= 1, x.count > 0 else { throw ArrayError(className, "cannot compress a buffer without channels or samples (\(Shape.text(x.shape)))") }
        let moved = try x.astype(.complex128).permuted([3, 0, 1, 2, 4, 5, 6]).reshaped([c, x.count / c])
        let cov = try NDArray.matmul(moved, try moved.transposed().unary(.conj))
        let (values, vectors) = try NDArray.eigh(cov)
        // eigh: ascending eigenvalues; keep the strongest.
        let lambda = try values.astype(.float64).toArray(Double.self)
        let order = lambda.indices.sorted { lambda[$0] > lambda[$1] }
        let largest = Swift.max(lambda[order[0]], .leastNonzeroMagnitude)
        var keep = modesKept > 0 ? Swift.min(modesKept, c) : order.filter { lambda[$0] / largest >= threshold }.count
        keep = Swift.max(keep, 1)
        var m = try NDArray(zeros: [c, keep], dtype: .complex128)
        for (k, j) in order.prefix(keep).enumerated() {
            try m.set([.all, .int(k)], to: try vectors.get([.all, .int(j)]))
        }
        return m
    }

    /// y[..., k, ...] = Σ_c x[..., c, ...] m[c, k] along CHA.
    private func apply(_ m: NDArray, to x: NDArray) throws -> NDArray {
        let c = x.shape[3], k = m.shape[1]
        var shape = x.shape
        // Single precision throughout: the data are complex64 and the products are short sums.
        let rows = try x.astype(.complex64).permuted([0, 1, 2, 4, 5, 6, 3]).reshaped([x.count / c, c])
        let y = try NDArray.matmul(rows, try m.astype(.complex64))
        shape[3] = k
        let moved = try y.reshaped([shape[0], shape[1], shape[2], shape[4], shape[5], shape[6], k])
        return try moved.permuted([0, 1, 2, 6, 3, 4, 5]).copy()
    }
}

/// The recon gadgets: each turns a buffer into images [RO, E1, E2, 1, N, S, SLC] its own way and
/// passes them on as an image array with headers.
final class BufferReconGadget: Gadget {
    let className: String
    private let series: Int
    private let reconstruct: (ReconBit, DataBuffer) throws -> NDArray
    private var counter = 0

    init(_ className: String, series: Int, _ reconstruct: @escaping (ReconBit, DataBuffer) throws -> NDArray) {
        self.className = className
        self.series = series
        self.reconstruct = reconstruct
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .buffer(let bit) = message, let data = bit.data else { return try out.put(message) }
        let img = try reconstruct(bit, data)
        let headers = try ImageHeaders.make(for: data, imageShape: Array(img.shape.prefix(4)), series: series, counter: &counter)
        try out.put(.imageArray(try ImageArray(data: img, headers: headers, sampling: data.sampling)))
    }

    /// SimpleReconGadget: inverse FFT of each buffer and root-sum-of-squares over the coils.
    static func simple(_ p: GadgetProperties) throws -> Gadget {
        BufferReconGadget("SimpleReconGadget", series: try p.int("image_series", 0)) { _, data in
            let coils = try ifft(data.data, axes: CartesianRecon.imageAxes(data.data.shape))
            return try rootSumOfSquares(coils, coilAxis: 3).reshaped(shapeWithOneChannel(data.data.shape)).astype(.complex64)
        }
    }

    /// GenericReconCartesianFFTGadget: inverse FFT and coil combination with coil maps estimated
    /// from the calibration data (or the N = 0 images).
    static func fft(_ p: GadgetProperties) throws -> Gadget {
        let name = "GenericReconCartesianFFTGadget"
        let method = try coilMapMethod(p)
        return BufferReconGadget(name, series: try p.int("image_series", 0)) { bit, data in
            let coils = try ifft(data.data, axes: CartesianRecon.imageAxes(data.data.shape))
            let ref = try bit.ref.map { try CartesianRecon.acquiredBlock($0.data, operation: name) }
            return try CartesianRecon.senseCombine(coils, ref: ref, operation: name, method: method).reshaped(shapeWithOneChannel(data.data.shape))
        }
    }

    /// GenericReconCartesianGrappaGadget: GRAPPA (calibrated on the ref buffer) when the data are
    /// accelerated, then inverse FFT and coil combination as GenericReconCartesianFFTGadget.
    static func grappa(_ p: GadgetProperties) throws -> Gadget {
        let name = "GenericReconCartesianGrappaGadget"
        let method = try coilMapMethod(p)
        let options = GRAPPAOptions(kernel: [try p.int("grappa_kSize_RO", 5), try p.int("grappa_kSize_E1", 4)],
                                    lambda: try p.double("grappa_reg_lamda", 0.01))
        return BufferReconGadget(name, series: try p.int("image_series", 0)) { bit, data in
            let ref = try bit.ref.map { try CartesianRecon.acquiredBlock($0.data, operation: name) }
            var kspace = data.data
            if try CartesianRecon.isAccelerated(kspace) {
                kspace = try GRAPPA.reconstructBuffer(data: kspace, reference: ref, options: options)
            }
            let coils = try ifft(kspace, axes: CartesianRecon.imageAxes(kspace.shape))
            return try CartesianRecon.senseCombine(coils, ref: ref, operation: name, method: method).reshaped(shapeWithOneChannel(kspace.shape))
        }
    }
}

/// [RO, E1, E2, 1, N, S, SLC] for a buffer shape.
func shapeWithOneChannel(_ s: [Int]) -> [Int] { [s[0], s[1], s[2], 1, s[4], s[5], s[6]] }

/// The coil-map method named by Gadgetron's `coil_map_algorithm` (Inati, Inati_Iter, Walsh).
func coilMapMethod(_ p: GadgetProperties) throws -> CoilMapMethod {
    let name = p.string("coil_map_algorithm", "Inati")
    switch name.lowercased() {
    case "inati", "inati_iter": return .inati
    case "walsh": return .walsh
    default: throw ArrayError(p.className, "property coil_map_algorithm = '\(name)' is not Inati, Inati_Iter or Walsh")
    }
}
