import Foundation
import NDArray

/// Settings shared by the sampling-mask generators: grid, acceleration, calibration block, seed.
public struct MaskOptions: Sendable, Hashable {
    /// Grid [E1] or [E1, E2].
    public var shape: [Int]
    /// Target acceleration: total points / acquired points (per axis for uniform and CAIPIRINHA).
    public var acceleration: [Double]
    /// Size of the fully sampled calibration (ACS) block per axis; 0 for none.
    public var calibration: [Int]
    /// Seed of the random generator (random and Poisson-disc masks; uniform: start offset).
    public var seed: UInt64?

    /// Options for a grid `shape`; a single acceleration or calibration size applies to every axis.
    public init(shape: [Int], acceleration: [Double], calibration: [Int], seed: UInt64? = nil) {
        self.shape = shape
        self.acceleration = acceleration
        self.calibration = calibration
        self.seed = seed
    }

    /// Checks sizes and factors; `operation` names the caller.
    func validate(_ operation: String, axes: ClosedRange<Int> = 1...2) throws {
        guard axes.contains(shape.count), shape.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }) else {
            let what = axes.lowerBound == 2 ? "[E1, E2]" : axes.upperBound == 2 ? "[E1] or [E1, E2]" : "[E1]"
            throw ArrayError(operation, "shape must be \(what) with sizes 1…65536, got \(Shape.text(shape))")
        }
        guard !acceleration.isEmpty, acceleration.count <= 2, acceleration.allSatisfy({ $0.isFinite && $0 >= 1 && $0 <= 1024 }) else {
            throw ArrayError(operation, "acceleration must be a factor ≥ 1 (or one per axis), got \(acceleration)")
        }
        guard calibration.count <= 2, calibration.allSatisfy({ $0 >= 0 }) else {
            throw ArrayError(operation, "calib must be a block size ≥ 0 (or one per axis), got \(Shape.text(calibration))")
        }
    }

    /// The calibration block size along `axis` (a single value applies to every axis, clipped to the grid).
    func calib(_ axis: Int) -> Int {
        let c = calibration.isEmpty ? 0 : calibration[min(axis, calibration.count - 1)]
        return min(c, shape[axis])
    }

    /// Range of the centred calibration block along `axis` (centre at n/2, like fullySampledCentre).
    func calibRange(_ axis: Int) -> Range<Int> {
        let n = shape[axis], c = calib(axis)
        let lo = n / 2 - c / 2
        return lo..<(lo + c)
    }
}

/// Generators of Cartesian sampling masks over [E1] or [E1, E2] (true = line acquired), the
/// retrospective-undersampling side of mask studies: equispaced with ACS and partial Fourier,
/// variable-density random, variable-density Poisson disc and 2-D CAIPIRINHA.
public enum Masks {
    /// A bool array of `shape` from flat values (E1 fastest).
    static func array(_ values: [Bool], shape: [Int]) throws -> NDArray {
        try NDArray(values, shape: shape)
    }

    /// Sets the calibration block to true.
    static func addCalibration(_ m: inout [Bool], _ o: MaskOptions) {
        let e1 = o.shape[0]
        let r1 = o.calibRange(0), r2 = o.shape.count > 1 ? o.calibRange(1) : 0..<1
        guard !r1.isEmpty, !r2.isEmpty else { return }
        for j in r2 { for i in r1 { m[i + e1 * j] = true } }
    }

    /// Equispaced lines every R (per axis) from `offset`, a calibration block, and partial Fourier:
    /// the first (1 − partialFourier)·E1 lines left out (the early side, as scanners do).
    public static func uniform(_ o: MaskOptions, partialFourier: Double = 1, offset: Int = 0) throws -> NDArray {
        try o.validate("mask_uniform")
        guard partialFourier.isFinite, partialFourier >= 0.5, partialFourier <= 1 else {
            throw ArrayError("mask_uniform", "partial_fourier must be between 0.5 and 1, got \(partialFourier)")
        }
        let r = (0..<o.shape.count).map { a -> Int in Int(o.acceleration[min(a, o.acceleration.count - 1)].rounded()) }
        // With one factor on a 2-D grid only E1 is undersampled (the usual single-axis case).
        let r2 = o.shape.count > 1 ? (o.acceleration.count > 1 ? r[1] : 1) : 1
        let e1 = o.shape[0], e2 = o.shape.count > 1 ? o.shape[1] : 1
        var m = [Bool](repeating: false, count: e1 * e2)
        let start = offset
        for j in 0..<e2 where j % r2 == 0 {
            for i in 0..<e1 where ((i - start) % r[0] + r[0]) % r[0] == 0 { m[i + e1 * j] = true }
        }
        addCalibration(&m, o)
        let cut = Int((Double(e1) * (1 - partialFourier)).rounded())
        for j in 0..<e2 { for i in 0..<cut { m[i + e1 * j] = false } }
        return try array(m, shape: o.shape)
    }

    /// Normalised distance of grid point (i, j) from the k-space centre: 1 at the edge of each axis.
    static func radius(_ i: Int, _ j: Int, _ shape: [Int]) -> Double {
        let d1 = Double(i - shape[0] / 2) / Double(max(1, shape[0] / 2))
        guard shape.count > 1, shape[1] > 1 else { return abs(d1) }
        let d2 = Double(j - shape[1] / 2) / Double(max(1, shape[1] / 2))
        return (d1 * d1 + d2 * d2).squareRoot()
    }

    /// Variable-density random lines (1-D) or points (2-D): the calibration block, then exactly
    /// as many more points as the acceleration asks, drawn without replacement with probability
    /// ∝ (1 − r/√D)^power (r the normalised distance from the centre; power 0 = uniform random).
    public static func random(_ o: MaskOptions, power: Double = 2) throws -> NDArray {
        try o.validate("mask_random")
        guard power.isFinite, power >= 0 else { throw ArrayError("mask_random", "density power must be ≥ 0, got \(power)") }
        let total = o.shape.reduce(1, *), e1 = o.shape[0]
        let target = max(1, Int((Double(total) / o.acceleration[0]).rounded()))
        var m = [Bool](repeating: false, count: total)
        addCalibration(&m, o)
        var have = m.reduce(0) { $0 + ($1 ? 1 : 0) }
        var rng = RandomSource(seed: o.seed ?? 0)
        let reach = o.shape.count > 1 && o.shape[1] > 1 ? 2.0.squareRoot() : 1.0
        // Efraimidis–Spirakis: the k largest keys u^(1/w) are a weighted sample without replacement.
        var keys: [(Double, Int)] = []
        keys.reserveCapacity(total)
        for p in 0..<total where !m[p] {
            let w = max(1e-6, pow(max(0, 1 - radius(p % e1, p / e1, o.shape) / reach), power))
            keys.append((log(max(rng.uniform(), 1e-300)) / w, p))
        }
        keys.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        for (_, p) in keys where have < target { m[p] = true; have += 1 }
        return try array(m, shape: o.shape)
    }

    /// Variable-density Poisson-disc points over [E1, E2]: points visited in random order and
    /// kept when no kept point lies closer than r(p) = r0·(1 + vd·ρ) grid steps (ρ the normalised
    /// distance from the centre), so any two kept points are at least min(r(p), r(q)) apart;
    /// r0 is found by bisection to reach the acceleration, then the calibration block is added.
    public static func poisson(_ o: MaskOptions, variableDensity: Double = 1) throws -> NDArray {
        try poissonDisc(o, variableDensity: variableDensity).mask
    }

    /// `poisson` with the base radius r0 it settled on (for checking distances).
    public static func poissonDisc(_ o: MaskOptions, variableDensity: Double = 1) throws -> (mask: NDArray, r0: Double) {
        try o.validate("mask_poisson", axes: 2...2)
        guard variableDensity.isFinite, variableDensity >= 0, variableDensity <= 100 else {
            throw ArrayError("mask_poisson", "vd must be between 0 and 100, got \(variableDensity)")
        }
        let total = o.shape.reduce(1, *)
        let target = max(1, Int((Double(total) / o.acceleration[0]).rounded()))
        var rng = RandomSource(seed: o.seed ?? 0)
        var order = Array(0..<total)
        for i in stride(from: total - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        func count(_ m: [Bool]) -> Int { m.reduce(0) { $0 + ($1 ? 1 : 0) } }
        func withCalibration(_ r0: Double) throws -> [Bool] {
            var m = try disc(o.shape, order: order, r0: r0, vd: variableDensity)
            addCalibration(&m, o)
            return m
        }
        // The count falls as r0 grows; bisect on r0 for the acquired count closest to the target.
        var lo = 0.5, hi = 1.0
        while try count(withCalibration(hi)) > target && hi < 1e4 { lo = hi; hi *= 2 }
        var best = try withCalibration(hi), bestR = hi
        for _ in 0..<30 {
            let mid = (lo + hi) / 2
            let m = try withCalibration(mid)
            let c = count(m)
            if abs(c - target) < abs(count(best) - target) { best = m; bestR = mid }
            if c > target { lo = mid } else { hi = mid }
            if c == target || hi - lo < 1e-4 { break }
        }
        return (try array(best, shape: o.shape), bestR)
    }

    /// The minimum distance a Poisson-disc point at (i, j) keeps from earlier points.
    public static func discRadius(_ i: Int, _ j: Int, shape: [Int], r0: Double, vd: Double) -> Double {
        r0 * (1 + vd * radius(i, j, shape))
    }

    /// One dart-throwing pass: points in `order`, each kept when no kept point is within its radius.
    /// The neighbourhood scanned is clipped to the grid: a high acceleration asks for radii far
    /// larger than the grid, and scanning them whole took minutes (without seeing Ctrl-C).
    static func disc(_ shape: [Int], order: [Int], r0: Double, vd: Double) throws -> [Bool] {
        let e1 = shape[0], e2 = shape[1]
        var m = [Bool](repeating: false, count: e1 * e2)
        for p in order {
            try Interrupt.check()
            let i = p % e1, j = p / e1
            let r = discRadius(i, j, shape: shape, r0: r0, vd: vd)
            let w = Int(min(r.rounded(.up), Double(max(e1, e2))))
            var free = true
            scan: for dj in max(-w, -j)...min(w, e2 - 1 - j) {
                let jj = j + dj
                for di in max(-w, -i)...min(w, e1 - 1 - i) {
                    let ii = i + di
                    if !m[ii + e1 * jj] { continue }
                    if Double(di * di + dj * dj) < r * r { free = false; break scan }
                }
            }
            if free { m[p] = true }
        }
        return m
    }

    /// 2-D CAIPIRINHA: every R2-th partition acquired, in it every R1-th line, each acquired
    /// partition's lines moved by `shift` more than the previous one's (shift 0 = regular R1 × R2);
    /// plus the calibration block.
    public static func caipi(_ o: MaskOptions, shift: Int) throws -> NDArray {
        try o.validate("mask_caipi", axes: 2...2)
        let r1 = Int(o.acceleration[0].rounded()), r2 = Int((o.acceleration.count > 1 ? o.acceleration[1] : 1).rounded())
        guard shift >= 0 else { throw ArrayError("mask_caipi", "shift must be ≥ 0, got \(shift)") }
        let e1 = o.shape[0], e2 = o.shape[1]
        var m = [Bool](repeating: false, count: e1 * e2)
        for j in 0..<e2 where j % r2 == 0 {
            // Reduced before multiplying: any shift ≥ 0 is allowed, and shift × partition could overflow.
            let s = ((shift % r1) * ((j / r2) % r1)) % r1
            for i in 0..<e1 where ((i - s) % r1 + r1) % r1 == 0 { m[i + e1 * j] = true }
        }
        addCalibration(&m, o)
        return try array(m, shape: o.shape)
    }

    /// Acceleration (points / acquired) and the calibration block of a mask [E1] or [E1, E2].
    public static func describe(_ mask: NDArray) throws -> (acceleration: Double, acquired: Int, calibration: [Int]) {
        let s = try SamplingMask(mask)
        let acquired = s.acquiredCount
        let box = s.fullySampledCentre()
        let calib = box.map { mask.rank == 1 ? [$0.e1.count] : [$0.e1.count, $0.e2.count] } ?? Array(repeating: 0, count: mask.rank)
        return (acquired > 0 ? Double(s.e1 * s.e2) / Double(acquired) : .infinity, acquired, calib)
    }
}

extension Masks {
    /// Retrospective undersampling: a complex64 copy of k-space [RO, E1, …] with every line
    /// (E1) or line (E1, E2) where `mask` [E1] or [E1, E2] is false set to zero, in every readout
    /// point, channel and trailing index (N, S, SLC).
    public static func undersample(_ data: NDArray, mask: NDArray) throws -> NDArray {
        let op = "undersample"
        guard mask.rank == 1 || mask.rank == 2 else {
            throw ArrayError(op, "mask must be [E1] or [E1, E2], got shape \(Shape.text(mask.shape))")
        }
        let lines = Array(data.shape.dropFirst().prefix(mask.rank))
        guard data.rank >= mask.rank + 2, lines == mask.shape else {
            throw ArrayError(op, "mask \(Shape.text(mask.shape)) does not match the [E1\(mask.rank == 2 ? ", E2" : "")] axes of k-space \(Shape.text(data.shape)) (axes 1\(mask.rank == 2 ? " and 2" : ""), after the readout)")
        }
        let keep = try mask.astype(.float64, operation: op).toArray(Double.self).map { $0 != 0 }
        let out = try data.astype(.complex64, operation: op).contiguous().copy()
        let ro = data.shape[0], period = keep.count
        let p = out.basePointer(as: Complex64.self)
        let rows = out.count / ro
        for row in 0..<rows where !keep[row % period] { (p + row * ro).update(repeating: .zero, count: ro) }
        return out
    }
}
