import Foundation
import NDArray

/// Image-quality scores of a reconstruction `x` against a reference image, on magnitudes (complex
/// and negative real inputs are taken as |·|), optionally over a mask of pixels. The definitions are scikit-image's
/// (`normalized_root_mse`, `peak_signal_noise_ratio`, `structural_similarity` with its defaults),
/// so numbers compare with the literature's Python scripts.
public enum ImageQuality {
    /// Magnitude values of `x` and `ref` (same shape) and the mask (nil = every pixel).
    static func prepare(_ x: NDArray, _ ref: NDArray, mask: NDArray?, operation: String) throws -> ([Double], [Double], [Bool]?) {
        guard x.shape == ref.shape else {
            throw ArrayError(operation, "image \(Shape.text(x.shape)) and reference \(Shape.text(ref.shape)) differ in shape")
        }
        guard x.count > 0 else { throw ArrayError(operation, "the images are empty") }
        func magnitude(_ a: NDArray) throws -> [Double] {
            if a.dtype.isComplex { return try a.astype(.complex128, operation: operation).toArray(Complex128.self).map { $0.lengthSquared.squareRoot() } }
            return try a.astype(.float64, operation: operation).toArray(Double.self).map { Swift.abs($0) }
        }
        var m: [Bool]? = nil
        if let mask {
            guard mask.shape == x.shape else {
                throw ArrayError(operation, "mask \(Shape.text(mask.shape)) must have the images' shape \(Shape.text(x.shape))")
            }
            let v = try mask.astype(.float64, operation: operation).toArray(Double.self).map { $0 != 0 }
            guard v.contains(true) else { throw ArrayError(operation, "the mask selects no pixel") }
            m = v
        }
        return (try magnitude(x), try magnitude(ref), m)
    }

    /// ‖x − ref‖ / ‖ref‖ over the (masked) pixels: scikit-image's `normalized_root_mse` with
    /// normalization="euclidean".
    public static func nrmse(_ x: NDArray, _ ref: NDArray, mask: NDArray? = nil) throws -> Double {
        let (a, b, m) = try prepare(x, ref, mask: mask, operation: "nrmse")
        var e = 0.0, n = 0.0
        for i in a.indices where m?[i] ?? true { e += (a[i] - b[i]) * (a[i] - b[i]); n += b[i] * b[i] }
        guard n > 0 else { throw ArrayError("nrmse", "the reference is zero (over the mask)") }
        return (e / n).squareRoot()
    }

    /// The data range of the whole reference (mask or not): max − min of its magnitude
    /// (scikit-image's data_range; about the maximum for magnitude images).
    static func range(_ b: [Double]) -> Double {
        var lo = Double.infinity, hi = -Double.infinity
        for v in b { lo = min(lo, v); hi = max(hi, v) }
        return hi - lo
    }

    /// 10·log10(range² / MSE) in dB, the MSE over the (masked) pixels; range defaults to max − min
    /// of the whole reference (`peak_signal_noise_ratio(ref, x, data_range=…)`).
    public static func psnr(_ x: NDArray, _ ref: NDArray, dataRange: Double? = nil, mask: NDArray? = nil) throws -> Double {
        let (a, b, m) = try prepare(x, ref, mask: mask, operation: "psnr")
        let r = dataRange ?? range(b)
        guard r > 0, r.isFinite else { throw ArrayError("psnr", "data range must be positive, got \(r)") }
        var e = 0.0, n = 0
        for i in a.indices where m?[i] ?? true { e += (a[i] - b[i]) * (a[i] - b[i]); n += 1 }
        return 10 * log10(r * r / (e / Double(n)))
    }

    /// Mean structural similarity, scikit-image's `structural_similarity` with its defaults:
    /// 7 × 7 uniform window, K1 = 0.01, K2 = 0.03, sample covariances (×49/48), the mean taken
    /// over pixels at least 3 from the edge (or over those of them in the mask). Images are 2-D
    /// [X, Y] (dimensions of size 1 dropped); higher ranks give the mean over their 2-D slices.
    /// data_range defaults to max − min of the reference.
    public static func ssim(_ x: NDArray, _ ref: NDArray, dataRange: Double? = nil, mask: NDArray? = nil) throws -> Double {
        let (a, b, m) = try prepare(x, ref, mask: mask, operation: "ssim")
        let dims = x.shape.filter { $0 > 1 }
        guard dims.count >= 2, dims[0] >= 7, dims[1] >= 7 else {
            throw ArrayError("ssim", "needs 2-D images of at least 7 × 7 pixels (the window), got shape \(Shape.text(x.shape))")
        }
        let r = dataRange ?? range(b)
        guard r > 0, r.isFinite else { throw ArrayError("ssim", "data range must be positive, got \(r)") }
        let nx = dims[0], ny = dims[1], plane = nx * ny, planes = a.count / plane
        let c1 = (0.01 * r) * (0.01 * r), c2 = (0.03 * r) * (0.03 * r)
        let w = 7, h = 3, np = Double(w * w), norm = np / (np - 1)
        var total = 0.0, counted = 0
        for s in 0..<planes {
            let o = s * plane
            for j in h..<(ny - h) {
                for i in h..<(nx - h) where m?[o + i + nx * j] ?? true {
                    var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
                    for dj in -h...h {
                        for di in -h...h {
                            let p = o + (i + di) + nx * (j + dj)
                            let u = a[p], v = b[p]
                            sx += u; sy += v; sxx += u * u; syy += v * v; sxy += u * v
                        }
                    }
                    let ux = sx / np, uy = sy / np
                    let vx = norm * (sxx / np - ux * ux), vy = norm * (syy / np - uy * uy), vxy = norm * (sxy / np - ux * uy)
                    total += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
                    counted += 1
                }
            }
        }
        guard counted > 0 else { throw ArrayError("ssim", "the mask selects no pixel at least 3 from the image edge") }
        return total / Double(counted)
    }
}
