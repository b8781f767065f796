import Foundation
import NDArray

/// Slice-GRAPPA weights for one group of simultaneously excited slices: calibrated on each
/// slice's single-band k-space, `apply` separates a collapsed excitation into its slices. Each
/// band m has a kernel that predicts, from a kRO × kE1 neighbourhood of the collapsed data (all
/// channels), band m's CAIPIRINHA-shifted k-space at the centre point; the shift is then undone
/// line by line, so the output is each slice's own k-space on the acquired lines, ready for
/// in-plane GRAPPA.
public final class SliceGRAPPAKernel: @unchecked Sendable, CustomStringConvertible {
    /// The options the kernel was calibrated with.
    public let options: SliceGRAPPAOptions
    /// Slices per excitation (M).
    public let bands: Int
    /// Receive channels.
    public let channels: Int
    /// Readout points × lines of the k-space grid the kernel was calibrated for.
    public let grid: [Int]
    /// The k-space centre line (CAIPIRINHA phase zero).
    public let centreLine: Int
    /// Training rows (kernel positions inside the reference).
    public let trainingRows: Int
    /// (readout, line) offsets of the window, readout fastest.
    let offsets: [(Int, Int)]
    /// Per band: weights (offsets·channels × channels), column-major.
    let weights: [[Complex64]]
    /// The single-band reference [RO, E1, CHA, M] (coil maps for the g-factor come from it).
    let reference: NDArray

    /// Calibrates on `reference` [RO, E1, CHA, M]: slice m of the group alone (single-band), on
    /// the full E1 grid with its acquired lines (for example the central calibration block)
    /// and zeros elsewhere; `centreLine` is where the CAIPIRINHA phase is zero (default E1/2).
    public init(reference: NDArray, options: SliceGRAPPAOptions = SliceGRAPPAOptions(), centreLine: Int? = nil) throws {
        let op = "slice_grappa"
        try options.validate(op)
        guard reference.rank == 4 else {
            throw ArrayError(op, "the single-band reference must be [RO, E1, CHA, SLC] (the slices of one excitation), got \(Shape.text(reference.shape))")
        }
        let s = reference.shape
        let (ro, e1, c, m) = (s[0], s[1], s[2], s[3])
        guard m >= 2 else { throw ArrayError(op, "the single-band reference has \(m) slice; slice-GRAPPA separates at least 2 (multiband factor ≥ 2)") }
        guard ro > 0, e1 > 0, c > 0 else { throw ArrayError(op, "the single-band reference \(Shape.text(s)) is empty") }
        let centre = centreLine ?? e1 / 2
        guard centre >= 0 && centre < e1 else { throw ArrayError(op, "centre line \(centre) lies outside the \(e1) lines") }
        self.options = options
        bands = m
        channels = c
        grid = [ro, e1]
        self.centreLine = centre
        let R = options.acceleration
        let kRO = options.kernel[0], kE1 = options.kernel[1]
        let roMin = -(kRO / 2), lineMin = -((kE1 - 1) / 2)
        var offs: [(Int, Int)] = []
        for l in 0..<kE1 { for r in 0..<kRO { offs.append((roMin + r, (lineMin + l) * R)) } }
        offsets = offs
        let k = offs.count * c

        let data = try reference.astype(.complex64, operation: op).contiguous()
        self.reference = data
        // Bands with their CAIPIRINHA phase: what each slice contributes to a collapsed line.
        let shifted = try SliceGRAPPAKernel.phased(data, options: options, centre: centre, sign: 1)
        let acquired = SliceGRAPPAKernel.acquiredLines(shifted, ro: ro, e1: e1, perSlab: c * m)
        let targets = (0..<e1).filter { t in acquired[t] && offs.allSatisfy { let l = t + $0.1; return l >= 0 && l < e1 && acquired[l] } }
        // A readout shorter than the kernel has no position for it (and no range to build).
        guard ro - (kRO - 1 + roMin) >= -roMin else {
            throw ArrayError(op, "the single-band reference's \(ro) readout samples are fewer than the kernel's \(kRO)")
        }
        let roRange = (-roMin)..<(ro - (kRO - 1 + roMin))
        let rows = targets.count * roRange.count
        guard rows >= k else {
            throw ArrayError(op, "the single-band reference \(Shape.text(s)) has \(rows) kernel positions, fewer than the \(k) unknowns of a \(kRO) × \(kE1) kernel over \(c) channels: give more calibration lines or a smaller kernel")
        }
        // The calibration matrices are held whole (one per band): refuse what cannot fit.
        guard rows.multipliedReportingOverflow(by: k * (m + 1)).partialValue <= 200_000_000, rows <= 200_000_000 / Swift.max(1, k * (m + 1)) else {
            throw ArrayError(op, "the single-band reference \(Shape.text(s)) gives \(rows) × \(k) calibration matrices per slice, too large: crop it to the central calibration lines")
        }
        trainingRows = rows
        let p = shifted.basePointer(as: Complex64.self)
        let ld = ro * e1
        // A_n: rows × k calibration matrix of band n alone; B_n: rows × c its centre points.
        func matrices(_ n: Int) -> (a: [Complex64], b: [Complex64]) {
            var a = [Complex64](repeating: .zero, count: rows * k)
            var b = [Complex64](repeating: .zero, count: rows * c)
            for (ti, t) in targets.enumerated() {
                for (ri, r) in roRange.enumerated() {
                    let row = ri + roRange.count * ti
                    for (u, o) in offs.enumerated() {
                        for ch in 0..<c { a[row + rows * (u * c + ch)] = p[(r + o.0) + ro * (t + o.1) + ld * (ch + c * n)] }
                    }
                    for ch in 0..<c { b[row + rows * ch] = p[r + ro * t + ld * (ch + c * n)] }
                }
            }
            return (a, b)
        }
        let parts = (0..<m).map(matrices)
        var normal = [Complex64](repeating: .zero, count: k * k)
        var collapsed: [Complex64] = []
        if options.splitSlice {
            // Σ_n A_nᴴA_n: each band's kernel must pass its slice and cancel the others.
            for part in parts { part.a.withUnsafeBufferPointer { SliceGRAPPAKernel.gram(k: k, rows: rows, $0, into: &normal) } }
        } else {
            collapsed = parts[0].a
            for part in parts.dropFirst() { for i in 0..<collapsed.count { collapsed[i] += part.a[i] } }
            collapsed.withUnsafeBufferPointer { SliceGRAPPAKernel.gram(k: k, rows: rows, $0, into: &normal) }
        }
        var energy = 0.0
        for col in 0..<k { for row in 0...col { energy += Double(normal[row + k * col].lengthSquared) * (row == col ? 1 : 2) } }
        guard energy > 0 else { throw ArrayError(op, "the single-band reference is zero where the kernel reads it: no calibration possible") }
        let reg = Float(options.lambda * energy.squareRoot() / Double(k))
        var solved: [[Complex64]] = []
        for band in 0..<m {
            try Interrupt.check()
            // Right-hand side: (collapsed or band's own) Aᴴ · B_band.
            var rhs = [Complex64](repeating: .zero, count: k * c)
            let source = options.splitSlice ? parts[band].a : collapsed
            source.withUnsafeBufferPointer { a in
                parts[band].b.withUnsafeBufferPointer { b in
                    rhs.withUnsafeMutableBufferPointer { r in
                        guard let ab = a.baseAddress, let bb = b.baseAddress, let rb = r.baseAddress else { return }
                        ComplexBLAS.gemm(.conjugateTranspose, .none, m: k, n: c, k: rows, ab, lda: rows, bb, ldb: rows, rb, ldc: k)
                    }
                }
            }
            var h = normal
            for i in 0..<k { h[i + i * k].re += reg }
            let info = h.withUnsafeMutableBufferPointer { hp in
                rhs.withUnsafeMutableBufferPointer { rp -> Int in
                    guard let hb = hp.baseAddress, let rb = rp.baseAddress else { return -1 }
                    return ComplexBLAS.solveHermitianPositiveDefinite(n: k, nrhs: c, hb, ldh: k, rb, ldb: k)
                }
            }
            guard info == 0 else {
                throw ArrayError(op, "the slice-GRAPPA system of \(k) unknowns is singular (LAPACK info \(info)); use lambda > 0 or more calibration lines")
            }
            solved.append(rhs)
        }
        weights = solved
    }

    /// Upper triangle of AᴴA (k × k) added into `into`.
    private static func gram(k: Int, rows: Int, _ a: UnsafeBufferPointer<Complex64>, into: inout [Complex64]) {
        guard let ab = a.baseAddress else { return }
        into.withUnsafeMutableBufferPointer { g in
            guard let gb = g.baseAddress else { return }
            ComplexBLAS.gramUpper(n: k, k: rows, ab, lda: rows, beta: 1, gb, ldc: k)
        }
    }

    /// [RO, E1, CHA, M] with band m's lines multiplied by e^{±i·CAIPIRINHA phase}.
    static func phased(_ x: NDArray, options: SliceGRAPPAOptions, centre: Int, sign: Double) throws -> NDArray {
        let s = x.shape
        var out = x.copy()
        let ro = s[0], e1 = s[1], c = s[2]
        out.withUnsafeMutableBufferPointer(as: Complex64.self) { p in
            for band in 0..<s[3] where band > 0 {
                for line in 0..<e1 {
                    let phi = sign * options.caipirinhaPhase(band: band, line: line, centre: centre)
                    let w = Complex64(Float(cos(phi)), Float(sin(phi)))
                    for ch in 0..<c {
                        let base = ro * (line + e1 * (ch + c * band))
                        for r in 0..<ro { p[base + r] = w * p[base + r] }
                    }
                }
            }
        }
        return out
    }

    /// Lines holding any non-zero sample in any of the `perSlab` [RO, E1] planes.
    static func acquiredLines(_ x: NDArray, ro: Int, e1: Int, perSlab: Int) -> [Bool] {
        var acquired = [Bool](repeating: false, count: e1)
        let p = x.basePointer(as: Complex64.self)
        for plane in 0..<perSlab {
            for line in 0..<e1 where !acquired[line] {
                let base = ro * (line + e1 * plane)
                for r in 0..<ro where p[base + r] != .zero { acquired[line] = true; break }
            }
        }
        withExtendedLifetime(x) {}
        return acquired
    }

    /// Separates collapsed k-space [RO, E1, CHA] (acquired lines non-zero, the others zero) into
    /// its slices [RO, E1, CHA, M], band order, each on the collapsed data's acquired lines with
    /// the CAIPIRINHA shift undone; missing lines stay zero. Points the window reads outside
    /// k-space or on lines not acquired count as zero.
    public func apply(_ collapsed: NDArray) throws -> NDArray {
        let op = "slice_grappa"
        let x = collapsed.rank == 4 && collapsed.shape[2] == 1 ? try collapsed.reshaped([collapsed.shape[0], collapsed.shape[1], collapsed.shape[3]]) : collapsed
        guard x.rank == 3, x.shape == [grid[0], grid[1], channels] else {
            throw ArrayError(op, "collapsed k-space must be [RO, E1, CHA] = \(Shape.text(grid + [channels])) like the calibration, got \(Shape.text(collapsed.shape))")
        }
        let data = try x.astype(.complex64, operation: op).contiguous()
        let ro = grid[0], e1 = grid[1], c = channels, k = offsets.count * c
        let acquired = SliceGRAPPAKernel.acquiredLines(data, ro: ro, e1: e1, perSlab: c)
        let lines = (0..<e1).filter { acquired[$0] }
        let out = try NDArray(zeros: [ro, e1, c, bands], dtype: .complex64, operation: op)
        let src = data.basePointer(as: Complex64.self)
        let dst = out.basePointer(as: Complex64.self)
        let ld = ro * e1
        try ParallelFor.items(lines.count) { _, item in
            let t = lines[item]
            // X: ro × k neighbourhoods of every readout point of line t.
            var xm = [Complex64](repeating: .zero, count: ro * k)
            for (u, o) in offsets.enumerated() {
                let line = t + o.1
                guard line >= 0 && line < e1 && acquired[line] else { continue }
                for ch in 0..<c {
                    let col = ro * (u * c + ch), base = ro * line + ld * ch
                    for r in 0..<ro {
                        let rr = r + o.0
                        if rr >= 0 && rr < ro { xm[col + r] = src[base + rr] }
                    }
                }
            }
            var y = [Complex64](repeating: .zero, count: ro * c)
            for band in 0..<bands {
                xm.withUnsafeBufferPointer { xp in
                    weights[band].withUnsafeBufferPointer { wp in
                        y.withUnsafeMutableBufferPointer { yp in
                            guard let xb = xp.baseAddress, let wb = wp.baseAddress, let yb = yp.baseAddress else { return }
                            ComplexBLAS.gemm(.none, .none, m: ro, n: c, k: k, xb, lda: ro, wb, ldb: k, yb, ldc: ro)
                        }
                    }
                }
                let phi = -options.caipirinhaPhase(band: band, line: t, centre: centreLine)
                let w = Complex64(Float(cos(phi)), Float(sin(phi)))
                for ch in 0..<c {
                    let base = ro * t + ld * (ch + c * band)
                    for r in 0..<ro { dst[base + r] = w * y[r + ro * ch] }
                }
            }
        }
        withExtendedLifetime(data) {}
        return out
    }

    /// The CAIPIRINHA-shifted collapsed k-space of single-band slices [RO, E1, CHA, M] (band
    /// order): what the scanner records when the M slices are excited together.
    public func collapse(_ singleBand: NDArray) throws -> NDArray {
        let x = try checkedSingleBand(singleBand, "slice_grappa")
        return try SliceGRAPPAKernel.phased(x, options: options, centre: centreLine, sign: 1).sum(axes: [3])
    }

    func checkedSingleBand(_ x: NDArray, _ op: String) throws -> NDArray {
        guard x.shape == grid + [channels, bands] else {
            throw ArrayError(op, "single-band k-space must be [RO, E1, CHA, SLC] = \(Shape.text(grid + [channels, bands])) like the calibration, got \(Shape.text(x.shape))")
        }
        return try x.astype(.complex64, operation: op).contiguous()
    }

    /// The kernel's geometry.
    public var description: String {
        "\(options.splitSlice ? "split-slice" : "slice")-GRAPPA kernel \(options.kernel.map(String.init).joined(separator: "×")), multiband \(bands), in-plane R \(options.acceleration), CAIPIRINHA FOV/\(options.caipirinhaShift), \(channels) channels, grid \(Shape.text(grid)), \(trainingRows) training rows, λ \(options.lambda)"
    }
}
