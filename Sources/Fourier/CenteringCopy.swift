import Foundation
import NDArray

// Centring folded into the copy that FFTW needs anyway.
//
// A centred transform is Y = fftshift(F(ifftshift(x))) along each transformed axis of length N.
// Write h = ⌊N/2⌋ and s for FFTW's sign (-1 forward, +1 inverse).
//  • ifftshift is a relabelling of the input: u[n] = x[(n + h) mod N]. The copy simply reads
//    x in that order, which costs nothing extra.
//  • fftshift of the output is a modulation of the input:
//        F(u)[k - h] = Σ_n u[n] e^{s·2πi(k-h)n/N} = F(φ·u)[k],   φ[n] = e^{-s·2πi·h·n/N}.
//    For even N, h = N/2 and φ[n] = e^{∓iπn} = (-1)^n: the checkerboard, a sign flip. For odd N it
//    is a complex phase ramp (the exact "explicit shift" for odd lengths, applied in the same pass).
// So Y = F(w) with w[n] = φ[n]·x[(n + h) mod N]: one pass over the data before FFTW and none after.
//
// The textbook form modulates both sides without any shift: for even N,
//        Y[k] = (-1)^{N/2} (-1)^k F((-1)^n x)[k],
// because F(ifftshift(x))[k] = (-1)^k F(x)[k] and fftshift(F(v))[k] = F((-1)^n v)[k], and the two
// sign patterns meet in the factor (-1)^{k - N/2}. The sign (-1)^{N/2} is -1 when N ≡ 2 (mod 4);
// testCheckerboardIdentity checks it. Reading the input shifted, as above, removes the output pass.
// Scaling (1/√N or 1/N) is folded into the same multiply.

/// The input-side pass of a transform: reads the source (any strides, already of the transform's
/// complex type), applies the centring relabelling, the phase modulation and the scale, and writes
/// the contiguous buffer FFTW then transforms in place.
final class CenteringCopy<R: BinaryFloatingPoint & NDElement & SIMDScalar>: @unchecked Sendable where Complex<R>: NDElement {
    typealias C = Complex<R>

    /// Keeps the source storage alive while its raw pointer is in use.
    private let array: NDArray
    private let source: UnsafeMutablePointer<C>
    private let scale: Double
    /// Lengths of the dimensions (of length > 1), fastest first.
    private let sizes: [Int]
    private let n0: Int, stride0: Int, shift0: Int
    /// Whether the fast dimension is centred (so its elements are modulated).
    private let modulateFast: Bool
    /// True when every φ is ±1 (only even lengths are centred), so real multipliers suffice.
    private let realPhases: Bool
    /// For the slow dimensions d ≥ 1, flattened one after the other from `tableStart[d]`: the source
    /// offset (shift applied) and φ of each output index. Tables make the per-row set-up a few adds.
    private let tableStart: [Int]
    private let sourceOffset: UnsafeMutablePointer<Int>
    private let phase: UnsafeMutablePointer<Complex<Double>>
    /// φ of the fast dimension when it is complex (an odd centred length).
    private let fastPhase: UnsafeMutablePointer<C>

    /// `source` must hold elements of type C and have the layout's shape; `sign` is FFTW's.
    init(source array: NDArray, layout: TransformLayout, centered: Bool, sign: Int32, scale: Double) {
        self.array = array
        source = array.basePointer(as: C.self)
        self.scale = scale
        let dims = layout.dims
        sizes = dims.map { $0.size }
        var starts: [Int] = [], total = 0
        for d in dims { starts.append(total); total += d.size }
        tableStart = starts
        sourceOffset = .allocate(capacity: Swift.max(total, 1))
        phase = .allocate(capacity: Swift.max(total, 1))
        var allReal = true
        for (k, d) in dims.enumerated() {
            let n = d.size, h = n / 2
            let centre = centered && d.transformed
            let stride = array.strides[d.axis]
            for m in 0..<n {
                let src = centre ? (m + h) % n : m
                sourceOffset[starts[k] + m] = src * stride
                var phi = Complex<Double>(1, 0)
                if centre {
                    if n % 2 == 0 {
                        phi = Complex<Double>(m % 2 == 0 ? 1 : -1, 0)
                    } else {
                        // e^{-s·2πi·h·m/N}, with h·m reduced mod N first so the angle stays exact.
                        let angle = -Double(sign) * 2 * Double.pi * Double((h * m) % n) / Double(n)
                        phi = Complex<Double>(cos(angle), sin(angle))
                    }
                }
                phase[starts[k] + m] = phi
            }
            if centre && n % 2 == 1 { allReal = false }
        }
        realPhases = allReal
        n0 = dims.first?.size ?? 1
        stride0 = dims.first.map { array.strides[$0.axis] } ?? 1
        let fastCentred = centered && (dims.first?.transformed ?? false)
        shift0 = fastCentred ? n0 / 2 : 0
        modulateFast = fastCentred
        fastPhase = .allocate(capacity: n0)
        for m in 0..<n0 {
            let phi = dims.isEmpty ? Complex<Double>(1, 0) : phase[m]
            fastPhase[m] = C(R(phi.re), R(phi.im))
        }
    }

    deinit {
        sourceOffset.deallocate()
        phase.deallocate()
        fastPhase.deallocate()
    }

    /// Number of elements in a row (a run along the fastest dimension).
    var rowLength: Int { n0 }

    /// Fills rows `rows` of the contiguous buffer `out` (row r starts at element r·rowLength).
    /// Large ranges are shared between the cores when `parallel`.
    func run(into out: UnsafeMutablePointer<C>, rows: Range<Int>, parallel: Bool = true) {
        if sizes.isEmpty {
            // A single element (every dimension has length 1).
            if !rows.isEmpty { out[0] = source[0] * R(scale) }
            return
        }
        let work = rows.count * n0
        let parts = parallel && work >= (1 << 17) ? Swift.min(FFTWSetup.cores, rows.count) : 1
        if parts <= 1 {
            copyRows(into: out, rows)
            return
        }
        ParallelFor.run(parts) { p in
            let lo = rows.lowerBound + rows.count * p / parts
            let hi = rows.lowerBound + rows.count * (p + 1) / parts
            if lo < hi { copyRows(into: out, lo..<hi) }
        }
    }

    private func copyRows(into out: UnsafeMutablePointer<C>, _ rows: Range<Int>) {
        let rank = sizes.count
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: rank)
        let size = UnsafeMutablePointer<Int>.allocate(capacity: rank)
        let start = UnsafeMutablePointer<Int>.allocate(capacity: rank)
        defer { counter.deallocate(); size.deallocate(); start.deallocate() }
        // Decode the first row into the odometer over dimensions 1…
        var r = rows.lowerBound
        for d in 0..<rank {
            size[d] = sizes[d]
            start[d] = tableStart[d]
            counter[d] = 0
        }
        for d in 1..<rank {
            counter[d] = r % size[d]
            r /= size[d]
        }
        let n0 = self.n0, s0 = stride0, h0 = shift0
        let split = n0 - h0
        // A centred fast dimension reads each source row as two swapped halves. For rows of a few
        // KiB, reading and writing out of order like that ran 3× slower than a plain copy (measured:
        // the hardware prefetchers lose the streams), so a contiguous source row is first copied in
        // order into this small buffer, which stays in cache, and the halves are swapped from there.
        let staged = modulateFast && s0 == 1 && n0 <= (1 << 15)
        let rowBuffer = UnsafeMutablePointer<C>.allocate(capacity: staged ? n0 : 1)
        defer { rowBuffer.deallocate() }
        for row in rows {
            // Source offset and the product of φ over the slow dimensions for this row.
            var offset = 0
            var factor = Complex<Double>(1, 0)
            for d in 1..<rank {
                let t = start[d] + counter[d]
                offset += sourceOffset[t]
                factor = factor * phase[t]
            }
            var input = source + offset
            var s0 = s0
            if staged {
                rowBuffer.update(from: input, count: n0)
                input = rowBuffer
                s0 = 1
            }
            let output = out + row * n0
            // The row in two runs: output [0, n0-h0) reads source [h0, n0), then [n0-h0, n0) reads [0, h0).
            if realPhases {
                let c = R(factor.re > 0 ? scale : -scale)
                if modulateFast {
                    // Even centred fast dimension: signs alternate from +c at output index 0.
                    alternatingCopy(input + h0 * s0, s0, output, split, c)
                    alternatingCopy(input, s0, output + split, h0, split % 2 == 0 ? c : -c)
                } else {
                    scaledCopy(input, s0, output, n0, c)
                }
            } else {
                let f = C(R(factor.re * scale), R(factor.im * scale))
                if modulateFast {
                    complexModulatedCopy(input + h0 * s0, s0, output, fastPhase, f, split)
                    complexModulatedCopy(input, s0, output + split, fastPhase + split, f, h0)
                } else {
                    complexScaledCopy(input, s0, output, f, n0)
                }
            }
            // Advance the odometer.
            var d = 1
            while d < rank {
                counter[d] += 1
                if counter[d] < size[d] { break }
                counter[d] = 0
                d += 1
            }
        }
    }

    @inline(__always)
    private func scaledCopy(_ x: UnsafeMutablePointer<C>, _ stride: Int, _ y: UnsafeMutablePointer<C>, _ n: Int, _ c: R) {
        if c == 1 && stride == 1 {
            y.update(from: x, count: n)
        } else if stride == 1 {
            for i in 0..<n { y[i] = C(x[i].re * c, x[i].im * c) }
        } else {
            for i in 0..<n { let v = x[i * stride]; y[i] = C(v.re * c, v.im * c) }
        }
    }

    /// y[i] = x[i·stride]·c·(-1)^i, two complex numbers (four reals) per SIMD multiply.
    @inline(__always)
    private func alternatingCopy(_ x: UnsafeMutablePointer<C>, _ stride: Int, _ y: UnsafeMutablePointer<C>, _ n: Int, _ c: R) {
        if stride == 1 {
            let d = -c
            for p in 0..<(n / 2) {
                let a = x[2 * p], b = x[2 * p + 1]
                y[2 * p] = C(a.re * c, a.im * c)
                y[2 * p + 1] = C(b.re * d, b.im * d)
            }
            if n % 2 == 1 { y[n - 1] = C(x[n - 1].re * c, x[n - 1].im * c) }
        } else {
            var sign = c
            for i in 0..<n {
                let v = x[i * stride]
                y[i] = C(v.re * sign, v.im * sign)
                sign = -sign
            }
        }
    }

    @inline(__always)
    private func complexModulatedCopy(_ x: UnsafeMutablePointer<C>, _ stride: Int, _ y: UnsafeMutablePointer<C>,
                                      _ g: UnsafePointer<C>, _ f: C, _ n: Int) {
        for i in 0..<n { y[i] = x[i * stride] * (g[i] * f) }
    }

    @inline(__always)
    private func complexScaledCopy(_ x: UnsafeMutablePointer<C>, _ stride: Int, _ y: UnsafeMutablePointer<C>, _ f: C, _ n: Int) {
        for i in 0..<n { y[i] = x[i * stride] * f }
    }
}
