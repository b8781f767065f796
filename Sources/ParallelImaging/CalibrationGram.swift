import NDArray

/// AᴴA of the calibration matrix A over a set of window offsets: A has one row per position of
/// the kernel window inside the calibration region and one column per (offset, channel), channel
/// fastest. Every pattern's normal equations are sub-blocks of this one matrix — (AᴴA)[s, s] and
/// (AᴴA)[s, target] — so one large Hermitian rank-k update replaces a least-squares problem per
/// pattern.
struct CalibrationGram {
    /// Window offset indices that have columns, ascending.
    let offsets: [Int]
    /// position[k] = index of offset k in `offsets`, or −1.
    let position: [Int]
    let channels: Int
    /// Full Hermitian matrix, (offsets.count · channels)², column-major.
    let matrix: [Complex64]
    /// Number of calibration windows (rows of A).
    let rows: Int
    var size: Int { offsets.count * channels }

    /// Accumulates AᴴA over the calibration region, one E1/E2 line of window centres per work
    /// item, one private accumulator per worker.
    init(reference ref: KSpace, window: KernelWindow, offsets: [Int]) throws {
        self.offsets = offsets
        var pos = [Int](repeating: -1, count: window.count)
        for (i, k) in offsets.enumerated() { pos[k] = i }
        position = pos
        channels = ref.channels
        let c = ref.channels, n = offsets.count * c
        let rLo = -window.roMin, rHi = ref.ro - 1 - window.roMax
        let nr = rHi - rLo + 1
        var lines: [(Int, Int)] = []
        for j in window.h2..<(ref.e2 - window.h2) { for i in window.h1..<(ref.e1 - window.h1) { lines.append((i, j)) } }
        rows = nr * lines.count
        let workers = min(ParallelFor.cores, lines.count)
        let acc = (0..<workers).map { _ in UnsafeMutablePointer<Complex64>.allocate(capacity: n * n) }
        let bufs = (0..<workers).map { _ in UnsafeMutablePointer<Complex64>.allocate(capacity: nr * n) }
        defer { acc.forEach { $0.deallocate() }; bufs.forEach { $0.deallocate() } }
        for a in acc { a.initialize(repeating: .zero, count: n * n) }
        let deltas = offsets.map { window.delta($0, ro: ref.ro, e1: ref.e1) }
        let p = ref.pointer, cs = ref.channelStride
        // Static blocks of lines per worker keep the summation order, and so the weights,
        // identical from run to run.
        try ParallelFor.items(workers) { _, w in
            let a = bufs[w]
            for item in (lines.count * w / workers)..<(lines.count * (w + 1) / workers) {
                if Interrupt.isRequested { break }
                let (i, j) = lines[item]
                let centre = rLo + ref.ro * (i + ref.e1 * j)
                for (u, d) in deltas.enumerated() {
                    for ch in 0..<c {
                        let src = p + (centre + d + ch * cs)
                        (a + (u * c + ch) * nr).update(from: src, count: nr)
                    }
                }
                ComplexBLAS.gramUpper(n: n, k: nr, a, lda: nr, beta: 1, acc[w], ldc: n)
            }
        }
        withExtendedLifetime(ref) {}
        // Sum the workers' upper triangles and mirror into the lower one.
        var g = [Complex64](repeating: .zero, count: n * n)
        for col in 0..<n {
            for row in 0...col {
                var s = Complex64.zero
                for a in acc { s += a[row + col * n] }
                g[row + col * n] = s
                g[col + row * n] = s.conjugate
            }
        }
        matrix = g
        flops = 4 * Double(rows) * Double(n) * Double(n)
    }

    /// Floating-point operations of the rank-k update (4·rows·n² for a complex Hermitian one).
    let flops: Double

    /// Weights W (sources·channels × channels, column-major) that predict every channel at the
    /// window centre from `sources` (window offset indices, all with columns here):
    /// (AᴴA + λ·‖AᴴA‖_F/n·I) W = AᴴB.
    func solve(sources: [Int], target: Int, lambda: Double, addFlops: (Double) -> Void) throws -> [Complex64] {
        let c = channels, n = sources.count * c, ld = size
        var h = [Complex64](repeating: .zero, count: n * n)
        var w = [Complex64](repeating: .zero, count: n * c)
        let cols = sources.flatMap { k in (0..<c).map { position[k] * c + $0 } }
        let targetBase = position[target] * c
        var energy = 0.0
        for (b, gb) in cols.enumerated() {
            for (a, ga) in cols.enumerated() {
                let v = matrix[ga + gb * ld]
                h[a + b * n] = v
                energy += Double(v.lengthSquared)
            }
        }
        for t in 0..<c { for (a, ga) in cols.enumerated() { w[a + t * n] = matrix[ga + (targetBase + t) * ld] } }
        guard energy > 0 else {
            throw ArrayError("grappa", "the calibration data is zero where the kernel reads it: no calibration possible")
        }
        let reg = Float(lambda * energy.squareRoot() / Double(n))
        for a in 0..<n { h[a + a * n].re += reg }
        let info = h.withUnsafeMutableBufferPointer { hp in
            w.withUnsafeMutableBufferPointer { wp -> Int in
                guard let hb = hp.baseAddress, let wb = wp.baseAddress else { return -1 }
                return ComplexBLAS.solveHermitianPositiveDefinite(n: n, nrhs: c, hb, ldh: n, wb, ldb: n)
            }
        }
        // Cholesky (8n³/3) plus two triangular solves per right-hand side (8n² each).
        addFlops(8 * Double(n) * Double(n) * Double(n) / 3 + 8 * Double(n) * Double(n) * Double(c))
        guard info == 0 else {
            throw ArrayError("grappa", "the calibration system for a pattern of \(sources.count) source points × \(c) channels is singular (LAPACK info \(info)); use lambda > 0 or more calibration lines")
        }
        return w
    }
}
