import Fourier
import Foundation
import ISMRMRD
import NDArray
import Recon

/// Applies a real 1-D window along one axis of an array (broadcast over the others).
func applyWindow(_ x: NDArray, _ window: [Float], axis: Int) throws -> NDArray {
    var shape = [Int](repeating: 1, count: x.rank)
    shape[axis] = window.count
    let w = try NDArray(window, shape: shape)
    return try NDArray.binary(.mul, .array(x), .array(w))
}

/// Filters image arrays in k-space: FFT along the axes with a window, multiply, inverse FFT.
func filterInKSpace(_ images: NDArray, windows: [Int: [Float]]) throws -> NDArray {
    if windows.isEmpty { return images }
    let axes = windows.keys.sorted()
    var k = try fft(images, axes: axes)
    for a in axes { if let w = windows[a] { k = try applyWindow(k, w, axis: a) } }
    return try ifft(k, axes: axes)
}

/// GenericReconPartialFourierHandlingFilterGadget: where the sampled k-space range is
/// asymmetric about the centre (partial Fourier), tapers the sampled edge next to the centre's
/// short side with a raised-cosine of `partial_fourier_filter_<AXIS>_width` of the sampled
/// length, which damps the ringing of the hard edge. Symmetric axes are left alone.
final class GenericReconPartialFourierHandlingFilterGadget: Gadget {
    let className = "GenericReconPartialFourierHandlingFilterGadget"
    private let widths: [Double]

    init(_ p: GadgetProperties) throws {
        widths = [try p.double("partial_fourier_filter_RO_width", 0.15),
                  try p.double("partial_fourier_filter_E1_width", 0.15),
                  try p.double("partial_fourier_filter_E2_width", 0.15)]
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .imageArray(var array) = message, let sampling = array.sampling else { return try out.put(message) }
        var windows: [Int: [Float]] = [:]
        for axis in 0..<3 where array.data.shape[axis] > 1 && axis < sampling.limits.count {
            let n = array.data.shape[axis], l = sampling.limits[axis]
            let below = l.center - l.minimum, above = l.maximum - l.center
            // An even matrix is one sample longer below its centre than above: that is symmetric.
            guard l.minimum <= l.maximum, l.maximum < n, l.minimum >= 0, abs(below - above) > 1, below >= 0, above >= 0 else { continue }
            let taper = Swift.max(1, Int((Double(l.maximum - l.minimum + 1) * widths[axis]).rounded()))
            var w = [Float](repeating: 0, count: n)
            for i in l.minimum...l.maximum { w[i] = 1 }
            // The short side is where the sampling stops near the centre: taper inwards from there.
            for t in 0..<taper {
                let v = Float(0.5 * (1 - cos(Double.pi * Double(t + 1) / Double(taper + 1))))
                if below < above { if l.minimum + t <= l.maximum { w[l.minimum + t] = v } } else if l.maximum - t >= l.minimum { w[l.maximum - t] = v }
            }
            windows[axis] = w
        }
        array.data = try filterInKSpace(array.data, windows: windows).astype(.complex64)
        try out.put(.imageArray(array))
    }
}

/// GenericReconKSpaceFilteringGadget: a k-space window per axis (`filterRO`, `filterE1`,
/// `filterE2`: Gaussian with `filter<AXIS>_sigma`, Hanning, or None). The Gaussian is
/// exp(−x²/(2σ²)) with x running from −1 to 1 across the matrix.
final class GenericReconKSpaceFilteringGadget: Gadget {
    let className = "GenericReconKSpaceFilteringGadget"
    private let kinds: [String]
    private let sigmas: [Double]

    init(_ p: GadgetProperties) throws {
        var kinds: [String] = [], sigmas: [Double] = []
        for axis in ["RO", "E1", "E2"] {
            let kind = p.string("filter\(axis)", "None")
            guard ["none", "gaussian", "hanning"].contains(kind.lowercased()) else {
                throw ArrayError(p.className, "property filter\(axis) = '\(kind)' is not Gaussian, Hanning or None")
            }
            kinds.append(kind.lowercased())
            // Read even for Hanning and None (where it does not apply), so it is not reported as ignored.
            sigmas.append(try p.double("filter\(axis)_sigma", 1.0))
        }
        self.kinds = kinds
        self.sigmas = sigmas
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .imageArray(var array) = message else { return try out.put(message) }
        var windows: [Int: [Float]] = [:]
        for axis in 0..<3 where kinds[axis] != "none" && array.data.shape[axis] > 1 {
            let n = array.data.shape[axis]
            windows[axis] = (0..<n).map { i in
                let x = (Double(i) - Double(n / 2)) / Double(Swift.max(n / 2, 1))
                return Float(kinds[axis] == "gaussian" ? exp(-x * x / (2 * sigmas[axis] * sigmas[axis])) : 0.5 * (1 + cos(Double.pi * x)))
            }
        }
        array.data = try filterInKSpace(array.data, windows: windows).astype(.complex64)
        try out.put(.imageArray(array))
    }
}

/// GenericReconFieldOfViewAdjustmentGadget: brings the images to the recon matrix of the header
/// (reconSpace) by cropping or zero-padding k-space, scaled so intensities are kept, and sets the
/// image headers' field of view to the recon field of view.
final class GenericReconFieldOfViewAdjustmentGadget: Gadget {
    let className = "GenericReconFieldOfViewAdjustmentGadget"
    init(_ p: GadgetProperties) {}

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .imageArray(var array) = message, let sampling = array.sampling else { return try out.put(message) }
        var target = array.data.shape
        for axis in 0..<3 where axis < sampling.reconMatrix.count && sampling.reconMatrix[axis] > 0 && array.data.shape[axis] > 1 {
            target[axis] = sampling.reconMatrix[axis]
        }
        if target != array.data.shape {
            let axes = (0..<3).filter { target[$0] != array.data.shape[$0] }
            let k = try fft(array.data, axes: axes).centerResized(target)
            let before = axes.reduce(1) { $0 * array.data.shape[$1] }, after = axes.reduce(1) { $0 * target[$1] }
            let images = try ifft(k, axes: axes)
            array.data = try NDArray.binary(.mul, .array(images), .scalar(.float((Double(after) / Double(before)).squareRoot()))).astype(.complex64)
        }
        for i in array.headers.indices {
            array.headers[i].matrix_size = target.prefix(3).map { UInt16(clamping: $0) }
            array.headers[i].field_of_view = sampling.reconFOV.map { Float($0) }
        }
        try out.put(.imageArray(array))
    }
}

/// GenericReconImageArrayScalingGadget: multiplies the images by `scalingFactor` when
/// `use_constant_scalingFactor` is true; otherwise scales so the 99th percentile of the
/// magnitude reaches `max_intensity_value` (once, when `auto_scaling_only_once`).
final class GenericReconImageArrayScalingGadget: Gadget {
    let className = "GenericReconImageArrayScalingGadget"
    private let constant: Bool, factor: Double, maxIntensity: Double, once: Bool
    private var chosen: Double?

    init(_ p: GadgetProperties) throws {
        constant = try p.bool("use_constant_scalingFactor", true)
        factor = try p.double("scalingFactor", 10)
        maxIntensity = try p.double("max_intensity_value", 4095)
        once = try p.bool("auto_scaling_only_once", true)
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .imageArray(var array) = message else { return try out.put(message) }
        let scale: Double
        if constant {
            scale = factor
        } else if once, let c = chosen {
            scale = c
        } else {
            let p99 = try percentile99(array.data)
            scale = p99 > 0 ? maxIntensity / p99 : 1
            chosen = scale
        }
        array.data = try NDArray.binary(.mul, .array(array.data), .scalar(.float(scale))).astype(array.data.dtype)
        try out.put(.imageArray(array))
    }
}

/// The 99th percentile of |x|.
func percentile99(_ x: NDArray) throws -> Double {
    let values = try x.unary(.abs).astype(.float64).toArray(Double.self).sorted()
    guard !values.isEmpty else { return 0 }
    return values[Swift.min(values.count - 1, Int(Double(values.count) * 0.99))]
}

/// ImageArraySplitGadget: one image message [RO, E1, E2, CHA] per (N, S, SLC) of an image array.
final class ImageArraySplitGadget: Gadget {
    let className = "ImageArraySplitGadget"
    init(_ p: GadgetProperties) {}

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .imageArray(let array) = message else { return try out.put(message) }
        for image in try ImageArraySplitGadget.split(array) { try out.put(.image(image)) }
    }

    /// The images of an array, N fastest, then S, then SLC.
    static func split(_ array: ImageArray) throws -> [ISMRMRDImage] {
        let s = array.data.shape
        var images: [ISMRMRDImage] = []
        for slc in 0..<s[6] {
            for si in 0..<s[5] {
                for n in 0..<s[4] {
                    let data = try array.data.get([.all, .all, .all, .all, .int(n), .int(si), .int(slc)]).copy()
                    images.append(ISMRMRDImage(head: array.headers[array.headerIndex(n: n, s: si, slc: slc)], data: data))
                }
            }
        }
        return images
    }
}
